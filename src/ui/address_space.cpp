// Address-space window: the tutorial's figure, one column per process (layout in
// address_space_layout.cpp, texts in address_space_labels.cpp; see address_space.h).
// This file draws the window: the figure's letter and caption, the cells of each block,
// the marks other windows ask for, the legend; and takes the mouse (zoom about the
// pointer, pan by dragging, Shift+drag selects a range for the sandbox, tooltips).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "imgui.h"
#include "ui/address_space.h"
#include "ui/figure_style.h"
#include "ui/ui.h"

namespace pp::ui {
namespace {

using fig::Block;
using fig::Column;
using fig::Ctx;

void draw_badge(Ui& ui, const Step& s, ImVec2 at, float size) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const Palette& pal = ui.pal();
  ImVec2 c(at.x + size * 0.5f, at.y + size * 0.5f);
  dl->AddCircleFilled(c, size * 0.5f, pal.text, 32);
  char letter[2] = {*s.figure, 0};
  ImFont* f = ImGui::GetFont();
  float fs = size * 0.7f;
  ImVec2 ts = f->CalcTextSizeA(fs, 1e9f, 0, letter);
  dl->AddText(f, fs, ImVec2(c.x - ts.x * 0.5f, c.y - ts.y * 0.5f), pal.bg, letter);
}

// The "predict first" line while a quiz waits, else the figure's letter and caption.
void draw_caption(Ui& ui, const Step* step, float line_h) {
  const float sc = ui.scale();
  if (ui.quiz_pending()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(ui.pal().pinned));
    ImGui::TextWrapped("Predict first: this is the state before line %d.", ui.cur()->line);
    ImGui::PopStyleColor();
  }
  if (!step || !step->figure) return;
  float size = line_h * 2.2f;
  ImVec2 p = ImGui::GetCursorScreenPos();
  draw_badge(ui, *step, p, size);
  ImGui::SetCursorScreenPos(ImVec2(p.x + size + 8 * sc, p.y));
  ImGui::BeginGroup();
  ImGui::PushTextWrapPos(ImGui::GetWindowPos().x + ImGui::GetWindowWidth() - 8 * sc);
  ImGui::Text("Figure %c", *step->figure);
  ImGui::TextWrapped("%s", step->figure_caption.c_str());
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();
  float y = std::max(ImGui::GetCursorScreenPos().y, p.y + size + 4 * sc);
  ImGui::SetCursorScreenPos(ImVec2(p.x, y));
}

// Lays out every process's column side by side in the figure's width.
struct Columns {
  const StepView* sv = nullptr;
  float x = 0, colw = 0, cell = 10, line_h = 14, sc = 1;
  bool kernel = false;
  std::vector<fig::LabelRoom> rooms;
  std::vector<Column> at(float zoom, float stretch) const {
    std::vector<Column> cols;
    for (size_t i = 0; i < sv->procs.size(); ++i)
      cols.push_back(fig::layout_column(sv->procs[i], x + i * colw + 4 * sc, colw - 8 * sc, zoom, cell, line_h, kernel,
                                        rooms[i], stretch));
    return cols;
  }
  float height(float zoom, float stretch = 1.0f) const {
    float h = 0;
    for (const Column& c : at(zoom, stretch)) h = std::max(h, c.height);
    return h;
  }
};

// "Fit": the largest zoom ≤ 1 whose figure fits the window, so a projected figure shows
// every segment without scrolling (layout is O(VMAs): searching is cheap). A small
// process is stretched to fill the window; a big one at the smallest zoom is squeezed,
// so the last row is on screen rather than cut off. Remembered per step and size.
void fit_zoom(Ui& ui, const Columns& cs, float view_h, float& stretch) {
  struct FitMemo { int gen = -1, step = -1; float vh = 0, cw = 0, cell = 0; bool kernel = false; float zoom = 1, stretch = 1; };
  auto& memo = ui.slot<FitMemo>("fit");
  if (memo.gen == ui.trace_gen && memo.step == ui.step && memo.vh == view_h && memo.cw == cs.colw &&
      memo.cell == cs.cell && memo.kernel == cs.kernel) {
    ui.zoom = memo.zoom;
    stretch = memo.stretch;
    return;
  }
  float lo = 0.05f, hi = 1.0f;
  if (cs.height(hi) <= view_h) lo = hi;
  else
    for (int it = 0; it < 10; ++it) {
      float mid = (lo + hi) * 0.5f;
      (cs.height(mid) <= view_h ? lo : hi) = mid;
    }
  ui.zoom = lo;
  float h1 = cs.height(lo);
  if (lo >= 1.0f && h1 > 0) stretch = std::clamp(view_h * 0.97f / h1, 1.0f, 2.5f);
  else if (h1 > view_h) stretch = std::max(0.3f, view_h * 0.99f / h1);
  else stretch = 1.0f;
  memo = FitMemo{ui.trace_gen, ui.step, view_h, cs.colw, cs.cell, cs.kernel, lo, stretch};
}

