// bench_history — the engine's cost table: every row measured here in one run, each
// with its budget and OVER/within, and the machine's load (numbers move under load).
//
//   row 1  `p = malloc(16);` in a loop, every call a step, stopped by --max-steps 20,000:
//          run + read every step back (as `pinpages run` prints them). ≤ 3 s, ≤ 128 MB.
//   row 2  bench_core's program at ×10 (5,000 records of 1,024,144 bytes, 10,004 steps)
//          as a lesson: history held (the engine's account) and max RSS. ≤ 128 MB.
//   row 3  the two-process lesson (05-fork-exec) with ram=24G vs ram=4G. within 2×.
//   phys   the physical-memory window's report (used_frames + used_swap) at the tutorial
//          lesson's last step, ram=1G vs ram=24G: it costs what is used. within 2×.
//   row 4  `for (;;) {}`, endless recursion and endless malloc stopped, with their
//          file:line:col, under the default limits. ≤ 2 s.
//   long   a program touching every page of 100 MiB with getrusage + printf at each
//          touch (51,200 steps) runs to its end under the default limits.
//   row 5  first frame of the served page: with --web, tests/web/bench.mjs is run and its
//          start-up lines printed (needs node, Chromium and build/web).
//   step   bytes of history a malloc(16) step adds (its snapshot beyond the one before) in
//          a process that holds little, 20,000 heap chunks, 2,000 mmapped chunks, or
//          1 GiB of touched pages: a step costs what it changed, so all four are alike.
// Plus bytes of history per step for small and large steps, and growth ×1 → ×10 → ×100
// in steps, records and RAM. Each measurement runs in a child process (fork), so the
// max RSS printed is that measurement's own.
//
// Usage: bench_history [--quick] [--web] [--step]   (--quick: small scales only, for the
// CTest smoke run; --web: also row 5, from the browser benchmark; --step: only the
// bytes-per-step rows)
// Exit status 0 unless a measurement failed to run; OVER is reported, not failed.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "engine/history.h"
#include "engine/run.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Res {
  double secs = 0;
  int steps = 0, full_steps = 0, errors = 0, line = 0, col = 0;
  double history_mb = 0, full_per_step = 0, record_per_step = 0;
  double call_us[2] = {};                        // one report call, best of several
  unsigned long used[2] = {}, used_slots[2] = {};  // entries it listed
  char msg[240] = {};
};
// cpu_s: the child's CPU time (user + system). On a loaded machine wall time is several
// times it; the CPU time says what an idle machine would take.
struct Measured { Res r; double rss_mb = 0, cpu_s = 0; bool ok = false; };

// Runs f() in a child; returns its result and the child's max RSS.
template <class F>
Measured in_child(F f) {
  Measured m;
  int fd[2];
  if (pipe(fd) != 0) return m;
  std::fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    close(fd[0]);
    Res r = f();
    ssize_t w = write(fd[1], &r, sizeof r);
    _exit(w == ssize_t(sizeof r) ? 0 : 1);
  }
  close(fd[1]);
  ssize_t got = read(fd[0], &m.r, sizeof m.r);
  close(fd[0]);
  int st = 0;
  struct rusage ru {};
  wait4(pid, &st, 0, &ru);
  m.rss_mb = double(ru.ru_maxrss) / 1024.0;
  m.cpu_s = double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  m.ok = got == ssize_t(sizeof m.r) && WIFEXITED(st) && WEXITSTATUS(st) == 0;
  return m;
}

// Runs a lesson, then reads every step back as `pinpages run` does.
Res run_and_read(const std::string& name, const std::string& text, pp::RunOptions o) {
  Res r;
  auto t0 = Clock::now();
  pp::Trace t = pp::run_lesson(name, text, o);
  // As the text of `pinpages run` does: the record, replayed only when its events were dropped.
  std::size_t sink = 0;
  for (int i = 0; i < int(t.steps.size()); ++i)
    sink += (t.steps[std::size_t(i)].events_dropped ? t.at(i, false) : t.steps[std::size_t(i)]).events.size();
  r.secs = std::chrono::duration<double>(Clock::now() - t0).count();
  r.steps = int(t.steps.size());
  r.errors = int(t.errors.size());
  if (!t.errors.empty()) {
    r.line = t.errors[0].line;
    r.col = t.errors[0].col;
    std::snprintf(r.msg, sizeof r.msg, "%s", t.errors[0].message.c_str());
  }
  if (t.history) {
    const pp::HistoryStats& s = t.history->stats;
    r.full_steps = s.full_steps;
    r.history_mb = double(s.record_bytes + s.full_bytes + t.history->checkpoint_bytes() + t.history->window_bytes()) / 1048576.0;
    r.full_per_step = s.full_steps ? double(s.full_bytes) / s.full_steps : 0;
    r.record_per_step = s.steps ? double(s.record_bytes) / s.steps : 0;
  }
  (void)sink;
  return r;
}

