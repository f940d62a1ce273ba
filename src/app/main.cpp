// pinpages native entry: the desktop window and the command line.
#include <cstdio>
#include <memory>

#include <SDL.h>

#include "app/commands.h"
#include "app/platform.h"

namespace pp::app {

int run_gui(const GuiOptions& opt) {
  Platform p;
  pp::ui::StartOptions so;
  so.lesson = opt.lesson;
  so.step = opt.step;
  so.os = opt.os;
  so.zoom = opt.zoom;
  so.fullscreen = [&p](bool on) {
    if (p.window) SDL_SetWindowFullscreen(p.window, on ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
  };
  std::string err;
  if (!init(p, PlatformOptions{}, err)) {
    std::fprintf(stderr, "pinpages: %s\n", err.c_str());
    shutdown(p);
    return 2;
  }
  // Created after ImGui exists and destroyed before it goes away.
  auto ui = std::make_unique<pp::ui::AppUi>();
  p.ui = ui.get();
  ui->start(so);

  // The smoke run renders enough frames for ImGui to settle its layout (the first
  // frames of a window measure their contents before drawing them).
  long frames = opt.smoke ? (opt.frames > 0 ? opt.frames : 5) : opt.frames;
  while (!p.quit && (frames < 0 || p.frames < frames)) {
    if (!opt.screenshot.empty() && frames > 0 && p.frames == frames - 1) p.screenshot_path = opt.screenshot;
    frame(p);
  }
  if (!opt.screenshot.empty() && frames < 0) {
    std::fprintf(stderr, "pinpages: --screenshot needs --frames N or --smoke\n");
  }
  int rc = 0;
  if (!p.screenshot_error.empty()) {
    std::fprintf(stderr, "pinpages: screenshot: %s\n", p.screenshot_error.c_str());
    rc = 1;
  }
  if (opt.smoke) {
    bool ok = p.frames > 0 && p.last_vertices > 0;
    std::printf("smoke %s: %ld frames, %ld vertices in the last one, GL renderer \"%s\"\n",
                ok ? "ok" : "FAILED", p.frames, p.last_vertices, p.gl_renderer.c_str());
    if (!ok) rc = 1;
  }
  p.ui = nullptr;
  ui.reset();
  shutdown(p);
  return rc;
}

}  // namespace pp::app

int main(int argc, char** argv) { return pp::app::main_cli(argc, argv); }
