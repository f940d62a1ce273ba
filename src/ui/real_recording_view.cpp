// Real mode from a recording: a kernel run saved by `pinpages real --record` (or the
// desktop's "Save recording") shown as the kernel's side of Model / Kernel / Side by
// side, its latency experiment in the Faults & latency window, and what
// window.pinpages.state().kernel says about it.
#include <map>
#include <mutex>

#include <nlohmann/json.hpp>

#include "engine/run.h"
#include "ui/real_view.h"
#include "ui/ui.h"

namespace pp::ui {

std::string RealView::attach_recording(std::shared_ptr<const rec::Recording> r) {
  if (!r) return "no recording";
  if (!model_) return "no lesson is open";
  if (r->source != text_)
    return rec::mismatch(*r, model_->meta.id, text_).empty() ? "the recording's source differs from the program shown"
                                                             : rec::mismatch(*r, model_->meta.id, text_);
  recorded_ = std::make_shared<const RealRun>(run_from_recording(std::move(r), *model_, key()));
  run_ = recorded_;
  pairs_.clear();
  latency_done_ = false;
  return "";
}

std::string RealView::recording_json() const {
  if (!run_ || !run_->lab_ok || !run_->trace || !model_) return "";
  if (run_->recording) return rec::to_json(*run_->recording);
  return live_recording_json();
}

void RealView::show_latency(Ui& ui) {
  std::shared_ptr<const rec::LatencyRecord> want;
  std::string where;
  if (run_ && run_->recording && run_->recording->latency) {
    const auto& r = run_->recording;
    want = std::shared_ptr<const rec::LatencyRecord>(r, &*r->latency);
    where = "recorded on " + (r->machine.hypervisor == "none" ? std::string("bare metal") : r->machine.hypervisor) +
            ", Linux " + r->machine.kernel_release + ", " + r->machine.recorded_at;
  }
  if (!want) want = live_latency(&where);
  if (ui.latency != want) {
    ui.latency = want;
    ui.latency_source = where;
  }
  // The payoff of the lesson: at its last step, the chart of why it pins pages opens.
  if (ui.latency && !latency_done_ && ui.trace && ui.step + 1 >= static_cast<int>(ui.trace->steps.size())) {
    ui.inspector_tab = 2;
    latency_done_ = true;
    latency_open_ = true;
  }
}

std::string RealView::state_field(const Ui& ui) {
  using nlohmann::json;
  if (!run_ || !run_->lab_ok || !run_->trace || !model_) return "\"kernel\":null";
  const Trace& kt = *run_->trace;
  int step = ui.step;
  json k;
  k["source"] = run_->recording ? "recording" : "live";
  k["mode"] = mode_name(mode);
  k["steps"] = kt.steps.size();
  k["step"] = step >= 0 && step < static_cast<int>(kt.steps.size()) ? json::parse(step_json(kt, kt.steps[step]), nullptr, false)
                                                                      : json(nullptr);
  const StepPair& sp = pair_for(step);
  json dis = json::array();
  for (const std::string& d : sp.diffs) dis.push_back(d);
  for (const RegionPair& r : sp.regions)
    if (!r.agree) dis.push_back(r.kind + ": model " + (r.model_locked_kb ? "locked" : "not locked") + ", kernel " +
                                (r.real_locked_kb ? "locked" : "not locked"));
  k["agree"] = sp.have_real && dis.empty();
  k["disagreements"] = dis;
  k["compared"] = run_->compare.compared;
  k["agreed"] = run_->compare.agreed;
  k["summary"] = run_->compare.summary(model_->meta.id);
  json figs = json::object();
  for (const auto& [f, ok] : run_->compare.figures) figs[std::string(1, f)] = ok;
  k["figures"] = figs;
  if (run_->recording) {
    const rec::MachineInfo& m = run_->recording->machine;
    k["lesson"] = run_->recording->lesson_id;
    k["machine"] = {{"kernel_release", m.kernel_release}, {"cpu_model", m.cpu_model}, {"hypervisor", m.hypervisor},
                    {"glibc", m.glibc}, {"privilege", m.privilege}, {"page_size", m.page_size}, {"ram_kb", m.ram_kb},
                    {"swap_kb", m.swap_kb}, {"rlimit_memlock_cur", m.rlim_memlock_cur}, {"zero_page", m.zero_page},
                    {"recorded_at", m.recorded_at}};
  }
  if (ui.latency) {
    json ser = json::array();
    for (const auto& s : ui.latency->series)
      ser.push_back({{"id", s.id}, {"faults", s.faults}, {"total_ns", s.total_ns}, {"worst_page_ns", s.worst_page_ns}});
    k["latency"] = {{"series", ser}, {"timer_min_ns", ui.latency->timer_min_ns}, {"finding", ui.latency->finding}};
  } else {
    k["latency"] = nullptr;
  }
  return "\"kernel\":" + k.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace pp::ui
