// Controls: stepping (|◀ ◀ ▶ ▶|, slider, play/pause + speed, next lock call), the lesson
// picker, the Linux/QNX switch, presenter mode, palette, permalink and exports; debugging
// aids (frame time, [vdso]) under "More". Items wrap to a new row when the window is too
// narrow (projector at 1024 px in presenter mode, phones), so nothing is clipped.
// Keyboard equivalents live in Ui::keyboard(): ←/→ Space Home/End F P +/- C ?.
#include <algorithm>
#include <cstdio>
#include <vector>

#include "imgui.h"
#include "imgui_internal.h"
#include "ui/ui.h"

namespace pp::ui {
namespace {

bool is_lock_call(const Step& s) { return lang::is_lock_call(s.id); }

// The controls in drawing order, for Tab in keyboard-navigation mode: each item is
// recorded when the next one is placed (and the last at the end).
std::vector<ImGuiID>* g_tab_ids = nullptr;
void record_last_item() {
  ImGuiID id = ImGui::GetItemID();
  if (g_tab_ids && id && (g_tab_ids->empty() || g_tab_ids->back() != id)) g_tab_ids->push_back(id);
}

// The width left on this row, less what a floating window covers at its end (Ui::reserve_w).
const Ui* g_ui = nullptr;
float avail_x() {
  float a = ImGui::GetContentRegionAvail().x;
  if (g_ui && g_ui->reserve_w > 0 && ImGui::GetCursorScreenPos().y < g_ui->reserve_bottom) a -= g_ui->reserve_w;
  return a;
}

// Continues the row when an item of width `w` still fits, else starts a new row.
void next_item(float w) {
  record_last_item();
  ImGui::SameLine();
  if (avail_x() < w) ImGui::NewLine();
}
float button_w(const char* label) {
  return ImGui::CalcTextSize(label, nullptr, true).x + ImGui::GetStyle().FramePadding.x * 2;
}
bool button(const char* label, const char* tip = nullptr) {
  next_item(button_w(label));
  bool r = ImGui::Button(label);
  if (tip && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tip);
  return r;
}

std::string picker_title(const Ui& ui) {
  std::string t = ui.trace ? ui.trace->meta.title : "";
  if (ui.lesson_id == "sandbox") t = "Sandbox";
  return t.empty() ? ui.lesson_id : t;
}

// The width that shows the whole title of the open lesson, with the combo's arrow.
float picker_want(const Ui& ui) {
  return ImGui::CalcTextSize(picker_title(ui).c_str()).x + ImGui::GetFrameHeight() + ImGui::GetStyle().FramePadding.x * 3;
}

void lesson_picker(Ui& ui, float width) {
  ImGui::SetNextItemWidth(width);
  std::string cur_title = picker_title(ui);
  if (ImGui::BeginCombo("##lesson", cur_title.c_str())) {
    for (const auto& [id, title] : ui.hooks.lessons) {
      bool sel = id == ui.lesson_id;
      std::string label = title.empty() ? id : title + "  (" + id + ")";
      if (ImGui::Selectable(label.c_str(), sel) && ui.hooks.open_lesson) ui.hooks.open_lesson(id);
    }
    ImGui::Separator();
    if (ImGui::Selectable("Sandbox: free play (empty program)", ui.lesson_id == "sandbox") && ui.hooks.run_sandbox) {
      ui.sandbox_lines.clear();
      ui.hooks.run_sandbox(sandbox_source(ui.sandbox_lines, ui.os));
      ui.inspector_tab = 3;
    }
    ImGui::EndCombo();
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("choose a lesson");
}

void stepper(Ui& ui, bool compact) {
  int n = ui.steps();
  const float sc = ui.scale();
  if (ImGui::Button("|\xE2\x97\x80##first")) { ui.playing = false; ui.go(0); }          // |◀
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("first step (Home)");
  if (button("\xE2\x97\x80##prev", "previous step (\xE2\x86\x90)")) { ui.playing = false; ui.go(ui.step - 1); }
  // "||" rather than U+23F8: not every font the page may get has the pause sign.
  if (button(ui.playing ? "|| Pause##play" : "\xE2\x96\xB6 Play##play", "play / pause (Space); stops at every quiz")) {
    ui.playing = !ui.playing && !ui.quiz_pending();
    ui.play_accum = 0;
    if (ui.playing && ui.step >= n - 1) ui.go(0);
  }
  if (button("\xE2\x96\xB6##next", "next step (\xE2\x86\x92)")) { ui.playing = false; ui.go(ui.step + 1); }
  if (button("\xE2\x96\xB6|##last", "last step (End)")) { ui.playing = false; ui.go(n - 1); }
  // Compact and narrow (phone upright): the slider takes the row. Compact and wide (phone
  // on its side, embeds): it leaves room for the lesson picker on the same row.
  const bool wide = ImGui::GetWindowWidth() > 600 * sc;
  float slider_w = compact && !wide ? std::max(60.0f * sc, avail_x() - button_w("[C]") - 10 * sc)
                                    : (ui.presenter || compact ? 140 : 200) * sc;
  next_item(std::min(slider_w, 120 * sc));
  int s = ui.step;
  ImGui::SetNextItemWidth(std::min(slider_w, avail_x()));
  if (ImGui::SliderInt("##step", &s, 0, std::max(0, n - 1), "step %d")) { ui.playing = false; ui.go(s); }
  // The figure letter is part of the answer while a quiz waits: not before the reveal.
  if (const Step* st = ui.cur(); st && st->figure && !ui.quiz_pending()) {
    ImGui::SameLine();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ui.pal().pinned), "[%c]", *st->figure);
  }
}

void palette_combo(Ui& ui, float w) {
  ImGui::SetNextItemWidth(w);
  if (ImGui::BeginCombo("##palette", palette_name(ui.palette))) {
    for (int i = 0; i < 3; ++i) {
      auto k = static_cast<PaletteKind>(i);
      if (ImGui::Selectable(palette_name(k), k == ui.palette)) { ui.palette = k; apply_style(k); }
    }
    ImGui::EndCombo();
  }
}

Rect last_item_rect() {
  ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  return Rect{a.x, a.y, b.x - a.x, b.y - a.y};
}

// The program editor's button: in the controls' flow, so nothing floats over the windows.
void edit_program_button(Ui& ui, const char* tip) {
  ui.edit_button_rect = Rect{};
  if (!ui.hooks.edit_program) return;
  bool pressed = button(ui.hooks.edit_program_label.c_str(), tip);
  ui.edit_button_rect = last_item_rect();
  if (pressed) ui.hooks.edit_program();
}

void exports(Ui& ui) {
  if (button("Copy link") && ui.hooks.copy_link) ui.hooks.copy_link();
  if (button("PNG", "export the figure as PNG, with title, step, caption and legend")) ui.export_png_requested = true;
  if (button("JSON", "export this step's state as JSON") && ui.hooks.step_json && ui.hooks.save_file && ui.cur()) {
    std::string j = ui.hooks.step_json(*ui.cur());
    char name[160];
    std::snprintf(name, sizeof name, "pinpages-%s-step%d.json", ui.lesson_id.c_str(), ui.step);
    ui.last_export = ui.hooks.save_file(name, "application/json", std::vector<unsigned char>(j.begin(), j.end()));
  }
  ui.recording_button_rect = Rect{};
  if (ui.hooks.open_recording) {
    bool pressed = button("Open recording...", "open a recording of a real kernel run (pinpages real LESSON --record FILE.json)");
    ui.recording_button_rect = last_item_rect();
    if (pressed) ui.hooks.open_recording();
  }
}

// Debugging aids, and in presenter mode everything a lecture does not need on screen.
void more_menu(Ui& ui) {
  if (button("More...")) ImGui::OpenPopup("##more");
  if (ImGui::BeginPopup("##more")) {
    if (ui.presenter) {
      ImGui::TextDisabled("palette");
      ImGui::SameLine();
      palette_combo(ui, 180 * ui.scale());
      ImGui::Checkbox("fit the figure (0)", &ui.fit);
      exports(ui);
      ImGui::Separator();
    }
    if (ui.os != OsKind::Qnx)  // Linux's vDSO: QNX has none
      ImGui::Checkbox("[vdso] / [vvar] pages in the figure", &ui.show_kernel_pages);
    ImGui::Checkbox("//@ lesson notes in the code pane", &ui.show_annotations);
    ImGui::Separator();
    ImGui::TextDisabled("frame: %.2f ms (avg), %.2f ms (max)", ui.frame_ms_avg, ui.frame_ms_max);
    ImGui::EndPopup();
  }
}

}  // namespace

