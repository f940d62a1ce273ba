// AppUi: the contract object the platform drives. Owns the Ui (windows + view state),
// runs lessons into Traces (cached per lesson and OS), feeds the web bridge (hash,
// narration, window.pinpages) and the sandbox.
#include "ui/app_ui.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "engine/annotations.h"
#include "engine/lesson_source.h"
#include "engine/run.h"
#include "imgui.h"
#include "ui/app_state_json.h"
#include "ui/editor.h"
#include "ui/ui.h"
#include "ui/user_program.h"
#include "ui/web_bridge.h"
#ifdef PP_HAVE_REAL_UI
#include "ui/real_view.h"
#endif

namespace pp::ui {

namespace {

std::string url_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string o;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '(' || c == ')' || c == '*' || c == ',') o += static_cast<char>(c);
    else { o += '%'; o += hex[c >> 4]; o += hex[c & 15]; }
  }
  return o;
}

// The RAM and swap sizes a page's program may ask for: the model keeps every frame of
// RAM, so a size far beyond the lessons' (≤ 1G) would only make the tab run out of memory.
constexpr u64 kMinRamBytes = 1ull << 20;
constexpr u64 kMaxMachineBytes = 4ull << 30;

}  // namespace

struct AppUi::Impl final : bridge::Target {
  Ui ui;
  StartOptions opt;
  bool started = false;
  std::map<std::string, std::shared_ptr<const Trace>> traces;  // "id|os"
  std::string cur_text, cur_file;  // source of the open lesson (sandbox: generated)
  int last_step = -1;
  bool last_pending = false, last_revealed = false;
  std::string last_notice;
  std::string last_hash, last_lesson_for_hash;

  std::optional<OsKind> os_pref;
  // The person's own program (lesson id "program"): runs in slices (user_program.h);
  // its link carries the text, packed by the page (bridge::pack).
  UserProgram prog;
  EditorState editor;  // the desktop's editor window (web: web/editor.js)
  std::vector<std::string> prog_args;
  std::string prog_stdin, prog_ram, prog_swap;  // as given, so a link repeats them
  bool awaiting_program = false;  // a link's program is being unpacked by the page
  std::set<std::string> recordings_asked;  // shipped recordings asked of the page (fetched)
  int pack_id = 0;
  std::string pack_pending, packed_text, packed_code;
#ifdef PP_HAVE_REAL_UI
  RealView real;  // desktop only: Model / Real / Side by side (src/ui/real_view.h)
#endif

  bool open(const std::string& want, std::optional<OsKind> os) {
    const auto& all = builtin_lessons();
    // One resolver for links, --lesson and the command line (engine/lesson_source.h).
    std::optional<LessonSource> src;
    if (want.empty() && !all.empty()) src = LessonSource{all.front().id, all.front().file, all.front().text};
    else src = resolve_lesson(want);
    if (!src) {
      // Say so, and where we are instead: a link with a typo must not silently open
      // another lesson as if it were the one asked for.
      ui.notice = "There is no lesson called \"" + want + "\"";
      if (!ui.trace && !all.empty() && open("", os)) ui.notice += "; showing \"" + ui.trace->meta.title + "\" instead.";
      else ui.notice += ui.trace ? "; still showing \"" + ui.trace->meta.title + "\"." : ".";
      return false;
    }
    if (!want.empty()) ui.notice.clear();
    return run(src->id, src->file, src->text, os);
  }

