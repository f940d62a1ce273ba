// The address-space view model must say what the Machine says: "pinned" for the lesson
// objects at figures B and C of the mlockall program and not at A; runs must agree
// with Machine::page() page by page.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

#include "fixtures.h"
#include "ui/view_model.h"
#ifdef PP_HAVE_LESSONS
#include "engine/run.h"
#endif

using namespace pp;
using namespace pp::ui;

namespace {

// Every page of [addr, addr+bytes) locked, asked of the Machine page by page.
bool machine_says_pinned(const Machine& m, int pid, u64 addr, u64 bytes) {
  u64 lo = addr & ~(kPageSize - 1), hi = (addr + std::max<u64>(bytes, 1) + kPageSize - 1) & ~(kPageSize - 1);
  for (u64 a = lo; a < hi; a += kPageSize)
    if (!m.page(pid, a).locked) return false;
  return true;
}

// What the page's legend promises for a page in each state, written out here rather than
// asked of the view model, so a mistake in its classification fails this test.
CellKind legend_kind(const Vma& v, const PageInfo& p) {
  if (p.state == PageState::Frame) return CellKind::Resident;
  if (p.state == PageState::Zero) return CellKind::Zero;
  if (p.state == PageState::Swap) return CellKind::Swapped;
  bool from_file = v.kind == VmaKind::Text || v.kind == VmaKind::Rodata || v.kind == VmaKind::Data ||
                   v.kind == VmaKind::Lib || v.kind == VmaKind::File || v.file >= 0;
  if (!from_file) return CellKind::NotBacked;
  return p.in_cache ? CellKind::Cached : CellKind::OnFile;
}

// Every page of the named object is of `kind`, and pinned or not as `pinned` says. With
// `after_header`, the object's first page is left out: malloc writes its chunk header
// just before the pointer it returns, so that page is in RAM from the start.
void expect_object(const Step& s, const std::string& name, CellKind kind, bool pinned,
                   bool after_header = false) {
  ASSERT_TRUE(s.machine);
  StepView v = build_step_view(*s.machine, &s);
  for (const ProcessView& pv : v.procs)
    for (const ObjectView& o : pv.objects) {
      if (o.name != name) continue;
      u64 skip = after_header ? kPageSize - (o.addr & (kPageSize - 1)) : 0;
      CellSummary c = pv.summarize_range(o.addr + skip, o.bytes - skip);
      ASSERT_GT(c.pages, 0u) << name;
      EXPECT_EQ(c.by_kind[static_cast<int>(kind)], c.pages)
          << name << " at step " << s.index << ": expected every page " << cell_kind_name(kind)
          << ", most are " << cell_kind_name(c.kind());
      EXPECT_EQ(c.pinned, pinned ? c.pages : 0) << name << " at step " << s.index;
      return;
    }
  ADD_FAILURE() << "no object " << name << " at step " << s.index;
}

void check_objects_against_machine(const Step& s, bool want_pinned) {
  ASSERT_TRUE(s.machine);
  StepView v = build_step_view(*s.machine, &s);
  int checked = 0;
  for (const ProcessView& pv : v.procs) {
    for (const ObjectView& o : pv.objects) {
      CellSummary c = pv.summarize_range(o.addr, o.bytes);
      bool model = machine_says_pinned(*s.machine, pv.pid, o.addr, o.bytes);
      EXPECT_EQ(c.all_pinned(), model) << o.name << " at step " << s.index;
      EXPECT_EQ(model, want_pinned) << o.name << " at step " << s.index << " figure " << (s.figure ? *s.figure : '-');
      ++checked;
    }
  }
  EXPECT_GT(checked, 0) << "no lesson objects at step " << s.index;
}

void check_runs_match_pages(const Step& s, int samples) {
  StepView v = build_step_view(*s.machine, &s);
  std::mt19937_64 rng(42);
  for (const ProcessView& pv : v.procs) {
    for (const SegmentView& seg : pv.segs) {
      u64 n = seg.pages();
      // Runs cover the VMA exactly, in order.
      u64 next = 0;
      for (const Run& r : seg.runs) { ASSERT_EQ(r.first, next); next += r.count; }
      ASSERT_EQ(next, n) << seg.role;
      for (int i = 0; i < samples && n; ++i) {
        u64 p = rng() % n;
        PageInfo pi = s.machine->page(pv.pid, seg.vma.start + (p << kPageShift));
        CellSummary c = seg.summarize(p, 1);
        ASSERT_EQ(c.pages, 1u);
        EXPECT_EQ(c.kind(), legend_kind(seg.vma, pi)) << seg.role << " page " << p;
        EXPECT_EQ(c.pinned == 1, pi.locked) << seg.role << " page " << p;
      }
    }
  }
}

}  // namespace