void draw_controls(Ui& ui, bool compact) {
  ui.tab_ids.clear();
  g_tab_ids = &ui.tab_ids;
  g_ui = &ui;
  struct Done { ~Done() { record_last_item(); g_tab_ids = nullptr; g_ui = nullptr; } } done;
  const float sc = ui.scale();
  stepper(ui, compact);
  if (compact) {
    // Phones: the lesson picker on its own row, full width. An embed shows one lesson.
    if (!ui.embed) {
      if (ImGui::GetWindowWidth() > 600 * sc) next_item(160 * sc);
      lesson_picker(ui, avail_x());
    }
    if (!ui.embed) edit_program_button(ui, nullptr);
    if (!ui.status_line.empty()) ImGui::TextDisabled("%s", ui.status_line.c_str());
    return;
  }
  const bool full = !ui.presenter;  // presenter: the lecture's controls only, the rest under More
  if (full && button("next lock call")) {
    int i = ui.find_next(true, is_lock_call);
    if (i >= 0) ui.go(i);
  }
  if (full && button("next figure")) {
    int i = ui.find_next(true, [](const Step& st) { return st.figure.has_value(); });
    if (i >= 0) ui.go(i);
  }
  if (full) {
    next_item(90 * sc);
    ImGui::SetNextItemWidth(90 * sc);
    ImGui::SliderFloat("##speed", &ui.speed, 0.25f, 20.0f, "%.2g steps/s", ImGuiSliderFlags_Logarithmic);
    record_last_item();
  }

  // Second row: lesson, OS, view options, sharing.
  // The whole title when it fits the row (else a new row); never less than 120 px.
  if (!full) next_item(std::min(picker_want(ui), ImGui::GetWindowWidth() * 0.6f));  // else: a row of its own
  lesson_picker(ui, std::max(120 * sc, std::min({picker_want(ui), avail_x() - 10 * sc,
                                                  std::max(260 * sc, avail_x() * 0.5f)})));
  edit_program_button(ui, "write, paste or change a C program and run it");
  const LessonMeta* meta = ui.trace ? &ui.trace->meta : nullptr;
  bool can_linux = meta && meta->allows_linux, can_qnx = meta && meta->allows_qnx;
  next_item(button_w("Linux") + ImGui::GetFrameHeight());
  ImGui::BeginDisabled(!can_linux || !ui.hooks.set_os);
  if (ImGui::RadioButton("Linux", ui.os == OsKind::Linux) && ui.os != OsKind::Linux) ui.hooks.set_os(OsKind::Linux);
  ImGui::EndDisabled();
  next_item(button_w("QNX") + ImGui::GetFrameHeight());
  ImGui::BeginDisabled(!can_qnx || !ui.hooks.set_os);
  if (ImGui::RadioButton("QNX", ui.os == OsKind::Qnx) && ui.os != OsKind::Qnx) ui.hooks.set_os(OsKind::Qnx);
  ImGui::EndDisabled();
  if (!can_qnx && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("this lesson is written for Linux only");
  next_item(button_w("Presenter (P)") + ImGui::GetFrameHeight());
  ImGui::Checkbox("Presenter (P)", &ui.presenter);
  if (full) {
    next_item(150 * sc);
    palette_combo(ui, 150 * sc);
    next_item(90 * sc);
    ImGui::SetNextItemWidth(90 * sc);
    if (ImGui::SliderFloat("##zoom", &ui.zoom, 0.05f, 4096.0f, ui.fit ? "zoom: fit" : "zoom %.3g", ImGuiSliderFlags_Logarithmic))
      ui.fit = false;
    next_item(button_w("fit (0)") + ImGui::GetFrameHeight());
    if (ImGui::Checkbox("fit (0)", &ui.fit)) ui.pan_y = 0;
  }
  if (button(full ? "Figure only (F)" : "Figure (F)")) {
    ui.figure_only = true;
    if (ui.hooks.fullscreen) ui.hooks.fullscreen(true);
  }
  if (full) exports(ui);
  if (button("Keys (?)")) ui.show_keys = !ui.show_keys;
  more_menu(ui);
  if (!ui.last_export.empty() || !ui.status_line.empty()) {
    const std::string& t = ui.status_line.empty() ? ui.last_export : ui.status_line;
    next_item(ImGui::CalcTextSize(t.c_str()).x);
    ImGui::TextDisabled("%s", t.c_str());
  }
}

}  // namespace pp::ui
