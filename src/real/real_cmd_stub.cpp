// `pinpages real` while the interpreter (pp_lang: run_lesson_on) is not built:
// the latency measurement works, running a lesson says why it cannot.
#include <cstdio>
#include <string>

#include "real/latency.h"
#include "real/real_cmd.h"

int cmd_real_impl(const std::vector<std::string>& args) {
  for (const auto& a : args)
    if (a == "--latency") return pp::real::cmd_latency(args);
  std::fprintf(stderr,
               "pinpages real: this build has no lesson interpreter (pp_lang), so lessons cannot "
               "run for real yet; `pinpages real --latency` works.\n");
  return 2;
}