  // Runs (or reuses) the lesson `text` on `os` and shows it.
  bool run(const std::string& id, const std::string& file, const std::string& text, std::optional<OsKind> os) {
    RunOptions ro;
    ro.os = os;
    std::string key = file + "|" + (os ? (*os == OsKind::Qnx ? "qnx" : "linux") : "");
    auto it = traces.find(key);
    std::shared_ptr<const Trace> t;
    if (it != traces.end()) t = it->second;
    else {
      t = std::make_shared<const Trace>(run_lesson(file, text, ro));
      if (!t->errors.empty() && os) {
        // A remembered OS the lesson does not allow (a Linux-only lesson after QNX):
        // run it as the lesson says rather than show an error.
        auto plain = std::make_shared<const Trace>(run_lesson(file, text, RunOptions{}));
        if (plain->errors.empty()) t = plain;
      }
      if (traces.size() > 8) traces.clear();  // each trace holds snapshots; keep a few
      traces[key] = t;
    }
    cur_text = text;
    cur_file = file;
    ui.set_trace(t, id);
#ifdef PP_HAVE_REAL_UI
    real.lesson_changed(file, text, ro, t);  // the kernel runs the same lesson in the background
#endif
    if (!t->errors.empty()) ui.status_line = t->errors.front().format();
    else ui.status_line.clear();
    return true;
  }

  // A sandbox from a link: its lines, as the sandbox's buttons would have written them.
  void open_sandbox(const std::string& program) {
    ui.sandbox_lines.clear();
    size_t a = 0;
    while (a < program.size()) {
      size_t b = program.find('\n', a);
      if (b == std::string::npos) b = program.size();
      if (b > a) ui.sandbox_lines.push_back(program.substr(a, b - a));
      a = b + 1;
    }
    run_sandbox(sandbox_source(ui.sandbox_lines, os_pref.value_or(ui.os)));
    ui.inspector_tab = 3;
  }

  void run_sandbox(const std::string& text) {
    RunOptions ro;
    ro.os = ui.os;
    show_sandbox(std::make_shared<const Trace>(run_lesson("sandbox.c", text, ro)), text, ro);
  }

  void show_sandbox(const std::shared_ptr<const Trace>& t, const std::string& text, const RunOptions& ro) {
    ui.sandbox_error = t->errors.empty() ? "" : t->errors.front().format();
    // Show the effect of the line just added: the last step before the program's exit.
    int keep = static_cast<int>(t->steps.size()) - 1;
    while (keep > 0) {
      bool alive = false;
      for (const auto& p : t->at(keep).procs) alive |= p.status.alive && !p.regions.empty();
      if (alive) break;
      --keep;
    }
    ui.set_trace(t, "sandbox");
    ui.go(std::max(keep, 0));
#ifdef PP_HAVE_REAL_UI
    real.lesson_changed("sandbox.c", text, ro, t);
#else
    (void)ro;
#endif
    cur_text = text;
  }

  std::string hash() const {
    char z[32];
    std::snprintf(z, sizeof z, "%.3g", std::clamp(ui.zoom, 0.25f, 4.0f));
    std::string h = "lesson=" + lesson_short_id(ui.lesson_id) + "&step=" + std::to_string(ui.step) +
                    "&os=" + (ui.os == OsKind::Qnx ? "qnx" : "linux");
    if (!ui.fit) h += std::string("&zoom=") + z;
    if (ui.embed) h += "&embed=1";
    if (ui.lesson_id == "sandbox") {  // the link carries the program itself
      std::string lines = share_text();
      h += packed_text == lines ? "&code=" + packed_code : "&prog=" + url_encode(lines);
    } else if (ui.lesson_id == "program") {
      if (packed_text == cur_text) h += "&code=" + packed_code;
      std::string a;
      for (size_t i = 0; i < prog_args.size(); ++i) a += (i ? "\n" : "") + prog_args[i];
      if (!a.empty()) h += "&args=" + url_encode(a);
      if (!prog_stdin.empty()) h += "&stdin=" + url_encode(prog_stdin);
      if (!prog_ram.empty()) h += "&ram=" + url_encode(prog_ram);
      if (!prog_swap.empty()) h += "&swap=" + url_encode(prog_swap);
    }
    return h;
  }

  // The desktop's "link": the command line that opens the same lesson, step and OS.
  std::string desktop_command() const {
    char z[32];
    std::snprintf(z, sizeof z, "%.3g", std::clamp(ui.zoom, 0.25f, 4.0f));
    return "pinpages --lesson " + lesson_short_id(ui.lesson_id) + " --step " + std::to_string(ui.step) +
           " --os " + (ui.os == OsKind::Qnx ? "qnx" : "linux") + (ui.fit ? "" : std::string(" --zoom ") + z);
  }

