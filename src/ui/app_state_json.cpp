// window.pinpages.state(): the Ui's fields as the page and its tests read them.
#include "ui/app_state_json.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "engine/run.h"
#include "ui/ui.h"
#include "ui/user_program.h"
#include "ui/view_model.h"

namespace pp::ui {

using nlohmann::json;

namespace {

// Numbers as a person reads them (and as the page's tests compare them): `v` printed
// with printf's `fmt`, so 1.1f reads 1.1 and not 1.100000023841858.
json num(double v, const char* fmt) {
  if (!std::isfinite(v)) return nullptr;
  char b[64];
  std::snprintf(b, sizeof b, fmt, v);
  return std::strtod(b, nullptr);
}

json rect(float x, float y, float w, float h) {
  return {{"x", num(x, "%.1f")}, {"y", num(y, "%.1f")}, {"w", num(w, "%.1f")}, {"h", num(h, "%.1f")}};
}
json rect(const Rect& r) { return rect(r.x, r.y, r.w, r.h); }

std::string hex(unsigned long long v) {
  char b[32];
  std::snprintf(b, sizeof b, "0x%llx", v);
  return b;
}

json thread(const Ui& ui, const Step* s) {
  if (!s) return nullptr;  // which thread ran the step (index 0: the main thread)
  const ThreadShown th = thread_shown(ui.trace.get(), *s);
  return {{"tid", th.tid}, {"index", th.index}, {"pid", s->pid}, {"stack_top", hex(s->thread_stack)}};
}

// Every text the figure drew last frame, with its box (CSS pixels).
json labels(const Ui& ui) {
  json a = json::array();
  for (const FigureLabel& l : ui.figure_labels) {
    json r = rect(l.x, l.y, l.w, l.h);
    r["text"] = l.text;
    a.push_back(std::move(r));
  }
  return a;
}

// The quiz as the student sees it (question, choices) and what they did with it.
json quiz(const Ui& ui, const Step* s) {
  if (!s || !s->quiz) return nullptr;
  const Quiz& q = *s->quiz;
  auto it = ui.quiz_choice.find(ui.step);
  bool revealed = ui.quiz_revealed.count(ui.step) > 0;
  json j = {{"question", q.question},
            {"choices", q.choices},
            {"choice", it == ui.quiz_choice.end() ? -1 : it->second},
            {"revealed", revealed}};
  if (revealed) j["answer"] = q.answer;  // not before: no spoilers through the hook
  return j;
}

// The ranges the figure outlines as "changed this step", with how many of their pages
// are pinned (from the model, for the tests and for anyone scripting the page).
json changed(Ui& ui) {
  json a = json::array();
  const Step* s = ui.shown();
  if (!s || ui.quiz_pending()) return a;  // the figure marks nothing while a quiz waits
  const StepView* sv = ui.view();
  for (const ChangedRange& r : changed_ranges(*s)) {
    u64 pinned = 0;
    if (const ProcessView* pv = sv ? sv->proc(r.pid) : nullptr) pinned = pv->summarize_range(r.addr, r.pages << kPageShift).pinned;
    a.push_back({{"pid", r.pid}, {"addr", hex(r.addr)}, {"pages", r.pages}, {"pinned_pages", pinned}, {"what", r.what}});
  }
  return a;
}

// Locked pages per lesson object, straight from the step's reports (the model).
json objects(const Step* s) {
  json a = json::array();
  if (!s) return a;
  for (const ProcReport& pr : s->procs)
    for (const ObjectReport& o : pr.objects)
      a.push_back({{"pid", pr.status.pid}, {"name", o.name}, {"addr", hex(o.addr)}, {"bytes", o.bytes},
                   {"pages", o.pages}, {"resident_pages", o.resident_pages}, {"locked_pages", o.locked_pages},
                   {"swapped_pages", o.swapped_pages}});
  return a;
}

// Why the run stopped early, as "file:line:col: message" (error_list has the parts).
json error_lines(const Ui& ui) {
  json a = json::array();
  if (ui.trace)
    for (const Diagnostic& d : ui.trace->errors)
      a.push_back(d.file + ":" + std::to_string(d.line) + ":" + std::to_string(d.col) + ": " + d.message);
  return a;
}

// The machine the shown run has (//@ machine, or the run's own RAM and swap sizes).
json machine(const Ui& ui) {
  if (!ui.trace) return nullptr;
  const MachineConfig& m = ui.trace->meta.machine;
  return {{"ram_bytes", m.ram_bytes}, {"swap_bytes", m.swap_bytes}};
}

}  // namespace

std::string dump_json(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json parse_own_json(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  return j.is_discarded() ? json(nullptr) : j;
}

json ui_state_json(Ui& ui) {
  const Step* s = ui.cur();
  json j;
  j["lesson_id"] = ui.lesson_id;
  j["title"] = ui.trace ? ui.trace->meta.title : "";
  j["step"] = ui.step;
  j["steps"] = ui.steps();
  j["line"] = s ? s->line : 0;
  j["thread"] = thread(ui, s);
  j["figure"] = s && s->figure ? json(std::string(1, *s->figure)) : json(nullptr);
  j["os"] = ui.os == OsKind::Qnx ? "qnx" : "linux";
  j["machine"] = machine(ui);
  j["zoom"] = std::isfinite(ui.zoom) ? num(ui.zoom, "%.4g") : json(1.0);
  j["presenter"] = ui.presenter;
  j["palette"] = static_cast<int>(ui.palette);
  j["frame_ms"] = num(ui.frame_ms, "%.4f");
  j["frame_ms_avg"] = num(ui.frame_ms_avg, "%.4f");
  j["frame_ms_max"] = num(ui.frame_ms_max, "%.4f");
  j["figure_rect"] = rect(ui.fig_x, ui.fig_y, ui.fig_w, ui.fig_h);
  j["quiz"] = s && s->quiz;
  j["quiz_pending"] = ui.quiz_pending();
  j["fit"] = ui.fit;
  j["embed"] = ui.embed;
  j["figure_only"] = ui.figure_only;
  j["playing"] = ui.playing;
  j["speed"] = num(ui.speed, "%.3g");
  j["figure_window"] = rect(ui.figwin_x, ui.figwin_y, ui.figwin_w, ui.figwin_h);
  j["quiz_rect"] = rect(ui.quiz_x, ui.quiz_y, ui.quiz_w, ui.quiz_h);
  j["quiz_fits"] = ui.quiz_fits;
  j["legend_rect"] = rect(ui.legend_rect);
  j["toolbar_rect"] = rect(ui.toolbar_rect);
  j["edit_button_rect"] = rect(ui.edit_button_rect);
  j["recording_button_rect"] = rect(ui.recording_button_rect);
  j["figure_labels"] = labels(ui);
  j["quiz_text"] = quiz(ui, s);
  j["answered"] = ui.quiz_revealed.size();
  j["notice"] = ui.notice;
  j["figure_title"] = ui.figure_title;
  j["controls_fit"] = ui.controls_fit;
  j["nav_focus"] = ui.nav_focus;
  j["nav_controls"] = ui.tab_ids.size();
  j["keyboard_nav"] = ui.keyboard_nav;
  j["keys_overlay"] = ui.show_keys;
  j["annotations_shown"] = ui.show_annotations;
  j["changed"] = changed(ui);
  // A run that stopped early (time, steps, history) still shows its steps: marked so.
  j["incomplete"] = ui.trace && !ui.trace->errors.empty() && ui.steps() > 0;
  j["error_list"] = ui.trace ? errors_json(ui.trace->errors) : json::array();
  j["narration"] = ui.narration_text();
  j["objects"] = objects(s);
  j["step_json"] = s && ui.trace ? parse_own_json(step_json(*ui.trace, *s)) : json(nullptr);
  j["errors"] = error_lines(ui);
  return j;
}

}  // namespace pp::ui
