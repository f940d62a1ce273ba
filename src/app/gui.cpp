// pinpages desktop window: `pinpages` / `pinpages gui` (the command line: cli.cpp).
#include <cstdio>
#include <memory>

#include <SDL.h>
#include <grp.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "app/commands.h"
#include "app/platform.h"
#include "app/script.h"
#include "real/sudo_user.h"

namespace pp::app {

namespace {
// Under sudo the window has no reason to stay root: become the invoking user and keep
// only CAP_IPC_LOCK, ambient, so the real-mode lab this process starts later can still
// lock memory. Called after the window exists (the X connection was made as root).
// PINPAGES_KEEP_ROOT=1 keeps root: only root can read /proc/kpageflags, which real mode
// needs to see pages a forked child shares with a locking parent.
void drop_gui_root() {
  std::optional<real::SudoUser> su = real::sudo_user();
  if (geteuid() != 0 || !su || std::getenv("PINPAGES_KEEP_ROOT")) return;
  const int u = static_cast<int>(su->uid);
  if (!real::become_user(*su, true)) {
    std::fprintf(stderr, "pinpages: staying root: could not switch to uid %d (%s)\n", u, std::strerror(errno));
    return;
  }
  __user_cap_header_struct h{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct d[2]{};
  d[0].effective = d[0].permitted = d[0].inheritable = 1u << CAP_IPC_LOCK;
  bool capped = syscall(SYS_capset, &h, d) == 0 &&
                prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_IPC_LOCK, 0, 0) == 0;
  std::fprintf(stderr, "pinpages: sudo: the window runs as uid %d%s\n", u,
               capped ? " with CAP_IPC_LOCK only" : " without CAP_IPC_LOCK (real mode will explain)");
}
}  // namespace

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
  drop_gui_root();
  // Created after ImGui exists and destroyed before it goes away.
  auto ui = std::make_unique<pp::ui::AppUi>();
  p.ui = ui.get();
  ui->start(so);

  // The smoke run renders enough frames for ImGui to settle its layout (the first
  // frames of a window measure their contents before drawing them).
  long frames = opt.smoke ? (opt.frames > 0 ? opt.frames : 5) : opt.frames;
  // The desktop tests' keyboard (script.h): the window runs until the script ends.
  Script script;
  const char* script_path = std::getenv("PINPAGES_SCRIPT");
  if (script_path && *script_path && !script.load(script_path, err)) p.quit = true;
  bool script_ok = err.empty();
  while (!p.quit && (frames < 0 || p.frames < frames)) {
    if (!opt.screenshot.empty() && frames > 0 && p.frames == frames - 1) p.screenshot_path = opt.screenshot;
    if (script_path && *script_path && !script.before_frame(p)) {
      err = script.error();
      script_ok = false;
      break;
    }
    frame(p);
  }
  if (!script_ok) {
    std::fprintf(stderr, "pinpages: %s\n", err.c_str());
    p.ui = nullptr;
    ui.reset();
    shutdown(p);
    return 3;
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
