// Real mode in the desktop UI, against the running kernel: the background runner runs
// the mlockall lesson for real, the side-by-side pairing must agree at figures A, B, C
// and must flag a hand-made disagreement with both values; the unprivileged path and a
// lab that cannot start explain themselves; the panel draws headless in every mode.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "engine/run.h"
#include "imgui.h"
#include "real/machine_info.h"
#include "ui/real_view.h"
#include "ui/ui.h"

using namespace pp;
using namespace pp::ui;

namespace {

const BuiltinLesson& lesson(const std::string& id) {
  for (const auto& b : builtin_lessons())
    if (b.id == id) return b;
  ADD_FAILURE() << "no builtin lesson " << id;
  static BuiltinLesson none;
  return none;
}

RealJob job_for(const BuiltinLesson& b, std::shared_ptr<const Trace> model, const std::string& key) {
  RealJob j;
  j.key = key;
  j.file = b.file;
  j.text = b.text;
  j.model = std::move(model);
  return j;
}

// One real run of the mlockall lesson, made by the background runner, shared by the tests.
struct Shared {
  std::shared_ptr<const Trace> model;
  std::shared_ptr<const RealRun> run;
};
Shared& mlockall_run() {
  static Shared s = [] {
    Shared r;
    const BuiltinLesson& b = lesson("mlockall");
    r.model = std::make_shared<const Trace>(run_lesson(b.file, b.text));
    RealRunner runner;
    runner.submit(job_for(b, r.model, "mlockall"));
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_TRUE(runner.wait_idle(300000));
    std::printf("[real] mlockall lesson for real in the background: %.2f s\n",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    r.run = runner.result("mlockall");
    return r;
  }();
  return s;
}

std::vector<int> figure_steps(const Trace& t) {
  std::vector<int> v;
  for (const Step& s : t.steps)
    if (s.figure) v.push_back(s.index);
  return v;
}

}  // namespace

TEST(RealView, ParseMode) {
  EXPECT_EQ(parse_mode("side"), ViewMode::Side);
  EXPECT_EQ(parse_mode("real"), ViewMode::Real);
  EXPECT_EQ(parse_mode("model"), ViewMode::Model);
  EXPECT_FALSE(parse_mode("nonsense").has_value());
}

TEST(RealView, MlockallAgreesAtFiguresABC) {
  Shared& s = mlockall_run();
  ASSERT_TRUE(s.run);
  ASSERT_TRUE(s.run->lab_ok) << s.run->lab_error;
  EXPECT_TRUE(s.run->cap_ipc_lock) << "these tests run as root";
  std::printf("[real] %s\n%s", s.run->compare.summary("mlockall").c_str(), s.run->compare.format().c_str());
  std::vector<int> figs = figure_steps(*s.model);
  ASSERT_EQ(figs.size(), 3u);
  int fig_b = figs[1];
  for (int st : figs) {
    StepPair sp = pair_step(*s.model, s.run->trace.get(), st);
    ASSERT_TRUE(sp.have_real);
    EXPECT_EQ(sp.disagreements(), 0) << "figure at step " << st << ": " << (sp.diffs.empty() ? "" : sp.diffs[0]);
    EXPECT_TRUE(sp.ret.agree);
    EXPECT_TRUE(sp.err.agree);
    EXPECT_FALSE(sp.objects.empty());
    for (const RegionPair& r : sp.regions)
      EXPECT_TRUE(r.agree) << "step " << st << " " << r.kind << ": model " << r.model_locked_kb << " kB, kernel "
                           << r.real_locked_kb << " kB locked";
  }
  // Figure B is the locked state: the kernel reports the records' pages locked, as the model does.
  StepPair b = pair_step(*s.model, s.run->trace.get(), fig_b);
  u64 locked_real = 0, locked_model = 0;
  for (const ObjectPair& o : b.objects) {
    locked_real += o.real_locked;
    locked_model += o.model_locked;
  }
  std::printf("[real] figure B: %llu pages locked (model), %llu (kernel)\n",
              static_cast<unsigned long long>(locked_model), static_cast<unsigned long long>(locked_real));
  EXPECT_GT(locked_real, 100000u);
  EXPECT_EQ(locked_real, locked_model);
  // Every step, not only the figures: the panel's verdict equals compare.h's.
  int agreeing = 0;
  for (std::size_t i = 0; i < s.model->steps.size(); ++i)
    agreeing += pair_step(*s.model, s.run->trace.get(), static_cast<int>(i)).diffs.empty() ? 1 : 0;
  EXPECT_EQ(agreeing, s.run->compare.agreed);
}

TEST(RealView, InjectedDisagreementIsFlaggedWithBothValues) {
  Shared& s = mlockall_run();
  ASSERT_TRUE(s.run && s.run->lab_ok);
  int fig_b = figure_steps(*s.model).at(1);
  Trace forged = *s.run->trace;  // a hand-modified copy of the kernel's run
  Step& st = forged.steps[fig_b];
  ObjectReport* victim = nullptr;
  for (ObjectReport& o : st.procs.at(0).objects)
    if (o.locked_pages > 0) { victim = &o; break; }
  ASSERT_NE(victim, nullptr);
  u64 was = victim->locked_pages;
  victim->locked_pages = 0;  // "a page the model says is locked that the kernel says is not"
  st.err = err::NOMEM;       // "a different errno"
  for (SmapsEntry& e : st.procs.at(0).regions) e.locked_kb = 0;

  StepPair sp = pair_step(*s.model, &forged, fig_b);
  EXPECT_FALSE(sp.err.agree);
  EXPECT_EQ(sp.err.model, "0");
  EXPECT_EQ(sp.err.real, "ENOMEM");
  bool found = false;
  for (const ObjectPair& o : sp.objects)
    if (o.name == victim->name) {
      found = true;
      EXPECT_FALSE(o.locked.agree);
      EXPECT_EQ(o.locked.model, std::to_string(was));
      EXPECT_EQ(o.locked.real, "0");
    }
  EXPECT_TRUE(found);
  bool region_flagged = false;
  for (const RegionPair& r : sp.regions) region_flagged |= !r.agree;
  EXPECT_TRUE(region_flagged) << "every kernel VMA unlocked while the model's are locked";
  std::string words;
  for (const auto& d : sp.diffs) words += d + "\n";
  EXPECT_NE(words.find("errno: model 0, real ENOMEM"), std::string::npos) << words;
  EXPECT_NE(words.find(victim->name + " locked pages: model " + std::to_string(was) + ", real 0"), std::string::npos) << words;
  EXPECT_GE(sp.disagreements(), 3);
}

TEST(RealView, UnprivilegedRunExplainsAndShowsTheRealErrno) {
  const BuiltinLesson& b = lesson("mlockall");
  auto model = mlockall_run().model;
  RealJob j = job_for(b, model, "user");
  j.opt.unprivileged = true;  // the lab starts without CAP_IPC_LOCK in any set
  RealRun r = RealRunner::run_now(j);
  ASSERT_TRUE(r.lab_ok) << r.lab_error;
  EXPECT_FALSE(r.cap_ipc_lock);
  ASSERT_GE(r.refused_step, 0) << "mlockall of ~500 MB must fail under the default RLIMIT_MEMLOCK";
  const Step& s = r.trace->steps[r.refused_step];
  EXPECT_TRUE(s.err == err::NOMEM || s.err == err::PERM || s.err == err::AGAIN) << s.err;
  EXPECT_NE(r.explanation.find("RLIMIT_MEMLOCK"), std::string::npos) << r.explanation;
  EXPECT_NE(r.explanation.find("ulimit -l"), std::string::npos);
  EXPECT_NE(r.explanation.find("setcap cap_ipc_lock"), std::string::npos);
  std::printf("[real] unprivileged: step %d %s -> %s\n%s", r.refused_step, s.call.c_str(), errno_name(s.err),
              r.explanation.c_str());
  // Side by side, the refused call is a red errno: the model (with the capability) succeeded.
  StepPair sp = pair_step(*model, r.trace.get(), r.refused_step);
  EXPECT_FALSE(sp.err.agree);
  EXPECT_EQ(sp.err.real, errno_name(s.err));
}

TEST(RealView, LabThatCannotStartIsExplainedNotFatal) {
  const BuiltinLesson& b = lesson("mlock");
  RealJob j = job_for(b, std::make_shared<const Trace>(run_lesson(b.file, b.text)), "nolab");
  j.opt.lab_path = "/nonexistent/pinpages-lab";
  RealRun r = RealRunner::run_now(j);
  EXPECT_FALSE(r.lab_ok);
  EXPECT_FALSE(r.lab_error.empty());
  std::printf("[real] no lab: %s\n", r.lab_error.c_str());
}

TEST(RealView, QnxLessonIsModelOnly) {
  const BuiltinLesson& b = lesson("qnx");
  // Only the model's personality matters here, not its run.
  auto model = std::make_shared<Trace>();
  model->meta.machine.os = OsKind::Qnx;
  RealJob j = job_for(b, model, "qnx");
  RealRun r = RealRunner::run_now(j);
  EXPECT_FALSE(r.lab_ok);
  EXPECT_NE(r.lab_error.find("QNX"), std::string::npos);
}

TEST(RealView, RunnerDestroyedWhileBusyDoesNotHang) {
  const BuiltinLesson& b = lesson("mlock");
  auto t0 = std::chrono::steady_clock::now();
  {
    RealRunner r;
    r.submit(job_for(b, nullptr, "a"));
    r.submit(job_for(b, nullptr, "b"));  // replaces "a" if it has not started
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 60.0);
}

// ------------------------------------------------------------------ drawn headless
namespace {
struct Headless {
  ImGuiContext* ctx;
  Headless() {
    ctx = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(1600, 900);
    io.DeltaTime = 1.0f / 60;
    io.Fonts->AddFontDefault();
    io.Fonts->AddFontDefault();
    unsigned char* px;
    int w, h;
    io.Fonts->GetTexDataAsRGBA32(&px, &w, &h);
    io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(1));
  }
  ~Headless() { ImGui::DestroyContext(ctx); }
};

void draw(Ui& ui, RealView& rv, int frames = 2) {
  FrameInfo info;
  info.width = 1600;
  info.height = 900;
  for (int i = 0; i < frames; ++i) {
    ImGui::NewFrame();
    FrameInfo fi = rv.before_frame(ui, info);
    ui.frame(fi);
    rv.after_frame(ui, info);
    ImGui::Render();
  }
}
}  // namespace

