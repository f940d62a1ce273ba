// pinpages UI — the whole teaching interface as one object the platform glue drives.
//
// The boundary between src/app (SDL2 window, GL context, ImGui backends, main loop,
// native or emscripten_set_main_loop) and src/ui (the windows): the platform code knows
// nothing of the windows but this object.
//
//   platform loop ──► ImGui NewFrame ──► AppUi::frame() ──► ImGui Render
//                      (src/app)            (src/ui, one file per window)
#pragma once

#include <functional>
#include <string>

namespace pp::ui {

struct FrameInfo {
  int width = 0, height = 0;   // logical window size
  float dpi_scale = 1.0f;      // devicePixelRatio / display scale
  bool web = false;
  double time_s = 0;
};

struct StartOptions {
  std::string lesson;   // id or path; "" = first lesson
  int step = 0;
  std::string os;       // "linux" / "qnx" / ""
  float zoom = 1.0f;
  bool embed = false;   // hide chrome (?embed=1)
  bool has_program = false;
  std::string program;  // sandbox links: the sandbox's lines, '\n'-separated (&prog=)
  // Asks the platform for a full-screen window (F / "Figure only"); empty = not offered.
  std::function<void(bool on)> fullscreen;
};

class AppUi {
 public:
  AppUi();
  ~AppUi();
  AppUi(const AppUi&) = delete;
  AppUi& operator=(const AppUi&) = delete;

  // Fonts, style and the page hooks: what the first frame needs. start() calls it too;
  // the page calls it alone so its first frame shows while the lesson still runs.
  void setup();
  void start(const StartOptions& opt);
  // Call between ImGui::NewFrame() and ImGui::Render().
  void frame(const FrameInfo& info);
  // Call between frames, before ImGui::NewFrame(): adds the fonts the UI now needs and the
  // first frame did without (presenter mode's). True when the atlas changed: the renderer
  // must then upload its texture again before the next frame.
  bool add_wanted_fonts();
  bool wants_quit() const;
  // For the desktop tests (PINPAGES_SCRIPT): a program run is under way, and
  // {"state": window.pinpages.state()'s object, "editor": the editor window's text and errors}.
  bool busy() const;
  // Something on screen may change without an input event: a program or Play is running,
  // the kernel runs in the background, a text field blinks its cursor, or the page called
  // a hook since the last call. The web page draws only then and after input.
  bool wants_frame();
  std::string test_state_json();

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace pp::ui