  // What a link must carry to show the same program: the sandbox's lines, or the text.
  std::string share_text() const {
    if (ui.lesson_id == "sandbox") {
      std::string lines;
      for (size_t i = 0; i < ui.sandbox_lines.size(); ++i) lines += (i ? "\n" : "") + ui.sandbox_lines[i];
      return lines;
    }
    return ui.lesson_id == "program" ? cur_text : std::string();
  }

  // --- the person's own program
  int load(const bridge::LoadRequest& q) override {
    ProgramRequest r;
    r.text = q.text;
    r.go_step = std::max(q.step, 0);
    r.options.fold_loops = true;  // as `pinpages run`: plain programs get readable steps
    size_t a = 0;
    while (a < q.args.size()) {
      size_t b = q.args.find('\n', a);
      if (b == std::string::npos) b = q.args.size();
      if (b > a) r.options.args.push_back(q.args.substr(a, b - a));
      a = b + 1;
    }
    if (q.os == "qnx" || q.os == "linux") os_pref = q.os == "qnx" ? OsKind::Qnx : OsKind::Linux;
    r.options.os = os_pref;
    r.options.stdin_text = q.stdin_text;
    // RAM and swap as `//@ machine ram= swap=` reads them (empty: the program's own or the default).
    const std::pair<const std::string*, std::optional<u64>*> sizes[] = {{&q.ram, &r.options.ram_bytes},
                                                                       {&q.swap, &r.options.swap_bytes}};
    for (const auto& [text, out] : sizes) {
      if (text->empty()) continue;
      std::optional<u64> v = parse_size(*text);
      const bool ram = text == &q.ram;
      if (!v || *v > kMaxMachineBytes || (ram && *v < kMinRamBytes))
        return prog.reject(std::move(r), std::string(ram ? "RAM" : "swap") + " size \"" + *text +
                                             "\" is not a size from " + (ram ? "1M" : "0") + " to 4G (write e.g. 256M or 1G)");
      *out = v;
    }
    r.ram = q.ram;
    r.swap = q.swap;
    return prog.start(std::move(r));
  }

  // A finished run: shown unless it did not compile (then the last good run stays).
  void program_done(const std::shared_ptr<const Trace>& t) {
    const ProgramRequest& r = prog.finished_request();
    if (r.sandbox) { show_sandbox(t, r.text, r.options); return; }
    editor.errors = t->errors;
    ui.status_line = t->errors.empty() ? "" : t->errors.front().format();
    if (t->steps.empty()) return;
    awaiting_program = false;
    cur_text = r.text;
    cur_file = r.file;
    prog_args = r.options.args;
    prog_stdin = r.options.stdin_text;
    prog_ram = r.ram;
    prog_swap = r.swap;
    ui.set_trace(t, "program");
    ui.go(r.go_step);
    ui.notice.clear();
#ifdef PP_HAVE_REAL_UI
    real.lesson_changed(r.file, r.text, r.options, t);
#endif
  }

  std::string run_status() override { return prog.status_json(); }
  std::string source() override { return cur_text; }
  void sandbox(const std::string& lines) override { open_sandbox(lines); }
  void packed(int id, const std::string& code) override {
    if (id != pack_id) return;  // an older text's answer
    packed_text = pack_pending;
    packed_code = code;
  }
  // FNV-1a of the program text: tells a test or an embedder which program is shown.
  std::string program_hash() const {
    unsigned long long h = 1469598103934665603ull;
    for (unsigned char c : cur_text) { h ^= c; h *= 1099511628211ull; }
    char b[20];
    std::snprintf(b, sizeof b, "%016llx", h);
    return b;
  }

