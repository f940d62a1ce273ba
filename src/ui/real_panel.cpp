// The "Kernel" panel of real mode: the Model / Real / Side-by-side switch, what the lab
// found out (or why it could not), this step's model and kernel values side by side
// with every disagreement in red next to both values, the lesson objects drawn as page
// bars, the page table by kind of VMA, the kernel's smaps, and the latency headline.
// From a recording it also says which machine the kernel's answers came from.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "imgui.h"
#include "imgui_internal.h"  // BringWindowToDisplayFront: the switch must stay above the tiles
#include "ui/real_view.h"
#include "ui/web_bridge.h"
#ifdef PP_REAL_LIVE
#include "real/explain.h"
#endif
#include "ui/ui.h"

namespace pp::ui {
namespace {

ImVec4 col4(ImU32 c) { return ImGui::ColorConvertU32ToFloat4(c); }

// Ui pushes its sans font (with ✓ ✗ and presenter sizes) only inside Ui::frame(); this
// panel is drawn after it, so it pushes that font itself.
ImFont* panel_font(const Ui& ui) { return mode_font(FontRole::Sans, ui.presenter); }

void mode_switch(Ui& ui, RealView& rv) {
  ViewMode m = rv.mode;
  if (ImGui::RadioButton("Model", m == ViewMode::Model)) rv.set_mode(ui, ViewMode::Model);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("the page-table model only");
  ImGui::SameLine();
#ifdef PP_REAL_LIVE
  const bool live = !rv.has_recording();
#else
  const bool live = false;
#endif
  if (ImGui::RadioButton(live ? "Real" : "Kernel", m == ViewMode::Real)) rv.set_mode(ui, ViewMode::Real);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(live ? "run the lesson for real in a lab process and browse what the kernel reports"
                           : "browse what a real kernel reported for this lesson (a recording)");
  ImGui::SameLine();
  if (ImGui::RadioButton("Side by side", m == ViewMode::Side)) rv.set_mode(ui, ViewMode::Side);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("model and kernel together; disagreements in red");
}

// One object's pages as a bar: locked (hatched + pin), resident, swapped (dots), not
// resident (outline) — the figure's patterns, so it reads without colour too.
void page_bar(const Palette& pal, ImVec2 a, float w, float h, u64 pages, u64 locked, u64 resident, u64 swapped) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImVec2 b(a.x + w, a.y + h);
  dl->AddRectFilled(a, b, pal.bg);
  if (pages == 0) {
    dl->AddRect(a, b, pal.outline);
    return;
  }
  auto x_of = [&](u64 n) { return a.x + w * static_cast<float>(std::min(n, pages)) / static_cast<float>(pages); };
  // Resident first (locked pages are normally resident too), the lock drawn over it.
  float xr = x_of(resident);
  if (resident) dl->AddRectFilled(a, ImVec2(std::max(xr, a.x + 1), b.y), pal.resident);
  if (swapped) {
    float xs = x_of(resident + swapped);
    dl->AddRectFilled(ImVec2(xr, a.y), ImVec2(std::max(xs, xr + 1), b.y), pal.swapped);
    draw_dots(dl, ImVec2(xr, a.y), ImVec2(std::max(xs, xr + 1), b.y), pal.text_dim, 4);
  }
  if (locked) {
    float xl = std::max(x_of(locked), a.x + 2);
    dl->AddRectFilled(a, ImVec2(xl, a.y + h * 0.35f), pal.pinned_fill);
    draw_hatch(dl, a, ImVec2(xl, b.y), pal.pinned, 6, pal.hatch_thickness);
    dl->AddRect(a, ImVec2(xl, b.y), pal.pinned, 0, 0, 2);
    draw_pin(dl, ImVec2(a.x + 7, a.y + h * 0.5f), h * 0.8f, pal.pinned, pal.outline);
  }
  dl->AddRect(a, b, pal.outline);
}

void objects_figure(Ui& ui, RealView& rv, const StepPair& sp, bool side) {
  const Palette& pal = ui.pal();
  const float sc = ui.scale();
  const float bar_h = 14 * sc, label_w = 70 * sc;
  int shown = 0;
  const int max_rows = 60;  // a[0]..a[499]: the first ones, then one line for the rest
  int hidden = 0;
  for (const ObjectPair& o : sp.objects) {
    bool bad = side && sp.have_real && !o.agree();
    if (shown >= max_rows && !bad) {
      ++hidden;
      continue;
    }
    ++shown;
    ImGui::PushID(shown);
    std::string who = o.proc == 0 ? "" : " (child " + std::to_string(o.proc) + ")";
    ImGui::Text("%s%s  %s pages", o.name.c_str(), who.c_str(), grouped(o.pages).c_str());
    float w = std::max(40.0f, ImGui::GetContentRegionAvail().x - label_w);
    auto row = [&](const char* label, u64 l, u64 r, u64 s, bool bad_row) {
      ImVec2 p = ImGui::GetCursorScreenPos();
      ImGui::TextColored(col4(bad_row ? pal.bad : pal.text_dim), "%s", label);
      page_bar(pal, ImVec2(p.x + label_w, p.y + 1), w, bar_h, o.pages, l, r, s);
      if (bad_row)
        ImGui::GetWindowDrawList()->AddRect(ImVec2(p.x + label_w - 2, p.y - 1),
                                            ImVec2(p.x + label_w + w + 2, p.y + bar_h + 3), pal.bad, 0, 0, 2.5f);
      ImGui::Dummy(ImVec2(0, std::max(0.0f, bar_h + 3 - ImGui::GetTextLineHeight())));
    };
    bool real_only = rv.mode == ViewMode::Real;
    if (!real_only) row("model", o.model_locked, o.model_resident, o.model_swapped, bad);
    if (sp.have_real) row("kernel", o.real_locked, o.real_resident, o.real_swapped, bad);
    if (bad) {
      for (auto [what, c] : {std::pair{"locked", &o.locked}, {"resident", &o.resident}, {"swapped", &o.swapped}})
        if (!c->agree)
          ImGui::TextColored(col4(pal.bad), "  \xE2\x9C\x97 %s pages: model %s, kernel %s", what, c->model.c_str(), c->real.c_str());
    } else if (sp.have_real) {
      ImGui::TextDisabled("  locked %s, resident %s, swapped %s%s", o.locked.real.c_str(), o.resident.real.c_str(),
                          o.swapped.real.c_str(), side ? "  \xE2\x9C\x93 agrees" : "");
    } else {
      ImGui::TextDisabled("  locked %s, resident %s, swapped %s", grouped(o.model_locked).c_str(),
                          grouped(o.model_resident).c_str(), grouped(o.model_swapped).c_str());
    }
    ImGui::PopID();
  }
  if (hidden) ImGui::TextDisabled("… %d more objects, all agreeing", hidden);
}

void step_table(Ui& ui, RealView& rv, const StepPair& sp) {
  const Palette& pal = ui.pal();
  bool side = rv.mode == ViewMode::Side;
  ImGuiTableFlags tf = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("step", side ? 3 : 2, tf)) return;
  ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, 120 * ui.scale());
  if (side) ImGui::TableSetupColumn("model");
  ImGui::TableSetupColumn("kernel");
  ImGui::TableHeadersRow();
  auto row = [&](const char* label, const Pair& p) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(label);
    bool bad = side && sp.have_real && !p.agree;
    if (side) {
      ImGui::TableNextColumn();
      if (bad) ImGui::TextColored(col4(pal.bad), "%s", p.model.c_str());
      else ImGui::TextUnformatted(p.model.c_str());
    }
    ImGui::TableNextColumn();
    if (!sp.have_real) ImGui::TextDisabled("—");
    else if (bad) ImGui::TextColored(col4(pal.bad), "%s  \xE2\x9C\x97 differs", p.real.c_str());
    else ImGui::TextUnformatted(p.real.c_str());
  };
  Pair call{sp.model_call.empty() ? "(statement)" : sp.model_call, sp.real_call.empty() ? "(statement)" : sp.real_call, true};
  row("call", call);
  row("return", sp.ret);
  row("errno", sp.err);
  for (std::size_t i = 0; i < sp.procs.size(); ++i) {
    const ProcPair& p = sp.procs[i];
    char l[48];
    std::snprintf(l, sizeof l, "%s VmLck", i == 0 ? "parent" : "child");
    row(l, p.vm_lck);
    std::snprintf(l, sizeof l, "%s VmRSS", i == 0 ? "parent" : "child");
    row(l, p.vm_rss);
  }
  ImGui::EndTable();
  if (side && sp.have_real && !sp.procs.empty())
    ImGui::TextDisabled("VmLck/VmRSS are not judged: the lab also holds its own libc pages.");
}