// Runs the tutorial lesson at `ram`, then times the physical window's report of its last
// step [0] and of the step holding the most frames [1]: best of `reps` calls
// (microseconds each, so one run is all scheduling noise).
Res phys_report(const std::string& text, pp::u64 ram, int reps) {
  Res r;
  pp::RunOptions o;
  o.ram_bytes = ram;
  o.max_seconds = 0;
  pp::Trace t = pp::run_lesson("01-mlockall.c", text, o);
  r.steps = int(t.steps.size());
  r.errors = int(t.errors.size());
  if (t.steps.empty()) return r;
  int peak = 0;
  std::uint32_t least_free = ~0u;
  for (int i = 0; i < r.steps; ++i)
    if (std::uint32_t f = t.at(i).machine->frames_free(); f < least_free) { least_free = f; peak = i; }
  int at[2] = {r.steps - 1, peak};
  for (int w = 0; w < 2; ++w) {
    const pp::Machine m = *t.at(at[w]).machine;
    for (int k = 0; k < reps; ++k) {
      auto t0 = Clock::now();
      auto frames = m.used_frames();
      auto slots = m.used_swap();
      double us = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
      if (k == 0 || us < r.call_us[w]) r.call_us[w] = us;
      r.used[w] = frames.size();
      r.used_slots[w] = slots.size();
    }
  }
  return r;
}

const char* verdict(bool ok) { return ok ? "within" : "OVER"; }

std::string malloc_loop() {
  return "#include <stdlib.h>\nint main(void) {\n  for (;;) {\n    char *p = malloc(16);\n    p[0] = 1;\n  }\n}\n";
}

std::string touch_lesson(int mib) {
  std::ostringstream o;
  o << "#include <stdio.h>\n#include <stdlib.h>\n#include <sys/resource.h>\n\nint main(void) {\n"
    << "  long size = " << mib << "L * 1024 * 1024;\n  char *p = malloc(size);\n  struct rusage ru;\n  long i;\n"
    << "  for (i = 0; i < size; i += 4096) {\n    p[i] = 1;\n    getrusage(RUSAGE_SELF, &ru);\n"
    << "    printf(\"%ld minor %ld major %ld\\n\", i / 4096, ru.ru_minflt, ru.ru_majflt);\n  }\n  return 0;\n}\n";
  return o.str();
}

// Row 5: the browser benchmark's start-up and runaway lines (the whole report goes to its
// own file).
bool web_row() {
  FILE* f = popen("node " PP_SOURCE_DIR "/tests/web/bench.mjs --runs 5 --frames 5 2>&1", "r");
  if (!f) return false;
  char line[512];
  bool seen = false, in_startup = false;
  while (std::fgets(line, sizeof line, f)) {
    std::string l(line);
    if (l.rfind("start-up", 0) == 0 || l.rfind("runaway", 0) == 0) in_startup = true;
    else if (l == "\n") in_startup = false;
    if (in_startup || l.find("benchmark failed") != std::string::npos) {
      std::printf("       %s", line);
      seen = true;
    }
  }
  return pclose(f) == 0 && seen;
}

std::string records_lesson(int n) {
  // ram: the records plus room; swap as bench_core's ×10 (4 GiB).
  unsigned long long ram_mb = (unsigned long long)n * 1024144ull / 1048576ull + 1024;
  std::ostringstream o;
  o << "//@ machine ram=" << ram_mb << "M swap=4G os=linux\n"
    << "#include <stdlib.h>\n#include <string.h>\n#include <sys/mman.h>\n#define N " << n << "\n"
    << "char *rec[N];\n"
    << "int main(void) {\n  int i;\n  char *small = malloc(1024);\n  small[0] = 1;\n"
    << "  for (i = 0; i < N; i++)\n    rec[i] = malloc(1024144);\n"
    << "  mlockall(MCL_CURRENT | MCL_FUTURE);\n"
    // Every touch a step, as bench_core snapshots after each (once locked it faults nothing).
    << "  for (i = 0; i < N; i++) {\n    //@ say Touch a record.\n    memset(rec[i], 1, 1024144);\n  }\n"
    << "  munlockall();\n  return 0;\n}\n";
  return o.str();
}

