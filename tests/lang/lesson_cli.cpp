// A tiny driver for `pinpages run` / `pinpages check` that needs no GUI libraries
// (the pinpages executable is only built with the UI): tests call it.
#include <string>
#include <vector>

#include "engine/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return 2;
  std::string sub = args[0];
  args.erase(args.begin());
  if (sub == "run") return pp::lesson_run_command(args);
  if (sub == "check") return pp::lesson_check_command(args);
  return 2;
}