void region_table(Ui& ui, const StepPair& sp, bool side) {
  const Palette& pal = ui.pal();
  ImGuiTableFlags tf = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("regions", side ? 3 : 2, tf)) return;
  ImGui::TableSetupColumn("VMAs (locked / size)");
  if (side) ImGui::TableSetupColumn("model");
  ImGui::TableSetupColumn("kernel");
  ImGui::TableHeadersRow();
  for (const RegionPair& r : sp.regions) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::Text("%s%s", r.proc ? "child: " : "", r.kind.c_str());
    bool bad = side && !r.agree;
    auto cell = [&](bool in, u64 lk, u64 sz) {
      ImGui::TableNextColumn();
      if (!in) { ImGui::TextDisabled("—"); return; }
      std::string t = human_kb(lk) + " / " + human_kb(sz);
      if (bad) ImGui::TextColored(col4(pal.bad), "%s%s", t.c_str(), lk ? " locked" : " NOT locked");
      else if (lk) ImGui::TextColored(col4(pal.pinned), "%s (lo)", t.c_str());
      else ImGui::TextUnformatted(t.c_str());
    };
    if (side) cell(r.in_model, r.model_locked_kb, r.model_kb);
    cell(r.in_real, r.real_locked_kb, r.real_kb);
  }
  ImGui::EndTable();
}

