// Physical memory & swap: every frame (and swap slot) as a grid, coloured by the
// process that owns it, hatched when locked. Hovering a frame outlines its page in the
// address-space figure; hovering a page there outlines its frame here.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "imgui.h"
#include "ui/ui.h"

namespace pp::ui {
namespace {

enum Owner : int { kFree = -1, kCache = -2, kOther = -3 };

struct Agg {
  int owner = kFree;   // process index in the step view, or one of Owner
  bool locked = false;
  std::uint32_t first = 0;  // first used frame of the cell (for hover)
};

struct PhysCache {
  int gen = -1, step = -1;
  u64 group = 0;
  std::vector<UsedFrame> frames, slots;  // only the used ones: cost follows use, not RAM
  std::vector<Agg> fcells, scells;
  std::vector<char> fchanged;  // per frame cell: a frame of a page changed this step
  bool pending = false;
};

// Frame cells holding pages the step changed (the address-space figure's outline, here).
std::vector<char> changed_cells(const Machine& m, const Step& s, u64 group, size_t ncells) {
  std::vector<char> out(ncells, 0);
  std::vector<PageInfo> buf;
  u64 budget = 1u << 20;  // pages looked at, at most: enough for the tutorial's 500 MB
  for (const ChangedRange& r : changed_ranges(s)) {
    u64 n = std::min(r.pages, budget);
    budget -= n;
    buf.resize(n);
    m.page_range(r.pid, r.addr, n, buf.data());
    for (const PageInfo& p : buf)
      if (p.state == PageState::Frame && p.index / group < ncells) out[p.index / group] = 1;
    if (!budget) break;
  }
  return out;
}

int owner_index(const StepView* sv, int pid) {
  if (!sv) return 0;
  for (size_t i = 0; i < sv->procs.size(); ++i)
    if (sv->procs[i].pid == pid) return static_cast<int>(i);
  return 7;
}

// Cells of `group` entries out of `total`: all free, then each run of used entries (sorted
// by index) sharing a cell gives it its majority owner.
std::vector<Agg> aggregate(const std::vector<UsedFrame>& v, u64 total, u64 group, const StepView* sv) {
  std::vector<Agg> out((total + group - 1) / group);
  for (size_t i = 0; i < v.size();) {
    u64 c = v[i].index / group;
    int counts[10] = {};  // 0..7 processes, 8 cache, 9 other
    int used = 0, locked = 0;
    Agg a;
    a.first = v[i].index;
    for (; i < v.size() && v[i].index / group == c; ++i) {
      const FrameOwner& f = v[i].owner;
      ++used;
      if (f.locked) ++locked;
      int k = f.pid > 0 ? std::min(owner_index(sv, f.pid), 7) : (f.file ? 8 : 9);
      ++counts[k];
    }
    if (c >= out.size()) break;
    int best = static_cast<int>(std::max_element(counts, counts + 10) - counts);
    a.owner = best < 8 ? best : best == 8 ? kCache : kOther;
    a.locked = locked * 2 >= used;
    out[c] = a;
  }
  return out;
}

// The owner of entry i: a frame the used list does not hold is free.
FrameOwner owner_at(const std::vector<UsedFrame>& v, u64 i) {
  auto it = std::lower_bound(v.begin(), v.end(), i, [](const UsedFrame& u, u64 x) { return u.index < x; });
  return it != v.end() && it->index == i ? it->owner : FrameOwner{};
}

// Draws one grid; returns the element index under the mouse (or -1).
long grid(Ui& ui, const char* id, const std::vector<Agg>& cells, u64 group, u64 total, ImVec2 size,
          long highlight, const std::vector<UsedFrame>& used, const std::vector<char>* changed = nullptr) {
  const Palette& pal = ui.pal();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImVec2 o = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(id, size);
  bool hov = ImGui::IsItemHovered();
  float cell = std::max(3.0f, std::floor(std::sqrt(size.x * size.y / std::max<size_t>(1, cells.size()))));
  int cols = std::max(1, static_cast<int>(size.x / cell));
  dl->AddRectFilled(o, ImVec2(o.x + size.x, o.y + size.y), pal.bg);
  auto color = [&](const Agg& a) {
    if (a.owner >= 0) return pal.owners[a.owner & 7];
    return a.owner == kCache ? pal.cache_frame : a.owner == kOther ? pal.hog_frame : pal.free_frame;
  };
  long hovered = -1;
  for (size_t i = 0; i < cells.size();) {
    int r = static_cast<int>(i / cols), c0 = static_cast<int>(i % cols);
    size_t j = i + 1;
    while (j < cells.size() && static_cast<int>(j / cols) == r && cells[j].owner == cells[i].owner &&
           cells[j].locked == cells[i].locked)
      ++j;
    int c1 = c0 + static_cast<int>(j - i);
    ImVec2 a(o.x + c0 * cell, o.y + r * cell), b(o.x + c1 * cell, o.y + (r + 1) * cell);
    if (a.y > o.y + size.y) break;
    dl->AddRectFilled(a, b, color(cells[i]));
    if (cells[i].locked) draw_hatch(dl, a, b, pal.pinned, std::max(4.0f, cell * 0.9f), pal.hatch_thickness * 0.8f);
    i = j;
  }
  if (cell >= 5) {
    int rows = static_cast<int>((cells.size() + cols - 1) / cols);
    for (int r = 0; r <= rows; ++r) dl->AddLine(ImVec2(o.x, o.y + r * cell), ImVec2(o.x + cols * cell, o.y + r * cell), pal.grid);
  }
  if (changed) {  // "changed this step": outlined runs of cells, as in the figure
    float th = std::max(1.5f, cell * 0.3f);
    for (size_t i = 0; i < changed->size() && i < cells.size();) {
      if (!(*changed)[i]) { ++i; continue; }
      int r = static_cast<int>(i / cols), c0 = static_cast<int>(i % cols);
      size_t j = i + 1;
      while (j < changed->size() && (*changed)[j] && static_cast<int>(j / cols) == r) ++j;
      ImVec2 a(o.x + c0 * cell, o.y + r * cell), b(o.x + (c0 + static_cast<int>(j - i)) * cell, o.y + (r + 1) * cell);
      if (a.y > o.y + size.y) break;
      dl->AddRect(a, b, pal.changed, 0, 0, th);
      i = j;
    }
  }
  if (highlight >= 0) {
    long c = highlight / static_cast<long>(group);
    ImVec2 a(o.x + (c % cols) * cell, o.y + (c / cols) * cell);
    dl->AddRect(ImVec2(a.x - 2, a.y - 2), ImVec2(a.x + cell + 2, a.y + cell + 2), pal.hover, 0, 0, 3.0f);
  }
  if (hov) {
    ImVec2 m = ImGui::GetIO().MousePos;
    long c = static_cast<long>((m.y - o.y) / cell) * cols + static_cast<long>((m.x - o.x) / cell);
    if (c >= 0 && c < static_cast<long>(cells.size()) && (m.x - o.x) < cols * cell) {
      long first = static_cast<long>(c * group);
      hovered = cells[c].owner == kFree ? first : cells[c].first;
      if (hovered >= 0 && static_cast<u64>(hovered) < total) {
        FrameOwner f = owner_at(used, static_cast<u64>(hovered));
        ImGui::BeginTooltip();
        ImGui::Text("%s %ld%s", id[2] == 'f' ? "frame" : "swap slot", hovered,
                    group > 1 ? ("  (cell of " + std::to_string(group) + ")").c_str() : "");
        if (f.pid > 0) ImGui::Text("PID %d, page %s, %u mapping(s)%s", f.pid, hex_addr(f.vaddr).c_str(), f.refs, f.locked ? ", LOCKED" : "");
        else if (f.file) ImGui::Text("page cache (file data)");
        else if (f.refs) ImGui::Text("held by the memory hog (pressure)");
        else ImGui::Text("free");
        ImGui::EndTooltip();
      }
    }
  }
  return hovered;
}

}  // namespace

void draw_physical(Ui& ui) {
  const Step* s = ui.shown();
  if (!s || !s->machine) { ImGui::TextDisabled("no model snapshot"); return; }
  const Machine& m = *s->machine;
  const StepView* sv = ui.view();
  auto& pc = ui.slot<PhysCache>("phys");
  ImVec2 avail = ImGui::GetContentRegionAvail();
  float line = ImGui::GetTextLineHeightWithSpacing();
  float fh = std::max(40.0f, (avail.y - line * 3.2f) * 0.72f), sh = std::max(20.0f, (avail.y - line * 3.2f) - fh);
  float target = std::max(4.0f, 6.0f * ui.scale());
  u64 cells_avail = static_cast<u64>(std::max(1.0f, (avail.x / target) * (fh / target)));
  u64 nframes = m.frame_count(), nslots = m.swap_slots();
  u64 group = std::max<u64>(1, (nframes + cells_avail - 1) / cells_avail);
  if (pc.gen != ui.trace_gen || pc.step != ui.step || pc.group != group || pc.pending != ui.quiz_pending()) {
    pc.gen = ui.trace_gen;
    pc.step = ui.step;
    pc.group = group;
    pc.pending = ui.quiz_pending();
    pc.frames = m.used_frames();
    pc.slots = m.used_swap();
    pc.fcells = aggregate(pc.frames, nframes, group, sv);
    pc.fchanged = pc.pending ? std::vector<char>{} : changed_cells(m, *s, group, pc.fcells.size());
    u64 sgroup = std::max<u64>(1, group * std::max(1.0f, fh / std::max(sh, 1.0f)) / 2);
    pc.scells = aggregate(pc.slots, nslots, sgroup, sv);
  }
  u64 sgroup = pc.scells.empty() ? 1 : (nslots + pc.scells.size() - 1) / pc.scells.size();

  ImGui::TextWrapped("RAM: %u frames, %u free (%s)  ·  %s per cell", m.frame_count(), m.frames_free(),
                     human_bytes(static_cast<u64>(m.frame_count()) * kPageSize).c_str(),
                     group == 1 ? "1 frame" : (std::to_string(group) + " frames").c_str());
  long hf = grid(ui, "##frames", pc.fcells, group, nframes, ImVec2(avail.x, fh), ui.hover.frame, pc.frames, &pc.fchanged);
  ImGui::TextWrapped("Swap: %u slots, %u free", m.swap_slots(), m.swap_free());
  long hs = grid(ui, "##slots", pc.scells, sgroup, nslots, ImVec2(avail.x, sh), ui.hover.slot, pc.slots);
  if (hf >= 0 && static_cast<u64>(hf) < nframes) {
    FrameOwner f = owner_at(pc.frames, static_cast<u64>(hf));
    ui.hover_next = Hover{f.pid, f.vaddr, 1, static_cast<int>(hf), -1};
  }
  if (hs >= 0 && static_cast<u64>(hs) < nslots) {
    FrameOwner f = owner_at(pc.slots, static_cast<u64>(hs));
    ui.hover_next = Hover{f.pid, f.vaddr, 1, -1, static_cast<int>(hs)};
  }
  // Legend: owners by process, then the shared kinds.
  const Palette& pal = ui.pal();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  // Entries wrap to the next row rather than run past the window's edge.
  bool first = true;
  auto wrap = [&](const char* t) {
    float need = ImGui::GetTextLineHeight() + ImGui::GetStyle().ItemSpacing.x + ImGui::CalcTextSize(t).x;
    if (!first && ImGui::GetContentRegionAvail().x < need) ImGui::NewLine();
    first = false;
  };
  auto swatch = [&](ImU32 c, bool hatch, const char* t) {
    wrap(t);
    ImVec2 p = ImGui::GetCursorScreenPos();
    float sz = ImGui::GetTextLineHeight();
    dl->AddRectFilled(p, ImVec2(p.x + sz, p.y + sz), c);
    if (hatch) draw_hatch(dl, p, ImVec2(p.x + sz, p.y + sz), pal.pinned, 4, pal.hatch_thickness);
    dl->AddRect(p, ImVec2(p.x + sz, p.y + sz), pal.outline);
    ImGui::Dummy(ImVec2(sz, sz));
    ImGui::SameLine();
    ImGui::TextUnformatted(t);
    ImGui::SameLine();
  };
  if (sv)
    for (size_t i = 0; i < sv->procs.size() && i < 8; ++i)
      swatch(pal.owners[i], false, ("PID " + std::to_string(sv->procs[i].pid)).c_str());
  swatch(pal.owners[0], true, "locked");
  swatch(pal.cache_frame, false, "page cache");
  swatch(pal.hog_frame, false, "other programs");
  swatch(pal.free_frame, false, "free");
  if (std::find(pc.fchanged.begin(), pc.fchanged.end(), 1) != pc.fchanged.end()) {
    wrap("changed this step");
    ImVec2 p = ImGui::GetCursorScreenPos();
    float sz = ImGui::GetTextLineHeight();
    dl->AddRect(p, ImVec2(p.x + sz, p.y + sz), pal.changed, 0, 0, 2.5f);
    ImGui::Dummy(ImVec2(sz, sz));
    ImGui::SameLine();
    ImGui::TextUnformatted("changed this step");
    ImGui::SameLine();
  }
  ImGui::NewLine();
}

}  // namespace pp::ui
