// Every window drawn headless: an ImGui context with a built font atlas and no renderer.
// NewFrame → Ui::frame → Render for several frames at every step, with the mouse moved
// over the figure and the physical grid, keys pressed, presenter mode, palettes, the
// compact (phone/embed) layout and figure-only mode. Debian's libimgui is built with
// IM_ASSERT = assert, so any ImGui assertion aborts the test. Also measures frame time
// at the tutorial's full scale and writes the figure PNGs (software rasterizer).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "fixtures.h"
#include "imgui.h"
#include "imgui_internal.h"
#include "ui/ui.h"
#ifdef PP_HAVE_LESSONS
#include "engine/run.h"
#include "ui/app_ui.h"
#include <nlohmann/json.hpp>
extern "C" const char* pp_ui_state();
extern "C" void pp_ui_os(const char* os);
#endif

using namespace pp;
using namespace pp::ui;

namespace {

struct Headless {
  ImGuiContext* ctx;
  int max_vtx = 0;
  explicit Headless(float w = 1280, float h = 800) {
    ctx = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    ImGui::StyleColorsLight();  // as src/app/platform.cpp does
    io.DisplaySize = ImVec2(w, h);
    io.DeltaTime = 1.0f / 60;
    // The platform loads DejaVu sans + mono as Fonts[0], Fonts[1]; do the same.
    ImFontConfig cfg;
#ifdef PP_FONT_SANS
    if (!io.Fonts->AddFontFromFileTTF(PP_FONT_SANS, 16.0f, &cfg)) io.Fonts->AddFontDefault();
    if (!io.Fonts->AddFontFromFileTTF(PP_FONT_MONO, 16.0f, &cfg)) io.Fonts->AddFontDefault();
#else
    io.Fonts->AddFontDefault();
#endif
    // Keys as the SDL backend maps them (scancodes), so Ui::keyboard() sees them.
    io.KeyMap[ImGuiKey_LeftArrow] = 80;
    io.KeyMap[ImGuiKey_RightArrow] = 79;
    io.KeyMap[ImGuiKey_Home] = 74;
    io.KeyMap[ImGuiKey_End] = 77;
    io.KeyMap[ImGuiKey_Space] = 44;
    io.KeyMap[ImGuiKey_Enter] = 40;
  }
  ~Headless() { ImGui::DestroyContext(ctx); }
  void build_atlas() {
    unsigned char* px;
    int w, h;
    ImGui::GetIO().Fonts->GetTexDataAsRGBA32(&px, &w, &h);
    ImGui::GetIO().Fonts->SetTexID(reinterpret_cast<ImTextureID>(1));
  }
  template <class F> void frame(F&& draw, ImVec2 mouse = ImVec2(-1, -1), bool click = false) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = mouse;
    io.MouseDown[0] = click;
    ImGui::NewFrame();
    draw();
    ImGui::Render();
    ImDrawData* dd = ImGui::GetDrawData();
    ASSERT_NE(dd, nullptr);
    // WebGL2 has no base-vertex draws, so the web backend cannot split a list past
    // 65,536 vertices (16-bit indices): every window's list must stay below that.
    for (int i = 0; i < dd->CmdListsCount; ++i) {
      max_vtx = std::max(max_vtx, dd->CmdLists[i]->VtxBuffer.Size);
      ASSERT_LT(dd->CmdLists[i]->VtxBuffer.Size, 65536) << "draw list " << i << " too big for 16-bit indices";
    }
  }
};

FrameInfo info_of(float w, float h) {
  FrameInfo fi;
  fi.width = static_cast<int>(w);
  fi.height = static_cast<int>(h);
  return fi;
}

std::string artifacts() {
  const char* a = std::getenv("PP_ARTIFACTS");
  std::string d = a ? a : "artifacts";
  std::filesystem::create_directories(d);
  return d;
}

