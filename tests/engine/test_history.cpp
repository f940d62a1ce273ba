// Bounded history: a run whose old steps were dropped gives back, step by step and in
// any order, exactly what a run that kept everything gives (reports as `--json` prints
// them, and the model snapshot page by page). And the limits that stop a runaway
// program say where it stopped.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "engine/history.h"
#include "engine/run.h"

namespace {

// Allocation churn, a locked range, a fork whose child runs first, output, big mallocs
// that get their own mmap: every kind of state a replay has to restore.
const char* kChurn = R"(#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    char *keep[64];
    char *buf;
    int i, pid, status;

    for (i = 0; i < 64; i++)
        keep[i] = 0;
    buf = mmap(NULL, 64 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (i = 0; i < 500; i++) {
        keep[i % 64] = malloc(16 + i % 200);
        keep[i % 64][0] = 1;
        if (i % 3 == 0) {
            free(keep[(i * 7) % 64]);
            keep[(i * 7) % 64] = 0;
        }
        buf[(i % 64) * 4096] = 2;
        if (i == 250)
            mlock(buf, 16 * 4096);
    }
    pid = fork();
    if (pid == 0) {
        for (i = 0; i < 150; i++) {
            keep[i % 64] = malloc(32);
            buf[(i % 64) * 4096] = 3;
        }
        printf("child done\n");
        exit(0);
    }
    waitpid(pid, &status, 0);
    for (i = 0; i < 200; i++)
        free(malloc(200000 + i * 4096));
    printf("parent done\n");
    return 0;
}
)";

// Hundreds of heap chunks and mmapped chunks live at once, freed and moved by realloc
// in scrambled order: the chunked copy-on-write lists of glibc's chunks and of the
// page-table leaves split, merge and empty chunks on the way.
const char* kHoldMany = R"(#include <stdlib.h>

int main(void)
{
    char *big[120];
    char *small[120];
    int i, k;

    for (i = 0; i < 120; i++) {
        big[i] = malloc(140000 + (i % 7) * 4096);
        big[i][0] = 1;
        small[i] = malloc(24 + i % 40);
        small[i][0] = 2;
    }
    for (i = 0; i < 120; i++) {
        k = (i * 37) % 120;
        if (k % 3 == 0)
            free(big[k]);
        else
            big[k] = realloc(big[k], 300000 + k * 4096);
        free(small[(i * 11) % 120]);
    }
    return 0;
}
)";

