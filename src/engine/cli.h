// pinpages engine — the `pinpages run` and `pinpages check` subcommands (native CLI;
// src/app/commands.cpp forwards to these so tests can drive them without the GUI).
#pragma once

#include <string>
#include <vector>

namespace pp {

// pinpages run LESSON [--json] [--os linux|qnx] [--ram SIZE] [--swap SIZE] [--max-steps N]
int lesson_run_command(const std::vector<std::string>& args);
// pinpages check LESSON... : exits non-zero at the first lesson that fails.
int lesson_check_command(const std::vector<std::string>& args);

}  // namespace pp
