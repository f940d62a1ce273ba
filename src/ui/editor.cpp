// The desktop's program editor: a window docked on the right with Run, New program,
// "Edit the program on screen" and Save, the C text with line numbers and colours, the
// current step's line and each error marked at its line with its message, argv and stdin.
//
// Why colours under ImGui's own text field rather than a text widget of our own: ImGui
// 1.86's InputTextMultiline already does what people expect of a text box (mouse and
// Shift+arrow selection, clipboard, undo, word jumps, Home/End, text input methods), and a
// widget of our own would redo all of that, less well. The field is drawn with transparent
// text and background; under it, at the same glyph positions, this window paints the
// background, the step and error bands, the coloured code (c_highlight.h), the caret and
// the error messages. The keyboard alone does everything: Ctrl+E opens the editor with
// the keyboard in the text, Ctrl+Enter runs, Esc leaves the text (keeping it), Ctrl+S saves.
#include "ui/editor.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "imgui.h"
#include "imgui_internal.h"
#include "imgui_stdlib.h"
#include "ui/app_state_json.h"
#include "ui/user_program.h"
#include "ui/ui.h"

namespace pp::ui {
namespace {

// ImGui 1.86 names no letter keys: its SDL backend indexes keys by SDL scancode.
constexpr int kScancodeE = 8, kScancodeS = 22;  // SDL_SCANCODE_E, SDL_SCANCODE_S

constexpr const char* kTemplate =
    "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n#include <sys/mman.h>\n\n"
    "int main(int argc, char *argv[])\n{\n    size_t size = 4 << 20;           /* 4 MiB */\n"
    "    char *buf = malloc(size);\n    memset(buf, 0, size);            /* touch every page */\n"
    "    if (mlock(buf, size) != 0) {\n        perror(\"mlock\");\n        return 1;\n    }\n"
    "    printf(\"locked %zu bytes\\n\", size);\n    munlock(buf, size);\n    free(buf);\n    return 0;\n}\n";

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

// Hides a key from the widgets this frame and for as long as it stays down: ImGui 1.86
// reads presses from KeysDownDuration, and a duration that is never 0 and never reaches
// the repeat delay is never a press. (Ctrl+Enter would otherwise make the text field let
// go of the keyboard; Esc would undo everything typed since it took it.)
void swallow_key(int idx) { ImGui::GetIO().KeysDownDuration[idx] = 1e-4f; }

// Ctrl+Enter and Esc while the text has the keyboard. Returns true when Ctrl+Enter was pressed.
bool text_keys(EditorState& e) {
  ImGuiIO& io = ImGui::GetIO();
  if (!e.text_active) return false;
  bool run = false;
  for (int k : {ImGui::GetKeyIndex(ImGuiKey_Enter), ImGui::GetKeyIndex(ImGuiKey_KeyPadEnter)}) {
    if (k < 0 || !io.KeyCtrl || !io.KeysDown[k]) continue;
    run |= ImGui::IsKeyPressed(k, false);
    swallow_key(k);
  }
  const int esc = ImGui::GetKeyIndex(ImGuiKey_Escape);
  if (esc >= 0 && ImGui::IsKeyPressed(esc, false)) {
    swallow_key(esc);
    ImGui::ClearActiveID();
    e.text_active = false;
  }
  return run;
}

int byte_offset(const char* buf, int len, int line, int col) {
  int at = 0;
  for (int l = 1; l < line && at < len; ++at)
    if (buf[at] == '\n') ++l;
  for (int c = 1; c < col && at < len && buf[at] != '\n'; ++c) ++at;
  return at;
}

// Every frame the text field has the keyboard: where its caret is, and a pending jump.
int on_text(ImGuiInputTextCallbackData* d) {
  auto* e = static_cast<EditorState*>(d->UserData);
  if (e->goto_line > 0) {
    d->CursorPos = d->SelectionStart = d->SelectionEnd = byte_offset(d->Buf, d->BufTextLen, e->goto_line, e->goto_col);
    e->goto_line = 0;
  }
  e->cursor = d->CursorPos;
  return 0;
}

void save(Ui& ui, EditorState& e) {
  namespace fs = std::filesystem;
  std::string name = e.save_name;
  name.erase(0, name.find_first_not_of(" \t"));
  name.erase(name.find_last_not_of(" \t") + 1);
  if (name.empty()) { e.message = "Type a file name first (for example program.c)."; return; }
  std::error_code ec;
  const std::string path = fs::absolute(name, ec).lexically_normal().string();
  if (fs::exists(path, ec) && e.confirm_replace != path) {
    e.confirm_replace = path;
    e.message = path + " exists: press Save again to replace it.";
    return;
  }
  e.confirm_replace.clear();
  if (!ui.hooks.save_file) { e.message = "Saving is not available here."; return; }
  e.message = ui.hooks.save_file(path, "text/x-c", std::vector<unsigned char>(e.text.begin(), e.text.end()));
}

// Continues the row when a button labelled `label` still fits, else starts a new one.
void next_button(const char* label) {
  ImGui::SameLine();
  const float w = ImGui::CalcTextSize(label, nullptr, true).x + ImGui::GetStyle().FramePadding.x * 2;
  if (ImGui::GetContentRegionAvail().x < w) ImGui::NewLine();
}

// Run, New program, Edit the program on screen; the file name and Save; argv.
bool toolbar(Ui& ui, EditorState& e, bool running, const std::string& current) {
  bool run = ImGui::Button(running ? "Running...##run" : "Run (Ctrl+Enter)##run");
  next_button("New program");
  if (ImGui::Button("New program")) {
    e.text = kTemplate;
    e.errors.clear();
    e.focus_text = true;
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("replace the text with a short mlock example");
  next_button("Edit the program on screen");
  if (ImGui::Button("Edit the program on screen")) {
    e.text = current;
    e.focus_text = true;
  }
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.55f);
  if (ImGui::InputTextWithHint("##savename", "file name, e.g. program.c", &e.save_name)) e.confirm_replace.clear();
  ImGui::SameLine();
  const ImGuiIO& io = ImGui::GetIO();
  bool ctrl_s = io.KeyCtrl && ImGui::IsKeyPressed(kScancodeS, false) &&
                ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows);
  if (ImGui::Button("Save .c (Ctrl+S)") || ctrl_s) save(ui, e);
  if (!e.message.empty()) ImGui::TextWrapped("%s", e.message.c_str());
  ImGui::SetNextItemWidth(-1);
  ImGui::InputTextWithHint("##args", "argv[1] argv[2] ... (separated by spaces)", &e.args);
  return run;
}

struct Layer {  // where the text field put its lines this frame
  ImVec2 origin;  // top-left of line 1's glyphs
  ImVec2 fmin, fmax;
  float lh = 0, size = 0, gutter_x = 0, gutter_w = 0;
  ImFont* font = nullptr;
};

void draw_gutter(Ui& ui, const EditorState& e, const Layer& L, int first, int last, int step_line) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float r = L.lh * 0.28f;
  for (int i = first; i <= last; ++i) {
    const float y = L.origin.y + (i - 1) * L.lh;
    bool bad = std::any_of(e.errors.begin(), e.errors.end(), [&](const Diagnostic& d) { return d.line == i; });
    char num[16];
    std::snprintf(num, sizeof num, "%d", i);
    const float w = L.font->CalcTextSizeA(L.size, FLT_MAX, 0, num).x;
    ImU32 col = bad ? ui.pal().bad : i == step_line ? ui.pal().text : ui.pal().text_dim;
    dl->AddText(L.font, L.size, ImVec2(L.gutter_x + L.gutter_w - w - 4, y), col, num);
    const ImVec2 c(L.gutter_x + r + 2, y + L.lh * 0.5f);
    if (bad) dl->AddCircleFilled(c, r, ui.pal().bad);
    else if (i == step_line)
      dl->AddTriangleFilled(ImVec2(c.x - r, c.y - r), ImVec2(c.x + r, c.y), ImVec2(c.x - r, c.y + r), ui.pal().text);
  }
}

