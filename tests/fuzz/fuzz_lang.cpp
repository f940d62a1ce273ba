// libFuzzer target: lexer + preprocessor + parser + compiler + VM + engine, on the model,
// with small step/instruction limits so every input finishes quickly. Any crash, hang,
// sanitizer report or uncaught exception is a bug: bad lessons must only produce
// Diagnostics.
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/run.h"

namespace pp {
// The fuzz build does not embed lessons/*.c.
const std::vector<BuiltinLesson>& builtin_lessons() {
  static const std::vector<BuiltinLesson> none;
  return none;
}
}  // namespace pp

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  pp::RunOptions o;
  o.max_steps = 200;
  o.max_instructions = 200000;
  o.max_seconds = 0;  // instruction and step counts bound a run: an input reproduces on any machine
  o.ram_bytes = 64ull << 20;
  o.swap_bytes = 16ull << 20;
  pp::Trace t = pp::run_lesson("fuzz.c", text, o);
  for (const pp::Step& s : t.steps) (void)pp::step_json(t, s);
  for (const pp::Diagnostic& d : t.errors) (void)d.format();
  return 0;
}
