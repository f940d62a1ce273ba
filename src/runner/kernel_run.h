// pinpages runner — a kernel's run of a lesson next to the model's, step by step.
//
//   RealRun   the kernel's Trace (live: real_runner.h; or from a recording) + the
//             comparison with the model (compare.h) + what the privilege explains
//   pair_step one step of both traces as rows (calls, ret/errno, objects, regions),
//             with compare.h's verdicts, for the real-mode panel to draw
//
// Portable: the web page pairs the model with shipped recordings; nothing here
// touches the running kernel.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/run.h"
#include "engine/trace.h"
#include "runner/compare.h"
#include "runner/recording.h"

namespace pp::runner {

struct RealRun {
  std::string key;
  bool lab_ok = false;    // a lab started and the lesson ran (maybe with errors)
  std::string lab_error;  // why real mode is not available
  std::shared_ptr<const Trace> trace;
  // The model run `compare` is against: the lesson's, or — when the kernel maps no zero
  // page and the lesson's model does — the lesson run again with the kernel's setting,
  // so no difference the model could have predicted is shown as a disagreement.
  std::shared_ptr<const Trace> model;
  real::CompareReport compare;
  bool cap_ipc_lock = false;
  u64 rlim_cur = 0, rlim_max = 0;
  int refused_step = -1;    // first lock call the kernel refused without CAP_IPC_LOCK
  std::string explanation;  // explain_lock_failure() for that step
  double seconds = 0;
  std::shared_ptr<const rec::Recording> recording;  // the run came from this recording
};

// The lesson run again by the model as a kernel that does (or does not) map the zero page
// would run it; null when `model` already ran that way (or is not Linux).
std::shared_ptr<const Trace> model_as_kernel(const std::string& file, const std::string& text, RunOptions ro,
                                             const Trace& model, bool kernel_zero_page);
// A recording as a run of the lesson `model` shows (same source): the kernel's steps
// with the model's lesson metadata, compared with the model step by step.
RealRun run_from_recording(std::shared_ptr<const rec::Recording> r, const Trace& model, const std::string& key);
// The shipped recording (assets/recordings) whose lesson source is `source`; null if none
// (or not fetched yet, where the page fetches them: rec::builtin_recordings_fetched()).
std::shared_ptr<const rec::Recording> builtin_recording_for(const std::string& source);
// The page's answer for shipped recording `name` ("01-mlockall"): its document, or "" when
// it has none. Kept like an embedded one; a second answer for a name is ignored.
void add_fetched_recording(const std::string& name, const std::string& json);
// True once `name` is embedded or its answer has arrived.
bool recording_known(const std::string& name);

// ------------------------------------------------------------------ model vs kernel, one step
struct Pair {
  std::string model, real;
  bool agree = true;
};
struct ObjectPair {
  int proc = 0;  // index in Step::procs (0 = parent)
  std::string name;
  u64 pages = 0;
  u64 model_locked = 0, real_locked = 0, model_resident = 0, real_resident = 0;
  u64 model_swapped = 0, real_swapped = 0;
  Pair locked, resident, swapped;
  bool agree() const { return locked.agree && resident.agree && swapped.agree; }
};
struct ProcPair {
  int model_pid = 0, real_pid = 0;
  Pair vm_lck, vm_rss, vm_size;  // shown, not judged: the lab also holds libc's pages
};
// Locked kB of the VMAs of one kind (heap, stack, .bss, …) on each side: the page
// table's view of "locked". Judged only where both sides have that kind of region.
struct RegionPair {
  int proc = 0;
  std::string kind;
  bool in_model = false, in_real = false;
  u64 model_locked_kb = 0, real_locked_kb = 0, model_kb = 0, real_kb = 0;
  bool agree = true;  // both locked or both unlocked
};
struct StepPair {
  bool have_real = false;
  std::string model_call, real_call;
  Pair ret, err;
  std::vector<ObjectPair> objects;
  std::vector<ProcPair> procs;
  std::vector<RegionPair> regions;
  std::vector<std::string> diffs;  // compare.h's words for this step ("buffer locked pages: model 4, real 0")
  int disagreements() const;       // diffs + region lock-state mismatches
};
// `step` indexes both traces (the runs execute the same program).
StepPair pair_step(const Trace& model, const Trace* real, int step, const real::CompareOptions& opt = {});
std::string region_kind(const std::string& vma_name, const std::string& perms);

}  // namespace pp::runner
