// Faults & latency: per-step minor/major faults, VmLck and VmRSS over the run, and the
// modelled time of each step against the real-time loop's deadline. Drawn with
// ImDrawList (Debian 12 has no ImPlot). Click a chart to jump to that step.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "imgui.h"
#include "ui/ui.h"

namespace pp::ui {
namespace {

struct Series {
  int gen = -1;
  std::vector<double> minflt, majflt, lck_kb, rss_kb, cost_us;
};

// One chart: bars or lines of up to two series; returns the step under the mouse or -1.
int chart(Ui& ui, const char* id, const char* title, const std::vector<double>& a, const std::vector<double>& b,
          ImU32 ca, ImU32 cb, bool bars, bool logy, double hline, ImVec2 size, const char* unit) {
  const Palette& pal = ui.pal();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImVec2 o = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(id, size);
  bool hov = ImGui::IsItemHovered();
  dl->AddRectFilled(o, ImVec2(o.x + size.x, o.y + size.y), pal.bg);
  dl->AddRect(o, ImVec2(o.x + size.x, o.y + size.y), pal.grid);
  int n = static_cast<int>(a.size());
  if (n == 0) return -1;
  double mx = std::max(hline, 1e-9);
  for (int i = 0; i < n; ++i) mx = std::max({mx, a[i], b.empty() ? 0.0 : b[i]});
  auto ymap = [&](double v) {
    double f = logy ? std::log10(1 + std::max(0.0, v)) / std::log10(1 + mx) : v / mx;
    return o.y + size.y - 2 - static_cast<float>(f) * (size.y - 16);
  };
  float dx = size.x / n;
  auto plot = [&](const std::vector<double>& v, ImU32 c, float off) {
    if (v.empty()) return;
    if (bars) {
      for (int i = 0; i < n; ++i)
        if (v[i] > 0) dl->AddRectFilled(ImVec2(o.x + i * dx + off, ymap(v[i])), ImVec2(o.x + i * dx + off + std::max(1.0f, dx * 0.45f), o.y + size.y - 2), c);
    } else {
      // Step-to-step lines; for thousands of steps, draw one segment per pixel column.
      int stride = std::max(1, static_cast<int>(n / std::max(1.0f, size.x)));
      ImVec2 prev(o.x, ymap(v[0]));
      for (int i = stride; i < n; i += stride) {
        ImVec2 p(o.x + i * dx, ymap(v[i]));
        dl->AddLine(prev, ImVec2(p.x, prev.y), c, 2.0f);
        dl->AddLine(ImVec2(p.x, prev.y), p, c, 2.0f);
        prev = p;
      }
      dl->AddLine(prev, ImVec2(o.x + size.x, prev.y), c, 2.0f);
    }
  };
  plot(a, ca, 0);
  plot(b, cb, bars ? dx * 0.45f : 0);
  if (hline > 0) {
    float y = ymap(hline);
    for (float x = o.x; x < o.x + size.x; x += 8) dl->AddLine(ImVec2(x, y), ImVec2(std::min(x + 4, o.x + size.x), y), pal.bad, 1.5f);
  }
  float cx = o.x + (ui.step + 0.5f) * dx;
  dl->AddLine(ImVec2(cx, o.y), ImVec2(cx, o.y + size.y), pal.text, 1.5f);
  dl->AddText(ImVec2(o.x + 4, o.y + 1), pal.text_dim, title);
  int at = -1;
  if (hov) {
    at = std::clamp(static_cast<int>((ImGui::GetIO().MousePos.x - o.x) / dx), 0, n - 1);
    ImGui::SetTooltip("step %d: %.6g%s%s", at, a[at], unit,
                      b.empty() ? "" : (" / " + std::to_string(static_cast<long long>(b[at])) + unit).c_str());
    if (ImGui::IsMouseClicked(0)) ui.go(at);
  }
  return at;
}

}  // namespace

void draw_faults(Ui& ui) {
  if (!ui.trace) return;
  auto& se = ui.slot<Series>("faults");
  if (se.gen != ui.trace_gen) {
    se = Series{};
    se.gen = ui.trace_gen;
    for (const Step& s : ui.trace->steps) {
      se.minflt.push_back(static_cast<double>(s.minflt));
      se.majflt.push_back(static_cast<double>(s.majflt));
      double l = 0, r = 0;
      for (const ProcReport& p : s.procs) { l += p.status.vm_lck_kb; r += p.status.vm_rss_kb; }
      se.lck_kb.push_back(l / 1024.0);
      se.rss_kb.push_back(r / 1024.0);
      se.cost_us.push_back(s.cost_us);
    }
  }
  const Palette& pal = ui.pal();
  const Step* s = ui.cur();
  if (s)
    ImGui::Text("this step: %llu minor, %llu major faults, modelled %.1f \xC2\xB5s", static_cast<unsigned long long>(s->minflt),
                static_cast<unsigned long long>(s->majflt), s->cost_us);
  // With real latencies at hand, they come first: they are why the lesson pins pages.
  if (ui.latency) {
    if (ImGui::CollapsingHeader("Real touch latency (the kernel)", ImGuiTreeNodeFlags_DefaultOpen)) draw_latency_chart(ui);
    if (!ImGui::CollapsingHeader("This run, step by step", ImGuiTreeNodeFlags_DefaultOpen)) return;
  }
  ImVec2 avail = ImGui::GetContentRegionAvail();
  float h = std::max(40.0f, (avail.y - ImGui::GetFrameHeightWithSpacing() * 1.2f) / 3 - 4);
  ImVec2 sz(avail.x, h);
  chart(ui, "##flt", "faults per step (blue minor, red major, log)", se.minflt, se.majflt, pal.resident, pal.bad, true,
        true, 0, sz, "");
  const QuantityLabels lb = quantity_labels(ui.os);
  const std::string mem_title = std::string(lb.lck) + " (pinned colour) and " + lb.rss + " (blue), MiB";
  chart(ui, "##mem", mem_title.c_str(), se.lck_kb, se.rss_kb, pal.pinned, pal.resident,
        false, false, 0, sz, " MiB");
  chart(ui, "##lat", "modelled time per step vs deadline (dashed), \xC2\xB5s, log", se.cost_us, {}, pal.text, 0, true,
        true, ui.deadline_us, sz, " \xC2\xB5s");
  ImGui::SetNextItemWidth(160 * ui.scale());
  ImGui::SliderFloat("deadline", &ui.deadline_us, 1.0f, 100000.0f, "%.0f \xC2\xB5s", ImGuiSliderFlags_Logarithmic);
  if (s) {
    ImGui::SameLine();
    bool late = s->cost_us > ui.deadline_us;
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(late ? pal.bad : pal.good), "%s",
                       late ? "this step misses the deadline" : "this step meets the deadline");
  }
}

}  // namespace pp::ui