// Bands, coloured code, caret and error messages, under the (transparent) text field.
void draw_layer(Ui& ui, const EditorState& e, const Layer& L, int step_line) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 cmin = dl->GetClipRectMin(), cmax = dl->GetClipRectMax();
  const int first = std::max(1, static_cast<int>(std::floor((cmin.y - L.origin.y) / L.lh)) + 1);
  const int last = static_cast<int>(std::ceil((cmax.y - L.origin.y) / L.lh)) + 1;
  dl->AddRectFilled(L.fmin, L.fmax, ImGui::GetColorU32(ImGuiCol_FrameBg));
  auto band = [&](int line, ImU32 col) {
    const float y = L.origin.y + (line - 1) * L.lh;
    dl->AddRectFilled(ImVec2(L.fmin.x, y), ImVec2(L.fmax.x, y + L.lh), col);
  };
  if (step_line > 0) band(step_line, ui.pal().highlight_line);
  for (const Diagnostic& d : e.errors)
    if (d.line > 0) band(d.line, (ui.pal().bad & 0x00FFFFFF) | 0x30000000);
  const CodeColours col = code_colours(ui.pal().text, ui.palette == PaletteKind::HighContrast);
  draw_code_layer(dl, L.font, L.size, L.origin, L.lh, e.code, col, first, last);
  draw_gutter(ui, e, L, first, std::min<int>(last, e.code.line_starts.size()), step_line);
  // Each error's message after the end of its line, so it is read where it applies.
  const float gap = L.font->CalcTextSizeA(L.size, FLT_MAX, 0, "  ").x;
  for (const Diagnostic& d : e.errors) {
    if (d.line < 1 || d.line > static_cast<int>(e.code.line_starts.size())) continue;
    const int next = d.line < static_cast<int>(e.code.line_starts.size()) ? e.code.line_starts[d.line] - 1
                                                                         : static_cast<int>(e.code.text.size());
    const float x = L.origin.x + code_x(L.font, L.size, e.code, next) + gap;
    const std::string msg = "\xE2\x86\x90 col " + std::to_string(d.col) + ": " + d.message;
    dl->AddText(L.font, L.size, ImVec2(x, L.origin.y + (d.line - 1) * L.lh), ui.pal().bad, msg.c_str());
  }
  if (e.text_active) {  // the field's own caret is drawn in its (transparent) text colour
    const int line = static_cast<int>(std::upper_bound(e.code.line_starts.begin(), e.code.line_starts.end(), e.cursor) -
                                      e.code.line_starts.begin());
    const float x = L.origin.x + code_x(L.font, L.size, e.code, e.cursor), y = L.origin.y + (line - 1) * L.lh;
    dl->AddLine(ImVec2(x, y), ImVec2(x, y + L.lh), ui.pal().text, std::max(1.5f, L.lh / 10));
  }
}

