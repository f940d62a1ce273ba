// pinpages web entry: the same Platform and frame() as the desktop, driven by the
// browser's animation frames. The page (web/) talks to this file through
//   Module.onFirstFrame()  called once the first frame (chrome, no lesson yet) is drawn
//   Module.onReady()       called once the default lesson ran and a frame of it is drawn
//   Module.onFatal(msg)    called when start-up fails (shown on the page)
//   _pp_frame_count()      frames rendered so far (window.pinpages.frameCount())
//   _pp_reload_location()  re-read ?lesson=…#step=… after a hashchange
//   _pp_redraw(n)          draw at least n more frames (window.pinpages.redraw; the page
//                          otherwise draws only while something changes)
//   Module.onMark(name)    start-up milestones (window.pinpages.timing.marks, bench.mjs)
#include <emscripten.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "app/platform.h"
#include "app/start_options.h"

namespace {

pp::app::Platform g_platform;
std::unique_ptr<pp::ui::AppUi> g_ui;

// Start-up milestones for the page's timing breakdown.
void mark(const char* what) {
  EM_ASM({ if (Module['onMark']) Module['onMark'](UTF8ToString($0)); }, what);
}

// The link's keys and values, decoded by the page (window.pinpages.linkParams()).
std::map<std::string, std::string> link_params() {
  const char* s = emscripten_run_script_string(
      "window.pinpages && window.pinpages.linkParamsJson ? window.pinpages.linkParamsJson() : '{}'");
  std::map<std::string, std::string> out;
  // Parsed without exceptions (this build has none): a malformed text gives no keys.
  nlohmann::json j = nlohmann::json::parse(s ? s : "{}", nullptr, false);
  if (j.is_object())
    for (const auto& [k, v] : j.items())
      if (v.is_string()) out[k] = v.get<std::string>();
  return out;
}

pp::ui::StartOptions read_location() {
  auto opt = pp::app::start_options(link_params());
  // A key press is a user gesture, so the browser allows full screen from the next frame.
  opt.fullscreen = [](bool on) {
    EM_ASM({
      const d = document;
      if ($0 && !d.fullscreenElement && d.documentElement.requestFullscreen)
        d.documentElement.requestFullscreen().catch(() => {});
      else if (!$0 && d.fullscreenElement) d.exitFullscreen().catch(() => {});
    }, on ? 1 : 0);
  };
  return opt;
}

// The first frame shows the page's windows, empty, with "Running the lesson…" where the
// figure will be; the default lesson runs in the next animation frame, after the browser
// has put that frame on screen, and the page counts as ready once a frame of it is drawn.
void tick() {
  static bool lesson_ran = false;
  const bool run_lesson = !lesson_ran && g_platform.frames >= 1;
  if (run_lesson) {
    lesson_ran = true;
    g_ui->start(read_location());
    pp::app::wake(g_platform);
    mark("lesson");
  }
  pp::app::frame(g_platform);
  if (g_platform.frames == 1) {
    mark("first frame");
    EM_ASM({ if (Module['onFirstFrame']) Module['onFirstFrame'](); });
  }
  if (run_lesson) {
    mark("ready");
    EM_ASM({ if (Module['onReady']) Module['onReady'](); });
  }
}

}  // namespace

extern "C" {
EMSCRIPTEN_KEEPALIVE long pp_frame_count() { return g_platform.frames; }
EMSCRIPTEN_KEEPALIVE void pp_reload_location() {
  if (g_ui) g_ui->start(read_location());
  pp::app::wake(g_platform);
}
EMSCRIPTEN_KEEPALIVE void pp_redraw(int n) {
  pp::app::wake(g_platform, std::min(n, 1 << 20));
}
}

int main() {
  mark("main");
  g_platform.mark = mark;
  g_platform.lazy = true;
  std::string err;
  if (!pp::app::init(g_platform, pp::app::PlatformOptions{}, err)) {
    EM_ASM({ if (Module['onFatal']) Module['onFatal'](UTF8ToString($0)); }, err.c_str());
    return 1;
  }
  mark("platform");
  g_ui = std::make_unique<pp::ui::AppUi>();
  g_platform.ui = g_ui.get();
  g_ui->setup();
  mark("ui");
  // The first frame now, not at the next animation frame: nothing is on the canvas yet,
  // so there is nothing to pace it against (~8 ms sooner, tests/web/bench.mjs).
  tick();
  // fps 0 = requestAnimationFrame; true = main never returns, so globals stay alive.
  emscripten_set_main_loop(tick, 0, true);
  return 0;
}
