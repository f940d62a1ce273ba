// History-memory benchmark (issue 4): the tutorial's lesson 1 at full scale
// (500 records × 1,024,144 bytes ≈ 125,000 pages).
//
//   1. lessons/01-mlockall.c as written: total run time, slowest step.
//   2. the same program stepped at full resolution (no `//@ step once`, and every
//      record memset, so each of the 1,000+ steps changes page tables): run time,
//      slowest step, and the memory of 1,000 steps of history = distinct model chunks
//      (Machine::collect_chunks over every snapshot) + the per-step records.
// Target: ≤ 64 MB for 1,000 steps. Prints numbers; exits 1 if over the target.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "engine/run.h"

namespace {

std::size_t step_bytes(const pp::Step& s) {
  std::size_t b = sizeof(pp::Step) + s.source.capacity() + s.call.capacity() + s.say.capacity() +
                  s.output.capacity() + s.figure_caption.capacity() + s.events.capacity() * sizeof(pp::Event);
  for (const pp::ProcReport& p : s.procs) {
    b += sizeof(pp::ProcReport);
    for (const pp::SmapsEntry& r : p.regions) b += sizeof(r) + r.perms.capacity() + r.name.capacity() + r.vmflags.capacity();
    for (const pp::ObjectReport& o : p.objects) b += sizeof(o) + o.name.capacity();
  }
  return b;
}

void report(const char* what, const pp::Trace& t, double ms, std::size_t max_steps, bool* over) {
  double slow = 0;
  int slow_i = -1;
  for (const pp::Step& s : t.steps) if (s.wall_us > slow) { slow = s.wall_us; slow_i = s.index; }
  std::printf("%s: %zu steps, total %.1f ms, slowest step #%d (line %d) %.1f ms\n", what, t.steps.size(), ms, slow_i,
              slow_i >= 0 ? t.steps[slow_i].line : 0, slow / 1000.0);
  std::vector<const void*> seen;
  std::size_t chunk_bytes = 0, records = 0, n = 0;
  for (const pp::Step& s : t.steps) {
    if (n++ >= max_steps) break;
    if (s.machine) s.machine->collect_chunks(seen, chunk_bytes);
    records += step_bytes(s);
  }
  double mb = (chunk_bytes + records) / 1048576.0;
  std::printf("  history of %zu steps: model chunks %.1f MB (%zu distinct) + step records %.1f MB = %.1f MB\n", n,
              chunk_bytes / 1048576.0, seen.size(), records / 1048576.0, mb);
  if (n >= 1000 && mb > 64.0) *over = true;
  for (const auto& e : t.errors) std::printf("  error: %s", e.format().c_str());
  for (const auto& f : t.expect_failures) std::printf("  expect failed: %s\n", f.c_str());
}

std::string slurp(const std::string& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

int main(int argc, char** argv) {
  std::string lesson = argc > 1 ? argv[1] : PP_LESSON1;
  std::string full = argc > 2 ? argv[2] : PP_FULLRES;
  bool over = false;
  pp::RunOptions o;
  o.max_steps = 5000;
  for (int pass = 0; pass < 2; pass++) {
    std::string path = pass == 0 ? lesson : full;
    std::string text = slurp(path);
    if (text.empty()) { std::printf("cannot read %s\n", path.c_str()); return 2; }
    if (pass == 1) {
      // Full resolution: drop every `//@ step once` so each statement is a step.
      for (size_t p; (p = text.find("//@ step once")) != std::string::npos;) text.replace(p, 13, "//           ");
    }
    auto t0 = std::chrono::steady_clock::now();
    pp::Trace t = pp::run_lesson(path, text, o);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    report(pass == 0 ? "lesson 1 as written" : "lesson 1, every statement a step", t, ms, 1000, &over);
  }
  std::printf(over ? "OVER the 64 MB target\n" : "within the 64 MB target\n");
  return over ? 1 : 0;
}
