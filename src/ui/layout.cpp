// The tiling of the windows, one place for every screen shape.
//
//   desktop / projector                          phone (portrait)     phone / embed (landscape)
//   ┌──────── Controls (wraps when narrow) ──────┐   ┌ Controls ┐       ┌────── Controls ──────┐
//   │ Address space (the figure) │ Quiz (if any) │   │ figure   │       │ figure     │ Quiz    │
//   │                            │ Narration     │   │ Quiz     │       │            │ Narr.   │
//   │                            │ Code          │   │ Narration│       └────────────┴─────────┘
//   │                            │ Inspect tabs  │   └──────────┘
//   └────────────────────────────┴───────────────┘
// F shows the figure alone, with the narration above and the quiz below it. The quiz
// always gets the height it asks for (quiz_height), so its choices are never cut off;
// the windows below it shrink or give way instead.
#include <algorithm>
#include <cmath>
#include <string>

#include "imgui.h"
#include "imgui_internal.h"
#include "ui/ui.h"

namespace pp::ui {
namespace {

constexpr ImGuiWindowFlags kTile = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                   ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings;

bool tile(const char* name, float x, float y, float w, float h, ImGuiWindowFlags extra = 0) {
  ImGui::SetNextWindowPos(ImVec2(x, y), ImGuiCond_Always);
  ImGui::SetNextWindowSize(ImVec2(std::max(w, 40.0f), std::max(h, 40.0f)), ImGuiCond_Always);
  return ImGui::Begin(name, nullptr, kTile | extra);
}

std::string figure_title(const Ui& ui) {
  std::string t = ui.trace && !ui.trace->meta.title.empty() ? ui.trace->meta.title : ui.lesson_id;
  if (ui.lesson_id == "sandbox") t = "Sandbox";
  t += " \xC2\xB7 step " + std::to_string(ui.step) + " of " + std::to_string(std::max(0, ui.steps() - 1));
  if (ui.os == OsKind::Qnx) t += " \xC2\xB7 QNX";
  return t;
}

constexpr ImGuiWindowFlags kFigure = ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse;

// The figure's title bar names the lesson and the step, so the exported PNG (the whole
// window: title, caption, columns, legend) can go on a slide as it is.
void figure_tile(Ui& ui, float x, float y, float w, float h) {
  ui.figure_title = figure_title(ui);
  // The title bar clips what does not fit: a narrow figure (presenter with a quiz) puts
  // the step first and shortens the lesson's title with "…" instead.
  std::string shown = ui.figure_title;
  const float room = w - ImGui::GetStyle().FramePadding.x * 4;
  if (ImGui::CalcTextSize(shown.c_str()).x > room && ui.trace) {
    std::string head = "Step " + std::to_string(ui.step) + "/" + std::to_string(std::max(0, ui.steps() - 1)) +
                       (ui.os == OsKind::Qnx ? " \xC2\xB7 QNX" : "") + " \xC2\xB7 ";
    std::string t = ui.lesson_id == "sandbox" ? "Sandbox" : ui.trace->meta.title;
    while (!t.empty() && ImGui::CalcTextSize((head + t + "\xE2\x80\xA6").c_str()).x > room) {
      t.pop_back();
      while (!t.empty() && (static_cast<unsigned char>(t.back()) & 0xC0) == 0x80) t.pop_back();
      if (!t.empty() && (static_cast<unsigned char>(t.back()) & 0xC0) == 0xC0) t.pop_back();
    }
    shown = head + t + "\xE2\x80\xA6";
  }
  std::string name = shown + "###Address space";
  if (tile(name.c_str(), x, y, w, h, kFigure)) draw_address_space(ui);
  ImGui::End();
  ui.figwin_x = x;
  ui.figwin_y = y;
  ui.figwin_w = w;
  ui.figwin_h = h;
}

// The quiz in a tile of its own; remembers where, for state().quiz_rect.
void quiz_tile(Ui& ui, float x, float y, float w, float h) {
  if (h <= 0) return;
  // A long explanation after the reveal may want more than the screen has (presenter
  // fonts at 1024×768, a phone on its side): the quiz's text then shrinks, down to about
  // the normal font in presenter mode and 12 px elsewhere, rather than scroll out of sight.
  const float min_scale = std::min(1.0f, (ui.presenter ? 15.0f : 12.0f) / ImGui::GetFontSize());
  if (tile("Quiz", x, y, w, h, ImGuiWindowFlags_NoTitleBar)) {
    // The largest scale (in 5% steps) at which it fits; quiz_height() measures with the
    // window's scaled font.
    for (float scale = 1.0f; scale > min_scale - 0.01f; scale -= 0.05f) {
      ImGui::SetWindowFontScale(std::max(scale, min_scale));
      if (quiz_height(ui, w) <= h) break;
    }
    draw_quiz(ui);
    ui.quiz_fits = ImGui::GetScrollMaxY() <= 1.0f;
  }
  ImGui::End();
  ui.quiz_x = x;
  ui.quiz_y = y;
  ui.quiz_w = w;
  ui.quiz_h = h;
}

// A problem the person should know about (an unknown lesson in a link, …): on top of
// the narration, in every layout, until dismissed.
void draw_notice(Ui& ui) {
  if (ui.notice.empty()) return;
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(ui.pal().bad));
  ImGui::TextWrapped("%s", ui.notice.c_str());
  ImGui::PopStyleColor();
  ImGui::SameLine();
  if (ImGui::SmallButton("OK##notice")) ui.notice.clear();
}

void narration_tile(Ui& ui, const char* name, float x, float y, float w, float h, ImGuiWindowFlags extra = 0) {
  if (tile(name, x, y, w, h, extra)) {
    draw_notice(ui);
    draw_narration(ui);
  }
  ImGui::End();
}

void controls_tile(Ui& ui, float W, float h, bool compact) {
  if (ui.nav_enter) ImGui::SetNextWindowFocus();
  if (tile("Controls", 0, 0, W, h, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar)) {
    // Tab belongs to keyboard-navigation mode (ui.cpp), not to ImGui's own tabbing,
    // which would open a slider for typing instead of moving the focus.
    ImGui::PushItemFlag(ImGuiItemFlags_NoTabStop, true);
    draw_controls(ui, compact);
    ImGui::PopItemFlag();
    // Keyboard-navigation mode: Tab / Shift+Tab walk every control in order (ImGui 1.86
    // tabs only through text fields), with ImGui's visible focus frame.
    ImGuiContext& g = *ImGui::GetCurrentContext();
    int n = static_cast<int>(ui.tab_ids.size());
    auto at = std::find(ui.tab_ids.begin(), ui.tab_ids.end(), g.NavId);
    ui.nav_focus = ui.keyboard_nav && at != ui.tab_ids.end() ? static_cast<int>(at - ui.tab_ids.begin()) : -1;
    if ((ui.nav_enter || ui.nav_tab) && n > 0) {
      int next = ui.nav_enter || ui.nav_focus < 0 ? 0 : (ui.nav_focus + ui.nav_tab + n) % n;
      ImGui::SetFocusID(ui.tab_ids[next], ImGui::GetCurrentWindow());
      g.NavDisableHighlight = false;
      ui.nav_focus = next;
    }
    ui.nav_enter = false;
    ui.nav_tab = 0;
    // What the controls needed (they wrap on narrow screens): next frame's height.
    ui.controls_h = std::ceil(ImGui::GetCursorPosY() + ImGui::GetStyle().WindowPadding.y - ImGui::GetStyle().ItemSpacing.y);
  }
  ImGui::End();
}

void inspect_tile(Ui& ui, float x, float y, float w, float h) {
  if (h < ImGui::GetFrameHeightWithSpacing() * 2) return;
  if (tile("Inspect", x, y, w, h, ImGuiWindowFlags_NoTitleBar)) {
    if (ImGui::BeginTabBar("inspect")) {
      auto sel = [&](int i) { return ui.inspector_tab == i ? ImGuiTabItemFlags_SetSelected : 0; };
      // Short names when the long ones would be cut ("Physi…" on a projector).
      const bool narrow = ImGui::CalcTextSize("Physical memory & swap Page table Faults & latency Sandbox").x +
                              ImGui::GetStyle().FramePadding.x * 8 + ImGui::GetStyle().ItemInnerSpacing.x * 4 > w;
      auto name = [&](const char* full, const char* brief) { return narrow ? brief : full; };
      if (ImGui::BeginTabItem(name("Physical memory & swap###phys", "RAM###phys"), nullptr, sel(0))) {
        draw_physical(ui);
        ImGui::EndTabItem();
      }
      if (ImGui::BeginTabItem(name("Page table###pte", "PTEs###pte"), nullptr, sel(1))) { draw_page_table(ui); ImGui::EndTabItem(); }
      if (ImGui::BeginTabItem(name("Faults & latency###faults", "Faults###faults"), nullptr, sel(2))) {
        draw_faults(ui);
        ImGui::EndTabItem();
      }
      if (ImGui::BeginTabItem("Sandbox###sandbox", nullptr, sel(3))) { draw_sandbox(ui); ImGui::EndTabItem(); }
      ui.inspector_tab = -1;
      ImGui::EndTabBar();
    }
  }
  ImGui::End();
}

// No lesson yet (the page's first frame, drawn while the default lesson runs) or none
// could be opened: the windows stand where the lesson's will, empty, and the figure's
// place says what is going on.
void waiting_tiles(Ui& ui, float W, float H, bool compact) {
  const float line = ImGui::GetFrameHeightWithSpacing();
  const float ctl_h = std::min(line * (compact ? 2.3f : 2.6f), H * 0.3f);
  if (tile("Controls", 0, 0, W, ctl_h, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar))
    ImGui::TextDisabled("pinpages \xE2\x80\x94 memory locking, page by page");
  ImGui::End();
  const float y = ctl_h, rest = H - ctl_h;
  const float lw = compact ? W : std::floor(W * 0.5f), rw = W - lw;
  const float fh = compact ? std::floor(rest * 0.7f) : rest;
  if (tile("pinpages###Address space", 0, y, lw, fh, kFigure)) {
    draw_notice(ui);
    ImGui::TextWrapped("%s", ui.status_line.empty() ? "No lesson loaded." : ui.status_line.c_str());
  }
  ImGui::End();
  if (compact) {
    tile("Narration", 0, y + fh, W, rest - fh);
    ImGui::End();
    return;
  }
  const float nh = std::floor(rest * 0.27f), ch = std::floor(rest * 0.33f);
  tile("Narration", lw, y, rw, nh);
  ImGui::End();
  tile("Code", lw, y + nh, rw, ch);
  ImGui::End();
  tile("Inspect", lw, y + nh + ch, rw, rest - nh - ch, ImGuiWindowFlags_NoTitleBar);
  ImGui::End();
}

}  // namespace