void kernel_smaps(Ui& ui, const Step& rs) {
  const Palette& pal = ui.pal();
  for (const ProcReport& pr : rs.procs) {
    char hdr[160];
    std::snprintf(hdr, sizeof hdr, "kernel smaps of PID %d%s (%zu VMAs)###ksmaps%d", pr.status.pid,
                  pr.status.alive ? "" : " (exited)", pr.regions.size(), pr.status.pid);
    if (!ImGui::TreeNode(hdr)) continue;
    ImGuiTableFlags tf = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit;
    if (ImGui::BeginTable("smaps", 6, tf)) {
      for (const char* c : {"range", "perms", "Rss", "Locked", "VmFlags", "name"}) ImGui::TableSetupColumn(c);
      ImGui::TableHeadersRow();
      for (const SmapsEntry& e : pr.regions) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::Text("%llx-%llx", static_cast<unsigned long long>(e.start), static_cast<unsigned long long>(e.end));
        ImGui::TableNextColumn(); ImGui::TextUnformatted(e.perms.c_str());
        ImGui::TableNextColumn(); ImGui::Text("%llu kB", static_cast<unsigned long long>(e.rss_kb));
        ImGui::TableNextColumn();
        if (e.locked_kb) ImGui::TextColored(col4(pal.pinned), "%llu kB", static_cast<unsigned long long>(e.locked_kb));
        else ImGui::TextUnformatted("0 kB");
        ImGui::TableNextColumn();
        if (e.locked) ImGui::TextColored(col4(pal.pinned), "%s", e.vmflags.c_str());
        else ImGui::TextUnformatted(e.vmflags.c_str());
        ImGui::TableNextColumn(); ImGui::TextUnformatted(e.name.c_str());
      }
      ImGui::EndTable();
    }
    ImGui::TreePop();
  }
}

