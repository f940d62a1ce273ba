// Cell drawing and the legend of the address-space figure (see figure_style.h).
#include "ui/figure_style.h"

#include <algorithm>
#include <cmath>

namespace pp::ui {
namespace {

ImU32 fill_of(const Palette& pal, CellKind k) {
  switch (k) {
    case CellKind::NotBacked: return pal.not_backed;
    case CellKind::Zero: return pal.zero;
    case CellKind::Resident: return pal.resident;
    case CellKind::Swapped: return pal.swapped;
    case CellKind::OnFile: return pal.on_file;
    case CellKind::Cached: return pal.cached;
    default: return pal.not_backed;
  }
}

// 135° lines: with draw_hatch's 45° ones they make the cross-hatch of superlocked memory.
void draw_back_hatch(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 col, float spacing, float thickness) {
  float w = b.x - a.x, h = b.y - a.y;
  if (w <= 0 || h <= 0) return;
  spacing = std::max(spacing, 3.0f);
  float start = std::floor((a.x - b.y) / spacing) * spacing;  // lines x - y = c
  for (float c = start; c < b.x - a.y; c += spacing) {
    float x0 = std::max(a.x, c + a.y), x1 = std::min(b.x, c + b.y);
    if (x1 <= x0) continue;
    dl->AddLine(ImVec2(x0, x0 - c), ImVec2(x1, x1 - c), col, thickness);
  }
}

// Horizontal stripes: a frame two processes share until one writes (copy-on-write).
void draw_stripes(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 col, float spacing) {
  spacing = std::max(spacing, 3.0f);
  int n = 0;
  for (float y = a.y + spacing * 0.5f; y < b.y; y += spacing) {
    dl->AddLine(ImVec2(a.x, y), ImVec2(b.x, y), col, 1.5f);
    if (++n > 2000) return;
  }
}

}  // namespace

void draw_cells(ImDrawList* dl, const Palette& pal, ImVec2 a, ImVec2 b, const CellStyle& st, float unit) {
  if (st.running) {  // legend swatch of the running-process marker
    dl->AddTriangleFilled(a, ImVec2(a.x, b.y), ImVec2(b.x, (a.y + b.y) * 0.5f), pal.changed);
    return;
  }
  dl->AddRectFilled(a, b, fill_of(pal, st.kind));
  if (st.kind == CellKind::Swapped) draw_dots(dl, a, b, pal.text, std::max(4.0f, unit * 0.6f));
  if (st.kind == CellKind::OnFile) draw_dashed_rect(dl, a, b, pal.outline, std::max(2.0f, unit * 0.3f));
  if (st.kind == CellKind::Zero) dl->AddLine(ImVec2(a.x, (a.y + b.y) * 0.5f), ImVec2(b.x, (a.y + b.y) * 0.5f), pal.outline);
  if (st.cow) draw_stripes(dl, a, b, pal.text, std::max(4.0f, unit * 0.45f));
  if (st.pinned || st.superlocked) {
    dl->AddRectFilled(a, b, pal.pinned_fill);
    draw_hatch(dl, a, b, pal.pinned, std::max(5.0f, unit * 0.7f), pal.hatch_thickness);
  }
  if (st.superlocked) draw_back_hatch(dl, a, b, pal.pinned, std::max(5.0f, unit * 0.7f), pal.hatch_thickness);
  if (st.lazy) draw_dashed_rect(dl, a, b, pal.pinned, std::max(2.0f, unit * 0.3f));
  if (st.changed) {
    float th = std::max(2.0f, unit * 0.25f);
    dl->AddRect(ImVec2(a.x + th * 0.5f, a.y + th * 0.5f), ImVec2(b.x - th * 0.5f, b.y - th * 0.5f), pal.changed, 0, 0, th);
  }
}

std::vector<LegendItem> legend_items(const StepView& sv, bool qnx, bool any_superlocked, bool any_changed) {
  bool cow = false, lazy = false, swapped = false, on_file = false, zero = false;
  for (const ProcessView& pv : sv.procs)
    for (const SegmentView& s : pv.segs) {
      cow |= s.total.cow > 0;
      lazy |= s.vma.lazy;
      swapped |= s.total.by_kind[static_cast<int>(CellKind::Swapped)] > 0;
      on_file |= s.total.by_kind[static_cast<int>(CellKind::OnFile)] > 0;
      zero |= s.total.by_kind[static_cast<int>(CellKind::Zero)] > 0;
    }
  auto item = [](CellKind k, const char* t) { LegendItem i; i.style.kind = k; i.text = t; return i; };
  std::vector<LegendItem> v{item(CellKind::NotBacked, "not backed"), item(CellKind::Resident, "in RAM")};
  LegendItem pin = item(CellKind::Resident, qnx ? "locked" : "pinned (locked)");
  pin.style.pinned = true;
  v.push_back(pin);
  if (qnx && any_superlocked) {
    LegendItem su = item(CellKind::Resident, "superlocked");
    su.style.superlocked = true;
    v.push_back(su);
  }
  if (qnx && lazy) {
    LegendItem lz = item(CellKind::NotBacked, "MAP_LAZY (RAM on first use)");
    lz.style.lazy = true;
    v.push_back(lz);
  }
  if (cow) {
    LegendItem c = item(CellKind::Resident, "shared copy-on-write");
    c.style.cow = true;
    v.push_back(c);
  }
  if (swapped || !qnx) v.push_back(item(CellKind::Swapped, "swapped"));
  if (on_file || !qnx) v.push_back(item(CellKind::OnFile, "file, dropped"));
  v.push_back(item(CellKind::Cached, "page cache"));
  if (zero) v.push_back(item(CellKind::Zero, "zero page"));
  if (any_changed) {
    LegendItem ch = item(CellKind::Resident, "changed this step");
    ch.style.changed = true;
    v.push_back(ch);
  }
  if (sv.procs.size() > 1) {
    LegendItem r;
    r.style.running = true;
    r.text = "running process";
    v.push_back(r);
  }
  return v;
}

namespace {
template <class F>
float layout(const std::vector<LegendItem>& items, float width, float line_h, F&& place) {
  float sw = line_h * 0.8f, x = 0, y = 0;
  for (const LegendItem& it : items) {
    float w = sw + 4 + ImGui::CalcTextSize(it.text.c_str()).x + line_h * 0.7f;
    if (x > 0 && x + w > width) { x = 0; y += line_h; }
    place(it, x, y, sw);
    x += w;
  }
  return y + line_h;
}
}  // namespace

float legend_height(const std::vector<LegendItem>& items, float width, float line_h) {
  return layout(items, width, line_h, [](const LegendItem&, float, float, float) {});
}

void draw_legend(ImDrawList* dl, const Palette& pal, const std::vector<LegendItem>& items, ImVec2 at, float width,
                 float line_h, float sc) {
  float h = legend_height(items, width, line_h);
  dl->AddRectFilled(at, ImVec2(at.x + width, at.y + h), pal.bg);
  layout(items, width, line_h, [&](const LegendItem& it, float x, float y, float sw) {
    ImVec2 a(at.x + x, at.y + y + 2), b(a.x + sw, a.y + sw);
    draw_cells(dl, pal, a, b, it.style, sw);
    if (!it.style.running) dl->AddRect(a, b, pal.outline);
    if (it.style.pinned && !it.style.superlocked) draw_pin(dl, ImVec2(b.x - sw * 0.1f, a.y + sw * 0.3f), sw * 0.8f, pal.pinned, pal.text);
    dl->AddText(ImVec2(b.x + 4 * sc, a.y - 2), pal.text, it.text.c_str());
  });
}

bool process_superlocked(const Trace& t, int upto, int pid) {
  if (t.meta.machine.os != OsKind::Qnx) return false;
  if (t.meta.machine.procnto == QnxProcnto::SuperlockAll) return true;
  bool on = false;
  for (int i = 0; i <= upto && i < static_cast<int>(t.steps.size()); ++i) {
    const Step& s = t.steps[i];
    for (const Event& e : s.events)
      if (e.kind == EventKind::Exec && e.pid == pid) on = false;
    if (s.pid == pid && s.err == 0 && s.id == lang::BI_ThreadCtl) on = true;
    // A forked child starts without the parent's locks (superlock included).
  }
  return on;
}

}  // namespace pp::ui
