// pinpages app — the command-line subcommands besides the GUI.
//
//   pinpages [gui] [--frames N] [--smoke] [--screenshot F]   → the window (main.cpp)
//   pinpages run   ...  → cmd_run    step a lesson on the model, print steps / JSON
//   pinpages check ...  → cmd_check  verify lessons and their //@ annotations
//   pinpages real  ...  → cmd_real   run a lesson for real (mlock needs CAP_IPC_LOCK)
//
// Each receives only its own arguments (argv after the subcommand name, untouched,
// so `pinpages run --help` reaches cmd_run) and returns the process exit status.
#pragma once

#include <string>
#include <vector>

namespace pp::app {

int cmd_run(const std::vector<std::string>& args);
int cmd_check(const std::vector<std::string>& args);
int cmd_real(const std::vector<std::string>& args);

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

// Parses argv and dispatches (cli.cpp); main() is only this.
int main_cli(int argc, char** argv);

}  // namespace pp::app