TEST(ViewModel, MlockallFixtureFigures) {
  Trace t = uitest::mlockall_trace();
  int seen = 0;
  for (const Step& s : t.steps) {
    if (!s.figure) continue;
    ++seen;
    check_objects_against_machine(s, *s.figure != 'A');
  }
  EXPECT_EQ(seen, 3);
}

TEST(ViewModel, MlockFixtureFigures) {
  Trace t = uitest::mlock_trace();
  for (const Step& s : t.steps)
    if (s.figure) check_objects_against_machine(s, *s.figure == 'B');
}

// The tutorial's story, page kinds written by hand: malloc'd records (beyond the chunk
// header) have no memory until mlockall(MCL_CURRENT) faults them in and pins them; MCL_FUTURE pins the next
// malloc at once; munlockall unpins but leaves the pages in RAM.
TEST(ViewModel, MlockallStoryPageKinds) {
  Trace t = uitest::mlockall_trace();
  ASSERT_GE(t.steps.size(), 5u);
  expect_object(t.steps[1], "a[0]", CellKind::NotBacked, false, true);
  expect_object(t.steps[1], "a[499]", CellKind::NotBacked, false, true);
  expect_object(t.steps[2], "a[0]", CellKind::Resident, true);
  expect_object(t.steps[2], "a[499]", CellKind::Resident, true);
  expect_object(t.steps[3], "scratch", CellKind::Resident, true);
  expect_object(t.steps[4], "a[0]", CellKind::Resident, false);
  expect_object(t.steps[4], "scratch", CellKind::Resident, false);
}

// Written buffer in RAM; under memory pressure the unlocked part is swapped out and the
// mlocked first MiB stays resident.
TEST(ViewModel, PressureSwapsOnlyTheUnlockedPart) {
  Trace t = uitest::fork_pressure_trace();
  ASSERT_GE(t.steps.size(), 6u);
  expect_object(t.steps[1], "p", CellKind::NotBacked, false, true);
  expect_object(t.steps[2], "p", CellKind::Resident, false);
  const Step& after = t.steps[5];
  StepView v = build_step_view(*after.machine, &after);
  ASSERT_FALSE(v.procs.empty());
  const ProcessView* parent = &v.procs.front();  // the child is forked later: higher pid
  const ObjectView* p = nullptr;
  for (const ObjectView& o : parent->objects)
    if (o.name == "p") p = &o;
  ASSERT_TRUE(p);
  CellSummary locked = parent->summarize_range(p->addr, 1 << 20);
  EXPECT_EQ(locked.by_kind[static_cast<int>(CellKind::Resident)], locked.pages);
  EXPECT_EQ(locked.pinned, locked.pages);
  // From the first page wholly past the locked MiB (p is not page aligned).
  u64 rest_start = (p->addr + (1 << 20) + kPageSize - 1) & ~(kPageSize - 1);
  CellSummary rest = parent->summarize_range(rest_start, p->addr + (8 << 20) - rest_start);
  EXPECT_GT(rest.by_kind[static_cast<int>(CellKind::Swapped)], 0u);
  EXPECT_EQ(rest.pinned, 0u);
}