// Draws all steps of `ui`'s trace in every mode; returns the worst frame time in ms.
double exercise(Headless& h, Ui& ui, float W, float H) {
  double worst = 0;
  ImGuiIO& io = ImGui::GetIO();
  auto draw = [&] { ui.frame(info_of(W, H)); };
  for (int s = 0; s < ui.steps(); ++s) {
    ui.go(s);
    for (int f = 0; f < 3; ++f) h.frame(draw);
    // Mouse over the figure (a few heights) and over the inspector.
    for (float fy : {0.3f, 0.55f, 0.8f}) h.frame(draw, ImVec2(ui.fig_x + ui.fig_w * 0.45f, ui.fig_y + ui.fig_h * fy));
    h.frame(draw, ImVec2(W * 0.75f, H * 0.85f));
    for (float fy = 0.1f; fy < 1.0f; fy += 0.1f) h.frame(draw, ImVec2(ui.fig_x + 30, ui.fig_y + ui.fig_h * fy));  // labels
    worst = std::max(worst, ui.frame_ms);
  }
  // Wheel zoom, drag pan, shift-drag select on the figure.
  ImVec2 mid(ui.fig_x + ui.fig_w * 0.4f, ui.fig_y + ui.fig_h * 0.5f);
  io.MouseWheel = 3;
  h.frame(draw, mid);
  io.MouseWheel = 0;
  h.frame(draw, mid, true);
  h.frame(draw, ImVec2(mid.x, mid.y + 40), true);
  h.frame(draw, ImVec2(mid.x, mid.y + 40), false);
  io.KeyShift = true;
  h.frame(draw, mid, true);
  h.frame(draw, ImVec2(mid.x, mid.y - 60), true);
  h.frame(draw, ImVec2(mid.x, mid.y - 60), false);
  io.KeyShift = false;
  // Keys: → ← End Home Space, and characters p f + - c.
  for (int key : {79, 80, 77, 74, 44, 44}) {
    io.KeysDown[key] = true;
    h.frame(draw);
    io.KeysDown[key] = false;
    h.frame(draw);
  }
  for (char c : {'p', '+', '+', '-', 'c', 'c', 'c', 'f'}) {
    io.AddInputCharacter(c);
    h.frame(draw);
    worst = std::max(worst, ui.frame_ms);
  }
  h.frame(draw);
  io.AddInputCharacter('f');
  io.AddInputCharacter('p');
  h.frame(draw);
  // Each inspector tab, by clicking its label: find them by drawing with the tab forced.
  return worst;
}

void save_png(Ui& ui, const std::string& name) {
  std::vector<unsigned char> png;
  ASSERT_TRUE(figure_png(ui, png));
  std::ofstream(artifacts() + "/" + name, std::ios::binary).write(reinterpret_cast<const char*>(png.data()), png.size());
}

}  // namespace

TEST(Windows, HandMadeTracesEveryStepEveryMode) {
  for (auto make : {uitest::mlockall_trace, uitest::mlock_trace, uitest::fork_pressure_trace}) {
    Headless h;
    Ui ui;
    ui.setup_fonts();
    h.build_atlas();
    ui.set_trace(std::make_shared<const Trace>(make()), "fixture");
    double worst = exercise(h, ui, 1280, 800);
    std::printf("[bench] %s: worst frame %.2f ms (native, headless)\n", ui.trace->meta.title.c_str(), worst);
    // Compact layouts: phone and embed.
    ui.embed = true;
    exercise(h, ui, 1280, 800);
    ui.embed = false;
    ImGui::GetIO().DisplaySize = ImVec2(390, 780);
    exercise(h, ui, 390, 780);
  }
}

