// Palettes and ImDrawList patterns. See palette.h for why every state has a pattern.
#include "ui/palette.h"

#include <algorithm>
#include <cmath>

namespace pp::ui {
namespace {

constexpr ImU32 rgb(unsigned v, unsigned a = 255) {
  return IM_COL32((v >> 16) & 255, (v >> 8) & 255, v & 255, a);
}

Palette make_standard() {
  Palette p{};
  p.bg = rgb(0xFFFFFF); p.grid = rgb(0xD0D4DA); p.text = rgb(0x1B1F24); p.text_dim = rgb(0x6A737D);
  p.outline = rgb(0x8A929C);
  p.not_backed = rgb(0xF3F4F6); p.zero = rgb(0xD9DCE1); p.resident = rgb(0x3B73B9);
  p.swapped = rgb(0xF2A541); p.on_file = rgb(0xFFFFFF); p.cached = rgb(0x9CC7E8);
  p.pinned = rgb(0xC2185B); p.pinned_fill = rgb(0xC2185B, 60);
  p.hover = rgb(0x111111); p.selection = rgb(0x2E7D32, 90); p.gap = rgb(0x9AA0A6);
  p.changed = rgb(0x00A651);
  p.highlight_line = rgb(0xFFE58A); p.dim_line = rgb(0xEEF0F3);
  const unsigned own[8] = {0x3B73B9, 0x3E9B4F, 0x8E5EA2, 0xB5651D, 0x1E8C8C, 0x7F7F7F, 0xA23B72, 0x556B2F};
  for (int i = 0; i < 8; ++i) p.owners[i] = rgb(own[i]);
  p.free_frame = rgb(0xF3F4F6); p.cache_frame = rgb(0x9CC7E8); p.hog_frame = rgb(0xBDBDBD);
  p.good = rgb(0x2E7D32); p.bad = rgb(0xC62828);
  p.hatch_thickness = 1.6f;
  return p;
}

// Okabe–Ito colours: distinguishable with protanopia, deuteranopia and tritanopia.
Palette make_colorblind() {
  Palette p = make_standard();
  p.resident = rgb(0x0072B2); p.swapped = rgb(0xE69F00); p.cached = rgb(0x56B4E9);
  p.pinned = rgb(0xD55E00); p.pinned_fill = rgb(0xD55E00, 60);
  const unsigned own[8] = {0x0072B2, 0x009E73, 0xCC79A7, 0xE69F00, 0x56B4E9, 0x000000, 0xD55E00, 0xF0E442};
  for (int i = 0; i < 8; ++i) p.owners[i] = rgb(own[i]);
  p.good = rgb(0x009E73); p.bad = rgb(0xD55E00);
  p.changed = rgb(0x009E73);
  return p;
}

// Black on white with thick strokes: survives a washed-out projector.
Palette make_high_contrast() {
  Palette p{};
  p.bg = rgb(0xFFFFFF); p.grid = rgb(0x000000); p.text = rgb(0x000000); p.text_dim = rgb(0x333333);
  p.outline = rgb(0x000000);
  p.not_backed = rgb(0xFFFFFF); p.zero = rgb(0xBBBBBB); p.resident = rgb(0x000000);
  p.swapped = rgb(0xFFFFFF); p.on_file = rgb(0xFFFFFF); p.cached = rgb(0x888888);
  p.pinned = rgb(0xB0006A); p.pinned_fill = rgb(0xFFD600, 120);
  p.hover = rgb(0xFF00FF); p.selection = rgb(0x00C853, 110); p.gap = rgb(0x000000);
  p.changed = rgb(0x00A000);
  p.highlight_line = rgb(0xFFD600); p.dim_line = rgb(0xDDDDDD);
  const unsigned own[8] = {0x000000, 0x0050FF, 0x00A000, 0xA000A0, 0x805000, 0x444444, 0x0090A0, 0x700000};
  for (int i = 0; i < 8; ++i) p.owners[i] = rgb(own[i]);
  p.free_frame = rgb(0xFFFFFF); p.cache_frame = rgb(0x888888); p.hog_frame = rgb(0xCCCCCC);
  p.good = rgb(0x006400); p.bad = rgb(0xD00000);
  p.hatch_thickness = 2.5f;
  return p;
}

}  // namespace

const char* palette_name(PaletteKind k) {
  switch (k) {
    case PaletteKind::Standard: return "Standard";
    case PaletteKind::ColorBlind: return "Colour-blind safe";
    case PaletteKind::HighContrast: return "High contrast";
  }
  return "?";
}

const Palette& palette_of(PaletteKind k) {
  static const Palette std_p = make_standard(), cb = make_colorblind(), hc = make_high_contrast();
  switch (k) {
    case PaletteKind::ColorBlind: return cb;
    case PaletteKind::HighContrast: return hc;
    default: return std_p;
  }
}

void apply_style(PaletteKind k) {
  ImGuiStyle& st = ImGui::GetStyle();
  if (k == PaletteKind::HighContrast) {
    ImVec4* c = st.Colors;
    c[ImGuiCol_Text] = ImVec4(0, 0, 0, 1);
    c[ImGuiCol_WindowBg] = ImVec4(1, 1, 1, 1);
    c[ImGuiCol_Border] = ImVec4(0, 0, 0, 1);
    c[ImGuiCol_TitleBg] = c[ImGuiCol_TitleBgActive] = ImVec4(1.0f, 0.84f, 0, 1);
    c[ImGuiCol_Button] = ImVec4(1, 1, 1, 1);
    c[ImGuiCol_ButtonHovered] = ImVec4(1, 0.84f, 0, 1);
    c[ImGuiCol_FrameBg] = ImVec4(1, 1, 1, 1);
    st.FrameBorderSize = 1.5f;
    st.WindowBorderSize = 2.0f;
  } else {
    ImGui::StyleColorsLight();
    st.FrameBorderSize = 1.0f;
    st.WindowBorderSize = 1.0f;
  }
}

void draw_hatch(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 col, float spacing, float thickness) {
  // 45° lines clipped to the rectangle: walk the diagonal offset c = x + y.
  float w = b.x - a.x, h = b.y - a.y;
  if (w <= 0 || h <= 0) return;
  spacing = std::max(spacing, 3.0f);
  // Align to the screen so neighbouring rectangles continue the same lines.
  float start = std::floor((a.x + a.y) / spacing) * spacing;
  for (float c = start; c < b.x + b.y; c += spacing) {
    // Line x + y = c clipped to [a,b].
    float x0 = std::max(a.x, c - b.y), x1 = std::min(b.x, c - a.y);
    if (x1 <= x0) continue;
    dl->AddLine(ImVec2(x0, c - x0), ImVec2(x1, c - x1), col, thickness);
  }
}

void draw_dots(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 col, float spacing) {
  spacing = std::max(spacing, 3.0f);
  float r = std::max(0.8f, spacing * 0.16f);
  int n = 0;
  for (float y = a.y + spacing * 0.5f; y < b.y; y += spacing)
    for (float x = a.x + spacing * 0.5f; x < b.x; x += spacing) {
      dl->AddRectFilled(ImVec2(x - r, y - r), ImVec2(x + r, y + r), col);
      if (++n > 4000) return;  // a huge swapped run needs no more dots to read as dotted
    }
}

void draw_dashed_rect(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 col, float dash) {
  dash = std::max(dash, 2.0f);
  for (float x = a.x; x < b.x; x += 2 * dash) {
    float e = std::min(x + dash, b.x);
    dl->AddLine(ImVec2(x, a.y + 0.5f), ImVec2(e, a.y + 0.5f), col);
    dl->AddLine(ImVec2(x, b.y - 0.5f), ImVec2(e, b.y - 0.5f), col);
  }
  for (float y = a.y; y < b.y; y += 2 * dash) {
    float e = std::min(y + dash, b.y);
    dl->AddLine(ImVec2(a.x + 0.5f, y), ImVec2(a.x + 0.5f, e), col);
    dl->AddLine(ImVec2(b.x - 0.5f, y), ImVec2(b.x - 0.5f, e), col);
  }
}

void draw_pin(ImDrawList* dl, ImVec2 c, float size, ImU32 col, ImU32 outline) {
  // Head at the top, needle pointing down-left like a pin stuck into the page.
  float r = size * 0.28f;
  ImVec2 head(c.x + size * 0.12f, c.y - size * 0.22f);
  ImVec2 tip(c.x - size * 0.30f, c.y + size * 0.45f);
  dl->AddLine(head, tip, outline, std::max(1.0f, size * 0.09f));
  dl->AddCircleFilled(head, r, col, 12);
  dl->AddCircle(head, r, outline, 12, std::max(1.0f, size * 0.06f));
}

void draw_break(ImDrawList* dl, float x0, float x1, float y, ImU32 col, float amp) {
  ImVec2 pts[64];
  int n = 0;
  float step = std::max(4.0f, amp * 1.5f);
  for (float x = x0; x <= x1 && n < 64; x += step, ++n) pts[n] = ImVec2(x, y + ((n & 1) ? amp : -amp));
  dl->AddPolyline(pts, n, col, 0, 1.5f);
  for (int i = 0; i < n; ++i) pts[i].y += amp * 1.8f;
  dl->AddPolyline(pts, n, col, 0, 1.5f);
}

}  // namespace pp::ui