// Scrolls the editor so the caret stays in view when it moves (typing, arrows, a jump).
void follow_caret(EditorState& e, const Layer& L) {
  if (!e.text_active || e.cursor == e.cursor_drawn) return;
  e.cursor_drawn = e.cursor;
  const int line = static_cast<int>(std::upper_bound(e.code.line_starts.begin(), e.code.line_starts.end(), e.cursor) -
                                    e.code.line_starts.begin());
  const float y = L.origin.y + (line - 1) * L.lh, x = L.origin.x + code_x(L.font, L.size, e.code, e.cursor);
  const ImVec2 wp = ImGui::GetWindowPos(), ws = ImGui::GetWindowSize();
  const float bottom = wp.y + ws.y - ImGui::GetStyle().ScrollbarSize, right = wp.x + ws.x - ImGui::GetStyle().ScrollbarSize;
  if (y < wp.y) ImGui::SetScrollY(ImGui::GetScrollY() - (wp.y - y));
  else if (y + 2 * L.lh > bottom) ImGui::SetScrollY(ImGui::GetScrollY() + (y + 2 * L.lh - bottom));
  if (x > right - 20) ImGui::SetScrollX(ImGui::GetScrollX() + (x - right + 60));
  else if (x < L.fmin.x + 20 && ImGui::GetScrollX() > 0) ImGui::SetScrollX(std::max(0.0f, ImGui::GetScrollX() - (L.fmin.x + 60 - x)));
}