void Ui::layout_and_draw() {
  float W = info.width > 0 ? static_cast<float>(info.width) : ImGui::GetIO().DisplaySize.x;
  float H = info.height > 0 ? static_cast<float>(info.height) : ImGui::GetIO().DisplaySize.y;
  // On the web the app lays out in CSS pixels; natively DisplaySize is what ImGui uses.
  W = std::min(W, ImGui::GetIO().DisplaySize.x > 0 ? ImGui::GetIO().DisplaySize.x : W);
  H = std::min(H, ImGui::GetIO().DisplaySize.y > 0 ? ImGui::GetIO().DisplaySize.y : H);
  const float line = ImGui::GetFrameHeightWithSpacing();
  const bool landscape = H < 520 && W > H * 1.3f;  // phone on its side, small embeds
  const bool phone = W < 720 || landscape;
  const bool compact = embed || phone;
  quiz_w = quiz_h = 0;
  quiz_fits = true;
  toolbar_rect = legend_rect = Rect{};

  if (!trace) {
    waiting_tiles(*this, W, H, compact);
    return;
  }
  const bool quiz = cur() && cur()->quiz;

  if (figure_only) {
    float nh = line * 3.4f;  // caption + call + the first line of the narration
    if (tile("Narration##fig", 0, 0, W, nh, ImGuiWindowFlags_NoTitleBar)) {
      // A way back for touch screens, which have no F key.
      if (ImGui::SmallButton("Back (F)")) {
        figure_only = false;
        if (hooks.fullscreen) hooks.fullscreen(false);
      }
      ImGui::SameLine();
      draw_notice(*this);
      draw_narration(*this);
    }
    ImGui::End();
    toolbar_rect = Rect{0, 0, W, nh};  // its Back button is the toolbar of this mode
    float qh = quiz ? std::min(quiz_height(*this, W), (H - nh) * 0.6f) : 0;
    figure_tile(*this, 0, nh, W, H - nh - qh);
    quiz_tile(*this, 0, H - qh, W, qh);
    return;
  }

  float ctl_want = controls_h > 0 ? controls_h : line * (compact ? 2.3f : 2.6f);
  float ctl_h = std::min(ctl_want, H * 0.3f);
  controls_fit = ctl_want <= ctl_h + 0.5f;
  controls_tile(*this, W, ctl_h, compact);
  toolbar_rect = Rect{0, 0, W, ctl_h};
  float y = ctl_h, rest = H - ctl_h;

  if (landscape) {
    float lw = std::floor(W * (embed ? 0.72f : 0.58f)), rw = W - lw;
    figure_tile(*this, 0, y, lw, rest);
    float qh = quiz ? std::min(quiz_height(*this, rw), rest - line * 2) : 0;
    quiz_tile(*this, lw, y, rw, qh);
    narration_tile(*this, "Narration", lw, y + qh, rw, rest - qh);
    return;
  }

  if (compact) {
    // Figure on top, then the quiz, then the narration: what a student needs.
    float qh = quiz ? std::min(quiz_height(*this, W), rest * 0.5f) : 0;
    float nh = std::max(line * 2.5f, (rest - qh) * (phone ? 0.36f : 0.26f));
    float fh = rest - qh - nh;
    figure_tile(*this, 0, y, W, fh);
    quiz_tile(*this, 0, y + fh, W, qh);
    narration_tile(*this, "Narration", 0, y + fh + qh, W, nh);
    return;
  }

  // The projector wants the figure; a quiz wants room to be read from the back row.
  float lw = std::floor(W * (presenter && !quiz ? 0.58f : 0.50f)), rw = W - lw;
  figure_tile(*this, 0, y, lw, rest);
  float qh = quiz ? std::min(quiz_height(*this, rw), rest - line * 3) : 0;
  quiz_tile(*this, lw, y, rw, qh);
  float left = rest - qh, ry = y + qh;
  if (quiz && left < line * 10) {  // no room for code and inspector: narration only
    narration_tile(*this, "Narration", lw, ry, rw, left);
    return;
  }
  float nh = std::floor(left * (quiz ? 0.34f : 0.27f)), ch = std::floor(left * (quiz ? 0.33f : 0.33f));
  narration_tile(*this, "Narration", lw, ry, rw, nh);
  if (tile("Code", lw, ry + nh, rw, ch)) draw_code(*this);
  ImGui::End();
  inspect_tile(*this, lw, ry + nh + ch, rw, left - nh - ch);
}

// `?`: every key, in a window over the others (Esc or ? closes it).
void draw_keys_overlay(Ui& ui) {
  if (!ui.show_keys) return;
  ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.5f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowFocus();
  if (ImGui::Begin("Keys", &ui.show_keys,
                   ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoCollapse)) {
    static const char* keys[][2] = {
        {"\xE2\x86\x92 / \xE2\x86\x90", "next / previous step"}, {"Home / End", "first / last step"},
        {"Space", "play / pause (stops at every quiz)"}, {"1 - 9", "pick a quiz answer"},
        {"Enter", "reveal the answer"}, {"F", "figure only (Esc leaves)"}, {"P", "presenter mode"},
        {"C", "next palette (standard, colour-blind, high contrast)"}, {"+ / -", "zoom the figure"},
        {"0", "fit the figure to the window"}, {"Tab", "focus the controls: each arrow press moves one control, Space/Enter press it, Esc back"},
        {"?", "this list"}, {"Esc", "close this list / a notice"}};
    if (ImGui::BeginTable("keys", 2, ImGuiTableFlags_RowBg)) {
      for (auto& k : keys) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(k[0]);
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(k[1]);
      }
      ImGui::EndTable();
    }
  }
  ImGui::End();
}

}  // namespace pp::ui
