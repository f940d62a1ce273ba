// Faults & latency: the real kernel's touch latencies (a recording's, or measured now on
// the desktop) as histograms on a log µs axis — without locking, after mlock (first and
// second pass) — with each series' worst case marked. Why the tutorial pins pages.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "imgui.h"
#include "ui/ui.h"

namespace pp::ui {
namespace {

struct Line {
  const rec::LatencySeries* s;
  ImU32 col;
};

std::string us_label(double us) {
  char b[32];
  if (us >= 1000) std::snprintf(b, sizeof b, "%.0f ms", us / 1000);
  else if (us >= 1) std::snprintf(b, sizeof b, "%.0f \xC2\xB5s", us);
  else std::snprintf(b, sizeof b, "%.2g \xC2\xB5s", us);
  return b;
}

// Histogram lines over log2 ns buckets; x = log10 µs from 0.01 µs to the worst case.
void plot(Ui& ui, const std::vector<Line>& lines, ImVec2 size) {
  const Palette& pal = ui.pal();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImVec2 o = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##latchart", size);
  const float lx = o.x + 6, rx = o.x + size.x - 6, ty = o.y + 18, by = o.y + size.y - 18;
  dl->AddRectFilled(o, ImVec2(o.x + size.x, o.y + size.y), pal.bg);
  dl->AddRect(o, ImVec2(o.x + size.x, o.y + size.y), pal.grid);
  double worst = 1;
  std::uint64_t peak = 1;
  for (const Line& l : lines) {
    worst = std::max(worst, l.s->worst_page_ns / 1e3);
    for (auto c : l.s->hist) peak = std::max(peak, c);
  }
  const double x0 = -2, x1 = std::ceil(std::log10(worst * 1.5));
  auto xmap = [&](double us) {
    double v = std::log10(std::max(us, 1e-2));
    return lx + static_cast<float>((v - x0) / (x1 - x0)) * (rx - lx);
  };
  auto ymap = [&](double c) {
    return by - static_cast<float>(std::log10(1 + c) / std::log10(1 + static_cast<double>(peak))) * (by - ty);
  };
  for (double d = x0; d <= x1; d += 1) {  // decades: 0.01 µs … worst
    float x = xmap(std::pow(10, d));
    dl->AddLine(ImVec2(x, ty), ImVec2(x, by), pal.grid);
    dl->AddText(ImVec2(x + 2, by + 2), pal.text_dim, us_label(std::pow(10, d)).c_str());
  }
  for (const Line& l : lines) {
    const auto& h = l.s->hist;
    ImVec2 prev(xmap(0.001), by);
    for (std::size_t k = 0; k < h.size(); ++k) {
      double mid_us = std::pow(2.0, static_cast<double>(k) + 0.5) / 1e3;
      ImVec2 p(xmap(mid_us), ymap(static_cast<double>(h[k])));
      dl->AddLine(prev, p, l.col, 2.5f);
      prev = p;
    }
    dl->AddLine(prev, ImVec2(prev.x + 6, by), l.col, 2.5f);
    // The worst case: a marker on the axis and its value.
    float wx = xmap(l.s->worst_page_ns / 1e3);
    dl->AddTriangleFilled(ImVec2(wx, by - 10), ImVec2(wx - 6, by), ImVec2(wx + 6, by), l.col);
    dl->AddLine(ImVec2(wx, ty), ImVec2(wx, by), l.col, 1.0f);
  }
  dl->AddText(ImVec2(lx, o.y + 2), pal.text_dim, "page writes per latency (log), by time per write (\xC2\xB5s, log); \xE2\x96\xB2 = worst case");
  if (ImGui::IsItemHovered()) {
    double us = std::pow(10, x0 + (ImGui::GetIO().MousePos.x - lx) / (rx - lx) * (x1 - x0));
    ImGui::SetTooltip("%s per page write", us_label(us).c_str());
  }
}

}  // namespace

void draw_latency_chart(Ui& ui) {
  if (!ui.latency) return;
  const rec::LatencyRecord& L = *ui.latency;
  const Palette& pal = ui.pal();
  std::vector<Line> lines;
  const ImU32 cols[] = {pal.bad, pal.pinned, pal.good, pal.text_dim};
  const char* ids[] = {"unlocked_first", "locked_first", "locked_second"};
  for (int i = 0; i < 3; ++i)
    if (const rec::LatencySeries* s = L.find(ids[i])) lines.push_back({s, cols[i]});
  if (lines.empty()) return;
  ImGui::TextWrapped("Real touch latency, %llu records x %llu bytes (%s)", static_cast<unsigned long long>(L.records),
                     static_cast<unsigned long long>(L.bytes), ui.latency_source.c_str());
  ImGui::PushTextWrapPos(0.0f);  // the legend wraps in a narrow panel
  for (const Line& l : lines) {
    const rec::LatencySeries& s = *l.s;
    double per = s.pages ? s.total_ns / 1e3 / static_cast<double>(s.pages) : 0;
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(l.col), "\xE2\x96\xA0 %s: %llu faults, %.0f ms (%.2f \xC2\xB5s/page), worst %s",
                       s.label.c_str(), static_cast<unsigned long long>(s.faults), s.total_ns / 1e6, per,
                       us_label(s.worst_page_ns / 1e3).c_str());
  }
  ImGui::PopTextWrapPos();
  float h = std::max(90.0f, std::min(220.0f * ui.scale(), ImGui::GetContentRegionAvail().y - ImGui::GetTextLineHeightWithSpacing() * 3));
  plot(ui, lines, ImVec2(ImGui::GetContentRegionAvail().x, h));
  ImGui::TextDisabled("timer: %llu ns per measurement (best), %llu ns on average", static_cast<unsigned long long>(L.timer_min_ns),
                      static_cast<unsigned long long>(L.timer_avg_ns));
  if (!L.finding.empty()) ImGui::TextWrapped("%s", L.finding.c_str());
}

}  // namespace pp::ui
