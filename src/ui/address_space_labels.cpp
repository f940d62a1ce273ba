// Address-space figure, labels: every text drawn on the figure fits the room it has.
// A label that is too long first takes a shorter wording ("lib: libc.so.6" → "libc.so.6",
// "unmapped 127.9 MiB" → "127.9 MiB"), then is cut with "…"; the full text shows on
// hover. Each drawn label is recorded in Ui::figure_labels (state().figure_labels), so
// a test can check that none sticks out of the figure at any screen size.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ui/address_space.h"
#include "ui/figure_style.h"

namespace pp::ui::fig {
namespace {

bool has(const std::vector<std::string>& v, const char* w) { return std::find(v.begin(), v.end(), w) != v.end(); }

// Keeps whole UTF-8 characters: drops bytes from the end until `room` holds text + "…".
std::string cut(const Ctx& k, const std::string& s, float room) {
  static const std::string ell = "\xE2\x80\xA6";
  std::string t = s;
  while (!t.empty() && text_w(k, t + ell) > room) {
    t.pop_back();
    while (!t.empty() && (static_cast<unsigned char>(t.back()) & 0xC0) == 0x80) t.pop_back();
    if (!t.empty() && (static_cast<unsigned char>(t.back()) & 0xC0) == 0xC0) t.pop_back();
  }
  while (!t.empty() && t.back() == ' ') t.pop_back();
  return t.empty() ? std::string() : t + ell;
}

// "127.9 MiB" → "128M": the size of a gap when not even the number fits.
std::string compact_bytes(u64 b) {
  static const char* unit[] = {"B", "K", "M", "G", "T", "P"};
  double v = static_cast<double>(b);
  int u = 0;
  while (v >= 1024 && u < 5) { v /= 1024; ++u; }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g%s", v, unit[u]);
  return buf;
}

}  // namespace

float text_w(const Ctx& k, const std::string& s) { return ImGui::CalcTextSize(s.c_str()).x * k.text_scale; }

float min_text_scale() { return std::clamp(12.0f / ImGui::GetFontSize(), 0.75f, 1.0f); }

std::string fit_text(const Ctx& k, const std::vector<std::string>& candidates, float room) {
  for (const std::string& c : candidates)
    if (text_w(k, c) <= room) return c;
  return candidates.empty() ? std::string() : cut(k, candidates.back(), room);
}

void put_label(Ctx& k, ImVec2 at, ImU32 col, const std::string& shown, const std::string& full) {
  if (shown.empty()) return;
  ImVec2 ts = ImGui::CalcTextSize(shown.c_str());
  ts.x *= k.text_scale;
  ts.y *= k.text_scale;
  k.dl->AddText(ImGui::GetFont(), ImGui::GetFontSize() * k.text_scale, at, col, shown.c_str());
  k.ui.figure_labels.push_back(FigureLabel{shown, at.x, at.y, ts.x, ts.y});
  ImVec2 m = ImGui::GetIO().MousePos;
  if (k.hovered && shown != full && m.x >= at.x && m.x <= at.x + ts.x && m.y >= at.y && m.y <= at.y + ts.y)
    ImGui::SetTooltip("%s", full.c_str());
}

// Which process (running? superlocked?), and the two numbers the tutorial talks about.
void draw_column_header(Ctx& k, const Column& c, const Step& step, int parent_pid, ImVec2 origin, float fig_h,
                        bool several) {
  const ProcessView& pv = *c.pv;
  const float sc = k.sc, line_h = k.line_h, right = c.x + c.w;
  const bool superlocked = k.ui.trace && process_superlocked(*k.ui.trace, k.ui.shown_step(), pv.pid);
  // The header starts over the cells; when it does not fit there it moves left, as far
  // as the column's edge (or the "running" mark).
  float hx = c.cx, hmin = c.x;
  if (several && pv.pid == step.pid) {  // which of the processes ran this step
    float t = line_h * 0.7f;
    k.dl->AddTriangleFilled(ImVec2(c.x, origin.y + 3), ImVec2(c.x, origin.y + 3 + t),
                            ImVec2(c.x + t * 0.9f, origin.y + 3 + t * 0.5f), k.pal.changed);
    std::string run = fit_text(k, {"running", "run"}, right - c.x - t);
    put_label(k, ImVec2(c.x + t, origin.y + 2), k.pal.changed, run, "running: this process made the step");
    k.dl->AddRect(ImVec2(c.x, origin.y), ImVec2(right, origin.y + fig_h), k.pal.changed, 0, 0, 2.0f * sc);
    hmin = c.x + t + text_w(k, run + " ");
    hx = std::max(hx, hmin);
  }
  const std::string pid = "PID " + std::to_string(pv.pid), child = pv.pid == parent_pid ? "" : " (child)";
  const std::string super = superlocked ? " \xC2\xB7 superlocked" : "";
  const std::string full = pid + child + super;
  if (text_w(k, full) > right - hx) hx = std::max(hmin, right - text_w(k, full));
  std::string hdr = fit_text(k, {full, pid + super, pid + child, pid}, right - hx);
  put_label(k, ImVec2(hx, origin.y + 2), k.pal.text, hdr, full);
  const float hdr_end = hx + text_w(k, hdr);

  const QuantityLabels lb = quantity_labels(k.ui.os);
  const std::string lck = human_kb(pv.status.vm_lck_kb), rss = human_kb(pv.status.vm_rss_kb);
  const std::string nums = std::string(lb.lck) + " " + lck + "  " + lb.rss + " " + rss;
  float nx = std::min(c.cx, std::max(c.x, right - text_w(k, nums)));
  std::string n = fit_text(k, {nums, std::string(lb.lck) + " " + lck}, right - nx);
  put_label(k, ImVec2(nx, origin.y + 2 + line_h), k.pal.text_dim, n, nums);
  if (pv.status.mcl) {  // after the PID, never over it; on the numbers' line when that has room
    const bool cur = pv.status.mcl & mcl::CURRENT, fut = pv.status.mcl & mcl::FUTURE, onf = pv.status.mcl & mcl::ONFAULT;
    std::string f = std::string(cur ? "MCL_CURRENT " : "") + (fut ? "MCL_FUTURE " : "") + (onf ? "MCL_ONFAULT" : "");
    while (!f.empty() && f.back() == ' ') f.pop_back();
    std::string shortf = std::string(cur ? "CURRENT" : "") + (cur && fut ? "|" : "") + (fut ? "FUTURE" : "") +
                         (onf ? ((cur || fut) ? "|ONFAULT" : "ONFAULT") : "");
    std::string tiny = std::string(cur ? "CUR" : "") + (cur && fut ? "|" : "") + (fut ? "FUT" : "") +
                       (onf ? ((cur || fut) ? "|ONF" : "ONF") : "");
    // Beside the PID, else after the numbers on the second line, in the longest wording that fits.
    const float x1 = std::max(c.cx + c.cw * 0.5f + 2, hdr_end + 8 * sc), x2 = nx + text_w(k, n) + 8 * sc;
    const std::string title = "mlockall(" + f + ")";
    for (const std::string& t : {f, shortf, tiny}) {
      if (text_w(k, t) <= right - x1) { put_label(k, ImVec2(x1, origin.y + 2), k.pal.pinned, t, title); break; }
      if (text_w(k, t) <= right - x2) { put_label(k, ImVec2(x2, origin.y + 2 + line_h), k.pal.pinned, t, title); break; }
    }
  }
}

// Right-hand label of a block: role (with a pin when any page is pinned), then its size
// and lock state on a second line when the block is tall enough.
void draw_block_labels(Ctx& k, const Column& c, const Block& b, bool superlocked, const Step* running_stack) {
  const SegmentView& s = c.pv->segs[b.seg];
  const float sc = k.sc, line_h = k.line_h, right = c.x + c.w;
  const float lx = c.cx + c.cw + 6 * sc;
  float y0 = k.top + b.top;
  float ty = std::clamp(y0 + 1, k.clip_top, k.clip_bot - line_h);
  if (y0 + b.h < k.clip_top || y0 > k.clip_bot) return;
  float tx = lx;
  if (s.total.pinned) {
    draw_pin(k.dl, ImVec2(tx + line_h * 0.35f, ty + line_h * 0.5f), line_h * 0.85f, k.pal.pinned, k.pal.text);
    tx += line_h * 0.8f;
  }
  if (running_stack) {
    // The stack the running thread is on: framed like the running process, and named in
    // place of "mmap: anonymous".
    const ThreadShown th = thread_shown(k.ui.trace.get(), *running_stack);
    const float sc = k.sc;
    k.dl->AddRect(ImVec2(c.cx - 2 * sc, y0 - 2 * sc), ImVec2(c.cx + c.cw + 2 * sc, y0 + b.h + 2 * sc), k.pal.changed, 0, 0,
                  2.0f * sc);
    const std::string t = "\xE2\x86\x90 thread " + std::to_string(th.index) + " stack, running";
    const std::string t_short = "\xE2\x86\x90 thread " + std::to_string(th.index);
    put_label(k, ImVec2(tx, ty), k.pal.changed, fit_text(k, {t, t_short}, right - tx), t);
  } else {
    put_label(k, ImVec2(tx, ty), k.pal.text, fit_text(k, {s.role, s.short_role}, right - tx), s.role);
  }
  k.right_free_y = ty + ImGui::GetFontSize() * k.text_scale;
  if (b.h < line_h * 1.9f || ty + line_h * 1.95f > k.clip_bot) return;
  const std::string size = human_bytes(s.vma.end - s.vma.start);
  const char* pinned_word = superlocked ? " \xC2\xB7 superlocked" : k.qnx ? " \xC2\xB7 locked" : " \xC2\xB7 pinned";
  const std::string lock = s.total.pinned ? (s.total.all_pinned() ? pinned_word : " \xC2\xB7 partly locked") : "";
  const std::string lazy = s.vma.lazy ? " \xC2\xB7 MAP_LAZY" : "";
  const std::string per = b.ppc > 1 ? " \xC2\xB7 " + std::to_string(b.ppc) + " pages/cell" : "";
  const std::string full = size + lazy + lock + per;
  put_label(k, ImVec2(lx, ty + line_h * 0.95f), k.pal.text_dim,
            fit_text(k, {full, size + lazy + lock, size + lock, size}, right - lx), full);
  k.right_free_y = ty + line_h * 0.95f + ImGui::GetFontSize() * k.text_scale;
}

// A stretch of addresses with no mapping, collapsed to a zig-zag break.
void draw_gap(Ctx& k, const Column& c, const Block& b) {
  const float y0 = k.top + b.top, line_h = k.line_h;
  draw_break(k.dl, c.cx - 3, c.cx + c.cw + 3, y0 + b.h * 0.38f, k.pal.gap, b.h * 0.12f);
  const float lx = c.cx + c.cw + 6 * k.sc;
  const std::string size = human_bytes(b.gap_bytes), full = "unmapped " + size;
  const float th = ImGui::GetFontSize() * k.text_scale;
  float ty = std::clamp(y0 + (b.h - th) * 0.5f, k.clip_top, k.clip_bot - line_h);
  // Squeezed (a big process on a small screen): the size gives way to the region labels.
  if (ty < k.right_free_y || ty + th > y0 + b.h + 2) return;
  k.right_free_y = ty + th;
  put_label(k, ImVec2(lx, ty), k.pal.text_dim, fit_text(k, {full, size, compact_bytes(b.gap_bytes)}, c.x + c.w - lx), full + " (no mapping)");
}

// Lesson objects on the left: a bracket over their pages, an outline around their cells,
// and the name. Names go top to bottom without overlapping and stay inside the band.
void draw_objects(Ctx& k, const Column& c) {
  const ProcessView& pv = *c.pv;
  const float sc = k.sc, line_h = k.line_h;
  std::vector<ObjectView> objs = group_objects(pv.objects);
  std::sort(objs.begin(), objs.end(),
            [](const ObjectView& a, const ObjectView& b) { return a.addr + a.bytes / 2 > b.addr + b.bytes / 2; });
  struct Mark { const ObjectView* o; float ya, yb, bx, ly; ImU32 col; CellSummary cs; };
  std::vector<Mark> marks;
  int nth = 0;
  for (const ObjectView& o : objs) {
    int si = pv.find(o.addr);
    const Block* blk = si < 0 ? nullptr : block_of(c, si);
    if (!blk) continue;
    const SegmentView& s = pv.segs[si];
    u64 p0 = (o.addr - s.vma.start) >> kPageShift;
    u64 p1 = std::min<u64>(s.pages(), ((o.addr + std::max<u64>(o.bytes, 1) - 1 - s.vma.start) >> kPageShift) + 1);
    float ya, yb;
    page_span_y(c, *blk, k.top, p0, p1, ya, yb);
    CellSummary cs = pv.summarize_range(o.addr, o.bytes);
    ImU32 col = cs.all_pinned() ? k.pal.pinned : k.pal.text;
    // One rectangle per row it spans, so a 4-page buffer in a 1-row .bss block is as
    // visible as a 500 MB array.
    u64 cell0 = p0 / blk->ppc, cell1 = (std::max(p1, p0 + 1) - 1) / blk->ppc;
    float row_h = blk->h / blk->rows, bottom = k.top + blk->top + blk->h;
    for (u64 r = cell0 / c.cols; r <= cell1 / c.cols; ++r) {
      u64 a = std::max<u64>(cell0, r * c.cols), e = std::min<u64>(cell1, r * c.cols + c.cols - 1);
      float x0 = c.cx + (a % c.cols) * c.cell_w, x1 = c.cx + (e % c.cols + 1) * c.cell_w;
      float y1r = bottom - r * row_h, y0r = y1r - row_h;
      if (y1r < k.clip_top || y0r > k.clip_bot) continue;
      k.dl->AddRect(ImVec2(x0, y0r), ImVec2(x1, y1r), col, 0, 0, 2.0f * sc);
    }
    if (yb < k.clip_top || ya > k.clip_bot) continue;  // scrolled away: no bracket, no name
    float bx = std::max(c.x + 2 * sc, c.cx - 4 * sc - static_cast<float>(nth++ % 3) * 4 * sc);  // nested: side by side
    marks.push_back(Mark{&o, ya, yb, bx, (ya + yb) * 0.5f - line_h * 0.5f, col, cs});
  }
  // Names: push down past the one above, then up to stay above the one below and the band's end.
  for (size_t i = 0; i < marks.size(); ++i)
    marks[i].ly = std::max(marks[i].ly, std::max(k.clip_top, i ? marks[i - 1].ly + line_h : k.clip_top));
  for (size_t i = marks.size(); i-- > 0;)
    marks[i].ly = std::min(marks[i].ly, i + 1 < marks.size() ? marks[i + 1].ly - line_h : k.clip_bot - line_h);
  ImGuiIO& io = ImGui::GetIO();
  for (const Mark& m : marks) {
    k.dl->AddLine(ImVec2(m.bx, m.ya), ImVec2(m.bx, m.yb), m.col, 2.0f * sc);
    k.dl->AddLine(ImVec2(m.bx, m.ya), ImVec2(m.bx + 3 * sc, m.ya), m.col, 2.0f * sc);
    k.dl->AddLine(ImVec2(m.bx, m.yb), ImVec2(m.bx + 3 * sc, m.yb), m.col, 2.0f * sc);
    if (m.ly < k.clip_top) continue;  // more names than lines: the tooltip still has it
    std::string name = fit_text(k, {m.o->name}, m.bx - 4 * sc - c.x);
    float lx = std::max(c.x, m.bx - 4 * sc - text_w(k, name));
    put_label(k, ImVec2(lx, m.ly), m.col, name, m.o->name);
    if (k.hovered && io.MousePos.x >= lx && io.MousePos.x <= m.bx + 4 * sc &&
        ((io.MousePos.y >= m.ly && io.MousePos.y <= m.ly + line_h) || (io.MousePos.y >= m.ya && io.MousePos.y <= m.yb))) {
      const CellSummary& cs = m.cs;
      ImGui::SetTooltip("%s: %s at %s\n%llu pages: %llu pinned, %llu resident, %llu swapped", m.o->name.c_str(),
                        human_bytes(m.o->bytes).c_str(), hex_addr(m.o->addr).c_str(),
                        static_cast<unsigned long long>(cs.pages), static_cast<unsigned long long>(cs.pinned),
                        static_cast<unsigned long long>(cs.by_kind[static_cast<int>(CellKind::Resident)]),
                        static_cast<unsigned long long>(cs.by_kind[static_cast<int>(CellKind::Swapped)]));
    }
  }
}

// "Changed this step": a thick outline around the cells whose pages the step mapped,
// faulted in, locked, unlocked, copied or swapped (see changed_ranges()); new memory
// also gets a callout, as a 1 MiB mapping next to 490 MiB is one cell, easy to miss.
void draw_changed(Ctx& k, const Column& c, const std::vector<ChangedRange>& changed) {
  const ProcessView& pv = *c.pv;
  const float sc = k.sc, line_h = k.line_h, lx_right = c.cx + c.cw + 6 * sc, right = c.x + c.w;
  for (const ChangedRange& r : changed) {
    if (r.pid != pv.pid) continue;
    u64 lo = r.addr, hi = r.addr + (r.pages << kPageShift);
    for (const Block& b : c.blocks) {
      if (b.seg < 0) continue;
      const SegmentView& s = pv.segs[b.seg];
      if (s.vma.end <= lo || s.vma.start >= hi) continue;
      u64 p0 = (std::max(lo, s.vma.start) - s.vma.start) >> kPageShift;
      u64 p1 = (std::min(hi, s.vma.end) - s.vma.start) >> kPageShift;
      outline_cells(k.dl, c, b, k.top, p0, p1, k.clip_top, k.clip_bot, k.pal.changed, 3.0f * sc);
      if (!(has(r.what, "mapped") || has(r.what, "grown")) || b.h < line_h * 0.9f) continue;
      float ya, yb;
      page_span_y(c, b, k.top, p0, p1, ya, yb);
      float ty = std::clamp(yb - line_h, k.clip_top, k.clip_bot - line_h);
      const std::string size = human_bytes((p1 - p0) << kPageShift);
      const std::string lock = has(r.what, "locked") ? (k.qnx ? ", locked" : ", pinned") : "";
      const std::string full = "\xE2\x86\x90 new " + size + lock;
      float tx = lx_right + line_h * 0.8f;
      float label_y = k.top + b.top + 1;  // the block's own label (role) sits on its top row
      if (std::fabs(ty - label_y) < line_h && !b.cont) tx = lx_right + line_h + text_w(k, s.role) + 6 * sc;
      tx = std::max(lx_right + line_h * 0.8f, std::min(tx, right - text_w(k, full)));
      std::string t = fit_text(k, {full, "\xE2\x86\x90 new " + size, "\xE2\x86\x90 new"}, right - tx);
      ImVec2 ts(text_w(k, t), ImGui::GetFontSize() * k.text_scale);
      k.dl->AddRectFilled(ImVec2(tx - 2, ty), ImVec2(tx + ts.x + 2, ty + ts.y), k.pal.bg);
      put_label(k, ImVec2(tx, ty), k.pal.changed, t, full);
      k.dl->AddLine(ImVec2(c.cx + c.cw, (ya + yb) * 0.5f), ImVec2(tx - 2, ty + ts.y * 0.5f), k.pal.changed, 2.0f * sc);
    }
  }
}

}  // namespace pp::ui::fig