TEST(RealView, PanelDrawsInEveryModeAtEveryStep) {
  Headless h;
  const BuiltinLesson& b = lesson("mlock");
  auto model = std::make_shared<const Trace>(run_lesson(b.file, b.text));
  Ui ui;
  ui.set_trace(model, b.id);
  RealView rv;
  rv.lesson_changed(b.file, b.text, RunOptions{}, model);
  rv.set_mode(ui, ViewMode::Side);
  draw(ui, rv, 1);  // first frame: the run is still going; the UI does not wait
  ASSERT_TRUE(rv.runner().wait_idle(300000));
  for (ViewMode m : {ViewMode::Side, ViewMode::Real, ViewMode::Model}) {
    rv.set_mode(ui, m);
    for (int s = 0; s < ui.steps(); ++s) {
      ui.go(s);
      draw(ui, rv);
    }
    ASSERT_TRUE(rv.run() && rv.run()->lab_ok);
    // Real browses the kernel's trace in every window; the others the model's.
    if (m == ViewMode::Real) EXPECT_EQ(ui.trace, rv.run()->trace);
    else EXPECT_EQ(ui.trace, model);
    // A picture of the figure-B step for people (software rasterizer, no GPU).
    if (const char* dir = std::getenv("PP_ARTIFACTS"); dir && m != ViewMode::Model) {
      ui.go(figure_steps(*model).back());
      draw(ui, rv);
      std::vector<unsigned char> png;
      if (frame_png(1.0f, png)) {
        std::string path = std::string(dir) + "/real_view_" + mode_name(m) + ".png";
        if (FILE* f = std::fopen(path.c_str(), "wb")) {
          std::fwrite(png.data(), 1, png.size(), f);
          std::fclose(f);
        }
      }
    }
  }
  // A lab that cannot start: the panel explains and offers the model.
  rv.base_opt.lab_path = "/nonexistent/pinpages-lab";
  rv.unprivileged = true;  // a new key: runs again
  rv.set_mode(ui, ViewMode::Side);
  ASSERT_TRUE(rv.runner().wait_idle(300000));
  draw(ui, rv);
  ASSERT_TRUE(rv.run());
  EXPECT_FALSE(rv.run()->lab_ok);
  EXPECT_EQ(ui.trace, model);
}

