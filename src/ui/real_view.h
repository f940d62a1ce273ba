// pinpages UI — real mode on the desktop: Model / Real / Side by side.
//
//   AppUi ──lesson_changed──► RealView ──submit──► RealRunner (one worker std::thread, app lifetime)
//     │                          │                    └─ RealOs + run_lesson_on ─► Trace (kernel)
//     │                          │ ◄──result (mutex)──┘   + compare_traces, explanation
//     └─ frame: before_frame ──► narrows the normal layout, swaps in the kernel trace (Real)
//               after_frame  ──► "Kernel" panel: mode switch, model vs kernel per step
//                                (red = disagreement, both values), kernel smaps, latency
//
// Why a worker thread that never ends: the lab has PR_SET_PDEATHSIG, which fires when
// the *thread* that spawned it exits; and a lesson at the tutorial's scale takes
// seconds for real, which the UI thread must never wait for.
//
// A recording (src/real/recording.h) is the other source of a kernel run: attached, it
// takes the place of the worker's result. The browser cannot lock memory, so there
// (no PP_REAL_LIVE) recordings are the only source: the built-in lessons' shipped
// ones, or one the user opens (web/recordings.js → AppUi::load_recording).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/run.h"
#include "engine/trace.h"
#include "real/compare.h"
#include "real/recording.h"
#include "ui/app_ui.h"
#ifdef PP_REAL_LIVE
#include "real/latency.h"
#include "real/real_os.h"
#endif

namespace pp::ui {

class Ui;

enum class ViewMode { Model, Real, Side };
const char* mode_name(ViewMode m);                          // "model" / "real" / "side"
std::optional<ViewMode> parse_mode(const std::string& s);  // also "side-by-side", "both"

// ------------------------------------------------------------------ background runs
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
// The shipped recording (assets/recordings) whose lesson source is `source`; null if none.
std::shared_ptr<const rec::Recording> builtin_recording_for(const std::string& source);

#ifdef PP_REAL_LIVE
struct RealJob {
  std::string key;  // what the UI asks about (lesson file | os | privilege)
  std::string file, text;
  RunOptions ro;
  std::shared_ptr<const Trace> model;  // compared against when the run is done
  real::RealOptions opt;
};

// Runs RealJobs one at a time on a thread that lives as long as the runner (see top).
class RealRunner {
 public:
  RealRunner();
  ~RealRunner();  // finishes the current lesson call, ends its labs, joins
  RealRunner(const RealRunner&) = delete;
  RealRunner& operator=(const RealRunner&) = delete;

  // Newest wins: a queued job not yet started is replaced (stepping through lessons
  // quickly must not queue a minute of real runs).
  void submit(RealJob job);
  void submit_latency(u64 records, u64 bytes, real::RealOptions opt = {});
  std::shared_ptr<const RealRun> result(const std::string& key) const;  // null until done
  std::shared_ptr<const real::LatencyReport> latency() const;
  bool busy(std::string* what = nullptr) const;
  bool latency_busy() const;
  bool wait_idle(int timeout_ms) const;  // tests and screenshots only: the UI never waits

  // Done on the worker; public so the test can run one without a thread.
  static RealRun run_now(const RealJob& job);

 private:
  void loop();
  mutable std::mutex mu_;
  mutable std::condition_variable cv_, idle_cv_;
  std::optional<RealJob> pending_;
  std::optional<std::pair<std::pair<u64, u64>, real::RealOptions>> pending_latency_;
  std::string running_;  // description of the job in progress ("" = idle)
  bool latency_running_ = false;
  std::map<std::string, std::shared_ptr<const RealRun>> done_;
  std::shared_ptr<const real::LatencyReport> latency_;
  bool stop_ = false;
  std::thread worker_;  // last: started once everything above exists
};
#endif  // PP_REAL_LIVE

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

// ------------------------------------------------------------------ the UI part
// Owned by AppUi on the desktop. Start-up environment (for screenshots and tests):
//   PINPAGES_MODE=model|real|side    PINPAGES_REAL_WAIT=1 (first frame waits for the run)
//   PINPAGES_REAL_UNPRIVILEGED=1     PINPAGES_REAL_LATENCY=RECORDS (measure at start)
class RealView {
 public:
  RealView();
  ViewMode mode = ViewMode::Model;
  bool unprivileged = false;  // run the lab as a plain user would (no CAP_IPC_LOCK)
  bool wait_first = false;
#ifdef PP_REAL_LIVE
  real::RealOptions base_opt;
#endif

  // The model trace AppUi just opened (lesson, OS or sandbox changed).
  void lesson_changed(const std::string& file, const std::string& text, const RunOptions& ro,
                      std::shared_ptr<const Trace> model);
  // Before Ui::frame(): returns the FrameInfo the normal layout should use.
  FrameInfo before_frame(Ui& ui, const FrameInfo& info);
  // After Ui::frame(): the mode switch and, in Real / Side, the kernel panel.
  void after_frame(Ui& ui, const FrameInfo& info);

  std::shared_ptr<const RealRun> run() const { return run_; }
  const StepPair& pair_for(int step);  // cached per run
#ifdef PP_REAL_LIVE
  RealRunner& runner() { return runner_; }
#endif
  void set_mode(Ui& ui, ViewMode m);

  // Shows recording `r` as the kernel's run of the open lesson (its source must be the
  // one shown: AppUi opens it first). "" on success, else why not.
  std::string attach_recording(std::shared_ptr<const rec::Recording> r);
  bool has_recording() const { return recorded_ != nullptr; }
  // True once when the lesson reached its end with a latency chart to show.
  bool take_latency_open() { bool o = latency_open_; latency_open_ = false; return o; }
  // The recording of the open run as a document (Save recording); "" when there is none.
  std::string recording_json() const;
  std::string live_recording_json() const;  // desktop: the live run as a recording
  // `"kernel":{…}` for window.pinpages.state(): the kernel's step, the verdicts.
  std::string state_field(const Ui& ui);

 private:
  std::string key() const;
  void ensure_submitted();
  void swap_traces(Ui& ui);
  void draw_windows(Ui& ui, const FrameInfo& info);
  void show_latency(Ui& ui);
  void attach_builtin_recording();
  std::shared_ptr<const rec::LatencyRecord> live_latency(std::string* where);  // desktop: measured now
  bool latency_done_ = false;  // the chart was opened at the lesson's end once
  bool latency_open_ = false;  // … and the panel's copy should open now
#ifdef PP_REAL_LIVE
  std::shared_ptr<const real::LatencyReport> live_lat_src_;
  std::shared_ptr<const rec::LatencyRecord> live_lat_;
#endif

#ifdef PP_REAL_LIVE
  RealRunner runner_;
#endif
  std::shared_ptr<const RealRun> recorded_;  // from a recording: wins over live runs
  std::string file_, text_;
  RunOptions ro_;
  std::shared_ptr<const Trace> model_;
  std::string submitted_;  // key of the last submitted job
  std::shared_ptr<const RealRun> run_;
  std::map<int, StepPair> pairs_;
  float panel_x_ = 0, panel_y_ = 0;  // the panel: right of the layout, or under it (phones)
};

// The panel's contents (real_view.cpp); exposed so the headless test can draw it.
void draw_real_panel(Ui& ui, RealView& rv);

}  // namespace pp::ui
