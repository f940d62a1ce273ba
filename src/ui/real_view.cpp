// Real mode: the mode switching around the normal layout, and which kernel run (the
// desktop's background runner or a recording, src/runner) the windows show. The panel
// is drawn in real_panel.cpp.
#include "ui/real_view.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "engine/lesson_source.h"
#include "imgui.h"
#include "runner/builtin_recordings.h"
#include "ui/ui.h"
#ifdef PP_REAL_LIVE
#include "real/machine_info.h"
#endif

namespace pp::ui {

const char* mode_name(ViewMode m) {
  switch (m) {
    case ViewMode::Model: return "model";
    case ViewMode::Real: return "real";
    case ViewMode::Side: return "side";
  }
  return "model";
}

std::optional<ViewMode> parse_mode(const std::string& s) {
  if (s == "model") return ViewMode::Model;
  if (s == "real" || s == "kernel") return ViewMode::Real;
  if (s == "side" || s == "side-by-side" || s == "both") return ViewMode::Side;
  return std::nullopt;
}

// ------------------------------------------------------------------ RealView
RealView::RealView() {
  if (const char* m = std::getenv("PINPAGES_MODE"))
    if (auto v = parse_mode(m)) mode = *v;
#ifdef PP_REAL_LIVE
  if (const char* w = std::getenv("PINPAGES_REAL_WAIT")) wait_first = *w && *w != '0';
  if (const char* u = std::getenv("PINPAGES_REAL_UNPRIVILEGED")) unprivileged = *u && *u != '0';
  if (const char* l = std::getenv("PINPAGES_REAL_LATENCY")) {
    long long n = std::atoll(l);
    if (n > 0) runner_.submit_latency(static_cast<u64>(n), real::kTutorialRecordBytes, base_opt);
  }
#endif
}

void RealView::attach_builtin_recording() {
  // The shipped recordings are the kernel's answer wherever no lab can run (the web
  // page); on the desktop a live run is the answer, and a loaded recording only when asked.
#ifndef PP_REAL_LIVE
  wanted_.clear();
  if (!model_ || !model_->meta.allows_linux || (ro_.os && *ro_.os == OsKind::Qnx)) return;
  if (model_->meta.machine.os == OsKind::Qnx) return;
  if (auto r = builtin_recording_for(text_)) attach_recording(r);
  else if (rec::builtin_recordings_fetched()) wanted_ = fetchable_recording();
#endif
}

std::string RealView::fetchable_recording() const {
  // Only a built-in lesson as it ships has one, named after its file.
  const BuiltinLesson* b = find_builtin_lesson(file_);
  if (!b || b->text != text_) return "";
  std::string name = b->file.substr(b->file.find_last_of('/') + 1);
  name = name.substr(0, name.rfind(".c"));
  return runner::recording_known(name) ? "" : name;
}

void RealView::recording_arrived() {
  if (!recorded_) attach_builtin_recording();
}

#ifdef PP_REAL_LIVE
std::shared_ptr<const rec::LatencyRecord> RealView::live_latency(std::string* where) {
  auto lat = runner_.latency();
  if (!lat || !lat->ok) return nullptr;
  if (lat != live_lat_src_) {
    live_lat_src_ = lat;
    live_lat_ = std::make_shared<const rec::LatencyRecord>(real::latency_record(*lat));
  }
  *where = "measured now on this machine" + (lat->hypervisor.empty() || lat->hypervisor == "none" ? std::string() : ", " + lat->hypervisor);
  return live_lat_;
}

std::string RealView::live_recording_json() const {
  rec::Recording r;
  r.tool = "pinpages desktop";
  r.lesson_id = model_->meta.id;
  r.lesson_file = model_->meta.file;
  r.lesson_title = model_->meta.title;
  r.source = text_;
  r.machine = real::machine_info();
  r.machine.cap_ipc_lock = run_->cap_ipc_lock;
  r.machine.rlim_memlock_cur = run_->rlim_cur;
  r.machine.rlim_memlock_max = run_->rlim_max;
  r.kernel.steps = run_->trace->steps;
  r.kernel.errors = run_->trace->errors;
  rec::Agreement ag;
  ag.compared = run_->compare.compared;
  ag.agreed = run_->compare.agreed;
  for (const auto& d : run_->compare.diffs) ag.differing_steps.push_back(d.step);
  ag.summary = run_->compare.summary(model_->meta.id);
  r.agreement = ag;
  if (live_lat_) r.latency = *live_lat_;
  return rec::to_json(r);
}
#else
std::shared_ptr<const rec::LatencyRecord> RealView::live_latency(std::string*) { return nullptr; }
std::string RealView::live_recording_json() const { return ""; }
#endif

std::string RealView::key() const {
  return file_ + "|" + (ro_.os && *ro_.os == OsKind::Qnx ? "qnx" : "linux") + (unprivileged ? "|user" : "|cap") + "|" +
         std::to_string(std::hash<std::string>{}(text_));
}

void RealView::lesson_changed(const std::string& file, const std::string& text, const RunOptions& ro,
                              std::shared_ptr<const Trace> model) {
  file_ = file;
  text_ = text;
  ro_ = ro;
  model_ = std::move(model);
  run_.reset();
  recorded_.reset();
  pairs_.clear();
  attach_builtin_recording();
  if (mode != ViewMode::Model) ensure_submitted();
}

void RealView::ensure_submitted() {
  if (!model_ || recorded_) return;
#ifndef PP_REAL_LIVE
  return;  // no lab here: only recordings
#endif
  std::string k = key();
  if (k == submitted_) return;
  submitted_ = k;
#ifdef PP_REAL_LIVE
  RealJob j;
  j.key = k;
  j.file = file_;
  j.text = text_;
  j.ro = ro_;
  j.model = model_;
  j.opt = base_opt;
  j.opt.unprivileged = unprivileged;
  runner_.submit(std::move(j));
#endif
}

const StepPair& RealView::pair_for(int step) {
  auto it = pairs_.find(step);
  if (it != pairs_.end()) return it->second;
  if (pairs_.size() > 64) pairs_.clear();
  static const StepPair empty;
  if (!model_) return empty;
  const Trace& m = run_ && run_->lab_ok && run_->model ? *run_->model : *model_;
  return pairs_[step] = pair_step(m, run_ && run_->lab_ok ? run_->trace.get() : nullptr, step);
}

void RealView::set_mode(Ui& ui, ViewMode m) {
  mode = m;
  if (m != ViewMode::Model) ensure_submitted();
  swap_traces(ui);
}

// Real mode browses the kernel's trace in every window (narration, code, page table,
// faults read its reports); the others browse the model's.
void RealView::swap_traces(Ui& ui) {
  if (!model_) return;
  std::shared_ptr<const Trace> want = model_;
  if (mode == ViewMode::Real && run_ && run_->lab_ok && run_->trace) want = run_->trace;
  if (ui.trace == want) return;
  if (ui.trace != model_ && !(run_ && ui.trace == run_->trace)) return;  // sandbox etc.: not ours
  int keep = ui.step;
  ui.set_trace(want, ui.lesson_id);
  ui.go(keep);
}

FrameInfo RealView::before_frame(Ui& ui, const FrameInfo& info) {
  if (mode != ViewMode::Model) ensure_submitted();
#ifdef PP_REAL_LIVE
  if (wait_first) {  // screenshots and tests: the first frame shows the finished run
    runner_.wait_idle(300000);
    wait_first = false;
  }
#endif
  if (recorded_) {
    if (run_ != recorded_) {
      run_ = recorded_;
      pairs_.clear();
    }
  } else if (mode != ViewMode::Model) {
#ifdef PP_REAL_LIVE
    std::string k = key();
    if (!run_ || run_->key != k)
      if (auto r = runner_.result(k)) {
        run_ = r;
        pairs_.clear();
      }
#endif
  }
  show_latency(ui);
  swap_traces(ui);
  FrameInfo fi = info;
  if (mode == ViewMode::Model || ui.figure_only) return fi;
  float W = info.width > 0 ? static_cast<float>(info.width) : ImGui::GetIO().DisplaySize.x;
  if (ImGui::GetIO().DisplaySize.x > 0) W = std::min(W, ImGui::GetIO().DisplaySize.x);
  panel_y_ = 0;
  if (W < 720) {
    // A phone: no room beside the layout, so the panel is a sheet under it.
    float H = info.height > 0 ? static_cast<float>(info.height) : ImGui::GetIO().DisplaySize.y;
    if (ImGui::GetIO().DisplaySize.y > 0) H = std::min(H, ImGui::GetIO().DisplaySize.y);
    panel_x_ = 0;
    panel_y_ = std::floor(H * 0.5f);
    fi.height = static_cast<int>(panel_y_);
    return fi;
  }
  // The normal layout turns into its phone layout below 720 px: keep it above that
  // when the window allows, and give the panel what is left (at least 380 px).
  panel_x_ = std::floor(W * (mode == ViewMode::Side ? 0.56f : 0.60f));
  if (W >= 720 + 380) panel_x_ = std::clamp(panel_x_, 730.0f, W - 380);
  fi.width = static_cast<int>(panel_x_);
  return fi;
}

}  // namespace pp::ui