// The page-table verdict (locked or not, per kind of VMA) is this panel's own addition to
// compare.h: it must not cry wolf where the per-object comparison agrees.
TEST(RealView, RegionVerdictsAgreeWhereObjectsAgree) {
  for (const char* id : {"mlock", "mcl-flags", "unlock-rules", "fork-exec", "no-sudo"}) {
    const BuiltinLesson& b = lesson(id);
    auto model = std::make_shared<const Trace>(run_lesson(b.file, b.text));
    RealRun r = RealRunner::run_now(job_for(b, model, id));
    ASSERT_TRUE(r.lab_ok) << id << ": " << r.lab_error;
    int steps = 0, region_bad = 0;
    for (std::size_t i = 0; i < model->steps.size(); ++i) {
      StepPair sp = pair_step(*model, r.trace.get(), static_cast<int>(i));
      if (!sp.diffs.empty()) continue;
      ++steps;
      for (const RegionPair& rp : sp.regions)
        if (!rp.agree) {
          ++region_bad;
          ADD_FAILURE() << id << " step " << i << " (" << model->steps[i].source << ") " << (rp.proc ? "child " : "")
                        << rp.kind << ": model " << rp.model_locked_kb << " kB locked, kernel " << rp.real_locked_kb;
        }
    }
    std::printf("[real] %s: %s; %d agreeing steps, %d region verdicts differ\n", id,
                r.compare.summary(id).c_str(), steps, region_bad);
  }
}

