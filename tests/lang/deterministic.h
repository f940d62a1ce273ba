// Engine runs in the interpreter's tests stop by step and instruction counts, never by
// the host's clock: a test must give the same answer on a loaded machine and under the
// sanitizers, which run the interpreter many times slower. (The wall-clock stop has its
// own tests in tests/engine.)
#pragma once

#include <string>

#include "engine/run.h"

namespace pp_test {

inline pp::RunOptions deterministic(pp::RunOptions o = {}) {
  o.max_seconds = 0;
  return o;
}

inline pp::Trace run_lesson(const std::string& file, const std::string& text,
                            const pp::RunOptions& o = deterministic()) {
  return pp::run_lesson(file, text, o);
}

inline pp::Trace run_lesson_file(const std::string& path, const pp::RunOptions& o = deterministic()) {
  return pp::run_lesson_file(path, o);
}

}  // namespace pp_test
