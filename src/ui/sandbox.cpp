// Sandbox: free play. Every button appends the C line it stands for to a sandbox lesson
// and re-runs it (lessons are deterministic, so re-running is how the model "continues");
// the result is an ordinary lesson that can be saved and opened again.
#include <algorithm>
#include <cstdio>

#include "imgui.h"
#include "imgui_stdlib.h"
#include "ui/ui.h"

namespace pp::ui {

// exec starts the lesson again from main with more arguments, so the lines after the
// n-th exec run when argc == n + 1: each exec opens a new stage.
std::string sandbox_source(const std::vector<std::string>& lines, OsKind os) {
  std::string s;
  s += "//@ title Sandbox\n";
  s += std::string("//@ machine ram=1G swap=512M os=") + (os == OsKind::Qnx ? "qnx" : "linux") + "\n";
  s += "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n#include <unistd.h>\n#include <sys/mman.h>\n\n";
  s += "int main(int argc, char *argv[])\n{\n";
  std::string decl;
  for (const auto& l : lines)
    if (l.size() > 2 && l[0] == 'p' && l.find(" = malloc(") != std::string::npos)
      decl += (decl.empty() ? "    char *" : ", *") + l.substr(0, l.find(' '));
  if (!decl.empty()) s += decl + ";\n\n";
  int stage = 1;
  s += "    if (argc == 1) {\n";
  for (const auto& l : lines) {
    if (l.rfind("exec", 0) == 0) {
      std::string args = "argv[0], argv[0]";
      for (int i = 1; i <= stage; ++i) args += ", \"" + std::to_string(i) + "\"";
      s += "        execl(" + args + ", (char *) NULL);\n        perror(\"execl\");\n        return 1;\n    }\n";
      ++stage;
      s += "    if (argc == " + std::to_string(stage) + ") {\n";
      continue;
    }
    if (l.rfind("//@", 0) == 0) { s += "        " + l + "\n        sleep(1);\n"; continue; }
    s += "        " + l + "\n";
  }
  s += "    }\n    return 0;\n}\n";
  return s;
}

namespace {

struct SandboxForm {
  int malloc_kb = 1024;
  int touch_var = 0;
  int lock_flags = 3;   // MCL_CURRENT | MCL_FUTURE
  int pressure_mb = 256;
  bool select_mode = false;
};

// Pointer variables the sandbox has declared so far ("p1", "p2", …).
std::vector<std::string> pointers(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  for (const auto& l : lines)
    if (l.size() > 2 && l[0] == 'p' && l.find(" = malloc(") != std::string::npos) out.push_back(l.substr(0, l.find(' ')));
  return out;
}

// C expression for an address picked on the diagram: relative to a sandbox pointer
// when it falls inside one of its objects, else a literal address.
std::string addr_expr(Ui& ui, u64 addr) {
  if (const Step* s = ui.cur())
    for (const auto& pr : s->procs)
      for (const auto& o : pr.objects)
        if (o.name.size() > 1 && o.name[0] == 'p' && addr >= (o.addr & ~(kPageSize - 1)) && addr < o.addr + o.bytes) {
          if (addr <= o.addr) return o.name;
          return o.name + " + " + std::to_string(addr - o.addr);
        }
  char b[64];
  std::snprintf(b, sizeof b, "(void *)0x%llx", static_cast<unsigned long long>(addr));
  return b;
}

}  // namespace

void draw_sandbox(Ui& ui) {
  auto& f = ui.slot<SandboxForm>("sandbox-form");
  bool changed = false;
  auto add = [&](const std::string& l) { ui.sandbox_lines.push_back(l); changed = true; };
  std::vector<std::string> ptrs = pointers(ui.sandbox_lines);
  float w = 110 * ui.scale();

  ImGui::SetNextItemWidth(w);
  ImGui::InputInt("KiB##malloc", &f.malloc_kb);
  f.malloc_kb = std::clamp(f.malloc_kb, 1, 4 * 1024 * 1024);
  ImGui::SameLine();
  if (ImGui::Button("malloc")) {
    std::string v = "p" + std::to_string(ptrs.size() + 1);
    add(v + " = malloc(" + std::to_string(static_cast<long long>(f.malloc_kb) * 1024) + ");");
  }
  ImGui::SameLine();
  if (!ptrs.empty()) {
    f.touch_var = std::clamp(f.touch_var, 0, static_cast<int>(ptrs.size()) - 1);
    ImGui::SetNextItemWidth(w * 0.6f);
    if (ImGui::BeginCombo("##var", ptrs[f.touch_var].c_str())) {
      for (int i = 0; i < static_cast<int>(ptrs.size()); ++i)
        if (ImGui::Selectable(ptrs[i].c_str(), i == f.touch_var)) f.touch_var = i;
      ImGui::EndCombo();
    }
    ImGui::SameLine();
    if (ImGui::Button("touch (memset)")) add("memset(" + ptrs[f.touch_var] + ", 1, " + std::to_string(static_cast<long long>(f.malloc_kb) * 1024) + ");");
    ImGui::SameLine();
    if (ImGui::Button("free")) add("free(" + ptrs[f.touch_var] + ");");
  }

  ImGui::Checkbox("pick range by dragging on the figure", &ui.select_drag);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("or hold Shift while dragging on the address-space figure");
  ImGui::SameLine();
  if (ui.selection.valid()) {
    ImGui::Text("%s … %s (%llu pages)", hex_addr(ui.selection.start).c_str(), hex_addr(ui.selection.end).c_str(),
                static_cast<unsigned long long>((ui.selection.end - ui.selection.start) >> kPageShift));
  } else {
    ImGui::TextDisabled("no range picked");
  }
  ImGui::BeginDisabled(!ui.selection.valid());
  std::string range = ui.selection.valid()
      ? addr_expr(ui, ui.selection.start) + ", " + std::to_string(ui.selection.end - ui.selection.start) : "";
  if (ImGui::Button("mlock(range)")) add("mlock(" + range + ");");
  ImGui::SameLine();
  if (ImGui::Button("munlock(range)")) add("munlock(" + range + ");");
  ImGui::SameLine();
  if (ImGui::Button("touch(range)")) add("memset(" + range.substr(0, range.rfind(',')) + ", 1, " +
                                         std::to_string(ui.selection.end - ui.selection.start) + ");");
  ImGui::EndDisabled();

  ImGui::CheckboxFlags("MCL_CURRENT", &f.lock_flags, mcl::CURRENT);
  ImGui::SameLine();
  ImGui::CheckboxFlags("MCL_FUTURE", &f.lock_flags, mcl::FUTURE);
  ImGui::SameLine();
  ImGui::CheckboxFlags("MCL_ONFAULT", &f.lock_flags, mcl::ONFAULT);
  ImGui::SameLine();
  if (ImGui::Button("mlockall")) {
    std::string fl;
    if (f.lock_flags & mcl::CURRENT) fl += "MCL_CURRENT";
    if (f.lock_flags & mcl::FUTURE) fl += std::string(fl.empty() ? "" : " | ") + "MCL_FUTURE";
    if (f.lock_flags & mcl::ONFAULT) fl += std::string(fl.empty() ? "" : " | ") + "MCL_ONFAULT";
    add("mlockall(" + (fl.empty() ? std::string("0") : fl) + ");");
  }
  ImGui::SameLine();
  if (ImGui::Button("munlockall")) add("munlockall();");
  if (ImGui::Button("fork")) add("fork();  /* both processes run the lines below */");
  ImGui::SameLine();
  if (ImGui::Button("exec")) add("exec");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("execl(argv[0], …): the program starts again; locks are dropped");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w);
  ImGui::InputInt("MiB##pressure", &f.pressure_mb);
  f.pressure_mb = std::clamp(f.pressure_mb, 0, 4096);
  ImGui::SameLine();
  if (ImGui::Button("memory pressure")) add("//@ pressure " + std::to_string(f.pressure_mb) + "M");
  ImGui::SameLine();
  if (ImGui::Button("undo") && !ui.sandbox_lines.empty()) { ui.sandbox_lines.pop_back(); changed = true; }
  ImGui::SameLine();
  if (ImGui::Button("clear")) { ui.sandbox_lines.clear(); changed = true; }
  ImGui::SameLine();
  if (ImGui::Button("save as lesson") && ui.hooks.save_file) {
    std::string src = sandbox_source(ui.sandbox_lines, ui.os);
    ui.last_export = ui.hooks.save_file("sandbox.c", "text/x-c", std::vector<unsigned char>(src.begin(), src.end()));
  }
  if (!ui.sandbox_error.empty()) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ui.pal().bad), "%s", ui.sandbox_error.c_str());

  // The program so far (read-only: the buttons write it).
  if (ImFont* mono = ui.mono_font()) ImGui::PushFont(mono);
  ImGui::BeginChild("##sbsrc", ImVec2(0, 0), true);
  for (const auto& l : ui.sandbox_lines) ImGui::TextUnformatted(l.c_str());
  if (ui.sandbox_lines.empty()) ImGui::TextDisabled("// press a button: its C line appears here and the lesson re-runs");
  ImGui::EndChild();
  if (ui.mono_font()) ImGui::PopFont();

  ui.show_sandbox = true;
  if (changed && ui.hooks.run_sandbox) ui.hooks.run_sandbox(sandbox_source(ui.sandbox_lines, ui.os));
}

}  // namespace pp::ui