// Predict-then-reveal: the step's effect stays hidden until the quiz is answered.
TEST(Windows, QuizHidesTheAnswerUntilRevealed) {
  Headless h;
  Ui ui;
  ui.setup_fonts();
  h.build_atlas();
  ui.set_trace(std::make_shared<const Trace>(uitest::mlockall_trace()), "fixture");
  auto draw = [&] { ui.frame(info_of(1280, 800)); };
  ui.go(3);  // figure C carries a quiz
  h.frame(draw);
  ASSERT_TRUE(ui.quiz_pending());
  EXPECT_EQ(ui.shown_step(), 2);
  EXPECT_EQ(ui.view(), ui.view_for(2));
  EXPECT_EQ(ui.narration_text().find("pinned and in RAM") != std::string::npos, true);
  ImGuiIO& io = ImGui::GetIO();
  io.AddInputCharacter('2');
  h.frame(draw);
  EXPECT_TRUE(ui.quiz_pending());  // chosen, not yet revealed
  io.KeysDown[40] = true;
  h.frame(draw);
  io.KeysDown[40] = false;
  h.frame(draw);
  EXPECT_FALSE(ui.quiz_pending());
  EXPECT_EQ(ui.shown_step(), 3);
  EXPECT_EQ(ui.quiz_choice[3], 1);
}

TEST(Windows, InspectorTabsAndSandbox) {
  Headless h;
  Ui ui;
  ui.setup_fonts();
  h.build_atlas();
  ui.set_trace(std::make_shared<const Trace>(uitest::fork_pressure_trace()), "fixture");
  std::string ran;
  ui.hooks.run_sandbox = [&](const std::string& text) { ran = text; };
  auto draw = [&] { ui.frame(info_of(1280, 800)); };
  const char* tabs[] = {"Physical memory & swap", "Page table", "Faults & latency", "Sandbox"};
  h.frame(draw);
  h.frame(draw);
  // Every tab at every step, selected programmatically, with the mouse in the middle.
  for (int tab = 0; tab < 4; ++tab) {
    for (int st = 0; st < ui.steps(); ++st) {
      ui.go(st);
      ui.inspector_tab = tab;
      h.frame(draw);
      ImGuiWindow* iw = ImGui::FindWindowByName("Inspect");
      h.frame(draw, ImVec2(iw->Pos.x + iw->Size.x * 0.5f, iw->Pos.y + iw->Size.y * 0.5f));
    }
    if (tab == 1) {  // page table: click down the range column to expand VMAs into PTE rows
      ImGuiWindow* iw = ImGui::FindWindowByName("Inspect");
      float lh = ImGui::GetFrameHeight();
      for (int k = 2; k < 12; k += 3) {
        ImVec2 p(iw->Pos.x + 30, iw->Pos.y + lh * (2.5f + k));
        h.frame(draw, p, true);
        h.frame(draw, p, false);
      }
      for (int f = 0; f < 3; ++f) h.frame(draw);
    }
    std::vector<unsigned char> png;
    ASSERT_TRUE(frame_png(1.0f, png));
    std::ofstream(artifacts() + "/ui-inspect-" + std::to_string(tab) + ".png", std::ios::binary)
        .write(reinterpret_cast<const char*>(png.data()), png.size());
  }
  // Selecting tabs: ImGui remembers the selected tab; force by a click at each label.
  ImGuiWindow* w = ImGui::FindWindowByName("Inspect");
  float x = w->Pos.x + 20;
  for (int i = 0; i < 4; ++i) {
    ImVec2 p(x, w->Pos.y + ImGui::GetFrameHeight() * 0.5f + 2);
    h.frame(draw, p, true);
    h.frame(draw, p, false);
    for (int s = 0; s < ui.steps(); ++s) { ui.go(s); h.frame(draw, ImVec2(w->Pos.x + w->Size.x * 0.5f, w->Pos.y + w->Size.y * 0.5f)); }
    x += ImGui::CalcTextSize(tabs[i]).x + ImGui::GetStyle().FramePadding.x * 2 + ImGui::GetStyle().ItemInnerSpacing.x;
  }
  // Sandbox source generation is plain C.
  std::string src = sandbox_source({"p1 = malloc(1048576);", "mlockall(MCL_CURRENT);"}, OsKind::Linux);
  EXPECT_NE(src.find("int main(int argc, char *argv[])"), std::string::npos);
  EXPECT_NE(src.find("mlockall(MCL_CURRENT);"), std::string::npos);
}

