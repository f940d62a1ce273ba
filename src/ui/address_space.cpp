// Address-space window: the tutorial's figure, one column per process.
//
//   high addresses ┌──────────────┐ stack ↓        each VMA is a block of cells; a cell
//                  │▒▒▒▒▒▒▒▒▒▒▒▒▒▒│                holds `ppc` pages (1 when zoomed in far
//                  ╳╳╳╳ unmapped ╳╳                enough); runs of equal cells are drawn
//                  │██████████████│ mmap area      as one rectangle. Pinned = hatch + pin.
//                  │████          │ heap ↑
//   low addresses  └──────────────┘ text (code)
//
// Block heights grow with log(pages) × zoom, so a 4-page text segment and a 125,000-page
// mapping are both readable; zoom (wheel, +/-) adds rows until each cell is one page.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "imgui.h"
#include "ui/figure_style.h"
#include "ui/ui.h"

namespace pp::ui {
namespace {

struct Block {
  int seg = -1;        // -1: collapsed gap
  bool cont = false;   // same file as the block above and adjacent: one label for the group
  float top = 0, h = 0;  // content y (0 = top of the column, grows downwards)
  u64 ppc = 1;         // pages per cell
  int rows = 1;
  u64 gap_bytes = 0;
};

struct Column {
  const ProcessView* pv = nullptr;
  float x = 0, w = 0;          // whole column
  float cx = 0, cw = 0;        // cell area
  int cols = 32;
  float cell_w = 10;
  std::vector<Block> blocks;   // top (high addresses) to bottom
  float height = 0;
};

float block_rows_wanted(u64 full_rows, float zoom) {
  float r = (2.0f + 2.5f * std::log2(1.0f + static_cast<float>(full_rows))) * zoom;
  return std::max(1.0f, r);
}

Column layout_column(const ProcessView& pv, float x, float w, float zoom, float cell, float line_h, bool show_kernel,
                     float stretch = 1.0f) {
  Column c;
  c.pv = &pv;
  c.x = x;
  c.w = w;
  float label_l = std::min(w * 0.20f, 9.0f * cell), label_r = std::min(w * 0.40f, 19.0f * cell);
  float area = std::max(8.0f, w - label_l - label_r - 8);
  c.cols = std::clamp(static_cast<int>(area / cell), 8, 64);
  c.cell_w = area / c.cols;
  c.cx = x + label_l;
  c.cw = c.cell_w * c.cols;
  float y = 0;
  for (int i = static_cast<int>(pv.segs.size()) - 1; i >= 0; --i) {
    const SegmentView& s = pv.segs[i];
    // [vvar]/[vdso] are the kernel's helper pages: the tutorial's figure leaves them out.
    if (!show_kernel && (s.vma.kind == VmaKind::Vvar || s.vma.kind == VmaKind::Vdso)) continue;
    u64 pages = std::max<u64>(1, s.pages());
    u64 full_rows = (pages + c.cols - 1) / c.cols;
    u64 rows_want = static_cast<u64>(std::min<float>(static_cast<float>(full_rows), block_rows_wanted(full_rows, zoom)));
    rows_want = std::max<u64>(1, rows_want);
    Block b;
    b.seg = i;
    b.ppc = std::max<u64>(1, (pages + rows_want * c.cols - 1) / (rows_want * c.cols));
    u64 ncells = (pages + b.ppc - 1) / b.ppc;
    b.rows = static_cast<int>((ncells + c.cols - 1) / c.cols);
    b.top = y;
    // A library is 4-5 adjacent VMAs (r-x, r--, rw-…): label it once, keep them slim.
    const SegmentView* above = i + 1 < static_cast<int>(pv.segs.size()) ? &pv.segs[i + 1] : nullptr;
    b.cont = above && above->vma.start == s.vma.end && above->role == s.role && s.vma.kind == VmaKind::Lib;
    bool next_same = i > 0 && pv.segs[i - 1].vma.end == s.vma.start && pv.segs[i - 1].role == s.role &&
                     s.vma.kind == VmaKind::Lib;
    float min_h = (b.cont || next_same) ? line_h * 0.45f : line_h;
    b.h = std::max(min_h, b.rows * cell * 0.8f) * stretch;
    y += b.h;
    c.blocks.push_back(b);
    int below = i - 1;
    while (below >= 0 && !show_kernel && (pv.segs[below].vma.kind == VmaKind::Vvar || pv.segs[below].vma.kind == VmaKind::Vdso))
      --below;
    if (below >= 0 && pv.segs[below].vma.end < s.vma.start) {
      Block g;
      g.top = y;
      g.h = line_h * 0.8f * std::min(1.0f, stretch);
      g.gap_bytes = s.vma.start - pv.segs[below].vma.end;
      y += g.h;
      c.blocks.push_back(g);
    }
  }
  c.height = y;
  return c;
}

// Screen y range of pages [p0, p1) of a block (block bottom is the lowest address).
void page_span_y(const Column& c, const Block& b, float top, u64 p0, u64 p1, float& y0, float& y1) {
  float row_h = b.h / b.rows;
  float bottom = top + b.top + b.h;
  auto yof = [&](u64 p) {
    u64 cell = p / b.ppc;
    float row = static_cast<float>(cell / c.cols);
    float frac = static_cast<float>(cell % c.cols) / c.cols;
    return bottom - (row + frac) * row_h;
  };
  y1 = yof(p0);                 // lower edge (higher y on screen)
  y0 = yof(p1 == 0 ? 0 : p1 - 1) - row_h / c.cols;
  y0 = std::min(y0, y1 - 2.0f);
}

// One outline around the cells holding pages [p0, p1) of a block: the staircase the
// range makes over the rows (rows run bottom-up, cells left to right), so a whole block
// that changed gets one frame, not a frame per row.
void outline_cells(ImDrawList* dl, const Column& c, const Block& b, float top, u64 p0, u64 p1, float clip_top,
                   float clip_bot, ImU32 col, float th) {
  if (p1 <= p0) return;
  u64 cell0 = p0 / b.ppc, cell1 = (p1 - 1) / b.ppc;
  float row_h = b.h / b.rows, bottom = top + b.top + b.h;
  u64 r0 = cell0 / c.cols, r1 = cell1 / c.cols;
  auto x_of = [&](u64 col_index) { return c.cx + col_index * c.cell_w; };
  auto y_bot = [&](u64 r) { return bottom - r * row_h; };
  auto y_top = [&](u64 r) { return bottom - (r + 1) * row_h; };
  if (y_bot(r0) < clip_top || y_top(r1) > clip_bot) return;
  float left = x_of(0), right = x_of(c.cols), xa = x_of(cell0 % c.cols), xe = x_of(cell1 % c.cols + 1);
  float o = th * 0.5f;  // stroke inside the cells
  if (r0 == r1) {
    dl->AddRect(ImVec2(xa + o, y_top(r0) + o), ImVec2(xe - o, y_bot(r0) - o), col, 0, 0, th);
    return;
  }
  ImVec2 pts[8] = {{xa + o, y_bot(r0) - o},    {right - o, y_bot(r0) - o}, {right - o, y_top(r1 - 1) + o},
                   {xe - o, y_top(r1 - 1) + o}, {xe - o, y_top(r1) + o},    {left + o, y_top(r1) + o},
                   {left + o, y_top(r0) + o},   {xa + o, y_top(r0) + o}};
  dl->AddPolyline(pts, 8, col, ImDrawFlags_Closed, th);
}

// "a[0]".."a[499]" → one bracket "a[0..499]": 500 labels would be unreadable.
std::vector<ObjectView> group_objects(const std::vector<ObjectView>& in) {
  std::vector<ObjectView> out;
  std::string gbase;
  long lo = -1, hi = -1;
  auto split = [](const std::string& n, std::string& base, long& idx) {
    auto lb = n.rfind('['), rb = n.rfind(']');
    if (lb == std::string::npos || rb != n.size() - 1 || rb <= lb + 1) return false;
    char* end = nullptr;
    idx = std::strtol(n.c_str() + lb + 1, &end, 10);
    if (end != n.c_str() + rb) return false;
    base = n.substr(0, lb);
    return true;
  };
  for (const ObjectView& o : in) {
    std::string base;
    long idx = 0;
    if (split(o.name, base, idx) && !out.empty() && base == gbase && idx == hi + 1) {
      ObjectView& g = out.back();
      u64 end = std::max(g.addr + g.bytes, o.addr + o.bytes);
      g.addr = std::min(g.addr, o.addr);
      g.bytes = end - g.addr;
      hi = idx;
      g.name = base + "[" + std::to_string(lo) + ".." + std::to_string(hi) + "]";
      continue;
    }
    out.push_back(o);
    if (split(o.name, base, idx)) { gbase = base; lo = hi = idx; } else { gbase.clear(); }
  }
  return out;
}

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

// Column header: which process (running? superlocked?), and the two numbers the
// tutorial talks about.
void draw_column_header(Ui& ui, const Column& c, const Step& step, int parent_pid, ImVec2 origin, float fig_h,
                        bool several, float line_h) {
  const ProcessView& pv = *c.pv;
  const Palette& pal = ui.pal();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float sc = ui.scale();
  char hdr[160];
  const bool superlocked = ui.trace && process_superlocked(*ui.trace, ui.shown_step(), pv.pid);
  std::snprintf(hdr, sizeof hdr, "PID %d%s%s", pv.pid, pv.pid == parent_pid ? "" : " (child)",
                superlocked ? " \xC2\xB7 superlocked" : "");
  float hx = c.cx;
  if (several && pv.pid == step.pid) {  // which of the processes ran this step
    float t = line_h * 0.7f;
    dl->AddTriangleFilled(ImVec2(c.x, origin.y + 3), ImVec2(c.x, origin.y + 3 + t), ImVec2(c.x + t * 0.9f, origin.y + 3 + t * 0.5f),
                          pal.changed);
    dl->AddText(ImVec2(c.x + t, origin.y + 2), pal.changed, "running");
    dl->AddRect(ImVec2(c.x, origin.y), ImVec2(c.x + c.w, origin.y + fig_h), pal.changed, 0, 0, 2.0f * sc);
    hx = std::max(hx, c.x + t + ImGui::CalcTextSize("running ").x);
  }
  dl->AddText(ImVec2(hx, origin.y + 2), pal.text, hdr);
  const float hdr_end = hx + ImGui::CalcTextSize(hdr).x;
  const QuantityLabels lb = quantity_labels(ui.os);
  std::snprintf(hdr, sizeof hdr, "%s %s  %s %s", lb.lck, human_kb(pv.status.vm_lck_kb).c_str(), lb.rss,
                human_kb(pv.status.vm_rss_kb).c_str());
  dl->AddText(ImVec2(c.cx, origin.y + 2 + line_h), pal.text_dim, hdr);
  if (pv.status.mcl) {  // after the PID, never over it
    std::string f = std::string(pv.status.mcl & mcl::CURRENT ? "MCL_CURRENT " : "") +
                    (pv.status.mcl & mcl::FUTURE ? "MCL_FUTURE " : "") + (pv.status.mcl & mcl::ONFAULT ? "MCL_ONFAULT" : "");
    float fx = std::max(c.cx + c.cw * 0.5f + 2, hdr_end + 8 * sc);
    dl->AddText(ImVec2(fx, origin.y + 2), pal.pinned, f.c_str());
  }
}

bool has(const std::vector<std::string>& v, const char* w) { return std::find(v.begin(), v.end(), w) != v.end(); }

// "Changed this step": a thick outline around the cells whose pages the step mapped,
// faulted in, locked, unlocked, copied or swapped (see changed_ranges()); new memory
// also gets a callout, as a 1 MiB mapping next to 490 MiB is one cell, easy to miss.
void draw_changed(Ui& ui, const Column& c, const std::vector<ChangedRange>& changed, float top, float clip_top,
                  float clip_bot, float line_h) {
  const ProcessView& pv = *c.pv;
  const Palette& pal = ui.pal();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float sc = ui.scale(), lx_right = c.cx + c.cw + 6 * sc;
  for (const ChangedRange& r : changed) {
    if (r.pid != pv.pid) continue;
    u64 lo = r.addr, hi = r.addr + (r.pages << kPageShift);
    for (const Block& b : c.blocks) {
      if (b.seg < 0) continue;
      const SegmentView& s = pv.segs[b.seg];
      if (s.vma.end <= lo || s.vma.start >= hi) continue;
      u64 p0 = (std::max(lo, s.vma.start) - s.vma.start) >> kPageShift;
      u64 p1 = (std::min(hi, s.vma.end) - s.vma.start) >> kPageShift;
      outline_cells(dl, c, b, top, p0, p1, clip_top, clip_bot, pal.changed, 3.0f * sc);
      if (!(has(r.what, "mapped") || has(r.what, "grown")) || b.h < line_h * 0.9f) continue;
      float ya, yb;
      page_span_y(c, b, top, p0, p1, ya, yb);
      float ty = std::clamp(yb - line_h, clip_top, clip_bot - line_h);
      std::string t = "\xE2\x86\x90 new " + human_bytes((p1 - p0) << kPageShift);
      if (has(r.what, "locked")) t += ui.os == OsKind::Qnx ? ", locked" : ", pinned";
      ImVec2 ts = ImGui::CalcTextSize(t.c_str());
      float tx = lx_right + line_h * 0.8f;
      float label_y = top + b.top + 1;  // the block's own label (role) sits on its top row
      if (std::fabs(ty - label_y) < line_h && !b.cont)
        tx = std::min(lx_right + line_h + ImGui::CalcTextSize(s.role.c_str()).x + 6 * sc, c.x + c.w - ts.x);
      dl->AddRectFilled(ImVec2(tx - 2, ty), ImVec2(tx + ts.x + 2, ty + ts.y), pal.bg);
      dl->AddText(ImVec2(tx, ty), pal.changed, t.c_str());
      dl->AddLine(ImVec2(c.cx + c.cw, (ya + yb) * 0.5f), ImVec2(tx - 2, ty + ts.y * 0.5f), pal.changed, 2.0f * sc);
    }
  }
}

}  // namespace

void draw_address_space(Ui& ui) {
  const Step* step = ui.shown();
  const Palette& pal = ui.pal();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float sc = ui.scale();
  const float line_h = ImGui::GetTextLineHeightWithSpacing();

  if (ui.quiz_pending()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.pinned));
    ImGui::TextWrapped("Predict first: this is the state before line %d.", ui.cur()->line);
    ImGui::PopStyleColor();
  }
  // --- figure letter + caption (the tutorial's panels A/B/C)
  if (step && step->figure) {
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

  // --- canvas: everything left after the caption, minus a legend line
  ImVec2 origin = ImGui::GetCursorScreenPos();
  ImVec2 avail = ImGui::GetContentRegionAvail();
  const bool qnx = ui.os == OsKind::Qnx;
  struct ChangedMemo { int gen = -1, step = -1; std::vector<ChangedRange> ranges; };
  auto& cm = ui.slot<ChangedMemo>("changed");
  // While a quiz waits the figure is "before": its marks belong to the step being predicted.
  if (cm.gen != ui.trace_gen || cm.step != ui.shown_step() || ui.quiz_pending())
    cm = ChangedMemo{ui.trace_gen, ui.quiz_pending() ? -1 : ui.shown_step(),
                     ui.quiz_pending() ? std::vector<ChangedRange>{} : changed_ranges(*step)};
  const std::vector<ChangedRange>& changed = cm.ranges;
  bool any_super = false;
  for (const ProcessView& pv : sv->procs) any_super |= ui.trace && process_superlocked(*ui.trace, ui.shown_step(), pv.pid);
  const std::vector<LegendItem> legend = legend_items(*sv, qnx, any_super, !changed.empty());
  float legend_h = legend_height(legend, std::max(avail.x, 50.0f), line_h) + 4;
  float header_h = line_h * 2.1f;
  ImVec2 size(std::max(avail.x, 50.0f), std::max(avail.y - legend_h, 80.0f));
  ImGui::InvisibleButton("##figure", size, ImGuiButtonFlags_MouseButtonLeft);
  bool hovered = ImGui::IsItemHovered();
  bool active = ImGui::IsItemActive();
  ImGuiIO& io = ImGui::GetIO();

  const float cell = 10.0f * sc;
  int np = static_cast<int>(sv->procs.size());
  float colw = size.x / np;
  float stretch = 1.0f;  // set by "fit" below
  auto layout_all = [&]() {
    std::vector<Column> cols;
    for (int i = 0; i < np; ++i)
      cols.push_back(layout_column(sv->procs[i], origin.x + i * colw + 4 * sc, colw - 8 * sc, ui.zoom, cell, line_h,
                                 ui.show_kernel_pages, stretch));
    return cols;
  };
  float view_h = size.y - header_h;
  // "Fit": the largest zoom ≤ 1 whose figure fits the window, so a projected figure
  // shows every segment without scrolling. Layout is O(VMAs), so searching is cheap.
  auto height_at = [&](float z) {
    float hmax = 0;
    for (int i = 0; i < np; ++i)
      hmax = std::max(hmax, layout_column(sv->procs[i], 0, colw - 8 * sc, z, cell, line_h, ui.show_kernel_pages).height);
    return hmax;
  };
  struct FitMemo { int gen = -1, step = -1; float vh = 0, cw = 0, cell = 0; bool kernel = false; float zoom = 1, stretch = 1; };
  auto& memo = ui.slot<FitMemo>("fit");
  bool memo_ok = memo.gen == ui.trace_gen && memo.step == ui.step && memo.vh == view_h && memo.cw == colw &&
                 memo.cell == cell && memo.kernel == ui.show_kernel_pages;
  if (ui.fit && memo_ok) {
    ui.zoom = memo.zoom;
    stretch = memo.stretch;
  } else if (ui.fit) {
    float lo = 0.05f, hi = 1.0f;
    if (height_at(hi) <= view_h) lo = hi;
    else
      for (int it = 0; it < 10; ++it) {
        float mid = (lo + hi) * 0.5f;
        (height_at(mid) <= view_h ? lo : hi) = mid;
      }
    ui.zoom = lo;
    // A small process leaves the window half empty: stretch the blocks to fill it.
    float h1 = height_at(lo);
    // A big process at the smallest zoom still too tall (presenter fonts on a 768-pixel
    // projector): squeeze the blocks, so the last row is on screen rather than cut off.
    if (lo >= 1.0f && h1 > 0) stretch = std::clamp(view_h * 0.97f / h1, 1.0f, 2.5f);
    else if (h1 > view_h) stretch = std::max(0.3f, view_h * 0.99f / h1);
    else stretch = 1.0f;
    memo = FitMemo{ui.trace_gen, ui.step, view_h, colw, cell, ui.show_kernel_pages, lo, stretch};
  }
  std::vector<Column> cols = layout_all();
  float content_h = 0;
  for (auto& c : cols) content_h = std::max(content_h, c.height);

  // --- zoom about the mouse, pan by dragging (Shift+drag selects a range for the sandbox)
  if (hovered && io.MouseWheel != 0) {
    float anchor = io.MousePos.y - (origin.y + header_h);
    float frac = (anchor + ui.pan_y) / std::max(content_h, 1.0f);
    ui.fit = false;
    ui.zoom = std::clamp(ui.zoom * std::pow(1.2f, io.MouseWheel), 0.05f, 4096.0f);
    cols = layout_all();
    content_h = 0;
    for (auto& c : cols) content_h = std::max(content_h, c.height);
    ui.pan_y = frac * content_h - anchor;
  }
  static thread_local bool selecting = false;
  static thread_local float sel_y0 = 0;
  if (active && ImGui::IsMouseClicked(0)) {
    selecting = io.KeyShift || ui.select_drag;
    sel_y0 = io.MousePos.y;
  }
  if (active && !selecting && ImGui::IsMouseDragging(0, 2.0f)) ui.pan_y -= io.MouseDelta.y;
  ui.pan_y = std::clamp(ui.pan_y, 0.0f, std::max(0.0f, content_h - view_h));
  // Phone: a tap (no drag) steps; left third goes back.
  if (ui.info.width > 0 && ui.info.width < 720 && ImGui::IsItemDeactivated() &&
      ImGui::GetMouseDragDelta(0).y == 0 && ImGui::GetMouseDragDelta(0).x == 0) {
    ui.go(io.MousePos.x < origin.x + size.x / 3 ? ui.step - 1 : ui.step + 1);
  }

  ui.fig_x = origin.x;
  ui.fig_y = origin.y;
  ui.fig_w = size.x;
  ui.fig_h = size.y;
  dl->AddRectFilled(origin, ImVec2(origin.x + size.x, origin.y + size.y), pal.bg);
  float top = origin.y + header_h - ui.pan_y;
  float clip_top = origin.y + header_h, clip_bot = origin.y + size.y;

  const Machine* m = step->machine.get();
  for (Column& c : cols) {
    const ProcessView& pv = *c.pv;
    draw_column_header(ui, c, *step, sv->procs[0].pid, origin, size.y, np > 1, line_h);
    const bool superlocked = ui.trace && process_superlocked(*ui.trace, ui.shown_step(), pv.pid);
    dl->PushClipRect(ImVec2(c.x, clip_top), ImVec2(c.x + c.w, clip_bot), true);
    float lx_right = c.cx + c.cw + 6 * sc;
    for (const Block& b : c.blocks) {
      float y0 = top + b.top, y1 = y0 + b.h;
      if (y1 < clip_top || y0 > clip_bot) continue;
      if (b.seg < 0) {
        draw_break(dl, c.cx - 3, c.cx + c.cw + 3, (y0 + y1) * 0.5f - b.h * 0.12f, pal.gap, b.h * 0.12f);
        std::string t = "unmapped " + human_bytes(b.gap_bytes);
        dl->AddText(ImVec2(lx_right, y0 + (b.h - line_h) * 0.5f + 2), pal.text_dim, t.c_str());
        continue;
      }
      const SegmentView& s = pv.segs[b.seg];
      u64 pages = std::max<u64>(1, s.pages());
      float row_h = b.h / b.rows;
      // Rows bottom-up; within a row, merge equal neighbours into one rectangle.
      for (int r = 0; r < b.rows; ++r) {
        float ry1 = y1 - r * row_h, ry0 = ry1 - row_h;
        if (ry1 < clip_top || ry0 > clip_bot) continue;
        int col = 0;
        while (col < c.cols) {
          u64 p0 = (static_cast<u64>(r) * c.cols + col) * b.ppc;
          if (p0 >= pages) break;
          CellSummary cs = s.summarize(p0, b.ppc);
          CellKind k = cs.kind();
          bool pin = cs.mostly_pinned(), cow = cs.cow * 2 >= cs.pages && cs.cow > 0;
          int run = 1;
          while (col + run < c.cols) {
            u64 q = (static_cast<u64>(r) * c.cols + col + run) * b.ppc;
            if (q >= pages) break;
            CellSummary n = s.summarize(q, b.ppc);
            if (n.kind() != k || n.mostly_pinned() != pin || (n.cow * 2 >= n.pages && n.cow > 0) != cow) break;
            ++run;
          }
          ImVec2 a(c.cx + col * c.cell_w, ry0), e(c.cx + (col + run) * c.cell_w, ry1);
          CellStyle st;
          st.kind = k;
          st.pinned = pin && !superlocked;
          st.superlocked = pin && superlocked;
          st.cow = cow;
          draw_cells(dl, pal, a, e, st, cell);
          col += run;
        }
        int used = static_cast<int>(std::min<u64>(c.cols, (pages - std::min<u64>(pages, static_cast<u64>(r) * c.cols * b.ppc) + b.ppc - 1) / b.ppc));
        // Cell grid, only where cells are big enough to be seen as cells.
        if (c.cell_w >= 5 && row_h >= 4) {
          for (int k = 1; k < used; ++k)
            dl->AddLine(ImVec2(c.cx + k * c.cell_w, ry0), ImVec2(c.cx + k * c.cell_w, ry1), pal.grid);
        }
        if (row_h >= 4) dl->AddLine(ImVec2(c.cx, ry0), ImVec2(c.cx + used * c.cell_w, ry0), pal.grid);
      }
      dl->AddRect(ImVec2(c.cx, y0), ImVec2(c.cx + c.cw, y1), s.total.pinned ? pal.pinned : pal.outline, 0, 0,
                  s.total.pinned ? 2.0f * sc : 1.0f);
      if (s.vma.lazy) draw_dashed_rect(dl, ImVec2(c.cx - 2 * sc, y0 - 2 * sc), ImVec2(c.cx + c.cw + 2 * sc, y1 + 2 * sc),
                                       pal.pinned, 4.0f * sc);
      if (b.cont) continue;  // the group's label is on its top block
      // Right-hand label: role, size, pin mark when any page is pinned.
      float ty = y0 + 1;
      float tx = lx_right;
      if (s.total.pinned) {
        draw_pin(dl, ImVec2(tx + line_h * 0.35f, ty + line_h * 0.5f), line_h * 0.85f, pal.pinned, pal.text);
        tx += line_h * 0.8f;
      }
      float room = c.x + c.w - tx;
      if (pv.pid == step->pid && step->thread_stack > s.vma.start && step->thread_stack <= s.vma.end) {
        // The stack the running thread is on: framed like the running process, and named
        // in place of "mmap: anonymous".
        const ThreadShown th = thread_shown(ui.trace.get(), *step);
        dl->AddRect(ImVec2(c.cx - 2 * sc, y0 - 2 * sc), ImVec2(c.cx + c.cw + 2 * sc, y1 + 2 * sc), pal.changed, 0, 0, 2.0f * sc);
        const std::string t = "\xE2\x86\x90 thread " + std::to_string(th.index) + " stack, running";
        const std::string t_short = "\xE2\x86\x90 thread " + std::to_string(th.index);
        dl->AddText(ImVec2(tx, ty), pal.changed, (ImGui::CalcTextSize(t.c_str()).x <= room ? t : t_short).c_str());
      } else {
        const std::string& role = ImGui::CalcTextSize(s.role.c_str()).x <= room ? s.role : s.short_role;
        dl->AddText(ImVec2(tx, ty), pal.text, role.c_str());
      }
      if (b.h >= line_h * 1.9f) {
        char info[160];
        const char* pinned_word = superlocked ? " · superlocked" : qnx ? " · locked" : " · pinned";
        std::snprintf(info, sizeof info, "%s%s%s%s", human_bytes(s.vma.end - s.vma.start).c_str(), s.vma.lazy ? " · MAP_LAZY" : "",
                      s.total.pinned ? (s.total.all_pinned() ? pinned_word : " · partly locked") : "",
                      b.ppc > 1 ? (" · " + std::to_string(b.ppc) + " pages/cell").c_str() : "");
        dl->AddText(ImVec2(lx_right, ty + line_h * 0.95f), pal.text_dim, info);
      }
    }

    draw_changed(ui, c, changed, top, clip_top, clip_bot, line_h);

    // Lesson objects on the left: bracket + name ("buffer", "a[0..499]").
    float next_free_y = -1e9f;  // labels go top to bottom (descending addresses)
    std::vector<ObjectView> objs = group_objects(pv.objects);
    // Place labels top to bottom by where their bracket's middle is on screen.
    std::sort(objs.begin(), objs.end(), [](const ObjectView& a, const ObjectView& b) {
      return a.addr + a.bytes / 2 > b.addr + b.bytes / 2;
    });
    int nth = 0;
    for (const ObjectView& o : objs) {
      int si = pv.find(o.addr);
      if (si < 0) continue;
      const SegmentView& s = pv.segs[si];
      const Block* blk = nullptr;
      for (const Block& b : c.blocks)
        if (b.seg == si) blk = &b;
      if (!blk) continue;
      u64 p0 = (o.addr - s.vma.start) >> kPageShift;
      u64 p1 = std::min<u64>(s.pages(), ((o.addr + std::max<u64>(o.bytes, 1) - 1 - s.vma.start) >> kPageShift) + 1);
      float ya, yb;
      page_span_y(c, *blk, top, p0, p1, ya, yb);
      // Outline the object's cells (one rectangle per row it spans) so a 4-page buffer
      // in a 1-row .bss block is as visible as a 500 MB array.
      {
        u64 cell0 = p0 / blk->ppc, cell1 = (std::max(p1, p0 + 1) - 1) / blk->ppc;
        float row_h = blk->h / blk->rows, bottom = top + blk->top + blk->h;
        CellSummary oc = pv.summarize_range(o.addr, o.bytes);
        ImU32 oc_col = oc.all_pinned() ? pal.pinned : pal.text;
        for (u64 r = cell0 / c.cols; r <= cell1 / c.cols; ++r) {
          u64 a = std::max<u64>(cell0, r * c.cols), e = std::min<u64>(cell1, r * c.cols + c.cols - 1);
          float x0 = c.cx + (a % c.cols) * c.cell_w, x1 = c.cx + (e % c.cols + 1) * c.cell_w;
          float y1r = bottom - r * row_h, y0r = y1r - row_h;
          if (y1r < clip_top || y0r > clip_bot) continue;
          dl->AddRect(ImVec2(x0, y0r), ImVec2(x1, y1r), oc_col, 0, 0, 2.0f * sc);
        }
      }
      float bx = c.cx - 4 * sc - static_cast<float>(nth++ % 3) * 4 * sc;  // nested brackets side by side
      CellSummary cs = pv.summarize_range(o.addr, o.bytes);
      ImU32 col = cs.all_pinned() ? pal.pinned : pal.text;
      dl->AddLine(ImVec2(bx, ya), ImVec2(bx, yb), col, 2.0f * sc);
      dl->AddLine(ImVec2(bx, ya), ImVec2(bx + 3 * sc, ya), col, 2.0f * sc);
      dl->AddLine(ImVec2(bx, yb), ImVec2(bx + 3 * sc, yb), col, 2.0f * sc);
      float ly = std::max((ya + yb) * 0.5f - line_h * 0.5f, next_free_y);
      ImVec2 ts = ImGui::CalcTextSize(o.name.c_str());
      ImVec2 lp(std::max(c.x, bx - 4 * sc - ts.x), ly);
      dl->AddText(lp, col, o.name.c_str());
      if (hovered && io.MousePos.x >= lp.x && io.MousePos.x <= bx + 4 * sc &&
          ((io.MousePos.y >= ly && io.MousePos.y <= ly + line_h) || (io.MousePos.y >= ya && io.MousePos.y <= yb))) {
        ImGui::SetTooltip("%s: %s at %s\n%llu pages: %llu pinned, %llu resident, %llu swapped", o.name.c_str(),
                          human_bytes(o.bytes).c_str(), hex_addr(o.addr).c_str(),
                          static_cast<unsigned long long>(cs.pages), static_cast<unsigned long long>(cs.pinned),
                          static_cast<unsigned long long>(cs.by_kind[static_cast<int>(CellKind::Resident)]),
                          static_cast<unsigned long long>(cs.by_kind[static_cast<int>(CellKind::Swapped)]));
      }
      next_free_y = ly + line_h;
    }

    // Highlight what the other windows point at (hovered frame → this page).
    auto outline_pages = [&](u64 vaddr, u64 npages, ImU32 colr, float th) {
      int si = pv.find(vaddr);
      if (si < 0) return;
      for (const Block& b : c.blocks) {
        if (b.seg != si) continue;
        const SegmentView& s = pv.segs[si];
        u64 p0 = (vaddr - s.vma.start) >> kPageShift;
        u64 cell0 = p0 / b.ppc, cell1 = (std::min(s.pages(), p0 + std::max<u64>(1, npages)) - 1) / b.ppc;
        float row_h = b.h / b.rows, bottom = top + b.top + b.h;
        for (u64 cl = cell0; cl <= cell1 && cl < cell0 + 4096; ++cl) {
          float rx = c.cx + (cl % c.cols) * c.cell_w, ry = bottom - (cl / c.cols + 1) * row_h;
          dl->AddRect(ImVec2(rx, ry), ImVec2(rx + c.cell_w, ry + row_h), colr, 0, 0, th);
        }
      }
    };
    if (ui.hover.pid == pv.pid) outline_pages(ui.hover.vaddr, ui.hover.npages, pal.hover, 2.0f * sc);
    if (ui.selection.valid() && ui.selection.pid == pv.pid)
      outline_pages(ui.selection.start, (ui.selection.end - ui.selection.start) >> kPageShift, pal.selection, 2.0f);

    // Mouse → page, for the tooltip, the cross-window highlight and range selection.
    auto page_at = [&](float mx, float my, u64& vaddr, u64& npages) -> const Block* {
      if (mx < c.cx || mx >= c.cx + c.cw) return nullptr;
      for (const Block& b : c.blocks) {
        float y0 = top + b.top, y1 = y0 + b.h;
        if (b.seg < 0 || my < y0 || my >= y1) continue;
        const SegmentView& s = pv.segs[b.seg];
        float row_h = b.h / b.rows;
        u64 row = static_cast<u64>((y1 - my) / row_h), colx = static_cast<u64>((mx - c.cx) / c.cell_w);
        u64 p = (row * c.cols + colx) * b.ppc;
        if (p >= s.pages()) return nullptr;
        vaddr = s.vma.start + (p << kPageShift);
        npages = std::min<u64>(b.ppc, s.pages() - p);
        return &b;
      }
      return nullptr;
    };
    if (hovered && io.MousePos.y >= clip_top) {
      u64 va = 0, npg = 0;
      if (const Block* b = page_at(io.MousePos.x, io.MousePos.y, va, npg)) {
        const SegmentView& s = pv.segs[b->seg];
        PageInfo pi = m->page(pv.pid, va);
        ui.hover_next = Hover{pv.pid, va, npg, pi.state == PageState::Frame ? static_cast<int>(pi.index) : -1,
                              pi.state == PageState::Swap ? static_cast<int>(pi.index) : -1};
        CellSummary cs = s.summarize((va - s.vma.start) >> kPageShift, npg);
        ImGui::BeginTooltip();
        ImGui::Text("%s  %s%s", hex_addr(va).c_str(), npg > 1 ? ("… +" + std::to_string(npg) + " pages").c_str() : "",
                    "");
        ImGui::Text("%s  %s  (%s)", s.role.c_str(), s.vma.name.c_str(), human_bytes(s.vma.end - s.vma.start).c_str());
        ImGui::Text("state: %s%s", cell_kind_name(classify(s.vma, pi)), pi.locked ? ", PINNED (locked)" : "");
        if (pi.state == PageState::Frame) ImGui::Text("frame %u", pi.index);
        if (pi.state == PageState::Swap) ImGui::Text("swap slot %u", pi.index);
        ImGui::Text("PTE: %s %s %s %s %s %s", pi.present ? "present" : "-", pi.writable ? "writable" : "-",
                    pi.dirty ? "dirty" : "-", pi.accessed ? "accessed" : "-", pi.cow ? "COW-shared" : "-",
                    pi.locked ? "locked" : "-");
        if (npg > 1)
          ImGui::Text("this cell: %llu pages, %llu pinned%s", static_cast<unsigned long long>(cs.pages),
                      static_cast<unsigned long long>(cs.pinned), cs.mixed() ? ", mixed states" : "");
        ImGui::TextDisabled("wheel: zoom · drag: pan · shift+drag: select range");
        ImGui::EndTooltip();
      }
    }
    if (active && selecting && ImGui::IsMouseDragging(0, 2.0f)) {
      u64 va0 = 0, n0 = 0, va1 = 0, n1 = 0;
      const Block* b0 = page_at(io.MousePos.x, sel_y0, va0, n0);
      const Block* b1 = page_at(io.MousePos.x, io.MousePos.y, va1, n1);
      if (!b0) b0 = page_at(c.cx + 1, sel_y0, va0, n0);
      if (b0 && b1) {
        u64 lo = std::min(va0, va1), hi = std::max(va0 + (n0 << kPageShift), va1 + (n1 << kPageShift));
        ui.selection = Selection{pv.pid, lo, hi};
      }
    }
    dl->PopClipRect();
  }

  // Scroll hint when the figure is taller than the window.
  if (content_h > view_h) {
    float bar_h = std::max(12.0f, view_h * view_h / content_h);
    float by = clip_top + (view_h - bar_h) * (ui.pan_y / std::max(1.0f, content_h - view_h));
    dl->AddRectFilled(ImVec2(origin.x + size.x - 5 * sc, by), ImVec2(origin.x + size.x - 1, by + bar_h), pal.grid, 3);
  }

  // --- legend: every state with its pattern (the ones on screen, wrapped to the width)
  draw_legend(dl, pal, legend, ImVec2(origin.x, origin.y + size.y + 2), size.x, line_h, sc);
  ImGui::Dummy(ImVec2(1, legend_h - 4));
}

}  // namespace pp::ui