// The text with its gutter, in one child that scrolls both ways. Returns true on Ctrl+Enter.
bool code_area(Ui& ui, EditorState& e, float h, int step_line) {
  bool run = text_keys(e);
  Layer L;
  L.font = ui.mono_font() ? ui.mono_font() : ImGui::GetFont();
  ImGui::PushFont(L.font);
  L.size = ImGui::GetFontSize();
  L.lh = ImGui::GetTextLineHeight();
  e.code.update(e.text);
  const float cw = L.font->CalcTextSizeA(L.size, FLT_MAX, 0, "M").x;
  L.gutter_w = cw * 4 + L.lh;
  ImGui::BeginChild("##edscroll", ImVec2(0, h), true, ImGuiWindowFlags_HorizontalScrollbar);
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(0, 0));
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(cw * 0.5f, 0));
  L.gutter_x = ImGui::GetCursorScreenPos().x;
  const int nlines = static_cast<int>(e.code.line_starts.size());
  const float text_h = std::max((nlines + 2) * L.lh, h - ImGui::GetStyle().WindowPadding.y * 2 - ImGui::GetStyle().ScrollbarSize);
  const float text_w = std::max(ImGui::GetContentRegionAvail().x - L.gutter_w, (e.code.longest + 4) * cw);
  ImGui::Dummy(ImVec2(L.gutter_w, text_h));
  ImGui::SameLine();
  ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(0, 0, 0, 0));
  ImGui::PushStyleColor(ImGuiCol_FrameBg, IM_COL32(0, 0, 0, 0));
  // No border: the field's inner window then has no padding, and its first glyph sits at
  // its corner plus FramePadding, where the layer draws it.
  ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, 0.0f);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  if (e.focus_text) ImGui::SetKeyboardFocusHere();
  e.focus_text = false;
  ImGui::InputTextMultiline("##program", &e.text, ImVec2(text_w, text_h),
                            ImGuiInputTextFlags_AllowTabInput | ImGuiInputTextFlags_NoHorizontalScroll |
                                ImGuiInputTextFlags_CallbackAlways,
                            on_text, &e);
  e.text_active = ImGui::IsItemActive();
  L.fmin = ImGui::GetItemRectMin();
  L.fmax = ImGui::GetItemRectMax();
  L.origin = ImVec2(L.fmin.x + ImGui::GetStyle().FramePadding.x, L.fmin.y + ImGui::GetStyle().FramePadding.y);
  ImGui::PopStyleVar(2);
  ImGui::PopStyleColor(2);
  e.code.update(e.text);  // this frame's typing
  draw_layer(ui, e, L, step_line);
  follow_caret(e, L);
  ImGui::PopStyleVar(2);
  ImGui::EndChild();
  ImGui::PopFont();
  return run;
}

