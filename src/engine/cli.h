// pinpages engine — what `pinpages run` and `pinpages check` do once their command line
// is parsed (src/app/cli.cpp, CLI11): run lessons, print them, say what failed.
#pragma once

#include <string>
#include <vector>

#include "engine/run.h"

namespace pp {

// pinpages run LESSON: every step as text (print_step) or as one JSON line each
// (step_json); diagnostics on stderr. Exit status: 0, or 1 when the lesson has errors.
int lesson_run_command(const std::string& lesson, RunOptions opt, bool json);
// pinpages check LESSON...: every OS each lesson is written for (or opt.os); exits 1 at
// the first lesson that fails its //@ expectations.
int lesson_check_command(const std::vector<std::string>& lessons, const RunOptions& opt);

}  // namespace pp
