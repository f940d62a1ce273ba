// Quiz: predict, then reveal. The answer stays hidden until the person has picked one,
// so the step's diagram change is a test of their model, not a spoiler.
#include "imgui.h"
#include "ui/ui.h"

namespace pp::ui {

void draw_quiz(Ui& ui) {
  const Step* s = ui.cur();
  if (!s || !s->quiz) return;
  const Quiz& q = *s->quiz;
  const Palette& pal = ui.pal();
  ImGui::Separator();
  ImGui::PushID(ui.step);
  ImGui::TextWrapped("Predict: %s", q.question.c_str());
  int& choice = ui.quiz_choice.try_emplace(ui.step, -1).first->second;
  bool revealed = ui.quiz_revealed.count(ui.step) > 0;
  for (int i = 0; i < static_cast<int>(q.choices.size()); ++i) {
    bool right = revealed && i == q.answer;
    bool wrong = revealed && i == choice && i != q.answer;
    if (right) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.good));
    if (wrong) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.bad));
    std::string label = std::string(right ? "✓ " : wrong ? "✗ " : "") + std::to_string(i + 1) + ". " + q.choices[i];
    if (ImGui::RadioButton(label.c_str(), choice == i) && !revealed) choice = i;
    if (right || wrong) ImGui::PopStyleColor();
  }
  if (!revealed) {
    ImGui::BeginDisabled(choice < 0);
    if (ImGui::Button("Reveal (Enter)")) ui.quiz_revealed.insert(ui.step);
    ImGui::EndDisabled();
    if (choice < 0) { ImGui::SameLine(); ImGui::TextDisabled("pick an answer first"); }
  } else {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(choice == q.answer ? pal.good : pal.bad), "%s",
                       choice == q.answer ? "Right." : "Not quite.");
    if (!q.explanation.empty()) ImGui::TextWrapped("%s", q.explanation.c_str());
    if (ImGui::SmallButton("try again")) { ui.quiz_revealed.erase(ui.step); choice = -1; }
  }
  ImGui::PopID();
}

}  // namespace pp::ui