std::string slurp(const std::string& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Everything the model says about one snapshot that the windows draw from.
std::string dump(const pp::Machine& m) {
  std::ostringstream o;
  o << "free " << m.frames_free() << " swapfree " << m.swap_free() << " hog " << m.pressure_bytes() << "\n";
  for (int pid : m.pids()) {
    pp::ProcStatus st = m.status(pid);
    o << "pid " << pid << " alive " << st.alive << " rss " << st.vm_rss_kb << " lck " << st.vm_lck_kb << " swap "
      << st.vm_swap_kb << " size " << st.vm_size_kb << "\n";
    for (const pp::Vma& v : m.vmas(pid)) {
      o << std::hex << v.start << "-" << v.end << std::dec << " " << v.prot << v.locked << v.onfault << " " << v.name << ":";
      std::vector<pp::PageInfo> pages(v.pages());
      m.page_range(pid, v.start, v.pages(), pages.data());
      for (const pp::PageInfo& pi : pages)
        o << ' ' << int(pi.state) << '/' << pi.index << '/' << pi.present << pi.writable << pi.dirty << pi.cow
          << pi.locked << pi.in_cache << '/' << pi.cache_frame;
      o << "\n";
    }
  }
  return o.str();
}

struct Runs {
  pp::Trace full, capped;
};

Runs run_both(const std::string& name, const std::string& text, pp::u64 budget) {
  pp::RunOptions all;
  all.max_seconds = 0;
  all.history_bytes = pp::u64(1) << 40;
  pp::RunOptions small = all;
  small.history_bytes = budget;
  return {pp::run_lesson(name, text, all), pp::run_lesson(name, text, small)};
}

// The sanitizer build runs these several times slower; its long cases jump to a random
// part of the steps instead of all of them (the plain build still visits every step).
#if defined(__SANITIZE_ADDRESS__)
constexpr int kSanitizedStride = 5;
#else
constexpr int kSanitizedStride = 1;
#endif

// `every`: compare the snapshot page by page at every n-th step (the reports at all).
// `stride`: visit every stride-th step of the shuffled order (1: every step).
void expect_same_run(Runs& r, int every = 1, int stride = 1) {
  ASSERT_TRUE(r.full.errors.empty()) << r.full.errors[0].format();
  ASSERT_TRUE(r.capped.errors.empty()) << r.capped.errors[0].format();
  ASSERT_EQ(r.full.steps.size(), r.capped.steps.size());
  int dropped = 0;
  for (const pp::Step& s : r.capped.steps) dropped += s.dropped;
  ASSERT_GT(dropped, int(r.capped.steps.size()) / 3) << "the budget was meant to drop most steps";
  for (const pp::Step& s : r.full.steps) ASSERT_FALSE(s.dropped);
  // Jump around: forwards, backwards, across checkpoints.
  std::vector<int> order(r.full.steps.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = int(i);
  std::shuffle(order.begin(), order.end(), std::mt19937(13));
  for (std::size_t k = 0; k < order.size(); k += std::size_t(stride)) {
    const int i = order[k];
    const pp::Step& want = r.full.steps[std::size_t(i)];
    const pp::Step& got = r.capped.at(i);
    ASSERT_FALSE(got.dropped) << "step " << i;
    ASSERT_EQ(pp::step_json(r.capped, got), pp::step_json(r.full, want)) << "step " << i;
    ASSERT_TRUE(got.machine && want.machine) << "step " << i;
    if (i % every == 0) ASSERT_EQ(dump(*got.machine), dump(*want.machine)) << "step " << i;
  }
  EXPECT_GT(r.capped.history->replays(), 0);
}

TEST(History, DroppedStepsComeBackExactlyInAnyOrder) {
  Runs r = run_both("churn.c", kChurn, 4u << 20);
  EXPECT_GT(r.full.steps.size(), 1000u);
  expect_same_run(r);
}

TEST(History, ManyLiveChunksAndMappingsRecomputeExactly) {
  // Sized so that the ASan build (-O1, ~10x slower than native) jumps to every step in under a minute.
  Runs r = run_both("hold.c", kHoldMany, 1u << 20);
  EXPECT_GT(r.full.steps.size(), 400u);
  expect_same_run(r, 7);
}

TEST(History, ExecAndForkLessonRecomputesExactly) {
  Runs r = run_both("05-fork-exec.c", slurp(PP_LESSONS_DIR "/05-fork-exec.c"), 64u << 10);
  expect_same_run(r);
}

TEST(History, PressureLessonRecomputesExactly) {
  Runs r = run_both("07-pressure.c", slurp(PP_LESSONS_DIR "/07-pressure.c"), 1u << 20);
  expect_same_run(r);
}

TEST(History, ThePageTableOfTheTutorialRecomputesExactly) {
  // The tutorial's program with every statement a step (1,000+ steps of 1 MB memsets).
  std::string text = slurp(PP_TEST_DATA "/mlockall_example.c");
  for (std::size_t p; (p = text.find("//@ step once")) != std::string::npos;) text.replace(p, 13, "//           ");
  Runs r = run_both("mlockall_example.c", text, 4u << 20);
  expect_same_run(r, 50, kSanitizedStride);
}

TEST(History, AProgramOutgrowingTheBudgetStopsAndSaysWhy) {
  pp::RunOptions o;
  o.max_seconds = 0;
  o.history_bytes = 1u << 20;
  pp::Trace t = pp::run_lesson("grow.c", "#include <stdlib.h>\nint main(void) {\n  for (;;) {\n    char *p = malloc(16);\n    p[0] = 1;\n  }\n}\n", o);
  ASSERT_EQ(t.errors.size(), 1u);
  EXPECT_TRUE(t.truncated);
  EXPECT_EQ(t.errors[0].line, 4);
  EXPECT_EQ(t.errors[0].col, 5);
  EXPECT_NE(t.errors[0].message.find("history limit reached"), std::string::npos) << t.errors[0].message;
  EXPECT_LT(t.steps.size(), 10000u);
  // What was kept still reads back, first step and last.
  EXPECT_TRUE(t.at(0).machine);
  EXPECT_TRUE(t.at(int(t.steps.size()) - 1).machine);
}

TEST(Limits, WallClockStopsAnEndlessLoopWhereItIs) {
  pp::RunOptions o;
  o.max_seconds = 0.2;
  pp::Trace t = pp::run_lesson("spin.c", "int main(void) {\n  int i = 0;\n  for (;;) {\n    i++;\n  }\n}\n", o);
  ASSERT_EQ(t.errors.size(), 1u);
  EXPECT_EQ(t.errors[0].file, "spin.c");
  EXPECT_GE(t.errors[0].line, 3);
  EXPECT_LE(t.errors[0].line, 4);
  EXPECT_GT(t.errors[0].col, 0);
  EXPECT_NE(t.errors[0].message.find("time limit reached"), std::string::npos) << t.errors[0].message;
}

TEST(Limits, EndlessAllocationStopsWhenItsRecordsFillTheHistory) {
  // Every malloc is a step, so the time budget (host time without a step) never runs
  // out: the records filling half of the history stop it, a count, not a clock.
  pp::RunOptions o;
  o.max_seconds = 0;
  o.history_bytes = 8u << 20;
  pp::Trace t = pp::run_lesson("alloc.c", "#include <stdlib.h>\nint main(void) {\n  for (;;)\n    malloc(1 << 20);\n}\n", o);
  ASSERT_EQ(t.errors.size(), 1u);
  EXPECT_EQ(t.errors[0].line, 4);
  EXPECT_EQ(t.errors[0].col, 5);
  EXPECT_NE(t.errors[0].message.find("history limit reached"), std::string::npos) << t.errors[0].message;
}

TEST(Limits, ALongProgramThatKeepsSteppingRunsToItsEndWithTheDefaults) {
  // Touches every page of 100 MiB and prints its fault counts at each touch: 51,200
  // steps. The default limits stop what makes no step, or too many records; not this.
  const char* text = R"(#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

int main(void) {
  long size = 100L * 1024 * 1024;
  char *p = malloc(size);
  struct rusage ru;
  long i;
  for (i = 0; i < size; i += 4096) {
    p[i] = 1;
    getrusage(RUSAGE_SELF, &ru);
    printf("%ld minor %ld major %ld\n", i / 4096, ru.ru_minflt, ru.ru_majflt);
  }
  return 0;
}
)";
  pp::Trace t = pp::run_lesson("touch.c", text, pp::RunOptions{});
  ASSERT_TRUE(t.errors.empty()) << t.errors[0].format();
  EXPECT_FALSE(t.truncated);
  ASSERT_GT(t.steps.size(), 51200u);
  // The last touch's line: page 25,599, every page a minor fault of its own.
  int i = int(t.steps.size()) - 1;
  while (i > 0 && t.steps[std::size_t(i)].output.empty()) --i;
  const pp::Step& last = t.at(i);
  EXPECT_EQ(last.output.rfind("25599 minor ", 0), 0u) << last.output;
  ASSERT_FALSE(last.procs.empty());
  EXPECT_GE(last.procs[0].status.vm_rss_kb, 100u * 1024);  // every page resident
}

TEST(Limits, EndlessRecursionStops) {
  pp::RunOptions o;
  o.max_seconds = 0.5;
  pp::Trace t = pp::run_lesson("rec.c", "int f(int n) {\n  return f(n + 1) + 1;\n}\nint main(void) {\n  return f(0);\n}\n", o);
  ASSERT_FALSE(t.errors.empty());
  EXPECT_EQ(t.errors[0].line, 2);
  EXPECT_GT(t.errors[0].col, 0);
}

}  // namespace
