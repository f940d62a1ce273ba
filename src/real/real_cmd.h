// pinpages real mode — `pinpages real LESSON [--json] [--force]` and
// `pinpages real --latency [--records N] [--bytes B] [--force]`.
//
// The CLI (src/app/cli.cpp) passes the arguments after "real"; the return value is
// the process exit code. Defined in src/app/real_cmd.cpp, compiled into pp_real
// when the interpreter (pp_lang) exists; until then real_cmd_stub.cpp says so.
// Global namespace on purpose: it is the CLI's entry point, like cmd_run.
#pragma once

#include <string>
#include <vector>

int cmd_real_impl(const std::vector<std::string>& args);