TEST(ViewModel, RunsMatchMachinePages) {
  for (Trace t : {uitest::mlockall_trace(), uitest::mlock_trace(), uitest::fork_pressure_trace()})
    for (const Step& s : t.steps) check_runs_match_pages(s, 64);
}

TEST(ViewModel, FullScaleIsAFewRuns) {
  Trace t = uitest::mlockall_trace();
  const Step& b = t.steps[2];  // after mlockall: 125,000 pinned pages
  auto t0 = std::chrono::steady_clock::now();
  StepView v = build_step_view(*b.machine, &b);
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  size_t runs = 0;
  u64 pages = 0;
  for (const auto& pv : v.procs)
    for (const auto& s : pv.segs) { runs += s.runs.size(); pages += s.pages(); }
  std::printf("[bench] build_step_view at figure B: %llu pages -> %zu runs in %.2f ms\n",
              static_cast<unsigned long long>(pages), runs, ms);
  EXPECT_GT(pages, 120000u);
  EXPECT_LT(runs, 200u);
}

#ifdef PP_HAVE_LESSONS
// The real lesson through the interpreter: objects pinned at B and C, not at A.
TEST(ViewModel, MlockallLessonFigures) {
  const BuiltinLesson* les = nullptr;
  for (const auto& b : builtin_lessons())
    if (b.id.find("mlockall") != std::string::npos) { les = &b; break; }
  if (!les) GTEST_SKIP() << "no mlockall lesson built in";
  Trace t = run_lesson(les->file, les->text);
  ASSERT_TRUE(t.errors.empty()) << t.errors.front().format();
  std::string figs;
  for (const Step& s : t.steps) {
    if (!s.figure) continue;
    figs += *s.figure;
    // At the figure step the objects named by the lesson exist (A: before any malloc,
    // the objects are the stack array `a`).
    check_objects_against_machine(s, *s.figure != 'A');
  }
  EXPECT_NE(figs.find('A'), std::string::npos);
  EXPECT_NE(figs.find('B'), std::string::npos);
  EXPECT_NE(figs.find('C'), std::string::npos);
}
#endif

// "Changed this step" (changed_ranges): figure C's malloc is one merged range, mapped
// and locked, every page of it pinned in the Machine; munlockall's range is unlocked
// and no longer pinned; a fork's COW copies are "copied on write".
TEST(ViewModel, ChangedRangesFollowTheEvents) {
  Trace t = uitest::mlockall_trace();
  ASSERT_GE(t.steps.size(), 5u);
  const Step& c = t.steps[3];
  std::vector<ChangedRange> ch = changed_ranges(c);
  ASSERT_FALSE(ch.empty());
  bool mapped_locked = false;
  for (const ChangedRange& r : ch) {
    auto has = [&](const char* w) { return std::find(r.what.begin(), r.what.end(), w) != r.what.end(); };
    if (has("mapped") && has("locked")) mapped_locked = true;
    EXPECT_TRUE(machine_says_pinned(*c.machine, r.pid, r.addr, r.pages << kPageShift)) << std::hex << r.addr;
  }
  EXPECT_TRUE(mapped_locked);
  for (size_t i = 1; i < ch.size(); ++i)  // merged: sorted, no overlap within a process
    if (ch[i].pid == ch[i - 1].pid) EXPECT_GT(ch[i].addr, ch[i - 1].addr + ((ch[i - 1].pages - 1) << kPageShift));
  std::vector<ChangedRange> un = changed_ranges(t.steps[4]);
  EXPECT_FALSE(un.empty());
  for (const ChangedRange& r : un) {
    EXPECT_NE(std::find(r.what.begin(), r.what.end(), "unlocked"), r.what.end());
    EXPECT_FALSE(t.steps[4].machine->page(r.pid, r.addr).locked);
  }
  Step quiet = t.steps[3];
  quiet.events.clear();
  EXPECT_TRUE(changed_ranges(quiet).empty());
}
