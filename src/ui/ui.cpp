// Ui: shared state, fonts, keyboard and the frame; the tiling of the windows is in
// layout.cpp.
#include "ui/ui.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "imgui.h"

namespace pp::ui {

struct Ui::Cache {
  int gen = -1;
  std::map<int, std::unique_ptr<StepView>> views;  // a few recent steps
  std::vector<int> order;                          // LRU of `views`
  std::map<std::string, std::shared_ptr<void>> slots;
};

Ui::Ui() : cache_(std::make_unique<Cache>()) {}
Ui::~Ui() = default;

std::shared_ptr<void>& Ui::slot_raw(const char* name) {
  if (cache_->gen != trace_gen) {
    cache_->views.clear();
    cache_->order.clear();
    cache_->slots.clear();
    cache_->gen = trace_gen;
  }
  return cache_->slots[name];
}

namespace {
// Fonts are found by the name they are loaded under, not by their place in the atlas
// (a platform or a test may add its own before them).
constexpr const char* kFontNames[] = {"pp-sans", "pp-mono", "pp-sans-big", "pp-mono-big"};

constexpr float kBigFontScale = 1.75f;

// Sans and Mono (kFontNames[first], [first + 1]) at px. Every glyph listed is rasterized
// and uploaded before the page's first frame can show, so the arrows and shapes are the
// ones the windows and lessons use and their neighbours, not whole Unicode blocks (all
// 112 arrows and 96 shapes were 48% of the atlas). Windows.EveryCharacterTheWindowsDraw-
// IsInTheAtlas (tests/ui) finds any character the sources draw that is missing here.
bool add_font_pair(int first, float px) {
  ImFontAtlas* at = ImGui::GetIO().Fonts;
  static const ImWchar ranges[] = {
      0x0020, 0x00FF,  // Latin-1
      0x2010, 0x2027,  // dashes, quotes, bullet, ellipsis
      0x2190, 0x2199,  // arrows: ← ↑ → ↓ ↔ ↕ and the diagonals
      0x21D0, 0x21D5,  // ⇐ ⇑ ⇒ ⇓ ⇔ ⇕
      0x2212, 0x2212,  // minus
      0x2248, 0x2248,  // ≈
      0x2264, 0x2265,  // ≤ ≥
      0x23F8, 0x23FA,  // ⏸ ⏹ ⏺
      0x25A0, 0x25A1,  // geometric shapes: ■ □
      0x25AA, 0x25AB,  // ▪ ▫
      0x25B2, 0x25B3,  // ▲ △
      0x25B6, 0x25B7,  // ▶ ▷
      0x25BA, 0x25BD,  // ► ▻ ▼ ▽
      0x25C0, 0x25C1,  // ◀ ◁
      0x25C4, 0x25C6,  // ◄ ◅ ◆
      0x25CB, 0x25CF,  // ○ ◌ ◍ ◎ ●
      0x2713, 0x2717,  // ✓ ✗
      0,
  };
#if defined(PP_FONT_SANS) && defined(PP_FONT_MONO)
  const char* files[2] = {PP_FONT_SANS, PP_FONT_MONO};
  bool all = true;
  for (int i = first; i < first + 2; ++i) {
    const char* f = files[i & 1];
    if (FILE* probe = std::fopen(f, "rb")) std::fclose(probe);
    else { all = false; continue; }
    ImFontConfig cfg;
    cfg.OversampleH = 2;
    std::snprintf(cfg.Name, sizeof cfg.Name, "%s", kFontNames[i]);
    at->AddFontFromFileTTF(f, px, &cfg, ranges);
  }
  return all;
#else
  (void)ranges;
  (void)at;
  (void)px;
  (void)first;
  return false;
#endif
}

// The atlas's own list of configs: ImFont::ConfigData is only set when the atlas is
// built, and a font added since then must be found too (or it would be added twice).
const ImFontConfig* font_config(FontRole r) {
  if (!ImGui::GetCurrentContext()) return nullptr;
  const char* want = kFontNames[static_cast<int>(r)];
  for (const ImFontConfig& c : ImGui::GetIO().Fonts->ConfigData)
    if (!c.MergeMode && std::strcmp(c.Name, want) == 0) return &c;
  return nullptr;
}
}  // namespace

bool load_fonts(float base_px) { return add_font_pair(0, base_px); }

bool load_big_fonts() {
  const ImFontConfig* sans = font_config(FontRole::Sans);
  if (!sans || font_config(FontRole::SansBig)) return false;
  return add_font_pair(2, sans->SizePixels * kBigFontScale);
}

ImFont* ui_font(FontRole r) {
  const ImFontConfig* c = font_config(r);
  return c ? c->DstFont : nullptr;
}

ImFont* mode_font(FontRole base, bool presenter) {
  const FontRole big = base == FontRole::Mono ? FontRole::MonoBig : FontRole::SansBig;
  ImFont* f = presenter ? ui_font(big) : nullptr;
  return f ? f : ui_font(base);
}

void Ui::setup_fonts() {
  ImFontAtlas* at = ImGui::GetIO().Fonts;
  // Once the backend has uploaded the atlas, only the platform may change it (between
  // frames, with a new upload: AppUi::add_wanted_fonts).
  if (ui_font(FontRole::Sans) || at->TexID != nullptr || at->Locked || at->Fonts.Size == 0) return;
  // At the raster size of the font already there (× devicePixelRatio): FontSize is only
  // known after a build, the config has it before.
  load_fonts(at->ConfigData.Size > 0 ? at->ConfigData[0].SizePixels : 16.0f);
  load_big_fonts();
}

bool Ui::wants_big_fonts() const { return presenter && ui_font(FontRole::Sans) && !ui_font(FontRole::SansBig); }

ImFont* Ui::mono_font() const {
  if (ImFont* f = mode_font(FontRole::Mono, presenter)) return f;
  ImGuiIO& io = ImGui::GetIO();
  return io.Fonts->Fonts.Size > 1 ? io.Fonts->Fonts[1] : nullptr;
}

float Ui::scale() const { return ImGui::GetFontSize() / 16.0f; }

void Ui::set_trace(std::shared_ptr<const Trace> t, const std::string& id) {
  if (id != lesson_id) {
    // Another lesson: it starts at its beginning with its own answers (kept per lesson,
    // so coming back to a lesson finds its quizzes as they were left).
    answers_of[lesson_id] = Answers{std::move(quiz_choice), std::move(quiz_revealed)};
    Answers& a = answers_of[id];
    quiz_choice = std::move(a.choice);
    quiz_revealed = std::move(a.revealed);
    answers_of.erase(id);
    step = 0;
    playing = false;
  }
  trace = std::move(t);
  lesson_id = id;
  ++trace_gen;
  if (trace) os = trace->meta.machine.os;
  step = std::clamp(step, 0, std::max(0, steps() - 1));
  pan_y = 0;
  hover = hover_next = Hover{};
  selection = Selection{};
  narrated_step = -1;
}

const Step* Ui::cur() const {
  if (!trace || trace->steps.empty()) return nullptr;
  return &trace->at(std::clamp(step, 0, steps() - 1));
}
const Step* Ui::prev() const {
  if (!trace || step <= 0 || step >= steps()) return nullptr;
  return &trace->at(step - 1);
}

bool Ui::quiz_pending() const {
  const Step* s = cur();
  return s && s->quiz && step > 0 && !quiz_revealed.count(step);
}

void Ui::go(int s) {
  int n = steps();
  step = n == 0 ? 0 : std::clamp(s, 0, n - 1);
}

int Ui::find_next(bool forward, const std::function<bool(const Step&)>& pred) const {
  for (int i = step + (forward ? 1 : -1); i >= 0 && i < steps(); i += forward ? 1 : -1)
    if (pred(trace->steps[i])) return i;
  return -1;
}

const StepView* Ui::view_for(int s) {
  slot_raw("");  // drops caches if the trace changed
  if (!trace || s < 0 || s >= steps()) return nullptr;
  const Step& st = trace->at(s);
  if (!st.machine) return nullptr;
  auto& c = *cache_;
  auto it = c.views.find(s);
  if (it == c.views.end()) {
    it = c.views.emplace(s, std::make_unique<StepView>(build_step_view(*st.machine, &st))).first;
    c.order.push_back(s);
    if (c.order.size() > 6) {  // keep the current, previous and a few recently visited
      c.views.erase(c.order.front());
      c.order.erase(c.order.begin());
    }
  }
  return it->second.get();
}

std::string Ui::narration_text() const {
  const Step* s = cur();
  if (!s) return "";
  std::string t = notice.empty() ? "" : notice + " ";
  t += "Step " + std::to_string(step) + " of " + std::to_string(steps() - 1) + ". ";
  if (quiz_pending()) {
    t += "Line " + std::to_string(s->line) + ": " + s->source + ". Predict before you look: " + s->quiz->question;
    for (size_t i = 0; i < s->quiz->choices.size(); ++i)
      t += " Answer " + std::to_string(i + 1) + ": " + s->quiz->choices[i] + ".";
    return t + " Type the answer's number, then Enter.";
  }
  if (s->quiz && quiz_revealed.count(step)) {
    auto it = quiz_choice.find(step);
    t += quiz_verdict(*s->quiz, it == quiz_choice.end() ? -1 : it->second) + " ";
  }
  if (s->figure) t += std::string("Figure ") + *s->figure + ": " + s->figure_caption + " ";
  if (const std::string th = thread_words(thread_shown(trace.get(), *s)); !th.empty()) t += "In process " + std::to_string(s->pid) + ", " + th + ". ";
  if (!s->source.empty()) t += "Line " + std::to_string(s->line) + ": " + s->source + " ";
  if (!s->call.empty()) t += call_result(*s) + ". ";
  if (!s->say.empty()) t += s->say + " ";
  t += what_changed(*s, prev());
  return t;
}

// ------------------------------------------------------------------ keyboard
void Ui::keyboard() {
  ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput) return;  // typing in the sandbox
  // No auto-repeat: one press is one step, however slow the frames are (a software-GL
  // browser can take longer than the repeat delay per frame). Play is for running on.
  auto pressed = [&](ImGuiKey_ k) {
    int idx = ImGui::GetKeyIndex(k);
    return idx >= 0 && ImGui::IsKeyPressed(idx, false);
  };
  if (keyboard_nav) {
    bool popup = ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId | ImGuiPopupFlags_AnyPopupLevel);
    if ((pressed(ImGuiKey_Escape) && !popup) || ImGui::IsMouseClicked(0)) keyboard_nav = false;
    if (pressed(ImGuiKey_Tab) && !popup) nav_tab = io.KeyShift ? -1 : 1;
    for (ImWchar c : io.InputQueueCharacters)
      if (c == '?') show_keys = !show_keys;
    return;  // the widgets have the keys
  }
  if (pressed(ImGuiKey_Tab) && !io.KeyCtrl) {
    keyboard_nav = true;
    nav_enter = true;
    return;
  }
  if (pressed(ImGuiKey_RightArrow)) { playing = false; go(step + 1); }
  if (pressed(ImGuiKey_LeftArrow)) { playing = false; go(step - 1); }
  if (pressed(ImGuiKey_Home)) { playing = false; go(0); }
  if (pressed(ImGuiKey_End)) { playing = false; go(steps() - 1); }
  if (pressed(ImGuiKey_Space)) { playing = !playing && !quiz_pending(); play_accum = 0; }
  if (pressed(ImGuiKey_Escape)) {
    if (show_keys) show_keys = false;
    else if (!notice.empty()) notice.clear();
    else if (figure_only) {
      figure_only = false;
      if (hooks.fullscreen) hooks.fullscreen(false);
    }
  }
  // Quiz from the keyboard: a digit picks an answer, Enter reveals.
  if (const Step* s = cur(); s && s->quiz && !quiz_revealed.count(step)) {
    for (ImWchar c : io.InputQueueCharacters)
      if (c >= '1' && c <= '9' && static_cast<size_t>(c - '1') < s->quiz->choices.size()) quiz_choice[step] = c - '1';
    auto it = quiz_choice.find(step);
    if ((pressed(ImGuiKey_Enter) || pressed(ImGuiKey_KeyPadEnter)) && it != quiz_choice.end() && it->second >= 0)
      quiz_revealed.insert(step);
  }
  // Letters and +/- arrive as characters: independent of keyboard layout and backend.
  for (ImWchar c : io.InputQueueCharacters) {
    switch (c) {
      case 'f': case 'F':
        figure_only = !figure_only;
        if (hooks.fullscreen) hooks.fullscreen(figure_only);
        break;
      case 'p': case 'P': presenter = !presenter; break;
      case '+': case '=': fit = false; zoom = std::min(zoom * 1.25f, 4096.0f); break;
      case '-': case '_': fit = false; zoom = std::max(zoom / 1.25f, 0.05f); break;
      case '0': fit = true; pan_y = 0; break;
      case '?': show_keys = !show_keys; break;
      case 'c': case 'C':
        palette = static_cast<PaletteKind>((static_cast<int>(palette) + 1) % 3);
        apply_style(palette);
        break;
      default: break;
    }
  }
}