TEST(Windows, FigurePngsAndFrameTimeAtFullScale) {
  Headless h(1600, 900);
  Ui ui;
  ui.setup_fonts();
  h.build_atlas();
  std::string saved;
  ui.hooks.save_file = [&](const std::string& n, const std::string&, const std::vector<unsigned char>& b) {
    saved = n;
    EXPECT_GT(b.size(), 1000u);
    return n;
  };
  auto draw = [&] { ui.frame(info_of(1600, 900)); };
  ui.set_trace(std::make_shared<const Trace>(uitest::mlockall_trace()), "mlockall-fixture");
  const char* names[] = {"ui-fixture-mlockall-A.png", "", "ui-fixture-mlockall-B.png", "ui-fixture-mlockall-C.png", ""};
  double sum = 0, worst = 0;
  int n = 0;
  for (int s = 0; s < ui.steps(); ++s) {
    ui.go(s);
    for (int f = 0; f < 3; ++f) h.frame(draw);
    for (int f = 0; f < 30; ++f) {
      h.frame(draw, ImVec2(ui.fig_x + ui.fig_w * 0.4f, ui.fig_y + ui.fig_h * (0.2f + f * 0.02f)));
      sum += ui.frame_ms;
      worst = std::max(worst, ui.frame_ms);
      ++n;
    }
    ui.quiz_revealed.insert(s);  // the figure itself, not the "predict first" view
    h.frame(draw);
    if (*names[s]) {
      save_png(ui, names[s]);
      std::vector<unsigned char> png;
      ASSERT_TRUE(frame_png(1.0f, png));
      std::ofstream(artifacts() + "/full-" + names[s], std::ios::binary).write(reinterpret_cast<const char*>(png.data()), png.size());
    }
  }
  std::printf("[bench] full tutorial scale (125,000 pages), native headless: mean %.3f ms, worst %.3f ms per frame\n",
              sum / n, worst);
  ui.export_png_requested = true;
  h.frame(draw);
  EXPECT_FALSE(saved.empty());
  // The other looks, for people to inspect: presenter, palettes, phone.
  auto full = [&](const char* name, float w, float hh) {
    ImGui::GetIO().DisplaySize = ImVec2(w, hh);
    auto d = [&] { ui.frame(info_of(w, hh)); };
    for (int f = 0; f < 3; ++f) h.frame(d);
    std::vector<unsigned char> png;
    ASSERT_TRUE(frame_png(1.0f, png));
    std::ofstream(artifacts() + "/" + name, std::ios::binary).write(reinterpret_cast<const char*>(png.data()), png.size());
  };
  ui.go(2);
  ui.presenter = true;
  full("ui-full-presenter-B.png", 1600, 900);
  ui.presenter = false;
  ui.palette = PaletteKind::HighContrast;
  apply_style(ui.palette);
  full("ui-full-high-contrast-B.png", 1600, 900);
  ui.palette = PaletteKind::ColorBlind;
  apply_style(ui.palette);
  full("ui-full-colorblind-B.png", 1600, 900);
  ui.palette = PaletteKind::Standard;
  apply_style(ui.palette);
  full("ui-full-phone-B.png", 390, 780);
  ui.embed = true;
  full("ui-full-embed-B.png", 800, 600);
  ui.embed = false;
  ui.figure_only = true;
  ui.presenter = true;
  full("ui-full-figure-only-presenter-B.png", 1600, 900);
  ui.figure_only = false;
  ui.presenter = false;
  ImGui::GetIO().DisplaySize = ImVec2(1600, 900);
  ui.set_trace(std::make_shared<const Trace>(uitest::mlock_trace()), "mlock-fixture");
  for (int s = 0; s < 2; ++s) {
    ui.go(s);
    for (int f = 0; f < 3; ++f) h.frame(draw);
    save_png(ui, s == 0 ? "ui-fixture-mlock-A.png" : "ui-fixture-mlock-B.png");
  }
}

