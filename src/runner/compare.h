// pinpages real mode — model vs kernel, step by step.
//
//   run_lesson (model) ──► Trace M ─┐
//                                   ├─ compare_traces ─► per step: ret, errno,
//   run_lesson_on(RealOs) ► Trace R ┘                    per object: locked/resident/swapped
//
// Used by `pinpages real` (closing note) and by the differential test.
//
// Tolerances (documented, deliberate):
// - Return values that are addresses or pids (lang::returns_address_or_pid: malloc,
//   mmap, sbrk, fork, waitpid, open, ...) are compared by kind only: NULL / -1 / 0 / a
//   value. Real addresses and pids differ from the model's by construction.
// - Resident pages of an object may differ by `resident_slack` pages (default 1):
//   glibc writes the chunk header in the page before a malloc'd buffer, and the
//   real stack's top pages were already touched by the C start-up code.
// - Locked and swapped page counts must agree exactly.
// - A step's faults (minor + major) are compared when either side counts at least
//   `fault_floor` of them (the steps that populate: mlock, mlockall, big touches),
//   within `fault_slack_pct` percent plus `fault_floor / 4`. Below the floor, the
//   real process's own start-up, stdio and exec faults dominate and are not modelled
//   one by one.
// - Objects are matched by name within the process at the same position
//   (parent first); an object missing on one side is a difference.
#pragma once

#include <string>
#include <vector>

#include "engine/trace.h"

namespace pp::real {

struct CompareOptions {
  u64 resident_slack = 1;
  bool compare_resident = true;
  u64 fault_floor = 50;
  u64 fault_slack_pct = 5;
};

struct StepDiff {
  int step = 0, line = 0;
  std::string source;
  std::vector<std::string> what;  // "ret: model 0, real -1", "buffer locked: model 4, real 0"
};

struct CompareReport {
  int steps_model = 0, steps_real = 0;
  int compared = 0, agreed = 0;
  std::vector<StepDiff> diffs;
  std::vector<std::string> notes;  // e.g. the runs stopped at different steps
  std::vector<std::pair<char, bool>> figures;  // tutorial figure → did its step agree
  bool all_agree() const { return diffs.empty() && steps_model == steps_real; }
  std::string summary(const std::string& lesson) const;  // "mlockall: 12/12 steps agree"
  std::string format() const;                             // readable diff
};

CompareReport compare_traces(const Trace& model, const Trace& real, const CompareOptions& opt = {});

}  // namespace pp::real