// ------------------------------------------------------------------ frame
void Ui::frame(const FrameInfo& fi) {
  auto t0 = std::chrono::steady_clock::now();
  info = fi;
  ImGuiIO& io = ImGui::GetIO();
  // Arrows and Space belong to the stepper, except in keyboard-navigation mode (Tab
  // enters it, Esc or a click leaves it), where ImGui moves a visible focus between the
  // controls and Space/Enter press the focused one.
  if (keyboard_nav) io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  else io.ConfigFlags &= ~ImGuiConfigFlags_NavEnableKeyboard;
  // One press of an arrow moves the focus by one control. ImGui would repeat a held key
  // after KeyRepeatDelay, and a slow frame (software GL, a busy machine) makes a short
  // press look held: in focus mode keys do not repeat (20 controls are a few presses).
  io.KeyRepeatDelay = keyboard_nav ? 1e6f : 0.275f;

  // Presenter mode's font is missing only in the frame that turned it on (the platform
  // adds it before the next one).
  ImFont* font = mode_font(FontRole::Sans, presenter);
  if (font) ImGui::PushFont(font);
  keyboard();

  if (playing && steps() > 0) {
    play_accum += io.DeltaTime * speed;
    while (play_accum >= 1.0 && playing) {
      play_accum -= 1.0;
      // Predict-then-reveal: Play waits at every unanswered quiz for the class to answer.
      if (quiz_pending() || step + 1 >= steps()) { playing = false; break; }
      go(step + 1);
      if (const Step* s = cur(); s && (breakpoints.count(s->line) || quiz_pending())) playing = false;
    }
  }

  hover = hover_next;  // what the mouse found last frame is what we highlight now
  hover_next = Hover{};
  layout_and_draw();
  draw_keys_overlay(*this);
  if (font) ImGui::PopFont();
  if (export_png_requested) {
    // The window's draw list is complete once it has been ended: rasterize it now.
    export_png_requested = false;
    std::vector<unsigned char> png;
    char name[160];
    std::snprintf(name, sizeof name, "pinpages-%s-step%d.png", lesson_id.c_str(), step);
    if (!figure_png(*this, png)) last_export = "PNG export failed";
    else if (hooks.save_file) last_export = hooks.save_file(name, "image/png", png);
  }

  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  frame_ms = ms;
  frame_ms_avg = frame_ms_avg == 0 ? ms : frame_ms_avg * 0.95 + ms * 0.05;
  frame_ms_max = std::max(frame_ms_max * 0.999, ms);
}