#ifdef PP_HAVE_LESSONS
// The Linux/QNX switch on a lesson that allows both (a copy of the mlock lesson, opened
// by path as the desktop allows): re-runs it on the other personality, keeps the step.
TEST(Windows, OsSwitchRerunsTheLesson) {
  const BuiltinLesson* les = nullptr;
  for (const auto& b : builtin_lessons())
    if (b.id.find("mlock") != std::string::npos && b.id.find("mlockall") == std::string::npos) les = &b;
  if (!les) GTEST_SKIP() << "no mlock lesson";
  std::string text = les->text;
  auto at = text.find("os=linux");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 8, "os=both");
  std::string path = std::filesystem::temp_directory_path() / "pinpages-ui-both.c";
  std::ofstream(path) << text;
  Headless h;
  AppUi app;
  StartOptions so;
  so.lesson = path;
  so.step = 2;
  app.start(so);
  h.build_atlas();
  FrameInfo fi = info_of(1280, 800);
  for (int f = 0; f < 3; ++f) h.frame([&] { app.frame(fi); });
  std::string st = pp_ui_state();
  ASSERT_NE(st.find("\"os\":\"linux\""), std::string::npos) << st.substr(0, 300);
  pp_ui_os("qnx");
  for (int f = 0; f < 3; ++f) h.frame([&] { app.frame(fi); });
  st = pp_ui_state();
  EXPECT_NE(st.find("\"os\":\"qnx\""), std::string::npos) << st.substr(0, 300);
  EXPECT_NE(st.find("\"step\":2,"), std::string::npos) << st.substr(0, 300);
  // The hook's state is one valid JSON object with the engine's step JSON inside.
  nlohmann::json j = nlohmann::json::parse(st);
  EXPECT_EQ(j["step"], 2);
  EXPECT_TRUE(j["step_json"].is_object());
  EXPECT_TRUE(j["objects"].is_array());
  EXPECT_GT(j["figure_rect"]["w"].get<double>(), 100.0);
  std::filesystem::remove(path);
}

// Whatever the sandbox buttons write must be C the interpreter runs.
TEST(Sandbox, GeneratedProgramsRun) {
  std::vector<std::string> lines = {"p1 = malloc(1048576);", "memset(p1, 1, 1048576);", "mlock(p1 + 4096, 8192);",
                                    "munlock(p1 + 4096, 8192);", "mlockall(MCL_CURRENT | MCL_FUTURE);",
                                    "//@ pressure 64M", "fork();  /* both processes run the lines below */",
                                    "free(p1);", "munlockall();", "exec", "p2 = malloc(4096);", "mlockall(MCL_FUTURE);"};
  std::string src = sandbox_source(lines, OsKind::Linux);
  Trace t = run_lesson("sandbox.c", src);
  EXPECT_TRUE(t.errors.empty()) << (t.errors.empty() ? "" : t.errors.front().format()) << "\n" << src;
  EXPECT_GT(t.steps.size(), 8u);
  // A literal address (a range picked outside any sandbox pointer).
  Trace t2 = run_lesson("sandbox.c", sandbox_source({"p1 = malloc(65536);", "mlock((void *)0x1000, 4096);"}, OsKind::Linux));
  EXPECT_TRUE(t2.errors.empty()) << (t2.errors.empty() ? "" : t2.errors.front().format());

  // Drawn: the sandbox tab over its own run, range picked by shift-dragging the figure.
  Headless h;
  Ui ui;
  ui.setup_fonts();
  h.build_atlas();
  ui.hooks.run_sandbox = [&](const std::string& text) {
    auto tr = std::make_shared<const Trace>(run_lesson("sandbox.c", text));
    ui.set_trace(tr, "sandbox");
    ui.go(ui.steps() - 3);  // before return 0 / exit
  };
  ui.sandbox_lines = {"p1 = malloc(8388608);", "memset(p1, 1, 8388608);", "mlock(p1 + 4096, 1048576);", "fork();  /* both processes run the lines below */"};
  ui.hooks.run_sandbox(sandbox_source(ui.sandbox_lines, OsKind::Linux));
  auto draw = [&] { ui.frame(info_of(1280, 800)); };
  ui.inspector_tab = 3;
  for (int f = 0; f < 3; ++f) h.frame(draw);
  ImGuiIO& io = ImGui::GetIO();
  io.KeyShift = true;
  ImVec2 a(ui.fig_x + ui.fig_w * 0.2f, ui.fig_y + ui.fig_h * 0.75f), b(a.x, a.y - 30);
  h.frame(draw, a, true);
  h.frame(draw, b, true);
  h.frame(draw, b, false);
  io.KeyShift = false;
  EXPECT_TRUE(ui.selection.valid());
  for (int f = 0; f < 2; ++f) h.frame(draw);
  std::vector<unsigned char> png;
  ASSERT_TRUE(frame_png(1.0f, png));
  std::ofstream(artifacts() + "/ui-sandbox.png", std::ios::binary).write(reinterpret_cast<const char*>(png.data()), png.size());
}

