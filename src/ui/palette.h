// pinpages UI — colours and patterns. Every state has a pattern as well as a colour
// (pinned = hatch + pin mark, swapped = dots, file page dropped = dashed outline, not
// backed = empty outline), so the figure still reads in greyscale, on a washed-out
// projector, and for colour-blind students.
#pragma once

#include <cstdint>

#include "imgui.h"

namespace pp::ui {

enum class PaletteKind : std::uint8_t { Standard, ColorBlind, HighContrast };
const char* palette_name(PaletteKind k);

struct Palette {
  ImU32 bg, grid, text, text_dim, outline;
  ImU32 not_backed, zero, resident, swapped, on_file, cached;
  ImU32 pinned;        // hatch lines, pin mark and border of pinned cells
  ImU32 pinned_fill;   // tint under the hatch, so pinned-and-resident reads at once
  ImU32 hover, selection, gap;
  ImU32 changed;       // "changed this step" outline (figure, frames, legend, PNG)
  ImU32 highlight_line, dim_line;  // code window
  ImU32 owners[8];     // physical frames: one colour per process
  ImU32 free_frame, cache_frame, hog_frame;
  ImU32 good, bad;     // latency under / over deadline
  float hatch_thickness;
};

const Palette& palette_of(PaletteKind k);
// Applies the ImGui style colours that go with the palette (high contrast: black on white).
void apply_style(PaletteKind k);

// Pattern helpers (ImDrawList only; no textures so the web and test builds match).
void draw_hatch(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 col, float spacing, float thickness);
void draw_dots(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 col, float spacing);
void draw_dashed_rect(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 col, float dash);
// A push-pin: round head + needle; `size` is the height in pixels.
void draw_pin(ImDrawList* dl, ImVec2 center, float size, ImU32 col, ImU32 outline);
// A zig-zag break line across [x0,x1] at y (collapsed unmapped gap).
void draw_break(ImDrawList* dl, float x0, float x1, float y, ImU32 col, float amp);

}  // namespace pp::ui
