// The desktop's program editor: a multi-line text field with line numbers beside it,
// the errors of the last run under it (click one to jump there), argv and stdin fields.
#include "ui/editor.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "imgui.h"
#include "imgui_stdlib.h"
#include "ui/ui.h"

namespace pp::ui {
namespace {

// Spaces separate arguments on the desktop's one-line field; the engine wants one per line.
std::string args_lines(const std::string& field) {
  std::string out, cur;
  for (char c : field + " ") {
    if (c == ' ' || c == '\n' || c == '\t') {
      if (!cur.empty()) out += cur + "\n";
      cur.clear();
    } else {
      cur += c;
    }
  }
  return out;
}

// Line numbers: "!" where an error is, ">" at the current step's line.
void gutter(Ui& ui, const EditorState& e, int nlines) {
  ImGui::BeginGroup();
  const Step* s = ui.cur();
  for (int i = 1; i <= nlines; ++i) {
    bool bad = std::any_of(e.errors.begin(), e.errors.end(), [&](const Diagnostic& d) { return d.line == i; });
    bool cur = ui.lesson_id == "program" && s && s->line == i;
    ImU32 col = bad ? ui.pal().bad : cur ? ui.pal().text : ui.pal().text_dim;
    ImGui::PushStyleColor(ImGuiCol_Text, col);
    ImGui::Text("%s%3d", bad ? "!" : cur ? ">" : " ", i);
    ImGui::PopStyleColor();
  }
  ImGui::EndGroup();
}

}  // namespace

void draw_editor(Ui& ui, EditorState& e, bool running, int steps_so_far, const std::string& current) {
  ImGuiIO& io = ImGui::GetIO();
  // ImGui 1.86 names no letter keys: its SDL backend indexes keys by SDL scancode.
  constexpr int kScancodeE = 8;  // SDL_SCANCODE_E
  // PINPAGES_EDITOR=1 opens it at start (like PINPAGES_MODE for the real-mode view).
  static bool env_checked = false;
  bool env_open = false;
  if (!env_checked) {
    env_checked = true;
    const char* v = std::getenv("PINPAGES_EDITOR");
    env_open = v && *v && *v != '0';
  }
  if (env_open || (io.KeyCtrl && ImGui::IsKeyPressed(kScancodeE, false))) {
    e.open = !e.open;
    if (e.open && e.text.empty()) e.text = current;
  }
  if (!e.open) return;
  ImGui::SetNextWindowSize(ImVec2(620, 560), ImGuiCond_FirstUseEver);
  if (!ImGui::Begin("Program editor (Ctrl+E)", &e.open)) { ImGui::End(); return; }
  bool run = ImGui::Button(running ? "Running..." : "Run (Ctrl+Enter)");
  ImGui::SameLine();
  if (ImGui::Button("New program")) {
    e.text = "#include <stdio.h>\n#include <stdlib.h>\n#include <sys/mman.h>\n\nint main(int argc, char *argv[])\n{\n"
             "    char *buf = malloc(1 << 20);\n    if (mlock(buf, 1 << 20) != 0)\n        perror(\"mlock\");\n"
             "    return 0;\n}\n";
  }
  ImGui::SameLine();
  if (ImGui::Button("Edit the program on screen")) e.text = current;
  ImGui::SameLine();
  if (ImGui::Button("Save program.c") && ui.hooks.save_file)
    ui.last_export = ui.hooks.save_file("program.c", "text/x-c", std::vector<unsigned char>(e.text.begin(), e.text.end()));
  ImGui::SetNextItemWidth(-1);
  ImGui::InputTextWithHint("##args", "argv[1] argv[2] ... (separated by spaces)", &e.args);
  if (running) ImGui::TextDisabled("running: %d steps so far", steps_so_far);

  float err_h = e.errors.empty() ? 0 : ImGui::GetTextLineHeightWithSpacing() * std::min<float>(4.5f, e.errors.size() + 0.5f);
  float h = ImGui::GetContentRegionAvail().y - err_h - ImGui::GetFrameHeightWithSpacing();
  int nlines = 1 + static_cast<int>(std::count(e.text.begin(), e.text.end(), '\n'));
  if (ImFont* mono = ui.mono_font()) ImGui::PushFont(mono);
  // Gutter and text scroll together: the text field is as tall as the text, in one
  // scrolling child with the line numbers beside it.
  ImGui::BeginChild("##edscroll", ImVec2(0, h), true);
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(ImGui::GetStyle().ItemSpacing.x, 0));
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(4, 0));
  gutter(ui, e, nlines);
  ImGui::SameLine();
  float text_h = (nlines + 2) * ImGui::GetTextLineHeight();
  ImGui::InputTextMultiline("##program", &e.text, ImVec2(-1, std::max(text_h, h - 8)),
                            ImGuiInputTextFlags_AllowTabInput | ImGuiInputTextFlags_NoHorizontalScroll);
  if (ImGui::IsItemActive() && io.KeyCtrl && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false)) run = true;
  ImGui::PopStyleVar(2);
  ImGui::EndChild();
  if (ui.mono_font()) ImGui::PopFont();
  ImGui::SetNextItemWidth(-1);
  ImGui::InputTextWithHint("##stdin", "standard input (empty: getchar() returns EOF)", &e.stdin_text);
  for (const Diagnostic& d : e.errors)
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ui.pal().bad), "%d:%d: %s", d.line, d.col, d.message.c_str());
  ImGui::End();
  if (run && !running) e.want_run = true;
}

std::string editor_args(const EditorState& e) { return args_lines(e.args); }

}  // namespace pp::ui
