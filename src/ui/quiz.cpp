// Quiz: predict, then reveal. The answer stays hidden until the person has picked one,
// so the step's diagram change is a test of their model, not a spoiler. The quiz has a
// tile of its own in every layout (ui.cpp asks quiz_height() for its room), and its
// choices wrap, so a long C expression still fits a phone or a projector.
#include <algorithm>
#include <cmath>
#include <string>

#include "imgui.h"
#include "ui/ui.h"

namespace pp::ui {
namespace {

float choice_text_width(float width) {
  const ImGuiStyle& st = ImGui::GetStyle();
  return std::max(40.0f, width - ImGui::GetFontSize() - st.FramePadding.x * 4 - st.ItemInnerSpacing.x);
}

std::string choice_label(const Quiz& q, int i, bool revealed, int choice) {
  bool right = revealed && i == q.answer, wrong = revealed && i == choice && i != q.answer;
  return std::string(right ? "\xE2\x9C\x93 " : wrong ? "\xE2\x9C\x97 " : "") + std::to_string(i + 1) + ". " + q.choices[i];
}

float row_height(const std::string& text, float width) {
  float th = ImGui::CalcTextSize(text.c_str(), nullptr, false, choice_text_width(width)).y;
  return std::max(th, ImGui::GetFontSize()) + ImGui::GetStyle().FramePadding.y * 2;
}

// One answer: a full-width row (radio mark + wrapped text) that mouse, touch and the
// keyboard (digits) can pick. Returns true when clicked.
bool choice_row(int i, const std::string& text, bool selected, ImU32 text_col, float width) {
  const ImGuiStyle& st = ImGui::GetStyle();
  float h = row_height(text, width);
  ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::PushID(i);
  bool clicked = ImGui::InvisibleButton("##choice", ImVec2(width, h));
  ImGui::PopID();
  bool hov = ImGui::IsItemHovered(), held = ImGui::IsItemActive();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImU32 bg = ImGui::GetColorU32(held ? ImGuiCol_FrameBgActive : hov ? ImGuiCol_FrameBgHovered : ImGuiCol_FrameBg);
  dl->AddRectFilled(p, ImVec2(p.x + width, p.y + h), bg, st.FrameRounding);
  if (selected) dl->AddRect(p, ImVec2(p.x + width, p.y + h), ImGui::GetColorU32(ImGuiCol_CheckMark), st.FrameRounding, 0, 2.0f);
  float r = ImGui::GetFontSize() * 0.4f;
  ImVec2 c(p.x + st.FramePadding.x + r, p.y + st.FramePadding.y + ImGui::GetFontSize() * 0.5f);
  dl->AddCircle(c, r, ImGui::GetColorU32(ImGuiCol_Text), 16, 1.5f);
  if (selected) dl->AddCircleFilled(c, r * 0.55f, ImGui::GetColorU32(ImGuiCol_CheckMark), 16);
  ImVec2 tp(c.x + r + st.FramePadding.x + st.ItemInnerSpacing.x, p.y + st.FramePadding.y);
  dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(), tp, text_col, text.c_str(), nullptr, choice_text_width(width));
  return clicked;
}

}  // namespace

float quiz_height(Ui& ui, float width) {
  const Step* s = ui.cur();
  if (!s || !s->quiz || width <= 0) return 0;
  const Quiz& q = *s->quiz;
  const ImGuiStyle& st = ImGui::GetStyle();
  float inner = width - st.WindowPadding.x * 2 - st.ScrollbarSize * 0.5f;
  bool revealed = ui.quiz_revealed.count(ui.step) > 0;
  auto it = ui.quiz_choice.find(ui.step);
  int choice = it == ui.quiz_choice.end() ? -1 : it->second;
  float h = st.WindowPadding.y * 2;
  // The question wraps beside "Predict:", as draw_quiz() lays it out.
  float qw = std::max(40.0f, inner - ImGui::CalcTextSize("Predict:").x - st.ItemSpacing.x);
  h += ImGui::CalcTextSize(q.question.c_str(), nullptr, false, qw).y + st.ItemSpacing.y;
  for (int i = 0; i < static_cast<int>(q.choices.size()); ++i)
    h += row_height(choice_label(q, i, revealed, choice), inner) + st.ItemSpacing.y;
  h += ImGui::GetFrameHeightWithSpacing();  // Reveal / verdict line
  if (revealed && !q.explanation.empty())
    h += ImGui::CalcTextSize(q.explanation.c_str(), nullptr, false, inner).y + st.ItemSpacing.y +
         ImGui::GetFrameHeightWithSpacing();
  return std::ceil(h + 2);
}

void draw_quiz(Ui& ui) {
  const Step* s = ui.cur();
  if (!s || !s->quiz) return;
  const Quiz& q = *s->quiz;
  const Palette& pal = ui.pal();
  ImGui::PushID(ui.step);
  ImGui::PushTextWrapPos(0);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.pinned));
  ImGui::TextUnformatted("Predict:");
  ImGui::PopStyleColor();
  ImGui::SameLine();
  ImGui::TextWrapped("%s", q.question.c_str());
  int& choice = ui.quiz_choice.try_emplace(ui.step, -1).first->second;
  bool revealed = ui.quiz_revealed.count(ui.step) > 0;
  float width = ImGui::GetContentRegionAvail().x;
  for (int i = 0; i < static_cast<int>(q.choices.size()); ++i) {
    bool right = revealed && i == q.answer;
    bool wrong = revealed && i == choice && i != q.answer;
    ImU32 col = right ? pal.good : wrong ? pal.bad : ImGui::GetColorU32(ImGuiCol_Text);
    if (choice_row(i, choice_label(q, i, revealed, choice), choice == i, col, width) && !revealed) choice = i;
  }
  if (!revealed) {
    ImGui::BeginDisabled(choice < 0);
    if (ImGui::Button("Reveal (Enter)")) ui.quiz_revealed.insert(ui.step);
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::TextDisabled(choice < 0 ? "pick an answer (1-%d)" : "then step on", static_cast<int>(q.choices.size()));
  } else {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(choice == q.answer ? pal.good : pal.bad), "%s",
                       choice == q.answer ? "Right." : "Not quite.");
    if (!q.explanation.empty()) ImGui::TextWrapped("%s", q.explanation.c_str());
    if (ImGui::SmallButton("try again")) { ui.quiz_revealed.erase(ui.step); choice = -1; }
  }
  ImGui::PopTextWrapPos();
  ImGui::PopID();
}

}  // namespace pp::ui