// The cells of one block: rows bottom-up; within a row, equal neighbours merge into one
// rectangle. Then the grid (where cells are big enough to be seen) and the outline.
void draw_block_cells(Ctx& k, const Column& c, const Block& b, bool superlocked) {
  const SegmentView& s = c.pv->segs[b.seg];
  const Palette& pal = k.pal;
  const float y0 = k.top + b.top, y1 = y0 + b.h;
  const u64 pages = std::max<u64>(1, s.pages());
  const float row_h = b.h / b.rows;
  auto cow_of = [](const CellSummary& cs) { return cs.cow * 2 >= cs.pages && cs.cow > 0; };
  for (int r = 0; r < b.rows; ++r) {
    float ry1 = y1 - r * row_h, ry0 = ry1 - row_h;
    if (ry1 < k.clip_top || ry0 > k.clip_bot) continue;
    int col = 0;
    while (col < c.cols) {
      u64 p0 = (static_cast<u64>(r) * c.cols + col) * b.ppc;
      if (p0 >= pages) break;
      CellSummary cs = s.summarize(p0, b.ppc);
      CellKind kind = cs.kind();
      bool pin = cs.mostly_pinned(), cow = cow_of(cs);
      int run = 1;
      while (col + run < c.cols) {
        u64 q = (static_cast<u64>(r) * c.cols + col + run) * b.ppc;
        if (q >= pages) break;
        CellSummary n = s.summarize(q, b.ppc);
        if (n.kind() != kind || n.mostly_pinned() != pin || cow_of(n) != cow) break;
        ++run;
      }
      CellStyle st;
      st.kind = kind;
      st.pinned = pin && !superlocked;
      st.superlocked = pin && superlocked;
      st.cow = cow;
      draw_cells(k.dl, pal, ImVec2(c.cx + col * c.cell_w, ry0), ImVec2(c.cx + (col + run) * c.cell_w, ry1), st, k.cell);
      col += run;
    }
    u64 first = std::min<u64>(pages, static_cast<u64>(r) * c.cols * b.ppc);
    int used = static_cast<int>(std::min<u64>(c.cols, (pages - first + b.ppc - 1) / b.ppc));
    if (c.cell_w >= 5 && row_h >= 4)
      for (int i = 1; i < used; ++i)
        k.dl->AddLine(ImVec2(c.cx + i * c.cell_w, ry0), ImVec2(c.cx + i * c.cell_w, ry1), pal.grid);
    if (row_h >= 4) k.dl->AddLine(ImVec2(c.cx, ry0), ImVec2(c.cx + used * c.cell_w, ry0), pal.grid);
  }
  k.dl->AddRect(ImVec2(c.cx, y0), ImVec2(c.cx + c.cw, y1), s.total.pinned ? pal.pinned : pal.outline, 0, 0,
                s.total.pinned ? 2.0f * k.sc : 1.0f);
  if (s.vma.lazy)
    draw_dashed_rect(k.dl, ImVec2(c.cx - 2 * k.sc, y0 - 2 * k.sc), ImVec2(c.cx + c.cw + 2 * k.sc, y1 + 2 * k.sc), pal.pinned,
                     4.0f * k.sc);
}

// Mouse → page of a column (the block it is in, the first page and how many a cell holds).
// With `to_end`, a cell past the block's last page (the empty tail of its top row) means
// that last page: a range drag may start or end there.
const Block* page_at(const Ctx& k, const Column& c, float mx, float my, u64& vaddr, u64& npages, bool to_end = false) {
  if (mx < c.cx || mx >= c.cx + c.cw) return nullptr;
  for (const Block& b : c.blocks) {
    float y0 = k.top + b.top, y1 = y0 + b.h;
    if (b.seg < 0 || my < y0 || my >= y1) continue;
    const SegmentView& s = c.pv->segs[b.seg];
    float row_h = b.h / b.rows;
    u64 row = static_cast<u64>((y1 - my) / row_h), colx = static_cast<u64>((mx - c.cx) / c.cell_w);
    u64 p = (row * c.cols + colx) * b.ppc;
    if (p >= s.pages() && to_end && s.pages() > 0) p = (s.pages() - 1) / b.ppc * b.ppc;
    if (p >= s.pages()) return nullptr;
    vaddr = s.vma.start + (p << kPageShift);
    npages = std::min<u64>(b.ppc, s.pages() - p);
    return &b;
  }
  return nullptr;
}