// The real thing: AppUi over every builtin lesson, every step, through the contract API.
TEST(Windows, EveryBuiltinLessonEveryStep) {
  Headless h;
  AppUi app;
  StartOptions so;
  app.start(so);  // adds presenter fonts before the atlas is built
  h.build_atlas();
  FrameInfo fi = info_of(1280, 800);
  ImGuiIO& io = ImGui::GetIO();
  for (const auto& les : builtin_lessons()) {
    so.lesson = les.id;
    so.step = 0;
    app.start(so);
    for (int f = 0; f < 2; ++f) h.frame([&] { app.frame(fi); });
    // AppUi has no step getter (contract): count the lesson's steps by running it once.
    Trace t = run_lesson(les.file, les.text);
    ASSERT_TRUE(t.errors.empty()) << les.id << ": " << t.errors.front().format();
    int n = static_cast<int>(t.steps.size());
    int guard = 0;
    auto shot = [&](int step) {
      if (!t.steps[step].figure) return;
      if (t.steps[step].quiz) {  // answer it from the keyboard, as a student would
        io.AddInputCharacter('1');
        h.frame([&] { app.frame(fi); });
        io.KeysDown[40] = true;
        h.frame([&] { app.frame(fi); });
        io.KeysDown[40] = false;
      }
      for (int f = 0; f < 2; ++f) h.frame([&] { app.frame(fi); });
      std::vector<unsigned char> png;
      ASSERT_TRUE(frame_png(1.0f, png));
      std::string name = artifacts() + "/ui-lesson-" + les.id + "-" + *t.steps[step].figure + ".png";
      std::ofstream(name, std::ios::binary).write(reinterpret_cast<const char*>(png.data()), png.size());
    };
    shot(0);
    for (; guard < n; ++guard) {  // step with the → key through the whole lesson
      io.KeysDown[79] = true;
      h.frame([&] { app.frame(fi); }, ImVec2(300, 400));
      io.KeysDown[79] = false;
      h.frame([&] { app.frame(fi); }, ImVec2(300, 500));
      shot(std::min(guard + 1, n - 1));
    }
    std::printf("[lesson] %s: %d steps drawn\n", les.id.c_str(), guard);
    // The JS hook's view of the same state (web_bridge.cpp's exported function).
    std::string st = pp_ui_state();
    EXPECT_NE(st.find("\"presenter\":false"), std::string::npos) << st.substr(0, 400);
    EXPECT_NE(st.find("\"step\":" + std::to_string(n - 1) + ","), std::string::npos) << st.substr(0, 400);
    if (t.meta.allows_qnx && t.meta.allows_linux) {  // the Linux/QNX switch re-runs the lesson
      std::string other = t.meta.machine.os == OsKind::Qnx ? "linux" : "qnx";
      pp_ui_os(other.c_str());
      for (int f = 0; f < 3; ++f) h.frame([&] { app.frame(fi); });
      st = pp_ui_state();
      EXPECT_NE(st.find("\"os\":\"" + other + "\""), std::string::npos) << les.id << " " << st.substr(0, 300);
      EXPECT_NE(st.find("\"step\":" + std::to_string(n - 1)), std::string::npos) << "switch keeps the step";
      std::printf("[lesson] %s: switched to %s\n", les.id.c_str(), other.c_str());
    }
  }
}
#endif

