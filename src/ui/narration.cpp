// Narration window: what the step did, in words — the //@ say text, the figure caption,
// the call and its result, and what changed ("+125,000 pages locked, 0 faults").
#include "imgui.h"
#include "ui/ui.h"

namespace pp::ui {

void draw_narration(Ui& ui) {
  const Step* s = ui.cur();
  if (!s) return;
  const Palette& pal = ui.pal();
  ImGui::PushTextWrapPos(0);
  // The figure's caption says what the step does: it waits for the reveal too.
  if (s->figure && !ui.quiz_pending()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.pinned));
    ImGui::Text("Figure %c", *s->figure);
    ImGui::PopStyleColor();
    ImGui::SameLine();
    ImGui::TextWrapped("%s", s->figure_caption.c_str());
  }
  if (ui.quiz_pending()) {
    // The call's result and what changed are the answer: keep them for after the reveal.
    if (ImFont* f = ui.mono_font()) ImGui::PushFont(f);
    ImGui::TextWrapped("line %d: %s", s->line, s->source.c_str());
    if (ui.mono_font()) ImGui::PopFont();
    ImGui::TextWrapped("What will this line do? Pick an answer in the quiz, then press Reveal (Enter).");
    ImGui::PopTextWrapPos();
    return;
  }
  if (std::string th = thread_words(thread_shown(ui.trace.get(), *s)); !th.empty()) {
    th[0] = static_cast<char>(th[0] - 'a' + 'A');  // "Thread 1 ...", "The main thread ..."
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.changed));
    ImGui::TextWrapped("%s", th.c_str());
    ImGui::PopStyleColor();
  }
  if (!s->call.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(s->err ? pal.bad : pal.text));
    if (ImFont* f = ui.mono_font()) ImGui::PushFont(f);
    ImGui::TextWrapped("%s", call_result(*s).c_str());
    if (ui.mono_font()) ImGui::PopFont();
    ImGui::PopStyleColor();
  } else if (!s->source.empty()) {
    if (ImFont* f = ui.mono_font()) ImGui::PushFont(f);
    ImGui::TextWrapped("line %d: %s", s->line, s->source.c_str());
    if (ui.mono_font()) ImGui::PopFont();
  }
  if (!s->say.empty()) ImGui::TextWrapped("%s", s->say.c_str());
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.text_dim));
  ImGui::TextWrapped("This step: %s", what_changed(*s, ui.prev()).c_str());
  ImGui::PopStyleColor();
  if (ui.step == ui.steps() - 1 && !ui.trace->expect_failures.empty()) {
    for (const auto& f : ui.trace->expect_failures)
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(pal.bad), "expect failed: %s", f.c_str());
  }
  ImGui::PopTextWrapPos();
}

}  // namespace pp::ui
