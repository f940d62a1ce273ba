// pinpages app — subcommands. `run` and `check` are the lesson engine's
// (src/engine/cli.cpp); `real` belongs to real mode (cmd_real_impl, src/real).
#include "app/commands.h"

#include "engine/cli.h"

#if defined(__linux__) && __has_include("real/real_cmd.h")
#include "real/real_cmd.h"
#define PP_APP_HAVE_REAL 1
#else
#include <cstdio>
#endif

namespace pp::app {

int cmd_run(const std::vector<std::string>& args) { return pp::lesson_run_command(args); }
int cmd_check(const std::vector<std::string>& args) { return pp::lesson_check_command(args); }

#ifdef PP_APP_HAVE_REAL
int cmd_real(const std::vector<std::string>& args) { return cmd_real_impl(args); }
#else
int cmd_real(const std::vector<std::string>&) {
  std::fprintf(stderr, "pinpages real: not available in this build\n");
  return 2;
}
#endif

}  // namespace pp::app
