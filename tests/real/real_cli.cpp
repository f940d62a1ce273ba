// Stand-in for `pinpages real ...` until the CLI is wired: same entry point.
#include <string>
#include <vector>

#include "real/real_cmd.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return cmd_real_impl(args);
}