// Outlines the cells of [vaddr, +npages) (what the other windows point at).
void outline_pages(Ctx& k, const Column& c, u64 vaddr, u64 npages, ImU32 colr, float th) {
  int si = c.pv->find(vaddr);
  const Block* b = si < 0 ? nullptr : fig::block_of(c, si);
  if (!b) return;
  const SegmentView& s = c.pv->segs[si];
  u64 p0 = (vaddr - s.vma.start) >> kPageShift;
  u64 cell0 = p0 / b->ppc, cell1 = (std::min(s.pages(), p0 + std::max<u64>(1, npages)) - 1) / b->ppc;
  float row_h = b->h / b->rows, bottom = k.top + b->top + b->h;
  for (u64 cl = cell0; cl <= cell1 && cl < cell0 + 4096; ++cl) {
    float rx = c.cx + (cl % c.cols) * c.cell_w, ry = bottom - (cl / c.cols + 1) * row_h;
    k.dl->AddRect(ImVec2(rx, ry), ImVec2(rx + c.cell_w, ry + row_h), colr, 0, 0, th);
  }
}

// The page under the mouse: its tooltip, and the highlight it asks of the other windows.
void page_tooltip(Ctx& k, const Column& c, const Machine& m) {
  ImGuiIO& io = ImGui::GetIO();
  if (!k.hovered || io.MousePos.y < k.clip_top) return;
  u64 va = 0, npg = 0;
  const Block* b = page_at(k, c, io.MousePos.x, io.MousePos.y, va, npg);
  if (!b) return;
  const ProcessView& pv = *c.pv;
  const SegmentView& s = pv.segs[b->seg];
  PageInfo pi = m.page(pv.pid, va);
  k.ui.hover_next = Hover{pv.pid, va, npg, pi.state == PageState::Frame ? static_cast<int>(pi.index) : -1,
                          pi.state == PageState::Swap ? static_cast<int>(pi.index) : -1};
  CellSummary cs = s.summarize((va - s.vma.start) >> kPageShift, npg);
  ImGui::BeginTooltip();
  ImGui::Text("%s  %s", hex_addr(va).c_str(), npg > 1 ? ("\xE2\x80\xA6 +" + std::to_string(npg) + " pages").c_str() : "");
  ImGui::Text("%s  %s  (%s)", s.role.c_str(), s.vma.name.c_str(), human_bytes(s.vma.end - s.vma.start).c_str());
  ImGui::Text("state: %s%s", cell_kind_name(classify(s.vma, pi)), pi.locked ? ", PINNED (locked)" : "");
  if (pi.state == PageState::Frame) ImGui::Text("frame %u", pi.index);
  if (pi.state == PageState::Swap) ImGui::Text("swap slot %u", pi.index);
  ImGui::Text("PTE: %s %s %s %s %s %s", pi.present ? "present" : "-", pi.writable ? "writable" : "-", pi.dirty ? "dirty" : "-",
              pi.accessed ? "accessed" : "-", pi.cow ? "COW-shared" : "-", pi.locked ? "locked" : "-");
  if (npg > 1)
    ImGui::Text("this cell: %llu pages, %llu pinned%s", static_cast<unsigned long long>(cs.pages),
                static_cast<unsigned long long>(cs.pinned), cs.mixed() ? ", mixed states" : "");
  ImGui::TextDisabled("wheel: zoom \xC2\xB7 drag: pan \xC2\xB7 shift+drag: select range");
  ImGui::EndTooltip();
}

// Shift+drag (or a plain drag with "select" on) picks a page range for the sandbox.
struct Drag { bool selecting = false; float y0 = 0; };

void select_range(Ctx& k, const Column& c, const Drag& d) {
  ImGuiIO& io = ImGui::GetIO();
  u64 va0 = 0, n0 = 0, va1 = 0, n1 = 0;
  const Block* b0 = page_at(k, c, io.MousePos.x, d.y0, va0, n0, true);
  const Block* b1 = page_at(k, c, io.MousePos.x, io.MousePos.y, va1, n1, true);
  if (!b0) b0 = page_at(k, c, c.cx + 1, d.y0, va0, n0, true);
  if (b0 && b1) {
    u64 lo = std::min(va0, va1), hi = std::max(va0 + (n0 << kPageShift), va1 + (n1 << kPageShift));
    k.ui.selection = Selection{c.pv->pid, lo, hi};
  }
}