  // --- bridge::Target (window.pinpages)
  std::string state_json() override {
    nlohmann::json j = ui_state_json(ui);
    j["lesson"] = lesson_short_id(ui.lesson_id);
    j["hash"] = hash();
    j["program_hash"] = program_hash();
    j["running"] = prog.running();
    j["program"] = program_json();
#ifdef PP_HAVE_REAL_UI
    // The kernel's step and the verdicts (real_view.h), written as a `"kernel":…` member.
    nlohmann::json k = parse_own_json("{" + real.state_field(ui) + "}");
    j["kernel"] = k.is_object() && k.contains("kernel") ? k["kernel"] : nlohmann::json();
#else
    j["kernel"] = nullptr;
#endif
    return dump_json(j);
  }
  // The own program's run options, as a link restores them (null for lessons).
  nlohmann::json program_json() const {
    if (ui.lesson_id != "program") return nullptr;
    return {{"args", prog_args}, {"stdin", prog_stdin}, {"ram", prog_ram}, {"swap", prog_swap}};
  }

  void go(int step) override { ui.playing = false; ui.go(step); }
  // Runs in slices like load(), so a long sandbox program does not block the page.
  int program(const std::string& text) override {
    ProgramRequest r;
    r.text = text;
    r.file = "sandbox.c";
    r.sandbox = true;
    r.options.os = ui.os;
    return prog.start(std::move(r));
  }
  // A recording opens its own program (the built-in lesson when the source is one) and
  // shows it side by side; `expect` names the lesson the caller meant, if any.
  std::string load_recording(const std::string& doc, const std::string& expect) override {
#ifdef PP_HAVE_REAL_UI
    auto r = std::make_shared<rec::Recording>();
    std::string err;
    if (!rec::parse_recording(doc, r.get(), &err)) return recording_failed(err);
    if (!expect.empty() && !(err = rec::mismatch(*r, expect, r->source)).empty()) return recording_failed(err);
    const BuiltinLesson* b = find_builtin_lesson(r->lesson_id);
    if (b && b->text == r->source) run(b->id, b->file, b->text, OsKind::Linux);
    else run(r->lesson_id.empty() ? "recording" : r->lesson_id, r->lesson_file.empty() ? "recording.c" : r->lesson_file,
             r->source, OsKind::Linux);
    if (!(err = real.attach_recording(r)).empty()) return recording_failed(err);
    real.set_mode(ui, ViewMode::Side);
    ui.notice.clear();  // the panel says where the kernel's answers come from
    return "";
#else
    (void)doc;
    (void)expect;
    return "this build has no real-mode views";
#endif
  }
  void builtin_recording(const std::string& name, const std::string& json) override {
#ifdef PP_HAVE_REAL_UI
    runner::add_fetched_recording(name, json);
    real.recording_arrived();
#else
    (void)name;
    (void)json;
#endif
  }
  std::string recording_failed(const std::string& e) {
    ui.notice = "Recording not opened: " + e;
    return e;
  }
  bool lesson(const std::string& id) override { return open(id, os_pref); }
  void set_os(const std::string& os) override {
    OsKind k = os == "qnx" ? OsKind::Qnx : OsKind::Linux;
    if (ui.trace && !(k == OsKind::Qnx ? ui.trace->meta.allows_qnx : ui.trace->meta.allows_linux)) {
      ui.status_line = "this lesson does not run on " + os;
      return;
    }
    os_pref = k;
    int keep = ui.step;
    if (ui.lesson_id == "sandbox") run_sandbox(cur_text);
    else if (ui.lesson_id == "program") { load_again(keep); return; }
    else run(ui.lesson_id, cur_file, cur_text, os_pref);  // the same source, other personality
    ui.go(keep);
  }
  void load_again(int step) {
    bridge::LoadRequest q{cur_text, "", "", prog_stdin, prog_ram, prog_swap, step};
    for (const std::string& x : prog_args) q.args += x + "\n";
    load(q);
  }
  void zoom_by(float f) override {
    // NaN, infinities, zero and negative factors (a bad hook call) change nothing.
    if (!std::isfinite(f) || f <= 0) return;
    ui.fit = false;
    ui.zoom = std::clamp(ui.zoom * f, 0.05f, 4096.0f);
  }
  void key(const std::string& k) override {
    if (k == "next") ui.go(ui.step + 1);
    else if (k == "prev") ui.go(ui.step - 1);
    else if (k == "presenter") ui.presenter = !ui.presenter;
    else if (k == "figure") ui.figure_only = !ui.figure_only;
    else if (k == "reveal") { ui.quiz_choice.try_emplace(ui.step, 0); ui.quiz_revealed.insert(ui.step); }
    else if (k == "palette") { ui.palette = static_cast<PaletteKind>((static_cast<int>(ui.palette) + 1) % 3); apply_style(ui.palette); }
  }
  std::string figure_png_url() override {
    std::vector<unsigned char> png;
    if (!figure_png(ui, png)) return "";
    return bridge::object_url("image/png", png);
  }

