// pinpages UI — internal state shared by the windows (not part of the app contract).
//
//   AppUi (app_ui.cpp, needs pp_lang) ──owns──► Ui ──draws──► address_space.cpp, code_view.cpp, …
//        lesson picker, re-runs, sandbox            │
//        runs, web bridge (hooks below)             └─ reads Trace / Step / Machine snapshot
//
// Ui keeps only what the person chose (current step, zoom, pan, toggles, quiz answers);
// every window rebuilds its picture from the current Step each frame. Expensive
// derivations (page runs, frame grid, time series) are cached per step index, so a
// frame costs what is visible, not what the machine holds.
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "engine/text.h"
#include "engine/trace.h"
#include "real/latency_record.h"
#include "ui/app_ui.h"
#include "ui/palette.h"
#include "ui/view_model.h"

struct ImFont;

namespace pp::ui {

// What the mouse is on, shared so the address-space and physical windows can point
// at each other ("this page lives in that frame").
struct Hover {
  int pid = 0;
  u64 vaddr = 0, npages = 0;  // page range under the mouse (a cell may hold several)
  int frame = -1, slot = -1;  // resolved frame / swap slot of the first page
  bool active() const { return pid != 0 || frame >= 0 || slot >= 0; }
};

// A range dragged on the diagram (for the sandbox's mlock/munlock/touch).
struct Selection {
  int pid = 0;
  u64 start = 0, end = 0;  // [start, end) page aligned
  bool valid() const { return pid != 0 && end > start; }
};

// A rectangle in screen pixels (CSS pixels on the web).
struct Rect {
  float x = 0, y = 0, w = 0, h = 0;
};

// A text the address-space figure drew, where (state().figure_labels).
struct FigureLabel {
  std::string text;
  float x = 0, y = 0, w = 0, h = 0;
};

struct Hooks {  // filled by AppUi; empty in tests that draw a hand-made trace
  std::function<void(const std::string& id)> open_lesson;
  std::function<void(OsKind)> set_os;
  std::function<void(bool on)> fullscreen;  // the platform's full screen, with figure-only
  std::function<void(const std::string& text)> run_sandbox;  // run a sandbox source
  std::function<std::string(const Step&)> step_json;         // engine's JSON of a step
  std::vector<std::pair<std::string, std::string>> lessons;  // (id, title) for the picker
  // Download on the web, a file in the working directory natively. Returns where it went.
  std::function<std::string(const std::string& name, const std::string& mime,
                             const std::vector<unsigned char>& bytes)> save_file;
  std::function<void()> copy_link;  // permalink to the clipboard (web) / stdout (desktop)
  // Opens/closes the program editor: the desktop's window, or the page's panel (web/editor.js).
  std::function<void()> edit_program;
  std::string edit_program_label = "Edit program (Ctrl+E)";
  std::function<void()> open_recording;  // the page's file picker for a recording (web/recordings.js)
};

// The UI's fonts, loaded in one place: DejaVu Sans and Sans Mono with the glyphs the
// windows draw (✓ ✗ ▶ ≤ …), at base_px and at 1.75× for presenter mode. The platform
// loads the base ones at its raster scale before ImGui builds the atlas; the windows find
// them by role. False when a font file is missing (ImGui's own font is used then).
// Presenter mode's larger pair doubles the atlas (rasterized and uploaded before the first
// frame can show), so it is added when presenter mode is first used: load_big_fonts(),
// between two frames (AppUi::add_wanted_fonts); until then ui_font(SansBig) is null.
enum class FontRole { Sans, Mono, SansBig, MonoBig };
bool load_fonts(float base_px);
bool load_big_fonts();        // at 1.75× the loaded Sans; false when added already or no Sans
ImFont* ui_font(FontRole r);  // null when not loaded
// Sans or Mono at the size the mode draws: the big one in presenter mode once it is
// loaded, the base one until then (and otherwise). Null when neither is loaded.
ImFont* mode_font(FontRole base, bool presenter);

class Ui {
 public:
  Ui();
  ~Ui();

  // Loads the fonts (load_fonts, load_big_fonts) if the platform has not, at the size of
  // the font in the atlas (headless tests add one), before the backend uploads it.
  void setup_fonts();
  // Presenter mode is on and its fonts are not in the atlas yet.
  bool wants_big_fonts() const;
  void set_trace(std::shared_ptr<const Trace> t, const std::string& lesson_id);
  void frame(const FrameInfo& info);  // all windows + keyboard

