// Differential test: every Linux lesson runs through the model (run_lesson) and
// through the kernel (run_lesson_on(RealOs)); per step they must agree on ret,
// errno and, for every lesson object, locked / resident / swapped page counts.
// Tolerances are those of real/compare.h (addresses & pids by kind, resident ±1).
// Lessons that need model-only actions (memory pressure) or QNX are reported and
// skipped: this kernel cannot do them.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/run.h"
#include "real/compare.h"
#include "real/explain.h"
#include "real/machine_info.h"
#include "real/real_os.h"

namespace fs = std::filesystem;
using namespace pp;
using namespace pp::real;

namespace {
std::vector<fs::path> lesson_files() {
  std::vector<fs::path> v;
  std::error_code ec;
  for (auto& e : fs::directory_iterator(PP_LESSONS_DIR, ec))
    if (e.path().extension() == ".c") v.push_back(e.path());
  std::sort(v.begin(), v.end());
  return v;
}
}  // namespace

TEST(RealDifferential, EveryLinuxLessonAgreesWithTheKernel) {
  // The lessons (and the model) assume sudo unless they drop it themselves.
  if (!probe_real().cap_ipc_lock) GTEST_SKIP() << "needs root or CAP_IPC_LOCK (CI runs as root)";
  auto files = lesson_files();
  ASSERT_FALSE(files.empty()) << "no lessons in " << PP_LESSONS_DIR;
  std::string table;
  int compared = 0;
  for (const fs::path& f : files) {
    std::ifstream in(f);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    RunOptions opt;
    opt.os = OsKind::Linux;
    opt.zero_page = zero_page_probe().zero_page;  // the model as this kernel behaves
    Trace model = run_lesson(f.string(), text, opt);
    if (!model.meta.allows_linux) { table += "  " + f.filename().string() + ": skipped (QNX lesson)\n"; continue; }
    Trace real;
    int model_only = 0;
    {
      RealOs os;
      // Every call is a round trip to the lab: on a loaded machine a step can take longer
      // than the model's 1.5 s endless-loop guard (as `pinpages real` allows, 120 s).
      RunOptions real_opt = opt;
      real_opt.max_seconds = 120;
      real = run_lesson_on(os, f.string(), text, real_opt);
      model_only = os.model_only_calls();
    }
    if (model_only) {
      table += "  " + f.filename().string() + ": skipped (uses model-only actions, e.g. memory pressure)\n";
      continue;
    }
    CompareReport cr = compare_traces(model, real);
    ++compared;
    table += "  " + cr.summary(f.filename().string()) + "\n";
    EXPECT_TRUE(cr.all_agree()) << "model vs kernel for " << f.filename().string() << ":\n" << cr.format();
  }
  std::printf("Per-lesson agreement (model vs this kernel):\n%s", table.c_str());
  EXPECT_GT(compared, 0);
}

// The fault count of a populating step is part of the comparison (fault-around makes
// mlockall of a small program take ~326 faults on the kernel; one per page would be
// ~670). Small counts (stdio, start-up, exec) are not compared.
TEST(RealCompare, PopulatingStepsCompareFaults) {
  auto trace = [](u64 faults) {
    Trace t;
    t.steps.resize(2);
    t.steps[1].index = 1;
    t.steps[1].minflt = faults;
    return t;
  };
  EXPECT_FALSE(compare_traces(trace(671), trace(326)).all_agree());
  EXPECT_TRUE(compare_traces(trace(321), trace(326)).all_agree());
  EXPECT_TRUE(compare_traces(trace(125097), trace(125104)).all_agree());
  EXPECT_TRUE(compare_traces(trace(34), trace(0)).all_agree());
  CompareReport cr = compare_traces(trace(671), trace(326));
  ASSERT_EQ(cr.diffs.size(), 1u);
  EXPECT_EQ(cr.diffs[0].what.at(0), "faults: model 671, real 326");
}