#ifdef PP_REAL_LIVE
void latency_section(Ui& ui, RealView& rv) {
  const Palette& pal = ui.pal();
  static int records = static_cast<int>(real::kTutorialRecords);
  bool busy = rv.runner().latency_busy();
  ImGui::TextWrapped("The tutorial's real-time loop, for real: touch %d records of %s each, first without locking, "
                     "then after mlock. Takes a few seconds; the UI keeps running.",
                     records, grouped(real::kTutorialRecordBytes).c_str());
  ImGui::SetNextItemWidth(120 * ui.scale());
  ImGui::InputInt("records", &records);
  records = std::clamp(records, 1, 2000);
  ImGui::SameLine();
  ImGui::BeginDisabled(busy);
  if (ImGui::Button(busy ? "measuring\xE2\x80\xA6" : "Measure for real"))
    rv.runner().submit_latency(static_cast<u64>(records), real::kTutorialRecordBytes, rv.base_opt);
  ImGui::EndDisabled();
  auto r = rv.runner().latency();
  if (!r) return;
  if (!r->ok) {
    ImGui::TextColored(col4(pal.bad), "Could not measure:");
    ImGui::TextWrapped("%s", r->error.c_str());
    return;
  }
  const auto& u = r->unlocked;
  const auto& l = r->locked;
  ImGui::Text("%s records:", grouped(u.records).c_str());
  ImGui::TextColored(col4(pal.bad), "  without locking: first touch %s minor faults, %.1f ms, worst page %.1f \xC2\xB5s",
                     grouped(u.first.minflt).c_str(), u.first.touch_ns / 1e6, u.first.worst_page_ns / 1e3);
  ImGui::TextColored(col4(pal.good), "  after mlock:      first pass %s faults, %.1f ms, worst page %.1f \xC2\xB5s (mlock itself %.0f ms)",
                     grouped(l.first.minflt).c_str(), l.first.touch_ns / 1e6, l.first.worst_page_ns / 1e3, l.lock_ns / 1e6);
  ImGui::TextColored(col4(pal.good), "  after mlock:      second pass %s faults, %.1f ms, worst page %.1f \xC2\xB5s",
                     grouped(l.second.minflt).c_str(), l.second.touch_ns / 1e6, l.second.worst_page_ns / 1e3);
  if (r->lock_err) ImGui::TextColored(col4(pal.bad), "  mlock failed: %s", errno_name(r->lock_err));
}

#endif  // PP_REAL_LIVE

std::string kb_text(u64 kb) {
  char b[32];
  if (kb >= 1024 * 1024) std::snprintf(b, sizeof b, "%.1f GiB", kb / 1048576.0);
  else std::snprintf(b, sizeof b, "%.0f MiB", kb / 1024.0);
  return b;
}

// Where a recording's answers come from: they are this machine's, not the reader's.
void machine_block(Ui& ui, const rec::Recording& r) {
  const rec::MachineInfo& m = r.machine;
  ImGui::TextWrapped("Recorded %s on Linux %s (%s), %s, hypervisor: %s", m.recorded_at.c_str(), m.kernel_release.c_str(),
                     m.arch.c_str(), m.cpu_model.c_str(), m.hypervisor.c_str());
  std::string lim = m.rlim_memlock_cur == ~0ull ? "unlimited" : kb_text(m.rlim_memlock_cur / 1024);
  ImGui::TextWrapped("page %llu bytes \xC2\xB7 RAM %s \xC2\xB7 swap %s \xC2\xB7 RLIMIT_MEMLOCK %s \xC2\xB7 %s%s \xC2\xB7 glibc %s",
                     static_cast<unsigned long long>(m.page_size), kb_text(m.ram_kb).c_str(),
                     m.swap_kb ? kb_text(m.swap_kb).c_str() : "none", lim.c_str(), m.privilege.c_str(),
                     m.cap_ipc_lock ? " (CAP_IPC_LOCK)" : " (no CAP_IPC_LOCK)", m.glibc.c_str());
  if (!m.zero_page)
    ImGui::TextWrapped("This kernel maps no zero page: reading untouched memory gave each page a frame (%s). "
                       "The model is compared running the same way.", m.zero_page_evidence.c_str());
  (void)ui;
}

}  // namespace