// A program that first comes to hold something (`hold`), then mallocs 16 bytes forever.
std::string hold_then_malloc(const std::string& hold) {
  return "//@ machine ram=4G swap=1G os=linux\n#include <stdlib.h>\n#include <string.h>\n"
         "char *keep[20000];\nint main(void) {\n  int i;\n  char *p;\n" +
         hold + "  for (;;) {\n    p = malloc(16);\n    p[0] = 1;\n  }\n}\n";
}

// Runs `text` to `steps` steps and returns the mean bytes the last 100 steps' snapshots
// hold beyond the step before (Machine::bytes_beyond, what the history pays per step).
Res step_bytes(const std::string& text, int steps) {
  Res r;
  pp::RunOptions o;
  o.max_steps = steps;
  o.max_seconds = 0;
  auto t0 = Clock::now();
  pp::Trace t = pp::run_lesson("hold.c", text, o);
  r.steps = int(t.steps.size());
  r.errors = int(t.errors.size()) - (r.steps == steps);  // the step limit's own note
  std::size_t sum = 0;
  int n = 0;
  for (int i = r.steps - 100; i < r.steps; ++i, ++n) {
    pp::Machine before = *t.at(i - 1).machine;
    sum += t.at(i).machine->bytes_beyond(before);
  }
  r.full_per_step = n ? double(sum) / n : 0;
  r.secs = std::chrono::duration<double>(Clock::now() - t0).count();
  return r;
}

bool step_rows(bool quick) {
  const int heap = quick ? 2000 : 20000, mapped = quick ? 200 : 2000;
  const std::string nh = std::to_string(heap), nm = std::to_string(mapped);
  struct { std::string what, hold; int setup; } c[4] = {
      {"nothing yet", "", 0},
      {nh + " heap chunks", "  for (i = 0; i < " + nh + "; i++)\n    keep[i] = malloc(16);\n", heap},
      {nm + " mmapped chunks", "  for (i = 0; i < " + nm + "; i++)\n    keep[i] = malloc(256 * 1024);\n", mapped},
      {"1 GiB of touched pages", "  p = malloc(1L << 30);\n  memset(p, 1, 1L << 30);\n", 2},
  };
  bool failed = false;
  double first = 0;
  for (int k = 0; k < 4; ++k) {
    Measured m = in_child([&] { return step_bytes(hold_then_malloc(c[k].hold), c[k].setup + 300); });
    failed |= !m.ok || m.r.errors > 0;
    if (k == 0) first = m.r.full_per_step;
    bool ok = m.r.full_per_step <= 16384 && m.r.full_per_step <= 4 * first + 4096;
    std::printf("%s malloc(16) in a process holding %-22s %7.0f B of history per step (run %.2f s, max RSS %.1f MB)   budget <= 16 KB, like a fresh process: %s\n",
                k ? "      " : "step  ", (c[k].what + ":").c_str(), m.r.full_per_step, m.r.secs, m.rss_mb,
                verdict(ok));
  }
  return !failed;
}

