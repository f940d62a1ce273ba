// pinpages app — the platform glue shared by the desktop and the web entry points.
//
//   main.cpp (native loop) ─┐
//                           ├─► Platform: SDL2 window + GL context + ImGui backends
//   main_web.cpp (browser) ─┘        │
//                                    └─► frame(): events → NewFrame → AppUi::frame → Render
//
// Only this folder touches SDL, GL and the ImGui backends; src/ui sees ImGui alone.
#pragma once

#include <functional>
#include <string>

#include "ui/app_ui.h"

struct SDL_Window;

namespace pp::app {

struct PlatformOptions {
  int width = 1280, height = 800;  // logical size of the initial window (desktop)
  bool hidden = false;             // never map the window (not used by tests: Xvfb is real)
};

struct Platform {
  SDL_Window* window = nullptr;
  void* gl_context = nullptr;
  float dpi_scale = 1.0f;      // logical → device pixels (devicePixelRatio on the web)
  bool web = false;
  bool quit = false;
  // Draw only when something may have changed (input, AppUi::wants_frame(), wake()) and
  // for a few frames after, else keep the last frame on screen. The page does: with
  // software GL an idle page redrawn 60 times a second kept both CPUs of a 2-core
  // machine 95% busy; a phone's battery pays the same. The desktop draws every frame.
  bool lazy = false;
  int redraw_left = 0;         // frames still to draw before idling (lazy only)
  bool skipped = false;        // the last frame was skipped (its DeltaTime is not real)
  long frames = 0;             // frames rendered so far
  long last_vertices = 0;      // ImGui vertices in the last frame (smoke check)
  std::string gl_renderer;     // GL_RENDERER, for --smoke / bug reports
  pp::ui::AppUi* ui = nullptr;
  std::string screenshot_path;  // when set, the next frame is saved as PNG before swapping
  std::string screenshot_error; // empty when the last screenshot succeeded
  // Start-up milestones inside the first frame ("fonts": atlas rasterized, "gl": shaders
  // compiled and atlas uploaded), for the page's timing breakdown; empty = not reported.
  std::function<void(const char*)> mark;
};

// Opens the window, creates the GL context (3.3 core / WebGL2), initializes ImGui with
// the DejaVu fonts at the display's scale. Returns false with a readable message.
bool init(Platform& p, const PlatformOptions& opt, std::string& error);

// One iteration of the main loop, identical natively and in the browser.
void frame(Platform& p);

// ImGui lays a window out in the frame after it measured it, and hover is found one frame
// late: a change is on screen for certain a few frames after it happened.
constexpr int kSettleFrames = 10;

// Draw at least `frames` more frames (lazy platforms): after a change the platform cannot
// see (a lesson opened from the URL) or when the page asks (window.pinpages.redraw).
void wake(Platform& p, int frames = kSettleFrames);

void shutdown(Platform& p);

// Writes the current back buffer as PNG (native only; the web page screenshots itself).
bool save_framebuffer_png(const std::string& path, int width, int height, std::string& error);

}  // namespace pp::app