void error_list(Ui& ui, EditorState& e) {
  ImGui::PushStyleColor(ImGuiCol_Text, ui.pal().bad);
  for (std::size_t i = 0; i < e.errors.size(); ++i) {
    const Diagnostic& d = e.errors[i];
    std::string label = std::to_string(d.line) + ":" + std::to_string(d.col) + ": " + d.message + "##err" + std::to_string(i);
    if (ImGui::Selectable(label.c_str())) {
      e.goto_line = std::max(d.line, 1);
      e.goto_col = std::max(d.col, 1);
      e.focus_text = true;
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("put the cursor there");
  }
  ImGui::PopStyleColor();
}

float editor_width(float W) {
  // The other windows switch to their phone layout below 720 px: leave them that when the
  // editor still gets 400 px, else give the editor a readable width and them the rest.
  if (W - 720 >= 400) return std::clamp(W * 0.4f, 400.0f, std::min(W - 720, 640.0f));
  return std::floor(W * 0.45f);
}

}  // namespace

void toggle_editor(EditorState& e, const std::string& current) {
  e.open = !e.open;
  if (!e.open) return;
  if (e.text.empty()) e.text = current;
  e.focus_text = true;
}

FrameInfo beside_editor(const EditorState& e, const FrameInfo& info) {
  FrameInfo fi = info;
  if (!e.open || info.web) return fi;
  float W = info.width > 0 ? static_cast<float>(info.width) : ImGui::GetIO().DisplaySize.x;
  fi.width = static_cast<int>(W - editor_width(W));
  return fi;
}

void draw_editor(Ui& ui, EditorState& e, const FrameInfo& info, bool running, int steps_so_far,
                 const std::string& current) {
  const ImGuiIO& io = ImGui::GetIO();
  // PINPAGES_EDITOR=1 opens it at start (like PINPAGES_MODE for the real-mode view).
  static bool env_checked = false;
  if (!env_checked) {
    env_checked = true;
    const char* v = std::getenv("PINPAGES_EDITOR");
    if (v && *v && *v != '0') toggle_editor(e, current);
  }
  if (io.KeyCtrl && ImGui::IsKeyPressed(kScancodeE, false)) toggle_editor(e, current);
  if (!e.open || ui.figure_only) return;
  const float W = info.width > 0 ? static_cast<float>(info.width) : io.DisplaySize.x;
  const float H = info.height > 0 ? static_cast<float>(info.height) : io.DisplaySize.y;
  const float w = editor_width(W);
  ImGui::SetNextWindowPos(ImVec2(W - w, 0), ImGuiCond_Always);
  ImGui::SetNextWindowSize(ImVec2(w, H), ImGuiCond_Always);
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse;
  if (!ImGui::Begin("Your program (Ctrl+E closes)", &e.open, flags)) { ImGui::End(); return; }
  bool run = toolbar(ui, e, running, current);
  if (running) ImGui::TextDisabled("running: %d steps so far", steps_so_far);
  else if (!e.errors.empty()) {
    const bool shown = ui.lesson_id == "program" && current == e.text && ui.steps() > 0;
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ui.pal().bad), "%s",
                       shown ? "The run stopped early: its steps so far can be browsed."
                             : "It does not compile: the last good run stays on screen.");
  }
  const float row = ImGui::GetFrameHeightWithSpacing();
  const float err_h = e.errors.empty() ? 0 : ImGui::GetTextLineHeightWithSpacing() * std::min<float>(4, e.errors.size());
  const float h = std::max(row * 3, ImGui::GetContentRegionAvail().y - err_h - row);
  const Step* s = ui.cur();
  const int step_line = ui.lesson_id == "program" && s && current == e.text ? s->line : 0;
  run |= code_area(ui, e, h, step_line);
  ImGui::SetNextItemWidth(-1);
  ImGui::InputTextWithHint("##stdin", "standard input (empty: getchar() returns EOF)", &e.stdin_text);
  error_list(ui, e);
  ImGui::End();
  if (run && !running) e.want_run = true;
}

std::string editor_args(const EditorState& e) { return args_lines(e.args); }

std::string editor_json(const EditorState& e) {
  nlohmann::json j = {{"open", e.open},           {"text", e.text},       {"cursor", e.cursor},
                      {"text_active", e.text_active}, {"message", e.message}, {"errors", errors_json(e.errors)}};
  return dump_json(j);
}

}  // namespace pp::ui
