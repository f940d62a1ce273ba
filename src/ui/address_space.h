// pinpages UI — the parts of the address-space figure (internal to its three files):
//
//   address_space_layout.cpp  blocks and columns: where each VMA goes, how much room the
//                             labels get, the zoom that fits the window
//   address_space_labels.cpp  every text the figure draws: column headers, VMA and gap
//                             labels, object brackets, "new" callouts. Each label is fitted
//                             to the room it has (shorter wording, then "…" with the full
//                             text on hover) and recorded in Ui::figure_labels
//   address_space.cpp         the window: caption, cells, mouse (zoom, pan, select,
//                             tooltips), legend
#pragma once

#include <string>
#include <vector>

#include "imgui.h"
#include "ui/ui.h"

namespace pp::ui::fig {

struct Block {
  int seg = -1;          // -1: collapsed gap
  bool cont = false;     // same file as the block above and adjacent: one label for the group
  float top = 0, h = 0;  // content y (0 = top of the column, grows downwards)
  u64 ppc = 1;           // pages per cell
  int rows = 1;
  u64 gap_bytes = 0;
};

struct Column {
  const ProcessView* pv = nullptr;
  float x = 0, w = 0;    // whole column
  float cx = 0, cw = 0;  // cell area
  int cols = 32;
  float cell_w = 10;
  std::vector<Block> blocks;  // top (high addresses) to bottom
  float height = 0;
  float text_scale = 1;  // < 1 when the labels got less room than they asked for
};

// Widths the labels of a process ask for on each side of its cells (current font).
struct LabelRoom {
  float left = 0, right = 0;
};

// What every part of the figure draws with, for one frame.
struct Ctx {
  Ui& ui;
  ImDrawList* dl;
  const Palette& pal;
  float sc = 1, line_h = 14, cell = 10;
  float top = 0;                   // screen y of the columns' content y = 0
  float clip_top = 0, clip_bot = 0;  // the visible band of the columns
  bool hovered = false;            // the mouse is over the figure
  bool qnx = false;
  float text_scale = 1;  // of the labels of the column being drawn (readable minimum kept)
  float right_free_y = 0;  // below the last right-hand label of the column being drawn
};

// --- layout (address_space_layout.cpp)
LabelRoom label_room(const ProcessView& pv, float line_h, float sc, bool show_kernel);
Column layout_column(const ProcessView& pv, float x, float w, float zoom, float cell, float line_h, bool show_kernel,
                     const LabelRoom& room, float stretch = 1.0f);
// Screen y range of pages [p0, p1) of a block (block bottom is the lowest address).
void page_span_y(const Column& c, const Block& b, float top, u64 p0, u64 p1, float& y0, float& y1);
// One outline around the cells holding pages [p0, p1) of a block.
void outline_cells(ImDrawList* dl, const Column& c, const Block& b, float top, u64 p0, u64 p1, float clip_top,
                   float clip_bot, ImU32 col, float th);
// "a[0]".."a[499]" → one bracket "a[0..499]".
std::vector<ObjectView> group_objects(const std::vector<ObjectView>& in);
const Block* block_of(const Column& c, int seg);

// --- labels (address_space_labels.cpp)
// The first candidate that fits `room` pixels at the labels' scale, else the last one cut with "…".
std::string fit_text(const Ctx& k, const std::vector<std::string>& candidates, float room);
float text_w(const Ctx& k, const std::string& s);
// The smallest label scale that still reads (about 12 px, never under 3/4 of the font).
float min_text_scale();
// Draws `shown` at `at`, records it in ui.figure_labels, shows `full` on hover when cut.
void put_label(Ctx& k, ImVec2 at, ImU32 col, const std::string& shown, const std::string& full);
void draw_column_header(Ctx& k, const Column& c, const Step& step, int parent_pid, ImVec2 origin, float fig_h,
                        bool several);
// running_stack: the step whose running thread is on this block's stack (framed and named), else null.
void draw_block_labels(Ctx& k, const Column& c, const Block& b, bool superlocked, const Step* running_stack);
void draw_gap(Ctx& k, const Column& c, const Block& b);
void draw_objects(Ctx& k, const Column& c);
void draw_changed(Ctx& k, const Column& c, const std::vector<ChangedRange>& changed);

}  // namespace pp::ui::fig