// Kernels differ on the zero page: the kernel's run is compared with the lesson run the
// way that kernel behaves (a recording says how its kernel behaved; a live run asks the
// running kernel), never with a model that could not have predicted the difference.
TEST(RealView, ComparedModelFollowsTheKernelsZeroPage) {
  const BuiltinLesson& b = lesson("mlock");
  auto model = std::make_shared<const Trace>(run_lesson(b.file, b.text));
  ASSERT_TRUE(model->meta.machine.zero_page);
  auto shipped = builtin_recording_for(b.text);
  ASSERT_TRUE(shipped);
  EXPECT_FALSE(run_from_recording(shipped, *model, "k").model);  // no field: mainline, as the lesson
  auto nozero = std::make_shared<rec::Recording>(*shipped);
  nozero->machine.zero_page = false;
  RealRun r = run_from_recording(nozero, *model, "k");
  ASSERT_TRUE(r.model);
  EXPECT_FALSE(r.model->meta.machine.zero_page);
  EXPECT_EQ(r.model->steps.size(), model->steps.size());
  RealRun live = RealRunner::run_now(job_for(b, model, "zp"));
  ASSERT_TRUE(live.lab_ok) << live.lab_error;
  if (real::zero_page_probe().zero_page) {
    EXPECT_FALSE(live.model);
  } else {
    ASSERT_TRUE(live.model);
    EXPECT_FALSE(live.model->meta.machine.zero_page);
  }
}

// The served page fetches the shipped recordings (runner::add_fetched_recording); one that
// arrived is found by its lesson source like an embedded one, "none" is remembered, and a
// second answer for a name changes nothing.
TEST(RealView, FetchedRecordingIsFoundBySource) {
  auto shipped = builtin_recording_for(lesson("mlock").text);
  ASSERT_TRUE(shipped);
  rec::Recording r = *shipped;
  r.source = "int main(void) { return 0; }  /* fetched */\n";
  EXPECT_FALSE(builtin_recording_for(r.source));
  EXPECT_FALSE(runner::recording_known("test-fetched"));
  runner::add_fetched_recording("test-fetched", rec::to_json(r));
  EXPECT_TRUE(runner::recording_known("test-fetched"));
  auto found = builtin_recording_for(r.source);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->kernel.steps.size(), shipped->kernel.steps.size());
  runner::add_fetched_recording("test-fetched", "{}");  // ignored: the first answer stays
  EXPECT_TRUE(builtin_recording_for(r.source));
  runner::add_fetched_recording("test-none", "");  // the page has none by that name
  EXPECT_TRUE(runner::recording_known("test-none"));
  EXPECT_TRUE(runner::recording_known("02-mlock"));  // embedded here
  EXPECT_EQ(builtin_recording_for(lesson("mlock").text), shipped);
}