// Wheel zooms about the pointer, a drag pans, a tap on a phone steps (left third: back).
void figure_input(Ui& ui, const Columns& cs, std::vector<Column>& cols, float& content_h, float stretch, ImVec2 origin,
                  ImVec2 size, float header_h, float view_h, bool hovered, bool active, Drag& drag) {
  ImGuiIO& io = ImGui::GetIO();
  if (hovered && io.MouseWheel != 0) {
    float anchor = io.MousePos.y - (origin.y + header_h);
    float frac = (anchor + ui.pan_y) / std::max(content_h, 1.0f);
    ui.fit = false;
    ui.zoom = std::clamp(ui.zoom * std::pow(1.2f, io.MouseWheel), 0.05f, 4096.0f);
    cols = cs.at(ui.zoom, stretch);
    content_h = 0;
    for (auto& c : cols) content_h = std::max(content_h, c.height);
    ui.pan_y = frac * content_h - anchor;
  }
  if (active && ImGui::IsMouseClicked(0)) {
    drag.selecting = io.KeyShift || ui.select_drag;
    drag.y0 = io.MousePos.y;
  }
  if (active && !drag.selecting && ImGui::IsMouseDragging(0, 2.0f)) ui.pan_y -= io.MouseDelta.y;
  ui.pan_y = std::clamp(ui.pan_y, 0.0f, std::max(0.0f, content_h - view_h));
  if (ui.info.width > 0 && ui.info.width < 720 && ImGui::IsItemDeactivated() && ImGui::GetMouseDragDelta(0).y == 0 &&
      ImGui::GetMouseDragDelta(0).x == 0)
    ui.go(io.MousePos.x < origin.x + size.x / 3 ? ui.step - 1 : ui.step + 1);
}

// One process: header, blocks with their labels, changed marks, objects, highlights.
void draw_column(Ctx& k, const Column& c, const Step& step, const StepView& sv, ImVec2 origin, float fig_h,
                 const std::vector<ChangedRange>& changed, bool active, const Drag& drag) {
  Ui& ui = k.ui;
  const ProcessView& pv = *c.pv;
  k.text_scale = std::max(c.text_scale, fig::min_text_scale());
  k.right_free_y = k.clip_top;
  fig::draw_column_header(k, c, step, sv.procs[0].pid, origin, fig_h, sv.procs.size() > 1);
  const bool superlocked = ui.trace && process_superlocked(*ui.trace, ui.shown_step(), pv.pid);
  k.dl->PushClipRect(ImVec2(c.x, k.clip_top), ImVec2(c.x + c.w, k.clip_bot), true);
  for (const Block& b : c.blocks) {
    float y0 = k.top + b.top, y1 = y0 + b.h;
    if (y1 < k.clip_top || y0 > k.clip_bot) continue;
    if (b.seg < 0) {
      fig::draw_gap(k, c, b);
      continue;
    }
    draw_block_cells(k, c, b, superlocked);
    if (b.cont) continue;  // a group's label is on its top block
    const Vma& v = pv.segs[b.seg].vma;
    const bool running_stack = pv.pid == step.pid && step.thread_stack > v.start && step.thread_stack <= v.end;
    fig::draw_block_labels(k, c, b, superlocked, running_stack ? &step : nullptr);
  }
  fig::draw_changed(k, c, changed);
  fig::draw_objects(k, c);
  if (ui.hover.pid == pv.pid) outline_pages(k, c, ui.hover.vaddr, ui.hover.npages, k.pal.hover, 2.0f * k.sc);
  if (ui.selection.valid() && ui.selection.pid == pv.pid)
    outline_pages(k, c, ui.selection.start, (ui.selection.end - ui.selection.start) >> kPageShift, k.pal.selection, 2.0f);
  page_tooltip(k, c, *step.machine);
  if (active && drag.selecting && ImGui::IsMouseDragging(0, 2.0f)) select_range(k, c, drag);
  k.dl->PopClipRect();
}

