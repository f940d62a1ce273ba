// pinpages app — the command line (native). cli.cpp parses it with CLI11 and calls:
//
//   pinpages [gui] [--frames N] [--smoke] [--screenshot F] …  → run_gui (gui.cpp)
//   pinpages run LESSON [options] [-- ARGS]  → lesson_run_command   (engine/cli.h)
//   pinpages check LESSON... [options]       → lesson_check_command (engine/cli.h)
//   pinpages real …                          → cmd_real (real_cmd.cpp, Linux)
//
// Every function returns the process exit status; bad arguments exit 2 with one line.
#pragma once

#include <string>

#include "core/os.h"

namespace pp::app {

// The GUI entry, shared by `pinpages` and `pinpages gui`.
struct GuiOptions {
  long frames = -1;          // render this many frames then exit 0 (-1 = until closed)
  bool smoke = false;        // a few frames + checks that something was drawn
  std::string screenshot;    // PNG of the last frame rendered
  std::string lesson, os;    // same meaning as the web page's ?lesson=&os=
  int step = 0;
  float zoom = 1.0f;
};
int run_gui(const GuiOptions& opt);

// `pinpages real`: run a lesson for real on this kernel (src/runner) and compare it
// with the model, or measure latency.
struct RealCommand {
  std::string lesson;       // a path or a built-in lesson (engine/lesson_source.h)
  bool json = false;        // the `pinpages run --json` schema, filled from the kernel
  bool force = false;       // allow locking more than half of MemAvailable
  bool compare = true;      // --no-compare turns the model comparison off
  bool keep_root = false;   // under sudo, keep root (to read /proc/kpageflags)
  bool all = false;         // every built-in lesson, one agreement line each
  std::string record;       // write the kernel's run as a recording here
  bool latency = false;     // the latency experiment (alone, or into the recording)
  u64 records = 0, bytes = 0;  // its size (0: the tutorial's 500 × 1,024,144 bytes)
};
int cmd_real(const RealCommand& c);

// Parses argv and dispatches; main() is only this.
int main_cli(int argc, char** argv);

}  // namespace pp::app