  // --- the run being browsed
  std::shared_ptr<const Trace> trace;
  std::string lesson_id;
  OsKind os = OsKind::Linux;
  int step = 0;
  int steps() const { return trace ? static_cast<int>(trace->steps.size()) : 0; }
  const Step* cur() const;
  const Step* prev() const;  // the step before the current one (or null)
  // Predict-then-reveal: while the current step's quiz is unanswered, the diagrams show
  // the state before the step (its effect is the answer). shown() is what they draw.
  bool quiz_pending() const;
  int shown_step() const { return quiz_pending() ? step - 1 : step; }
  const Step* shown() const { return trace && steps() ? &trace->at(std::clamp(shown_step(), 0, steps() - 1)) : nullptr; }
  void go(int s);            // clamps; stops at nothing
  int find_next(bool forward, const std::function<bool(const Step&)>& pred) const;

  // --- view settings
  float zoom = 1.0f;      // vertical detail of the address-space figure
  bool fit = true;        // zoom follows the window so the whole figure shows
  bool show_kernel_pages = false;  // [vvar] / [vdso] in the figure
  int inspector_tab = -1;          // request: select this inspector tab next frame
  float pan_y = 0.0f;     // pixels scrolled in the figure
  bool playing = false;
  float speed = 2.0f;     // steps per second
  double play_accum = 0;
  bool presenter = false;
  PaletteKind palette = PaletteKind::Standard;
  bool embed = false;
  bool figure_only = false;  // F: the figure fills the screen
  bool select_drag = false;  // plain drag on the figure picks a range (sandbox) instead of panning
  bool show_sandbox = false, show_page_table = true, show_physical = true, show_faults = true;
  std::set<int> breakpoints;          // 1-based source lines
  std::map<int, int> quiz_choice;     // step index -> chosen answer (of the open lesson)
  std::set<int> quiz_revealed;
  struct Answers { std::map<int, int> choice; std::set<int> revealed; };
  std::map<std::string, Answers> answers_of;  // other lessons' answers, kept for coming back
  bool show_annotations = false;      // code pane: the //@ teaching lines (for lesson authors)
  bool show_keys = false;             // the `?` overlay listing the keys
  bool keyboard_nav = false;          // Tab: keys move a visible focus between controls
  bool nav_enter = false;             // focus the controls on the next frame
  int nav_tab = 0;                    // Tab (+1) / Shift+Tab (-1) to apply to the focus
  int nav_focus = -1;                 // index in tab_ids of the focused control, -1 none
  std::vector<unsigned> tab_ids;      // the controls' ImGui ids, in Tab order
  std::string notice;                 // a problem worth telling the person (bad link, …)
  // Where the quiz was drawn (screen pixels) and whether all of it fitted.
  float quiz_x = 0, quiz_y = 0, quiz_w = 0, quiz_h = 0;
  bool quiz_fits = true;
  float controls_h = 0;               // what the controls needed last frame (they wrap)
  bool controls_fit = true;           // ... and whether they got it
  Hover hover, hover_next;            // last frame's hover (drawn) / this frame's (being found)
  Selection selection;
  bool quit = false;
  float deadline_us = 100.0f;         // faults window: the real-time loop's deadline
  // Real touch latencies (a recording's or a live measurement's) for the faults window's
  // chart, and where they come from ("recorded on kvm, Linux 6.1 …"); null: none.
  std::shared_ptr<const rec::LatencyRecord> latency;
  std::string latency_source;

  // --- sandbox
  std::vector<std::string> sandbox_lines;
  std::string sandbox_error;

  // --- figure geometry, for the PNG export and the web hook (screen pixels)
  float fig_x = 0, fig_y = 0, fig_w = 0, fig_h = 0;
  float figwin_x = 0, figwin_y = 0, figwin_w = 0, figwin_h = 0;  // the figure's window (title, legend)
  std::vector<FigureLabel> figure_labels;  // every text drawn on the figure this frame
  Rect legend_rect, toolbar_rect;           // the figure's legend, the controls window
  Rect edit_button_rect, recording_button_rect;  // where those buttons were drawn (empty if not)
  // A window floating over the controls' top-right corner (desktop: the Model / Kernel /
  // Side-by-side switch), in screen pixels: rows of controls beside it end before it.
  float reserve_w = 0, reserve_bottom = 0;
  bool export_png_requested = false;
  std::string figure_title;  // lesson · step · OS, the figure window's title bar
  std::string last_export;  // path or message shown in the controls

