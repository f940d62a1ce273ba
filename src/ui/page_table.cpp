// Page table: per process, the VMAs as /proc/PID/maps + smaps print them (range, perms,
// name, Rss, Locked, Swap, VmFlags with `lo`), each expandable to its pages' PTE bits.
// Rows come from the step's reports (what the kernel would say); the per-page view reads
// the Machine snapshot, only for the rows the clipper shows.
#include <algorithm>
#include <cstdio>

#include "imgui.h"
#include "ui/ui.h"

namespace pp::ui {
namespace {

void pte_rows(const Machine& m, int pid, const SmapsEntry& e, const Palette& pal) {
  u64 n = (e.end - e.start) >> kPageShift;
  float lh = ImGui::GetTextLineHeightWithSpacing();
  float h = std::min<float>(lh * (static_cast<float>(n) + 1.5f), lh * 12);
  ImGui::BeginChild(ImGui::GetID(reinterpret_cast<void*>(static_cast<uintptr_t>(e.start))), ImVec2(0, h), true);
  ImGui::TextDisabled("%-18s %-10s %-12s P W D A COW L", "address", "state", "frame/slot");
  ImGuiListClipper clip;
  clip.Begin(static_cast<int>(std::min<u64>(n, 1u << 30)), lh);
  std::vector<PageInfo> buf;
  while (clip.Step()) {
    u64 a = static_cast<u64>(clip.DisplayStart), b = static_cast<u64>(clip.DisplayEnd);
    buf.resize(b - a);
    m.page_range(pid, e.start + (a << kPageShift), b - a, buf.data());
    for (u64 i = a; i < b; ++i) {
      const PageInfo& p = buf[i - a];
      const char* st = p.state == PageState::Frame ? "frame" : p.state == PageState::Swap ? "swap"
                       : p.state == PageState::Zero ? "zero page" : p.in_cache ? "cache" : "none";
      char idx[24] = "-";
      if (p.state == PageState::Frame || p.state == PageState::Swap) std::snprintf(idx, sizeof idx, "%u", p.index);
      char line[160];
      std::snprintf(line, sizeof line, "%-18s %-10s %-12s %c %c %c %c  %c  %c",
                    hex_addr(e.start + (i << kPageShift)).c_str(), st, idx, p.present ? 'P' : '.',
                    p.writable ? 'W' : '.', p.dirty ? 'D' : '.', p.accessed ? 'A' : '.', p.cow ? 'C' : '.',
                    p.locked ? 'L' : '.');
      if (p.locked) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(pal.pinned), "%s", line);
      else ImGui::TextUnformatted(line);
    }
  }
  ImGui::EndChild();
}

}  // namespace

void draw_page_table(Ui& ui) {
  const Step* s = ui.shown();
  if (!s) return;
  const Palette& pal = ui.pal();
  for (const ProcReport& pr : s->procs) {
    const ProcStatus& st = pr.status;
    char hdr[256];
    const QuantityLabels lb = quantity_labels(ui.os);
    std::snprintf(hdr, sizeof hdr, "PID %d%s   %s %s  %s %s  %s %s  %s %s  faults %llu/%llu###pid%d",
                  st.pid, st.alive ? "" : " (exited)", lb.size, human_kb(st.vm_size_kb).c_str(), lb.rss,
                  human_kb(st.vm_rss_kb).c_str(), lb.lck, human_kb(st.vm_lck_kb).c_str(), lb.swap,
                  human_kb(st.vm_swap_kb).c_str(),
                  static_cast<unsigned long long>(st.minflt), static_cast<unsigned long long>(st.majflt), st.pid);
    if (!ImGui::CollapsingHeader(hdr, ImGuiTreeNodeFlags_DefaultOpen)) continue;
    ImGui::PushID(st.pid);
    if (ImFont* f = ui.mono_font()) ImGui::PushFont(f);
    ImGuiTableFlags tf = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_Resizable |
                         ImGuiTableFlags_SizingFixedFit;
    std::vector<const SmapsEntry*> expanded;
    if (ImGui::BeginTable("maps", 8, tf)) {
      // Numbers before the (long) name, so Rss/Locked/Swap/VmFlags show without scrolling.
      ImGui::TableSetupColumn("range");
      ImGui::TableSetupColumn("perms");
      ImGui::TableSetupColumn("Size");
      ImGui::TableSetupColumn("Rss");
      ImGui::TableSetupColumn("Locked");
      ImGui::TableSetupColumn("Swap");
      ImGui::TableSetupColumn("VmFlags");
      ImGui::TableSetupColumn("name");
      ImGui::TableHeadersRow();
      for (const SmapsEntry& e : pr.regions) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        char range[64];
        std::snprintf(range, sizeof range, "%llx-%llx", static_cast<unsigned long long>(e.start),
                      static_cast<unsigned long long>(e.end));
        bool open = ImGui::TreeNodeEx(range, ImGuiTreeNodeFlags_SpanFullWidth);
        ImGui::TableNextColumn(); ImGui::TextUnformatted(e.perms.c_str());
        ImGui::TableNextColumn(); ImGui::Text("%llu kB", static_cast<unsigned long long>(e.size_kb));
        ImGui::TableNextColumn(); ImGui::Text("%llu kB", static_cast<unsigned long long>(e.rss_kb));
        ImGui::TableNextColumn();
        if (e.locked_kb) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(pal.pinned), "%llu kB", static_cast<unsigned long long>(e.locked_kb));
        else ImGui::Text("0 kB");
        ImGui::TableNextColumn(); ImGui::Text("%llu kB", static_cast<unsigned long long>(e.swap_kb));
        ImGui::TableNextColumn();
        if (e.locked) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(pal.pinned), "%s", e.vmflags.c_str());
        else ImGui::TextUnformatted(e.vmflags.c_str());
        ImGui::TableNextColumn(); ImGui::TextUnformatted(e.name.c_str());
        if (open) {
          expanded.push_back(&e);
          ImGui::TreePop();
        }
      }
      ImGui::EndTable();
    }
    // Expanded VMAs: their pages, full width below the table (a table cell is too narrow).
    for (const SmapsEntry* e : expanded) {
      ImGui::Text("pages of %llx-%llx %s", static_cast<unsigned long long>(e->start),
                  static_cast<unsigned long long>(e->end), e->name.c_str());
      if (s->machine) pte_rows(*s->machine, st.pid, *e, pal);
      else ImGui::TextDisabled("per-page bits need the model (real mode has reports only)");
    }
    if (ui.mono_font()) ImGui::PopFont();
    ImGui::PopID();
  }
}

}  // namespace pp::ui
