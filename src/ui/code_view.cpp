// Code window: the lesson's C source, current line highlighted, the previous step's
// line dimmed, breakpoints in the gutter, and everything printed so far below. The
// //@ teaching lines are hidden unless asked for: they hold the answers to the quizzes
// (//@ expect, //@ explain), and students see the program as they would write it.
#include <algorithm>

#include "imgui.h"
#include "ui/ui.h"

namespace pp::ui {
namespace {

struct CodeCache {
  int gen = -1;
  std::vector<std::string> lines;
  std::vector<int> plain;       // indices of the lines that are not //@ notes
  std::vector<size_t> out_end;  // output length after step i (prefix sums of Step.output)
  std::string output;           // all output of the run, concatenated
};

}  // namespace

void draw_code(Ui& ui) {
  if (!ui.trace) return;
  auto& cc = ui.slot<CodeCache>("code");
  if (cc.gen != ui.trace_gen) {
    cc = CodeCache{};
    cc.gen = ui.trace_gen;
    const std::string& src = ui.trace->meta.source;
    size_t a = 0;
    while (a <= src.size()) {
      size_t b = src.find('\n', a);
      if (b == std::string::npos) b = src.size();
      cc.lines.push_back(src.substr(a, b - a));
      a = b + 1;
    }
    for (size_t i = 0; i < cc.lines.size(); ++i) {
      size_t f = cc.lines[i].find_first_not_of(" \t");
      if (f == std::string::npos || cc.lines[i].compare(f, 3, "//@") != 0) cc.plain.push_back(static_cast<int>(i));
    }
    for (const Step& s : ui.trace->steps) {
      cc.output += s.output;
      cc.out_end.push_back(cc.output.size());
    }
  }
  const Step* s = ui.cur();
  const Step* p = ui.prev();
  int cur_line = s ? s->line : 0, prev_line = p ? p->line : 0;
  const Palette& pal = ui.pal();
  std::string thread_mark;
  if (s) {
    const ThreadShown th = thread_shown(ui.trace.get(), *s);
    if (th.threaded) thread_mark = th.index ? "\xE2\x86\x90 thread " + std::to_string(th.index) : "\xE2\x86\x90 main thread";
  }

  const int nshown = ui.show_annotations ? static_cast<int>(cc.lines.size()) : static_cast<int>(cc.plain.size());
  auto line_at = [&](int k) { return ui.show_annotations ? k : cc.plain[k]; };
  int cur_k = -1;
  for (int k = 0; k < nshown && cur_line > 0; ++k)
    if (line_at(k) + 1 >= cur_line) { cur_k = k; break; }
  // The program's output below gets what the source can spare: a short pane keeps the
  // source readable (two thirds of it at least).
  float out_h = std::min(ImGui::GetTextLineHeightWithSpacing() * 4.5f, ImGui::GetContentRegionAvail().y * 0.34f);
  ImGui::BeginChild("##src", ImVec2(0, -out_h), false, ImGuiWindowFlags_HorizontalScrollbar);
  if (ImFont* mono = ui.mono_font()) ImGui::PushFont(mono);
  float lh = ImGui::GetTextLineHeight();
  float gutter = ImGui::CalcTextSize("0000 ").x + lh;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  // Keep the current line in view when the step changes.
  // (Re-scroll too when the line height changes: presenter mode moves every line.)
  static thread_local int last_scrolled = -1;
  static thread_local float last_lh = 0;
  bool scroll_to = cur_line > 0 && (last_scrolled != cur_line || last_lh != lh);
  ImGuiListClipper clip;
  clip.Begin(nshown, lh);
  if (scroll_to && cur_k >= 0) clip.ForceDisplayRangeByIndices(cur_k, cur_k + 1);
  while (clip.Step()) {
    for (int k = clip.DisplayStart; k < clip.DisplayEnd; ++k) {
      int i = line_at(k);
      int ln = i + 1;
      ImVec2 pos = ImGui::GetCursorScreenPos();
      float w = std::max(ImGui::GetContentRegionAvail().x, 200.0f);
      if (ln == cur_line) dl->AddRectFilled(pos, ImVec2(pos.x + w + gutter, pos.y + lh), pal.highlight_line);
      else if (ln == prev_line) dl->AddRectFilled(pos, ImVec2(pos.x + w + gutter, pos.y + lh), pal.dim_line);
      ImGui::PushID(ln);
      // Gutter: click toggles a breakpoint (play stops there).
      if (ImGui::InvisibleButton("##bp", ImVec2(gutter, lh))) {
        if (!ui.breakpoints.erase(ln)) ui.breakpoints.insert(ln);
      }
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("breakpoint: Play stops at line %d", ln);
      ImGui::PopID();
      if (ui.breakpoints.count(ln))
        dl->AddCircleFilled(ImVec2(pos.x + lh * 0.5f, pos.y + lh * 0.5f), lh * 0.33f, pal.bad);
      char num[16];
      std::snprintf(num, sizeof num, "%4d", ln);
      dl->AddText(ImVec2(pos.x + lh, pos.y), pal.text_dim, num);
      ImGui::SameLine(0, 0);
      bool annot = cc.lines[i].find("//@") != std::string::npos;
      if (annot) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.text_dim));
      ImGui::TextUnformatted(cc.lines[i].c_str());
      if (annot) ImGui::PopStyleColor();
      if (ln == cur_line && !thread_mark.empty()) {  // which thread is on this line
        ImGui::SameLine(0, lh);
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.changed));
        ImGui::TextUnformatted(thread_mark.c_str());
        ImGui::PopStyleColor();
      }
      if (ln == cur_line && scroll_to) {
        ImGui::SetScrollHereY(0.4f);
        last_scrolled = cur_line;
        last_lh = lh;
      }
    }
  }
  if (ui.mono_font()) ImGui::PopFont();
  ImGui::EndChild();

  // Program output up to and including this step.
  ImGui::Separator();
  ImGui::TextDisabled("output");
  ImGui::SameLine(ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize("//@ notes").x - ImGui::GetFrameHeight());
  ImGui::Checkbox("//@ notes", &ui.show_annotations);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("show the lesson's //@ teaching lines (for lesson authors)");
  ImGui::BeginChild("##out", ImVec2(0, 0), true);
  if (ImFont* mono = ui.mono_font()) ImGui::PushFont(mono);
  size_t n = cc.out_end.empty() ? 0 : cc.out_end[std::clamp(ui.step, 0, static_cast<int>(cc.out_end.size()) - 1)];
  ImGui::TextUnformatted(cc.output.data(), cc.output.data() + n);
  static thread_local size_t last_n = 0;
  if (n != last_n) { ImGui::SetScrollHereY(1.0f); last_n = n; }
  if (ui.mono_font()) ImGui::PopFont();
  if (!ui.trace->errors.empty()) {
    for (const auto& d : ui.trace->errors)
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(pal.bad), "%s:%d:%d: %s", d.file.c_str(), d.line, d.col,
                         d.message.c_str());
  }
  ImGui::EndChild();
}

}  // namespace pp::ui
