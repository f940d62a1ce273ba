// Controls: stepping (⏮ ◀ ▶ ⏭, slider, play/pause + speed, next lock call), the lesson
// picker, the Linux/QNX switch, presenter mode, palette, permalink and exports.
// Keyboard equivalents live in Ui::keyboard(): ←/→ Space Home/End F P +/- C.
#include <algorithm>
#include <cstdio>

#include "imgui.h"
#include "ui/ui.h"

namespace pp::ui {
namespace {

bool is_lock_call(const Step& s) {
  return s.call.rfind("mlock", 0) == 0 || s.call.rfind("munlock", 0) == 0 || s.call.rfind("mlock2", 0) == 0;
}

}  // namespace

void draw_controls(Ui& ui, bool compact) {
  int n = ui.steps();
  const float sc = ui.scale();
  if (ImGui::Button("|\xE2\x97\x80##first")) { ui.playing = false; ui.go(0); }          // |◀
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("first step (Home)");
  ImGui::SameLine();
  if (ImGui::Button("\xE2\x97\x80##prev")) { ui.playing = false; ui.go(ui.step - 1); }  // ◀
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("previous step (\xE2\x86\x90)");
  ImGui::SameLine();
  if (ImGui::Button(ui.playing ? "\xE2\x8F\xB8 Pause##play" : "\xE2\x96\xB6 Play##play")) {
    ui.playing = !ui.playing;
    ui.play_accum = 0;
    if (ui.playing && ui.step >= n - 1) ui.go(0);
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("play / pause (Space)");
  ImGui::SameLine();
  if (ImGui::Button("\xE2\x96\xB6##next")) { ui.playing = false; ui.go(ui.step + 1); }  // ▶
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("next step (\xE2\x86\x92)");
  ImGui::SameLine();
  if (ImGui::Button("\xE2\x96\xB6|##last")) { ui.playing = false; ui.go(n - 1); }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("last step (End)");
  ImGui::SameLine();
  int s = ui.step;
  ImGui::SetNextItemWidth(compact ? std::max(60.0f, ImGui::GetContentRegionAvail().x - 60 * sc) : 220 * sc);
  if (ImGui::SliderInt("##step", &s, 0, std::max(0, n - 1), "step %d")) { ui.playing = false; ui.go(s); }
  if (const Step* st = ui.cur(); st && st->figure) {
    ImGui::SameLine();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ui.pal().pinned), "[%c]", *st->figure);
  }
  if (compact) {
    ImGui::TextDisabled("%s", ui.trace ? ui.trace->meta.title.c_str() : "");
    return;
  }
  ImGui::SameLine();
  if (ImGui::Button("next lock call")) {
    int i = ui.find_next(true, is_lock_call);
    if (i >= 0) ui.go(i);
  }
  ImGui::SameLine();
  if (ImGui::Button("next figure")) {
    int i = ui.find_next(true, [](const Step& st) { return st.figure.has_value(); });
    if (i >= 0) ui.go(i);
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(90 * sc);
  ImGui::SliderFloat("##speed", &ui.speed, 0.25f, 20.0f, "%.2g steps/s", ImGuiSliderFlags_Logarithmic);

  // Second row: lesson, OS, view options, sharing.
  ImGui::SetNextItemWidth(260 * sc);
  std::string cur_title = ui.trace ? ui.trace->meta.title : "";
  if (cur_title.empty()) cur_title = ui.lesson_id;
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
  ImGui::SameLine();
  const LessonMeta* meta = ui.trace ? &ui.trace->meta : nullptr;
  bool can_linux = meta && meta->allows_linux, can_qnx = meta && meta->allows_qnx;
  ImGui::BeginDisabled(!can_linux || !ui.hooks.set_os);
  if (ImGui::RadioButton("Linux", ui.os == OsKind::Linux) && ui.os != OsKind::Linux) ui.hooks.set_os(OsKind::Linux);
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::BeginDisabled(!can_qnx || !ui.hooks.set_os);
  if (ImGui::RadioButton("QNX", ui.os == OsKind::Qnx) && ui.os != OsKind::Qnx) ui.hooks.set_os(OsKind::Qnx);
  ImGui::EndDisabled();
  if (!can_qnx && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("this lesson is written for Linux only");
  ImGui::SameLine();
  ImGui::Checkbox("Presenter (P)", &ui.presenter);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(150 * sc);
  if (ImGui::BeginCombo("##palette", palette_name(ui.palette))) {
    for (int i = 0; i < 3; ++i) {
      auto k = static_cast<PaletteKind>(i);
      if (ImGui::Selectable(palette_name(k), k == ui.palette)) { ui.palette = k; apply_style(k); }
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(90 * sc);
  if (ImGui::SliderFloat("##zoom", &ui.zoom, 0.05f, 4096.0f, ui.fit ? "zoom: fit" : "zoom %.3g", ImGuiSliderFlags_Logarithmic))
    ui.fit = false;
  ImGui::SameLine();
  if (ImGui::Checkbox("fit (0)", &ui.fit)) ui.pan_y = 0;
  if (ui.os != OsKind::Qnx) {  // Linux's vDSO: QNX has none
    ImGui::SameLine();
    ImGui::Checkbox("[vdso]", &ui.show_kernel_pages);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("show the kernel's [vvar]/[vdso] pages in the figure");
  }
  ImGui::SameLine();
  if (ImGui::Button("Figure only (F)")) {
    ui.figure_only = true;
    if (ui.hooks.fullscreen) ui.hooks.fullscreen(true);
  }
  ImGui::SameLine();
  if (ImGui::Button("Copy link") && ui.hooks.copy_link) ui.hooks.copy_link();
  ImGui::SameLine();
  if (ImGui::Button("PNG")) ui.export_png_requested = true;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("export the address-space figure as PNG");
  ImGui::SameLine();
  if (ImGui::Button("JSON") && ui.hooks.step_json && ui.hooks.save_file && ui.cur()) {
    std::string j = ui.hooks.step_json(*ui.cur());
    char name[160];
    std::snprintf(name, sizeof name, "pinpages-%s-step%d.json", ui.lesson_id.c_str(), ui.step);
    ui.last_export = ui.hooks.save_file(name, "application/json", std::vector<unsigned char>(j.begin(), j.end()));
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("export this step's state as JSON");
  ImGui::SameLine();
  ImGui::TextDisabled("%.2f ms", ui.frame_ms_avg);
  if (!ui.last_export.empty() || !ui.status_line.empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", (ui.status_line.empty() ? ui.last_export : ui.status_line).c_str());
  }
}

}  // namespace pp::ui