void draw_real_panel(Ui& ui, RealView& rv) {
  const Palette& pal = ui.pal();
  mode_switch(ui, rv);
  bool busy = false;
#ifdef PP_REAL_LIVE
  if (!rv.has_recording()) {
    ImGui::SameLine();
    bool unpriv = rv.unprivileged;
    if (ImGui::Checkbox("as a plain user", &unpriv)) {
      rv.unprivileged = unpriv;
      rv.set_mode(ui, rv.mode);  // a new key: the lesson runs again without CAP_IPC_LOCK
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("start the lab without CAP_IPC_LOCK, as an ordinary user would run it");
  }
  std::string what;
  busy = rv.runner().busy(&what);
#endif
  ImGui::Separator();

  auto run = rv.run();
  if (!run) {
#ifndef PP_REAL_LIVE
    ImGui::TextWrapped("No kernel recording for this program yet.");
    ImGui::TextWrapped("Make one where you can use sudo: `sudo pinpages real LESSON.c --record run.json`, then open "
                       "run.json here (\"Open recording\" above the page, or drop the file on it).");
    return;
#endif
    if (busy) {
      static const char* dots[] = {"", ".", "..", "..."};
      ImGui::TextWrapped("Running the lesson for real in a lab process%s", dots[static_cast<int>(ImGui::GetTime() * 3) % 4]);
      ImGui::TextDisabled("mlock at the tutorial's scale faults in ~500 MB: a few seconds.");
    } else {
      ImGui::TextDisabled("No real run yet.");
    }
    return;
  }
  if (!run->lab_ok) {
    ImGui::TextColored(col4(pal.bad), "Real mode is not available here.");
    ImGui::TextWrapped("%s", run->lab_error.c_str());
    ImGui::TextWrapped("The model needs no privilege and shows the same lesson.");
    if (ImGui::Button("Show the model instead")) rv.set_mode(ui, ViewMode::Model);
    return;
  }
  const Trace& rt = *run->trace;
  if (run->recording) {
    machine_block(ui, *run->recording);
  } else {
#ifdef PP_REAL_LIVE
    ImGui::TextWrapped("Kernel: %d steps in %.1f s \xC2\xB7 CAP_IPC_LOCK %s \xC2\xB7 RLIMIT_MEMLOCK %s (hard %s)%s",
                       static_cast<int>(rt.steps.size()), run->seconds, run->cap_ipc_lock ? "yes" : "no",
                       real::limit_kib(run->rlim_cur).c_str(), real::limit_kib(run->rlim_max).c_str(),
                       busy ? " \xC2\xB7 re-running\xE2\x80\xA6" : "");
    if (ImGui::Button("Save recording")) {
      std::string doc = rv.recording_json();
      std::string name = "pinpages-" + (ui.trace ? ui.trace->meta.id : std::string("run")) + ".json";
      ui.notice = bridge::save(name, "application/json", std::vector<unsigned char>(doc.begin(), doc.end())) +
                  ": open it in the web page to show this run next to the model";
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("write this kernel run (and any latency measured) as a recording for the web page");
#endif
  }
  bool ok = run->compare.all_agree();
  ImGui::TextColored(col4(ok ? pal.good : pal.bad), "%s %s", ok ? "\xE2\x9C\x93" : "\xE2\x9C\x97",
                     run->compare.summary(ui.trace ? ui.trace->meta.id.empty() ? ui.lesson_id : ui.trace->meta.id : ui.lesson_id).c_str());
#ifdef PP_REAL_LIVE
  if (auto lat = rv.runner().latency(); lat && lat->ok) {
    // The headline stays in sight; details and the button are in the section below.
    ImGui::TextWrapped("Real latency, %s records: first touch %s faults, worst page %.0f \xC2\xB5s; after mlock %s faults, "
                       "worst page %.1f \xC2\xB5s",
                       grouped(lat->unlocked.records).c_str(), grouped(lat->unlocked.first.minflt).c_str(),
                       lat->unlocked.first.worst_page_ns / 1e3, grouped(lat->locked.first.minflt).c_str(),
                       lat->locked.first.worst_page_ns / 1e3);
  } else if (rv.runner().latency_busy()) {
    ImGui::TextDisabled("Measuring real latency in the background\xE2\x80\xA6");
  }
#endif
  if (ui.latency) {
    // The lesson's payoff, in the panel too (narrow layouts have no Faults & latency tab).
    if (rv.take_latency_open()) ImGui::SetNextItemOpen(true, ImGuiCond_Always);
    if (ImGui::CollapsingHeader("Why pin pages: real touch latency")) draw_latency_chart(ui);
  }
  for (const auto& n : run->compare.notes) ImGui::TextWrapped("note: %s", n.c_str());
  for (const auto& d : rt.errors) ImGui::TextColored(col4(pal.bad), "%s", d.message.c_str());

  if (run->refused_step >= 0) {
    // The unprivileged path: the real errno, why, and the way out.
    ImGui::Spacing();
    const Step& s = rt.steps[run->refused_step];
    ImGui::TextColored(col4(pal.bad), "Step %d: %s = %lld, errno %s (%s)", run->refused_step, s.call.c_str(),
                       static_cast<long long>(s.ret), errno_name(s.err) ? errno_name(s.err) : "?", errno_text(s.err));
    if (ImGui::TreeNodeEx("Why the kernel refused", ImGuiTreeNodeFlags_DefaultOpen)) {
      ImGui::TextWrapped("%s", run->explanation.c_str());
      ImGui::TreePop();
    }
    if (ImGui::Button("Show the model instead")) rv.set_mode(ui, ViewMode::Model);
    ImGui::SameLine();
    if (ImGui::Button("Go to that step")) ui.go(run->refused_step);
  }
  ImGui::Separator();

  // Predict-then-reveal: while the quiz is open every window shows the state before the
  // line, and so does this panel (the kernel's answer is the quiz's answer).
  int step = ui.shown_step();
  const StepPair& sp = rv.pair_for(step);
  if (ui.quiz_pending()) ImGui::TextDisabled("Quiz open: showing the state before line %d.", ui.cur() ? ui.cur()->line : 0);
  bool side = rv.mode == ViewMode::Side;
  int bad = side ? sp.disagreements() : 0;
  const Step* ms = ui.shown();
  if (ms) {
    ImGui::Text("Step %d%s  line %d", step, ms->figure ? (std::string("  figure ") + *ms->figure).c_str() : "", ms->line);
    if (side) {
      ImGui::SameLine();
      if (!sp.have_real) ImGui::TextDisabled("(the kernel's run has no such step)");
      else if (bad) ImGui::TextColored(col4(pal.bad), "\xE2\x9C\x97 %d disagreement%s", bad, bad == 1 ? "" : "s");
      else ImGui::TextColored(col4(pal.good), "\xE2\x9C\x93 model and kernel agree");
    }
  }
  step_table(ui, rv, sp);
  if (side)
    for (const auto& d : sp.diffs) ImGui::TextColored(col4(pal.bad), "\xE2\x9C\x97 %s", d.c_str());

  if (ImGui::CollapsingHeader(side ? "Address space: lesson objects, model and kernel" : "Address space: lesson objects (kernel)",
                              ImGuiTreeNodeFlags_DefaultOpen))
    objects_figure(ui, rv, sp, side);
  if (ImGui::CollapsingHeader("Page table: locked VMAs by kind", ImGuiTreeNodeFlags_DefaultOpen)) {
    region_table(ui, sp, side);
    if (sp.have_real && step < static_cast<int>(rt.steps.size())) kernel_smaps(ui, rt.steps[step]);
  }
#ifdef PP_REAL_LIVE
  if (rv.runner().latency() || rv.runner().latency_busy()) ImGui::SetNextItemOpen(true, ImGuiCond_Once);
  if (ImGui::CollapsingHeader("Real latency: the headline number")) latency_section(ui, rv);
#endif
}

void RealView::after_frame(Ui& ui, const FrameInfo& info) {
  if (!ui.trace || ui.embed) return;
  ImFont* font = panel_font(ui);
  if (font) ImGui::PushFont(font);
  draw_windows(ui, info);
  if (font) ImGui::PopFont();
}

void RealView::draw_windows(Ui& ui, const FrameInfo& info) {
  ImGuiIO& io = ImGui::GetIO();
  float W = info.width > 0 ? static_cast<float>(info.width) : io.DisplaySize.x;
  float H = info.height > 0 ? static_cast<float>(info.height) : io.DisplaySize.y;
  if (io.DisplaySize.x > 0) W = std::min(W, io.DisplaySize.x);
  if (io.DisplaySize.y > 0) H = std::min(H, io.DisplaySize.y);
  constexpr ImGuiWindowFlags fixed = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                     ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings;
  if (mode == ViewMode::Model || ui.figure_only || W < 720) {
    if (mode != ViewMode::Model && !ui.figure_only && panel_y_ > 0) {  // a phone: the panel under the layout
      ImGui::SetNextWindowPos(ImVec2(0, panel_y_), ImGuiCond_Always);
      ImGui::SetNextWindowSize(ImVec2(W, std::max(H - panel_y_, 40.0f)), ImGuiCond_Always);
      if (ImGui::Begin(mode == ViewMode::Side ? "Model vs kernel###Kernel" : "Kernel###Kernel", nullptr, fixed))
        draw_real_panel(ui, *this);
      ImGui::End();
    }
    // Just the switch, over the controls' top-right corner (their rows leave it room).
    ImGui::SetNextWindowPos(ImVec2(W - 4, 2), ImGuiCond_Always, ImVec2(1, 0));
    if (ImGui::Begin("##realmode", nullptr, fixed | ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_AlwaysAutoResize |
                                                ImGuiWindowFlags_NoFocusOnAppearing)) {
      ImGui::BringWindowToDisplayFront(ImGui::GetCurrentWindow());
      mode_switch(ui, *this);
      // The controls' rows end before the switch (next frame): it never covers Play.
      ui.reserve_w = ImGui::GetWindowWidth() + 4 + ImGui::GetStyle().ItemSpacing.x;
      ui.reserve_bottom = 2 + ImGui::GetWindowHeight();
    }
    ImGui::End();
    return;
  }
  ui.reserve_w = ui.reserve_bottom = 0;  // the kernel's panel has its own column
  ImGui::SetNextWindowPos(ImVec2(panel_x_, 0), ImGuiCond_Always);
  ImGui::SetNextWindowSize(ImVec2(std::max(W - panel_x_, 40.0f), std::max(H, 40.0f)), ImGuiCond_Always);
  const char* title = mode == ViewMode::Side ? "Model vs kernel (side by side)###Kernel" : "Kernel (real mode)###Kernel";
  if (ImGui::Begin(title, nullptr, fixed)) draw_real_panel(ui, *this);
  ImGui::End();
}

}  // namespace pp::ui