  void install_hooks() {
    for (const auto& b : builtin_lessons()) ui.hooks.lessons.emplace_back(b.id, b.title);
    ui.hooks.open_lesson = [this](const std::string& id) { open(id, os_pref); };
    ui.hooks.set_os = [this](OsKind k) { set_os(k == OsKind::Qnx ? "qnx" : "linux"); };
    ui.hooks.fullscreen = [this](bool on) { if (opt.fullscreen) opt.fullscreen(on); };
    ui.hooks.run_sandbox = [this](const std::string& text) { run_sandbox(text); };
    ui.hooks.step_json = [this](const Step& s) { return ui.trace ? step_json(*ui.trace, s) : std::string("{}"); };
    ui.hooks.save_file = [](const std::string& n, const std::string& m, const std::vector<unsigned char>& b) {
      return bridge::save(n, m, b);
    };
#ifdef __EMSCRIPTEN__
    // The page's editor panel and recording picker (web/editor.js, web/recordings.js),
    // opened from buttons in the controls' flow rather than buttons floating over them.
    ui.hooks.edit_program = [] { bridge::page_action("editor"); };
    ui.hooks.edit_program_label = "Your program";
    ui.hooks.open_recording = [] { bridge::page_action("recording"); };
#endif
    ui.hooks.copy_link = [this]() {
      std::string base = bridge::page_url_without_hash();
      bridge::copy_text(base.empty() ? desktop_command() : base + "#" + hash());
      ui.status_line = "link copied";
    };
  }
};

AppUi::AppUi() : impl_(new Impl) {}
AppUi::~AppUi() {
  bridge::install(nullptr);
  delete impl_;
}

void AppUi::setup() {
  Impl& d = *impl_;
  if (d.started) return;
  d.ui.setup_fonts();  // before the backend uploads the atlas (first NewFrame)
  apply_style(d.ui.palette);
  d.install_hooks();
  bridge::install(impl_);
  d.ui.status_line = "Running the lesson\xE2\x80\xA6";  // until start() opens one
  d.started = true;
}

bool AppUi::add_wanted_fonts() { return impl_->ui.wants_big_fonts() && load_big_fonts(); }

void AppUi::start(const StartOptions& opt) {
  Impl& d = *impl_;
  setup();
  if (!d.ui.trace) d.ui.status_line.clear();  // the "running" line; a failed open sets its own
  d.opt = opt;
  if (!opt.os.empty()) d.os_pref = opt.os == "qnx" ? OsKind::Qnx : OsKind::Linux;
  // Re-entry (hashchange): reuse the open lesson when it is the same one.
  bool same = d.ui.trace && (opt.lesson.empty() || d.ui.lesson_id == opt.lesson ||
                              (find_builtin_lesson(opt.lesson) && find_builtin_lesson(opt.lesson)->id == d.ui.lesson_id)) &&
              (!d.os_pref || *d.os_pref == d.ui.os);
  bool ok = true;
  if (opt.lesson == "sandbox") {
    if (!same || opt.has_program) d.open_sandbox(opt.program);
  } else if (opt.lesson == "program") {
    // The page unpacks the link's program and loads it (web/editor.js); meanwhile the
    // address bar keeps the link and the first lesson is on screen.
    if (d.ui.lesson_id != "program") {
      d.awaiting_program = true;
      if (!d.ui.trace) d.open("", d.os_pref);
    }
  } else if (!same) {
    ok = d.open(opt.lesson, d.os_pref);
  }
  if (ok) d.ui.go(opt.step);
  d.ui.zoom = opt.zoom > 0 ? opt.zoom : 1.0f;
  d.ui.fit = std::fabs(d.ui.zoom - 1.0f) < 1e-3f;  // a link's explicit zoom wins over fit
  d.ui.embed = opt.embed;
  d.last_step = -1;
}