  // --- frame timing (CPU time inside frame())
  double frame_ms = 0, frame_ms_avg = 0, frame_ms_max = 0;

  // --- per-step caches
  const StepView* view_for(int s);           // page runs of step s (null without snapshot)
  const StepView* view() { return view_for(shown_step()); }
  // A per-window cache slot, dropped whenever the trace changes.
  template <class T> T& slot(const char* name) {
    auto& p = slot_raw(name);
    if (!p) p = std::make_shared<T>();
    return *static_cast<T*>(p.get());
  }
  std::shared_ptr<void>& slot_raw(const char* name);
  int trace_gen = 0;  // bumps on every set_trace(): caches compare it
  Hooks hooks;
  FrameInfo info;
  const Palette& pal() const { return palette_of(palette); }
  float scale() const;  // cell/line scale from presenter mode and font size
  ImFont* mono_font() const;
  std::string status_line;  // one line shown by the controls (errors, "copied link")

  // Set by the windows when the step changes so the web bridge can narrate it.
  int narrated_step = -1;
  std::string narration_text() const;

 private:
  struct Cache;
  std::unique_ptr<Cache> cache_;
  void keyboard();
  void layout_and_draw();
  friend struct UiAccess;
};

// Windows (one file each). Each draws its contents into the current ImGui window;
// ui.cpp owns the windows, tabs and tiling (so presenter/embed/phone layouts are one place).
void draw_address_space(Ui& ui);
void draw_physical(Ui& ui);
void draw_page_table(Ui& ui);
void draw_code(Ui& ui);
void draw_narration(Ui& ui);
void draw_faults(Ui& ui);
void draw_latency_chart(Ui& ui);  // real touch latencies (ui.latency), in the faults window
void draw_controls(Ui& ui, bool compact);
void draw_quiz(Ui& ui);  // nothing when the step has no quiz
// Height the quiz needs at `width` (0 without a quiz), so layouts can make room for it.
float quiz_height(Ui& ui, float width);
void draw_keys_overlay(Ui& ui);  // the `?` list of keys
void draw_sandbox(Ui& ui);

// Text helpers shared by windows.
// human_bytes, human_kb, grouped: engine/text.h.
std::string hex_addr(u64 a);          // "0x7f3a…" without leading zero padding
std::string what_changed(const Step& s, const Step* prev);  // "+125,000 pages locked, 0 faults"
std::string call_result(const Step& s);                     // "= 0" / "= -1 ENOMEM (…)"
std::string count_of(u64 n, const char* one, const char* many);  // "1 page", "3 pages"
// Which thread ran a step (threads.cpp): index 0 is the main thread, k the k-th one
// pthread_create made; `threaded` when the program has threads at all.
struct ThreadShown { int tid = 0, index = 0; bool threaded = false; };
ThreadShown thread_shown(const Trace* t, const Step& s);
std::string thread_words(const ThreadShown& th);  // "thread 1 (tid 1001) runs", "" without threads
std::string quiz_verdict(const Quiz& q, int choice);        // what a screen reader hears after Reveal

// Software rasterizer for PNG export (raster.cpp): renders a rectangle of the current
// frame's draw data into RGBA using the font atlas's CPU copy. Works without any GPU,
// so tests and the web page can export the figure the same way.
bool rasterize_window(const char* window_name, float x, float y, float w, float h, float scale,
                      std::vector<unsigned char>& rgba, int& out_w, int& out_h);
bool encode_png(const std::vector<unsigned char>& rgba, int w, int h, std::vector<unsigned char>& png);
// The address-space window of the frame just drawn, as PNG (call after Ui::frame()).
bool figure_png(Ui& ui, std::vector<unsigned char>& png);
// Every window of the frame just rendered (after ImGui::Render()), as PNG.
bool frame_png(float scale, std::vector<unsigned char>& png);
std::string sandbox_source(const std::vector<std::string>& lines, OsKind os);

}  // namespace pp::ui