// ------------------------------------------------------------------ text helpers
std::string hex_addr(u64 a) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(a));
  return buf;
}

std::string count_of(u64 n, const char* one, const char* many) {
  return grouped(n) + " " + (n == 1 ? one : many);
}

std::string quiz_verdict(const Quiz& q, int choice) {
  std::string t;
  if (choice >= 0 && choice < static_cast<int>(q.choices.size()))
    t = std::string(choice == q.answer ? "Right" : "Not quite") + ": you picked " + std::to_string(choice + 1) + ". ";
  if (q.answer >= 0 && q.answer < static_cast<int>(q.choices.size()))
    t += "The answer is " + std::to_string(q.answer + 1) + ": " + q.choices[q.answer] + ".";
  if (!q.explanation.empty()) t += " " + q.explanation;
  return t;
}

std::string call_result(const Step& s) {
  if (s.call.empty()) return "";
  // A successful exec does not return: the old program, and its next line, are gone.
  if (s.err == 0 && (s.id == lang::BI_execl || s.id == lang::BI_execlp || s.id == lang::BI_execv || s.id == lang::BI_execvp)) return s.call + ": the process now runs the new program (exec does not return)";
  std::string r = s.call + " = ";
  if (s.ret > 0xFFFFFFFFll) r += hex_addr(static_cast<u64>(s.ret));
  else r += std::to_string(s.ret);
  if (s.err) {
    const char* n = errno_name(s.err);
    r += std::string(" ") + (n ? n : "E?") + " (" + errno_text(s.err) + ")";
  }
  return r;
}