void AppUi::frame(const FrameInfo& info) {
  Impl& d = *impl_;
  if (auto t = d.prog.tick()) d.program_done(t);
  // Desktop: the editor docks on the right; the other windows lay out in what it leaves.
  const FrameInfo left = d.ui.figure_only ? info : beside_editor(d.editor, info);
#ifdef PP_HAVE_REAL_UI
  FrameInfo fi = d.real.before_frame(d.ui, left);  // narrows the layout in Side mode
  d.ui.frame(fi);
  d.real.after_frame(d.ui, left);
  // Where the page fetches the shipped recordings, the open lesson's is asked for once.
  std::string want = d.real.wanted_recording();
  if (!want.empty() && d.recordings_asked.insert(want).second) bridge::fetch_recording(want);
#else
  d.ui.frame(left);
#endif
  // Tell the page what changed: permalink in the hash, words for screen readers.
  // Re-narrate on a new step and when the words change at the same step (quiz revealed).
  // Only when a step, a reveal or a notice changes what there is to say: cheap checks
  // first, the text itself only then.
  bool revealed = d.ui.quiz_revealed.count(d.ui.step) > 0;
  if (d.ui.step != d.last_step || d.ui.narrated_step != d.ui.step || d.ui.quiz_pending() != d.last_pending ||
      revealed != d.last_revealed || d.ui.notice != d.last_notice) {
    d.last_step = d.ui.step;
    d.ui.narrated_step = d.ui.step;
    d.last_pending = d.ui.quiz_pending();
    d.last_revealed = revealed;
    d.last_notice = d.ui.notice;
    bridge::narrate(d.ui.narration_text());
  }
  if (info.web) {
    std::string share = d.share_text();
    if (!share.empty() && share != d.packed_text && share != d.pack_pending) {
      d.pack_pending = share;
      bridge::pack(++d.pack_id, share);
    }
    std::string h = d.hash();
    // Not before a lesson is open: the first lesson starts a frame late (the page draws
    // first), and writing the hash of "nothing open" would erase the link being opened.
    if (d.ui.trace && h != d.last_hash && !d.awaiting_program) { bridge::set_hash(h); d.last_hash = h; }
  } else {
    if (!d.ui.hooks.edit_program) d.ui.hooks.edit_program = [&d]() { toggle_editor(d.editor, d.cur_text); };
    draw_editor(d.ui, d.editor, info, d.prog.running(), d.prog.steps_so_far(), d.cur_text);
    if (d.editor.want_run) {
      d.editor.want_run = false;
      d.load(bridge::LoadRequest{d.editor.text, editor_args(d.editor), "", d.editor.stdin_text, "", "", 0});
    }
  }
}

bool AppUi::wants_quit() const { return impl_->ui.quit; }
bool AppUi::busy() const { return impl_->prog.running(); }
bool AppUi::wants_frame() {
  Impl& d = *impl_;
  bool changed = bridge::take_calls() > 0;
  bool moving = d.prog.running() || (d.ui.playing && d.ui.steps() > 0) || ImGui::GetIO().WantTextInput;
#ifdef PP_REAL_LIVE
  moving = moving || d.real.runner().busy() || d.real.runner().latency_busy();
#endif
  return changed || moving;
}
std::string AppUi::test_state_json() {
  return "{\"state\":" + impl_->state_json() + ",\"editor\":" + editor_json(impl_->editor) + "}";
}

}  // namespace pp::ui