std::string slurp(const std::string& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void load() {
  double l[3] = {0, 0, 0};
  if (getloadavg(l, 3) < 0) l[0] = l[1] = l[2] = -1;
  std::printf("machine load (1/5/15 min): %.2f %.2f %.2f on %ld cores\n", l[0], l[1], l[2], sysconf(_SC_NPROCESSORS_ONLN));
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false, web = false, step_only = false;
  for (int i = 1; i < argc; ++i) {
    quick |= !std::strcmp(argv[i], "--quick");
    web |= !std::strcmp(argv[i], "--web");
    step_only |= !std::strcmp(argv[i], "--step");
  }
  bool failed = false;
  std::printf("bench_history: the engine's cost table%s\n", quick ? " (--quick: small scales)" : "");
  load();
  if (step_only) return step_rows(quick) ? 0 : 1;

  // ---- row 1 and growth in steps
  {
    int top = quick ? 2000 : 20000;
    Measured m[3];
    int n[3] = {top / 100, top / 10, top};
    for (int k = 0; k < 3; ++k) {
      pp::RunOptions o;
      o.max_steps = n[k];
      o.max_seconds = 0;  // stopped by the step limit, as in the table
      m[k] = in_child([&] { return run_and_read("malloc_loop.c", malloc_loop(), o); });
      failed |= !m[k].ok || m[k].r.steps != n[k];
    }
    const Measured& x = m[2];
    bool ok = x.r.secs <= 3.0 && x.rss_mb <= 128.0;
    std::printf("row 1  malloc(16) loop, %d steps, run + read back: %.2f s (%.2f s CPU), max RSS %.1f MB   budget <= 3 s, <= 128 MB: %s\n",
                x.r.steps, x.r.secs, x.cpu_s, x.rss_mb, verdict(ok));
    std::printf("       steps x1 -> x10 -> x100 (%d / %d / %d): time %.3f / %.3f / %.3f s (x%.1f, x%.1f), RSS %.1f / %.1f / %.1f MB\n",
                n[0], n[1], n[2], m[0].r.secs, m[1].r.secs, m[2].r.secs, m[1].r.secs / m[0].r.secs,
                m[2].r.secs / m[1].r.secs, m[0].rss_mb, m[1].rss_mb, m[2].rss_mb);
    std::printf("       history bytes per small step (malloc(16)): %.0f B while kept in full, %.0f B of record\n",
                x.r.full_per_step, x.r.record_per_step);
  }

  // ---- row 2 and growth in records
  {
    int top = quick ? 50 : 5000;
    int n[3] = {top / 100 ? top / 100 : 1, top / 10, top};
    Measured m[3];
    for (int k = 0; k < 3; ++k) {
      pp::RunOptions o;
      o.max_seconds = 0;
      m[k] = in_child([&] { return run_and_read("records.c", records_lesson(n[k]), o); });
      failed |= !m[k].ok || m[k].r.errors;
    }
    const Measured& x = m[2];
    bool ok = x.rss_mb <= 128.0;
    std::printf("row 2  bench_core x10 as a lesson (%d records, %d steps): history held %.1f MB, max RSS %.1f MB, %.2f s (%.2f s CPU)   budget <= 128 MB: %s\n",
                n[2], x.r.steps, x.r.history_mb, x.rss_mb, x.r.secs, x.cpu_s, verdict(ok));
    std::printf("       records x1 -> x10 -> x100 (%d / %d / %d): history %.1f / %.1f / %.1f MB, RSS %.1f / %.1f / %.1f MB, time %.2f / %.2f / %.2f s\n",
                n[0], n[1], n[2], m[0].r.history_mb, m[1].r.history_mb, m[2].r.history_mb, m[0].rss_mb, m[1].rss_mb,
                m[2].rss_mb, m[0].r.secs, m[1].r.secs, m[2].r.secs);
    std::printf("       history bytes per large step (malloc/memset of a 1 MB record): %.0f B while kept in full, %.0f B of record\n",
                x.r.full_per_step, x.r.record_per_step);
  }

  // ---- row 3 and growth in RAM
  {
    std::string text = slurp(PP_LESSON_DIR "/05-fork-exec.c");
    const char* rams[4] = {"240M", "2400M", "24G", "4G"};
    pp::u64 bytes[4] = {240ull << 20, 2400ull << 20, 24ull << 30, 4ull << 30};
    Measured m[4];
    for (int k = 0; k < 4; ++k) {
      pp::RunOptions o;
      o.ram_bytes = bytes[k];
      // Best of 3: a few ms each, so scheduling noise would dominate one run.
      for (int rep = 0; rep < 3; ++rep) {
        Measured t = in_child([&] { return run_and_read("05-fork-exec.c", text, o); });
        failed |= !t.ok || t.r.errors;
        if (rep == 0 || t.r.secs < m[k].r.secs) m[k] = t;
      }
    }
    double ratio = m[2].r.secs / m[3].r.secs;
    std::printf("row 3  fork lesson, ram=24G vs ram=4G: %.3f s vs %.3f s = x%.2f   budget within 2x: %s\n", m[2].r.secs,
                m[3].r.secs, ratio, verdict(ratio <= 2.0));
    std::printf("       RAM x1 -> x10 -> x100 (%s / %s / %s): %.3f / %.3f / %.3f s, RSS %.1f / %.1f / %.1f MB\n", rams[0], rams[1],
                rams[2], m[0].r.secs, m[1].r.secs, m[2].r.secs, m[0].rss_mb, m[1].rss_mb, m[2].rss_mb);
  }

  // ---- the physical window's report: RAM-size independent
  {
    std::string text = slurp(PP_LESSON_DIR "/01-mlockall.c");
    pp::u64 bytes[2] = {1ull << 30, 24ull << 30};
    Measured m[2];
    for (int k = 0; k < 2; ++k) {
      m[k] = in_child([&] { return phys_report(text, bytes[k], quick ? 5 : 50); });
      failed |= !m[k].ok || m[k].r.errors || m[k].r.steps == 0;
    }
    const char* what[2] = {"last step", "fullest step"};
    for (int w = 0; w < 2; ++w) {
      double ratio = m[1].r.call_us[w] / std::max(m[0].r.call_us[w], 1e-3);
      std::printf("%s 01-mlockall %-12s ram=24G vs ram=1G: %.0f us vs %.0f us = x%.2f (%lu / %lu used frames, %lu / %lu used slots)   budget within 2x: %s\n",
                  w ? "      " : "phys   physical window report (used_frames + used_swap),", what[w], m[1].r.call_us[w],
                  m[0].r.call_us[w], ratio, m[1].r.used[w], m[0].r.used[w], m[1].r.used_slots[w], m[0].r.used_slots[w],
                  verdict(ratio <= 2.0));
    }
  }

  // ---- row 4: endless loops stop by the wall clock (default budget)
  {
    struct { const char* name; const char* what; std::string text; } c[3] = {
        {"spin.c", "for (;;) {}", "int main(void) {\n  for (;;) {}\n  return 0;\n}\n"},
        {"recurse.c", "endless recursion", "int f(int n) {\n  return f(n + 1) + 1;\n}\nint main(void) {\n  return f(0);\n}\n"},
        {"alloc.c", "endless malloc(1 MiB)", "#include <stdlib.h>\nint main(void) {\n  for (;;)\n    malloc(1 << 20);\n}\n"},
    };
    for (int k = 0; k < 3; ++k) {
      pp::RunOptions o;  // defaults: what a student gets
      Measured m = in_child([&] { return run_and_read(c[k].name, c[k].text, o); });
      failed |= !m.ok || !m.r.errors;
      std::printf("%s %s stopped: %.2f s wall (%.2f s CPU), at %s:%d:%d: %s   budget <= 2 s: %s\n", k ? "      " : "row 4 ",
                  c[k].what, m.r.secs, m.cpu_s, c[k].name, m.r.line, m.r.col, m.r.msg, verdict(m.r.secs <= 2.0 && m.r.line > 0));
    }
  }

  // ---- a long program that keeps making steps: not a runaway
  {
    int mib = quick ? 4 : 100;
    pp::RunOptions o;  // defaults
    Measured m = in_child([&] { return run_and_read("touch.c", touch_lesson(mib), o); });
    failed |= !m.ok;
    std::printf("long   touch %d MiB, getrusage + printf per page: %d steps, %.2f s (%.2f s CPU), max RSS %.1f MB, %s   budget runs to its end: %s\n",
                mib, m.r.steps, m.r.secs, m.cpu_s, m.rss_mb, m.r.errors ? m.r.msg : "no stop", verdict(!m.r.errors && m.r.steps > mib * 512));
    std::printf("       history bytes per step: %.0f B of record (every step), %.0f B while kept in full\n",
                m.r.record_per_step, m.r.full_per_step);
  }

  failed |= !step_rows(quick);

  if (web) {
    std::printf("row 5  first frame of the served page (tests/web/bench.mjs, median of 5 loads; budget <= 500 ms):\n");
    failed |= !web_row();
  } else {
    std::printf("row 5  first frame of the served page: run with --web (tests/web/bench.mjs)\n");
  }
  load();
  if (failed) std::printf("a measurement did not run as expected\n");
  return failed ? 1 : 0;
}