std::string what_changed(const Step& s, const Step* prev) {
  u64 locked = 0, unlocked = 0, alloc = 0, freed = 0, out = 0, in = 0, cow = 0;
  int created = 0, exited = 0, execs = 0, ooms = 0;
  for (const Event& e : s.events) {
    switch (e.kind) {
      case EventKind::Lock: locked += e.npages; break;
      case EventKind::Unlock: unlocked += e.npages; break;
      case EventKind::FrameAlloc: alloc += e.npages; break;
      case EventKind::FrameFree: freed += e.npages; break;
      case EventKind::SwapOut: out += e.npages; break;
      case EventKind::SwapIn: in += e.npages; break;
      case EventKind::CowCopy: cow += e.npages; break;
      case EventKind::ProcessCreate: ++created; break;
      case EventKind::ProcessExit: ++exited; break;
      case EventKind::Exec: ++execs; break;
      case EventKind::OomKill: ++ooms; break;
      default: break;
    }
  }
  std::vector<std::string> parts;
  if (locked) parts.push_back("+" + count_of(locked, "page", "pages") + " locked");
  if (unlocked) parts.push_back(count_of(unlocked, "page", "pages") + " unlocked");
  if (alloc) parts.push_back("+" + count_of(alloc, "frame", "frames") + " of RAM");
  if (freed) parts.push_back(count_of(freed, "frame", "frames") + " freed");
  if (out) parts.push_back(count_of(out, "page", "pages") + " swapped out");
  if (in) parts.push_back(count_of(in, "page", "pages") + " swapped in");
  if (cow) parts.push_back(count_of(cow, "copy-on-write copy", "copy-on-write copies"));
  if (created) parts.push_back(count_of(created, "process", "processes") + " created");
  if (exited) parts.push_back(count_of(exited, "process", "processes") + " exited");
  if (execs) parts.push_back("exec replaced the program");
  if (ooms) parts.push_back("OOM killer struck");
  parts.push_back(grouped(s.minflt) + " minor / " +
                  count_of(s.majflt, "major fault", "major faults"));
  // VmLck / VmRSS deltas of the process that ran the step, from the reports.
  auto find = [](const Step* st, int pid) -> const ProcStatus* {
    if (!st) return nullptr;
    for (const auto& p : st->procs)
      if (p.status.pid == pid) return &p.status;
    return nullptr;
  };
  if (const ProcStatus* now = find(&s, s.pid); now && prev) {
    const ProcStatus* was = find(prev, s.pid);
    long long dl = static_cast<long long>(now->vm_lck_kb) - (was ? static_cast<long long>(was->vm_lck_kb) : 0);
    long long dr = static_cast<long long>(now->vm_rss_kb) - (was ? static_cast<long long>(was->vm_rss_kb) : 0);
    auto fmt = [](long long kb) {
      return (kb >= 0 ? "+" : "-") + human_kb(static_cast<u64>(kb < 0 ? -kb : kb));
    };
    const QuantityLabels lb = quantity_labels(s.machine ? s.machine->config().os : OsKind::Linux);
    if (dl) parts.push_back(std::string(lb.lck) + " " + fmt(dl));
    if (dr) parts.push_back(std::string(lb.rss) + " " + fmt(dr));
  }
  std::string r;
  for (size_t i = 0; i < parts.size(); ++i) r += (i ? ", " : "") + parts[i];
  return r;
}

}  // namespace pp::ui
