// Address-space figure, layout: one column per process, one block of cells per VMA.
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
// The labels beside the cells get the width their texts ask for, within limits that
// keep the cells readable (the labels themselves shorten when that is not enough).
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "ui/address_space.h"

namespace pp::ui::fig {
namespace {

float block_rows_wanted(u64 full_rows, float zoom) {
  float r = (2.0f + 2.5f * std::log2(1.0f + static_cast<float>(full_rows))) * zoom;
  return std::max(1.0f, r);
}

bool kernel_helper(const SegmentView& s) { return s.vma.kind == VmaKind::Vvar || s.vma.kind == VmaKind::Vdso; }

}  // namespace

LabelRoom label_room(const ProcessView& pv, float line_h, float sc, bool show_kernel) {
  LabelRoom r;
  const SegmentView* prev = nullptr;  // the next lower segment shown
  for (const SegmentView& s : pv.segs) {
    if (!show_kernel && kernel_helper(s)) continue;
    float w = ImGui::CalcTextSize(s.role.c_str()).x + (s.total.pinned ? line_h * 0.8f : 0);
    r.right = std::max(r.right, w);
    if (prev && prev->vma.end < s.vma.start) {
      std::string t = "unmapped " + human_bytes(s.vma.start - prev->vma.end);
      r.right = std::max(r.right, ImGui::CalcTextSize(t.c_str()).x);
    }
    prev = &s;
  }
  r.right += 10 * sc;
  for (const ObjectView& o : group_objects(pv.objects))
    r.left = std::max(r.left, ImGui::CalcTextSize(o.name.c_str()).x + 18 * sc);
  r.left = std::max(r.left, 6 * sc);
  return r;
}

Column layout_column(const ProcessView& pv, float x, float w, float zoom, float cell, float line_h, bool show_kernel,
                     const LabelRoom& room, float stretch) {
  Column c;
  c.pv = &pv;
  c.x = x;
  c.w = w;
  // The cells keep at least a third of the column; the right-hand labels (the ones the
  // tutorial talks about) get what they ask for first, the object names the rest.
  float label_r = std::min(room.right, w * 0.45f);
  float label_l = std::min(room.left, std::max(6.0f, w - label_r - std::max(w * 0.34f, 4 * cell)));
  label_l = std::min(label_l, w * 0.25f);
  float area = std::max(8.0f, w - label_l - label_r);
  c.cols = std::clamp(static_cast<int>(area / cell), 8, 64);
  c.cell_w = area / c.cols;
  c.cx = x + label_l;
  c.cw = c.cell_w * c.cols;
  c.text_scale = room.right > label_r ? label_r / room.right : 1.0f;
  float y = 0;
  for (int i = static_cast<int>(pv.segs.size()) - 1; i >= 0; --i) {
    const SegmentView& s = pv.segs[i];
    // [vvar]/[vdso] are the kernel's helper pages: the tutorial's figure leaves them out.
    if (!show_kernel && kernel_helper(s)) continue;
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
    while (below >= 0 && !show_kernel && kernel_helper(pv.segs[below])) --below;
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

const Block* block_of(const Column& c, int seg) {
  for (const Block& b : c.blocks)
    if (b.seg == seg) return &b;
  return nullptr;
}

void page_span_y(const Column& c, const Block& b, float top, u64 p0, u64 p1, float& y0, float& y1) {
  float row_h = b.h / b.rows;
  float bottom = top + b.top + b.h;
  auto yof = [&](u64 p) {
    u64 cell = p / b.ppc;
    float row = static_cast<float>(cell / c.cols);
    float frac = static_cast<float>(cell % c.cols) / c.cols;
    return bottom - (row + frac) * row_h;
  };
  y1 = yof(p0);  // lower edge (higher y on screen)
  y0 = yof(p1 == 0 ? 0 : p1 - 1) - row_h / c.cols;
  y0 = std::min(y0, y1 - 2.0f);
}

// The staircase the range makes over the rows (rows run bottom-up, cells left to right),
// so a whole block that changed gets one frame, not a frame per row.
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

// 500 labels "a[0]".."a[499]" would be unreadable: consecutive elements share one.
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

}  // namespace pp::ui::fig
