// pinpages UI — real mode on the desktop: Model / Real / Side by side.
//
//   AppUi ──lesson_changed──► RealView ──submit──► runner::RealRunner (src/runner: worker thread,
//     │                          │                    └─ run_on_kernel ─► Trace (kernel)
//     │                          │ ◄──result (mutex)──┘   + compare_traces, explanation)
//     └─ frame: before_frame ──► narrows the normal layout, swaps in the kernel trace (Real)
//               after_frame  ──► "Kernel" panel: mode switch, model vs kernel per step
//                                (red = disagreement, both values), kernel smaps, latency
//
// A recording (src/runner/recording.h) is the other source of a kernel run: attached, it
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
#include "runner/kernel_run.h"
#include "ui/app_ui.h"
#ifdef PP_REAL_LIVE
#include "runner/real_runner.h"
#endif

namespace pp::ui {

class Ui;

enum class ViewMode { Model, Real, Side };
const char* mode_name(ViewMode m);                          // "model" / "real" / "side"
std::optional<ViewMode> parse_mode(const std::string& s);  // also "side-by-side", "both"

// The kernel's run and its pairing with the model come from src/runner; the UI draws them.
using runner::ObjectPair;
using runner::Pair;
using runner::ProcPair;
using runner::RealRun;
using runner::RegionPair;
using runner::StepPair;
using runner::builtin_recording_for;
using runner::pair_step;
using runner::region_kind;
using runner::run_from_recording;
#ifdef PP_REAL_LIVE
using runner::RealJob;
using runner::RealRunner;
#endif

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
  // Where the page fetches the shipped recordings (rec::builtin_recordings_fetched()): the
  // name of the one the open lesson needs and that has not arrived ("01-mlockall"), else "".
  std::string wanted_recording() const { return recorded_ ? "" : wanted_; }
  // A fetched recording arrived (runner::add_fetched_recording): shown if it is the open
  // lesson's and no other recording is shown.
  void recording_arrived();
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
  void attach_builtin_recording();  // and, where the page fetches them, sets wanted_
  std::string fetchable_recording() const;
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
  std::string wanted_;  // wanted_recording(), found when the lesson opened (not per frame)
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