// The atlas holds only the glyphs listed in src/ui/ui.cpp (each one is rasterized before
// the page's first frame): every character beyond ASCII that the windows write (string
// literals in src/, "\xE2\x86\x92" escapes included) and that a lesson's code shows must
// be among them, or it would draw as '?'.
namespace {
std::vector<std::pair<std::string, unsigned>> drawn_code_points() {
  namespace fs = std::filesystem;
  std::vector<std::pair<std::string, unsigned>> out;  // "file:line", code point
  auto decode = [&](const std::string& bytes, const std::string& where) {
    for (std::size_t i = 0; i < bytes.size();) {
      unsigned char c = bytes[i];
      int n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
      unsigned cp = n == 1 ? c : c & (0xFF >> (n + 1));
      for (int k = 1; k < n && i + k < bytes.size(); ++k) cp = cp << 6 | (bytes[i + k] & 0x3F);
      if (cp > 0x7E) out.push_back({where, cp});
      i += n;
    }
  };
  auto literals = [&](const std::string& line, const std::string& where) {
    std::string bytes;
    bool in = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
      char c = line[i];
      if (!in && c == '/' && i + 1 < line.size() && line[i + 1] == '/') break;  // a comment
      if (!in && c == '\'' && i + 2 < line.size()) { i += line[i + 1] == '\\' ? 3 : 2; continue; }
      if (c == '"') { in = !in; continue; }
      if (!in) continue;
      if (c == '\\' && i + 3 < line.size() && line[i + 1] == 'x' && std::isxdigit(static_cast<unsigned char>(line[i + 2]))) {
        bytes += static_cast<char>(std::stoi(line.substr(i + 2, 2), nullptr, 16));
        i += 3;
      } else if (c == '\\') {
        ++i;
      } else {
        bytes += c;
      }
    }
    decode(bytes, where);
  };
  const fs::path root = PP_SOURCE_DIR;
  for (const char* dir : {"src", "lessons"}) {
    for (const auto& e : fs::recursive_directory_iterator(root / dir)) {
      const std::string ext = e.path().extension().string();
      if (ext != ".cpp" && ext != ".h" && ext != ".c") continue;
      std::ifstream f(e.path());
      std::string line;
      for (int n = 1; std::getline(f, line); ++n) {
        const std::string where = fs::relative(e.path(), root).string() + ":" + std::to_string(n);
        if (std::string(dir) == "lessons") decode(line, where);  // the code view shows all of it
        else literals(line, where);
      }
    }
  }
  return out;
}
}  // namespace

TEST(Windows, EveryCharacterTheWindowsDrawIsInTheAtlas) {
#ifndef PP_FONT_SANS
  GTEST_SKIP() << "no DejaVu fonts in this build";
#else
  Headless h;
  Ui ui;
  ui.setup_fonts();
  h.build_atlas();
  ImFont* sans = ui_font(FontRole::Sans);
  ImFont* mono = ui_font(FontRole::Mono);
  ASSERT_TRUE(sans && mono);
  auto cps = drawn_code_points();
  EXPECT_GT(cps.size(), 50u) << "the scan found too few characters: is PP_SOURCE_DIR right?";
  std::set<unsigned> seen;
  int missing = 0;
  for (const auto& [where, cp] : cps) {
    if (cp == 0xFFFD || !seen.insert(cp).second) continue;
    bool in = sans->FindGlyphNoFallback(static_cast<ImWchar>(cp)) && mono->FindGlyphNoFallback(static_cast<ImWchar>(cp));
    missing += in ? 0 : 1;
    EXPECT_TRUE(in) << where << ": U+" << std::hex << cp << " is not in the atlas (add it to the ranges in src/ui/ui.cpp)";
  }
  std::printf("%zu distinct characters beyond ASCII, %d not in the atlas\n", seen.size(), missing);
#endif
}