// What the figure marks as changed: nothing while a quiz waits (the marks are the answer).
const std::vector<ChangedRange>& changed_of(Ui& ui, const Step& step) {
  struct ChangedMemo { int gen = -1, step = -1; std::vector<ChangedRange> ranges; };
  auto& cm = ui.slot<ChangedMemo>("changed");
  if (cm.gen != ui.trace_gen || cm.step != ui.shown_step() || ui.quiz_pending())
    cm = ChangedMemo{ui.trace_gen, ui.quiz_pending() ? -1 : ui.shown_step(),
                     ui.quiz_pending() ? std::vector<ChangedRange>{} : changed_ranges(step)};
  return cm.ranges;
}

}  // namespace

void draw_address_space(Ui& ui) {
  const Step* step = ui.shown();
  const Palette& pal = ui.pal();
  const float sc = ui.scale();
  const float line_h = ImGui::GetTextLineHeightWithSpacing();
  ui.figure_labels.clear();
  draw_caption(ui, step, line_h);

  const StepView* sv = ui.view();
  if (!sv) {
    ImGui::TextWrapped("No model snapshot for this step (real mode records reports only).");
    return;
  }
  if (sv->procs.empty()) {
    ImGui::TextWrapped("The program has exited: its address space is gone, and so are its locks. "
                       "Step back (\xE2\x86\x90) to see it as it was.");
    return;
  }

  // --- canvas: everything left after the caption, minus the legend
  ImVec2 origin = ImGui::GetCursorScreenPos();
  ImVec2 avail = ImGui::GetContentRegionAvail();
  const bool qnx = ui.os == OsKind::Qnx;
  const std::vector<ChangedRange>& changed = changed_of(ui, *step);
  bool any_super = false;
  for (const ProcessView& pv : sv->procs) any_super |= ui.trace && process_superlocked(*ui.trace, ui.shown_step(), pv.pid);
  const std::vector<LegendItem> legend = legend_items(*sv, qnx, any_super, !changed.empty());
  float legend_h = legend_height(legend, std::max(avail.x, 50.0f), line_h) + 4;
  float header_h = line_h * 2.1f;
  ImVec2 size(std::max(avail.x, 50.0f), std::max(avail.y - legend_h, 80.0f));
  ImGui::InvisibleButton("##figure", size, ImGuiButtonFlags_MouseButtonLeft);
  const bool hovered = ImGui::IsItemHovered(), active = ImGui::IsItemActive();

  Columns cs;
  cs.sv = sv;
  cs.x = origin.x;
  cs.colw = size.x / static_cast<float>(sv->procs.size());
  cs.cell = 10.0f * sc;
  cs.line_h = line_h;
  cs.sc = sc;
  cs.kernel = ui.show_kernel_pages;
  for (const ProcessView& pv : sv->procs) cs.rooms.push_back(fig::label_room(pv, line_h, sc, cs.kernel));
  const float view_h = size.y - header_h;
  float stretch = 1.0f;
  if (ui.fit) fit_zoom(ui, cs, view_h, stretch);
  std::vector<Column> cols = cs.at(ui.zoom, stretch);
  float content_h = 0;
  for (auto& c : cols) content_h = std::max(content_h, c.height);
  static thread_local Drag drag;
  figure_input(ui, cs, cols, content_h, stretch, origin, size, header_h, view_h, hovered, active, drag);

  ui.fig_x = origin.x;
  ui.fig_y = origin.y;
  ui.fig_w = size.x;
  ui.fig_h = size.y;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(origin, ImVec2(origin.x + size.x, origin.y + size.y), pal.bg);
  Ctx k{ui, dl, pal, sc, line_h, cs.cell, origin.y + header_h - ui.pan_y, origin.y + header_h, origin.y + size.y, hovered, qnx};
  for (const Column& c : cols) draw_column(k, c, *step, *sv, origin, size.y, changed, active, drag);

  // Scroll hint when the figure is taller than the window.
  if (content_h > view_h) {
    float bar_h = std::max(12.0f, view_h * view_h / content_h);
    float by = k.clip_top + (view_h - bar_h) * (ui.pan_y / std::max(1.0f, content_h - view_h));
    dl->AddRectFilled(ImVec2(origin.x + size.x - 5 * sc, by), ImVec2(origin.x + size.x - 1, by + bar_h), pal.grid, 3);
  }

  // --- legend: every state with its pattern (the ones on screen, wrapped to the width)
  draw_legend(dl, pal, legend, ImVec2(origin.x, origin.y + size.y + 2), size.x, line_h, sc);
  ui.legend_rect = Rect{origin.x, origin.y + size.y + 2, size.x, legend_h - 4};
  ImGui::Dummy(ImVec2(1, legend_h - 4));
}

}  // namespace pp::ui
