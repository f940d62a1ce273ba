// pinpages UI — how a cell of the address-space figure looks, and the figure's legend.
// One place for both, so every colour or pattern the figure can draw has its legend
// entry (figure_style.cpp), on screen and in the exported PNG.
#pragma once

#include <string>
#include <vector>

#include "imgui.h"
#include "ui/palette.h"
#include "ui/view_model.h"

namespace pp::ui {

class Ui;

struct CellStyle {
  CellKind kind = CellKind::NotBacked;
  bool pinned = false;
  bool superlocked = false;  // QNX: pinned, initialised and writable from the start
  bool cow = false;          // frame shared copy-on-write with another process
  bool changed = false;      // legend only: the "changed this step" outline
  bool lazy = false;         // legend only: QNX MAP_LAZY region border
  bool running = false;      // legend only: the running process's marker
};

void draw_cells(ImDrawList* dl, const Palette& pal, ImVec2 a, ImVec2 b, const CellStyle& st, float unit);

struct LegendItem {
  CellStyle style;
  std::string text;
};
// The entries the figure of this step needs: the common states always, the others
// (copy-on-write, superlocked, MAP_LAZY, changed, running) when they are on screen.
std::vector<LegendItem> legend_items(const StepView& sv, bool qnx, bool any_superlocked, bool any_changed);
// Lays the items out in rows of `width`; returns the height they take.
float legend_height(const std::vector<LegendItem>& items, float width, float line_h);
void draw_legend(ImDrawList* dl, const Palette& pal, const std::vector<LegendItem>& items, ImVec2 at, float width,
                 float line_h, float sc);

// QNX superlocking of a process at step `upto` (procnto -mL, or ThreadCtl(_NTO_TCTL_IO)
// since its last exec): from the trace, as the model's reports do not carry it.
bool process_superlocked(const Trace& t, int upto, int pid);

}  // namespace pp::ui
