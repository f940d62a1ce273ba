// pinpages engine — running a compiled lesson into a Trace.
//
// Steps: the VM reports each statement start (outside `//@ step once` regions), every
// Os call, every touch and all output. Activity accumulates in a pending step that is
// closed when the next statement starts; it becomes a Step only if it reached the Os
// in a visible way (a call, a fault or event, output) or the statement is annotated.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <set>

#include "core/model_os.h"
#include "engine/history.h"
#include "engine/lesson.h"
#include "engine/lesson_source.h"
#include "engine/report.h"
#include "engine/run.h"
#include "lang/vm.h"

namespace pp {

namespace {

using Pending = PendingStep;

// How a call made outside the program's text reads ("exit(0)", "killed by signal 9").
std::string plain_call_text(const std::string& fn, const std::vector<std::int64_t>& args) {
  if (fn == "kill") return "killed by signal " + (args.empty() ? std::string("?") : std::to_string(args[0]));
  std::string t = fn + "(";
  for (std::size_t i = 0; i < args.size(); ++i) t += (i ? ", " : "") + std::to_string(args[i]);
  return t + ")";
}

class Runner final : public lang::VmHooks {
 public:
  Runner(CompiledLesson& L, Os& os, const RunOptions& opt, Trace& t, History* h = nullptr)
      : L_(L), os_(os), opt_(opt), T_(t), model_(os.snapshot_source()), H_(h) {}

  // Starts the program (step 0); false when it could not start (the run is over).
  bool begin() {
    vm_ = std::make_unique<lang::Vm>(*L_.prog, L_.code, os_, *this, limits());
    if (!opt_.stdin_text.empty()) vm_->lib.stdin_data = std::make_shared<const std::string>(opt_.stdin_text);
    // Step 0: the process as it starts, before main's first statement.
    P_ = Pending{};
    P_.open = true; P_.forced = true; P_.with_notes = true; P_.stmt = -1;
    std::vector<std::string> argv{L_.meta.id};
    argv.insert(argv.end(), opt_.args.begin(), opt_.args.end());
    if (!vm_->start(argv)) { finish_error(); return false; }
    P_.pid = vm_->current() ? vm_->current()->pid : 0;
    flush();
    if (H_) take_checkpoint();
    return true;
  }

  // Runs about `budget_s` seconds (<= 0: to the end); true once the program is over.
  // A slice ends between two instructions, exactly as a checkpoint pause does.
  bool advance(double budget_s) {
    using Clock = std::chrono::steady_clock;
    auto t0 = Clock::now();
    for (;;) {
      if (budget_s > 0) {
        double left = budget_s - std::chrono::duration<double>(Clock::now() - t0).count();
        if (left <= 0) return false;
        vm_->limits().slice_seconds = left;
      }
      vm_->run();
      if (ckpt_due_) { ckpt_due_ = false; take_checkpoint(); }
      if (!vm_->current() || vm_->stopped()) return true;
    }
  }

  // Closes the last step and says why the run ended.
  void finish() {
    flush();
    for (Pending& pd : parked_) { P_ = std::move(pd); flush(); }  // never resumed
    parked_.clear();
    finish_error();
    if (H_ && vm_->error()) H_->set_stop_icount(vm_->instructions());
    note_stop();
  }

  void fail(const std::string& why) { if (vm_) vm_->fail(why); }
  int steps() const { return nsteps_; }
  // Plain programs: past this many steps the run stops and is redone with loops folded.
  int fold_after = 0;
  bool fold_wanted = false;

  // Continues from `c`; keeps the full steps with index in [lo, hi) (see replay_steps).
  std::vector<Step> replay(const Checkpoint& c, int lo, int hi, int need, std::size_t max_bytes, u64 stop_icount,
                           bool machines) {
    win_machines_ = machines;
    lang::VmLimits lim = limits();
    lim.max_seconds = 0;  // the first run's stop (if any) is replayed by instruction count
    if (stop_icount) lim.max_instructions = stop_icount - 1;
    vm_ = std::make_unique<lang::Vm>(*L_.prog, L_.code, os_, *this, lim);
    vm_->restore(c.vm);
    P_ = c.pending;
    parked_ = c.parked;
    total_output_ = c.total_output;
    nsteps_ = c.step;
    win_lo_ = lo; win_hi_ = hi; win_need_ = need; win_max_ = max_bytes;
    replaying_ = true;
    vm_->run();
    flush();
    return std::move(window_);
  }

  // A program that would never end by itself (a real-time loop, pause()) ends with a
  // note on its last step instead of an error.
  void note_stop() {
    if (!vm_ || vm_->lib.stop_note.empty()) return;
    T_.stop_note = vm_->lib.stop_note;
    if (T_.steps.empty()) return;
    std::string& say = T_.steps.back().say;
    say += (say.empty() ? "" : "\n") + std::string("Stopped: ") + T_.stop_note + ".";
  }

  // --- VmHooks
  void on_stmt(lang::Proc& p, int stmt) override {
    flush();
    P_ = Pending{};
    P_.open = true;
    P_.pid = p.pid;
    P_.tid = vm_->thread_id(p);
    P_.stmt = stmt;
    P_.with_notes = true;
    const StepNotes& n = L_.notes[stmt];
    P_.forced = n.any();
    for (const EnvAction& a : n.actions) {
      OpResult r;
      switch (a.kind) {
        case EnvAction::SudoOff: r = os_.set_cap_ipc_lock(p.pid, false); break;
        case EnvAction::SudoOn: r = os_.set_cap_ipc_lock(p.pid, true); break;
        case EnvAction::Ulimit: r = os_.setrlimit_memlock(p.pid, a.bytes, a.bytes); break;
        case EnvAction::Pressure: r = os_.pressure(a.bytes); break;
      }
      vm_->add_time(r.cost_us);
      absorb(r);
      vm_->reap_killed(r);
    }
  }
  void on_call(lang::Proc& p, int text, lang::Builtin id, const char* fn, const std::vector<std::int64_t>& args,
               const OpResult& r) override {
    ensure(p);
    std::string t = text >= 0 && text < (int)L_.prog->texts.size() && !L_.prog->texts[text].empty()
                        ? L_.prog->texts[text] : plain_call_text(fn, args);
    P_.id = id;
    P_.fn = fn;
    P_.args = args;
    // Distinct call texts in first-seen order, each with its count ("malloc(...) ×500").
    auto it = std::find(P_.calls.begin(), P_.calls.end(), t);
    if (it != P_.calls.end()) P_.repeats[it - P_.calls.begin()]++;
    else if (P_.calls.size() < 4) { P_.calls.push_back(t); P_.repeats.push_back(1); }
    else P_.more_calls = true;
    P_.ret = r.ret;
    P_.err = r.err;
    P_.active = true;
    absorb(r);
  }
  void on_touch(lang::Proc& p, const OpResult& r) override {
    ensure(p);
    if (!r.events.empty() || r.minflt || r.majflt || r.err) P_.active = true;
    absorb(r);
  }
  void on_output(lang::Proc& p, const std::string& s) override {
    ensure(p);
    // Bounded: a printing loop must not eat the host's memory.
    if (P_.output.size() < (1u << 20) && total_output_ < (16u << 20)) { P_.output += s; total_output_ += s.size(); }
    P_.active = true;
  }
  void on_switch(lang::Proc& from, lang::Proc& to) override {
    park_or_flush(from);
    // The new process continues its current statement (e.g. the child inside fork()).
    open_for(to);
  }
  void on_exit(lang::Proc& p) override { (void)p; }
  void on_return(lang::Proc& p) override {
    flush();
    open_for(p);
  }

 private:
  void ensure(lang::Proc& p) {
    if (P_.open && P_.pid == 0) P_.pid = p.pid;  // step 0, before spawn told us the pid
    if (P_.open && P_.pid == p.pid) return;
    flush();
    open_for(p);
  }
  // A statement that blocks in waitpid() before its call completes (a child must run
  // first) keeps its narration, quiz and facts: they become one step with the call
  // when the process comes back to the statement, not an empty step before it.
  void park_or_flush(const lang::Proc& from) {
    if (P_.open && P_.pid == from.pid && from.st == lang::PState::Waiting && P_.with_notes && !P_.active &&
        P_.stmt >= 0) {
      parked_.push_back(std::move(P_));
      P_ = Pending{};
      return;
    }
    flush();
  }
  void open_for(const lang::Proc& p) {
    for (std::size_t i = 0; i < parked_.size(); ++i)
      if (parked_[i].pid == p.pid) {
        bool same = parked_[i].stmt == p.cur_stmt;
        Pending back = std::move(parked_[i]);
        parked_.erase(parked_.begin() + std::ptrdiff_t(i));
        if (same) { P_ = std::move(back); return; }
        P_ = std::move(back);  // elsewhere now (killed, exited): show it as it was
        flush();
        break;
      }
    P_ = Pending{};
    P_.open = true;
    P_.pid = p.pid;
    P_.tid = vm_->thread_id(p);
    P_.stmt = p.cur_stmt;
  }
  void absorb(const OpResult& r) {
    // A step keeps its first 4096 events in full; later pages still count, folded into
    // one event per kind and process without an address, so that the step's per-kind
    // totals agree with its fault counters.
    constexpr std::size_t kMaxEvents = 4096;
    for (const Event& e : r.events) {
      if (P_.events.size() < kMaxEvents) { P_.events.push_back(e); continue; }
      bool folded = false;
      for (std::size_t i = kMaxEvents; i < P_.events.size() && !folded; ++i)
        if (P_.events[i].kind == e.kind && P_.events[i].pid == e.pid) {
          P_.events[i].npages += e.npages ? e.npages : 1;
          folded = true;
        }
      if (!folded) P_.events.push_back(Event{e.kind, e.pid, 0, e.npages ? e.npages : 1, 0});
    }
    P_.minflt += r.minflt;
    P_.majflt += r.majflt;
    P_.cost += r.cost_us;
  }

  lang::VmLimits limits() const {
    lang::VmLimits lim;
    lim.max_instructions = opt_.max_instructions;
    lim.max_seconds = opt_.max_seconds;
    return lim;
  }

  void take_checkpoint() {
    Checkpoint c;
    c.step = nsteps_;
    c.machine = *model_;
    c.vm = vm_->save();
    c.pending = P_;
    c.parked = parked_;
    c.total_output = total_output_;
    c.bytes = sizeof(Checkpoint) + (last_ckpt_ ? c.machine.bytes_beyond(*last_ckpt_) : c.machine.deep_bytes());
    for (const lang::Proc& p : c.vm.procs)
      c.bytes += sizeof(p) + p.blocks.size() * 64 + p.mem.chunks() * 64 + p.vs.capacity() * 8 +
                 p.frames.capacity() * sizeof(lang::Frame);
    last_ckpt_ = std::make_shared<Machine>(c.machine);
    last_ckpt_step_ = nsteps_;
    H_->add_checkpoint(std::move(c));
  }

  // Stops the run (like the step limit) with a diagnostic at the pending statement.
  void stop_with(const Pending& pd, const std::string& why) {
    if (!T_.truncated) {
      T_.truncated = true;
      int line = pd.stmt >= 0 ? L_.prog->stmts[pd.stmt].line : 1;
      int col = pd.stmt >= 0 ? L_.prog->stmts[pd.stmt].col : 1;
      T_.errors.push_back(make_diag(L_.meta.file, L_.lines, line, col, why));
    }
    if (vm_) vm_->stop();
  }

  Step make_record(Pending& pd, const StepNotes* n) {
    Step s;
    s.index = nsteps_;
    s.pid = pd.pid;
    s.tid = pd.tid ? pd.tid : pd.pid;
    if (vm_ && s.tid != s.pid) s.thread_stack = vm_->thread_stack_top(s.pid, s.tid);
    if (pd.stmt >= 0) {
      const auto& si = L_.prog->stmts[pd.stmt];
      s.line = si.line;
      s.col = si.col;
      if (si.line >= 1 && si.line <= (int)L_.lines.size()) s.source = trim_copy(L_.lines[si.line - 1]);
    }
    for (size_t i = 0; i < pd.calls.size(); i++) {
      if (i) s.call += "; ";
      s.call += pd.calls[i];
      if (pd.repeats[i] > 1) s.call += " \xC3\x97" + std::to_string(pd.repeats[i]);  // ×N
    }
    if (pd.more_calls) s.call += "; ...";
    s.ret = pd.ret;
    s.err = pd.err;
    s.id = pd.id;
    s.fn = std::move(pd.fn);
    s.args = std::move(pd.args);
    if (n) {
      for (const auto& x : n->say) s.say += (s.say.empty() ? "" : " ") + x;
      s.figure = n->figure;
      if (n->figure) s.figure_caption = figure_caption(L_.meta.figure_set, *n->figure);
      s.quiz = n->quiz;
    }
    // The start state needs words too: it is the first thing a student sees.
    if (s.index == 0 && s.say.empty())
      s.say = "The program has just been started: its code, libraries, data and stack are mapped, and main() "
              "has not run yet. Press the right arrow (or Play) to run it one step at a time.";
    s.output = std::move(pd.output);
    s.events = std::move(pd.events);
    s.minflt = pd.minflt;
    s.majflt = pd.majflt;
    s.cost_us = pd.cost;
    return s;
  }

  // The full part of a step: reports with regions and objects, and the model snapshot.
  void add_full(Step& s, bool machine = true) {
    const Machine* mach = model_;
    for (int pid : os_.pids()) s.procs.push_back(proc_report(*vm_, pid, mach));
    if (model_ && machine) s.machine = std::make_shared<const Machine>(*model_);
  }

  void flush() {
    if (!P_.open) return;
    Pending pd = std::move(P_);
    P_ = Pending{};
    if (!pd.active && !pd.forced) return;
    if (nsteps_ >= opt_.max_steps) {
      stop_with(pd, "step limit reached: the lesson made more than " + std::to_string(opt_.max_steps) +
                        " steps (a runaway loop? mark it //@ step once)");
      return;
    }
    const StepNotes* n = nullptr;
    if (pd.with_notes) n = pd.stmt >= 0 ? &L_.notes[pd.stmt] : &L_.start_notes;
    if (replaying_) { replay_flush(pd, n); return; }
    if (fold_after && nsteps_ >= fold_after) { fold_wanted = true; vm_->stop(); return; }
    Step s = make_record(pd, n);
    auto now = std::chrono::steady_clock::now();
    s.wall_us = std::chrono::duration<double, std::micro>(now - last_flush_).count();
    const Machine* mach = model_;
    if (full_) add_full(s);
    else {
      for (int pid : os_.pids()) { ProcReport r; r.status = os_.status(pid); s.procs.push_back(std::move(r)); }
      drop_full(s);
    }
    if (n) {
      for (const ExpectFact& f : n->expects) {
        std::string why = check_fact(*vm_, f, s, pd.pid, mach);
        if (!why.empty())
          T_.expect_failures.push_back(L_.meta.file + ":" + std::to_string(f.line) + ": expect " + f.text +
                                       " failed at step " + std::to_string(s.index) + ": " + why);
      }
    }
    if (opt_.check_invariants && model_) {
      std::string c = model_->check();
      if (!c.empty()) T_.errors.push_back(make_diag(L_.meta.file, L_.lines, s.line, s.col, "model invariant broken: " + c));
    }
    if (H_) account(s);
    T_.steps.push_back(std::move(s));
    ++nsteps_;
    vm_->progress();  // the time budget counts host time without a step
    if (H_ && !full_ && nsteps_ - last_ckpt_step_ >= H_->spacing()) { ckpt_due_ = true; vm_->pause(); }
    if (H_ && record_bytes_ > H_->budget() / 2)
      stop_with(pd, "history limit reached: " + std::to_string(nsteps_) + " steps fill the " +
                        std::to_string(H_->budget() >> 20) + " MB of history this run may keep (--history-mb)");
    last_flush_ = std::chrono::steady_clock::now();  // reports/snapshot count for this step
  }

  // Bytes of history: past a quarter of the budget, later steps keep their records only.
  void account(const Step& s) {
    record_bytes_ += step_record_bytes(s);
    HistoryStats& st = H_->stats;
    st.steps = nsteps_ + 1;
    st.record_bytes = record_bytes_;
    if (!full_) return;
    st.full_steps = nsteps_ + 1;
    full_bytes_ += step_full_bytes(s);
    if (s.machine) {
      full_bytes_ += last_snap_ ? s.machine->bytes_beyond(*last_snap_) : s.machine->deep_bytes();
      last_snap_ = s.machine;
    }
    st.full_bytes = full_bytes_;
    if (full_bytes_ > H_->budget() / 4) {
      full_ = false;
      last_snap_.reset();
      ckpt_due_ = true;  // the first step without a full part needs a checkpoint before it
      vm_->pause();
    }
  }

  // Replay: only the steps of the window are built in full; the others are counted.
  void replay_flush(Pending& pd, const StepNotes* n) {
    int idx = nsteps_;
    if (idx >= win_lo_ && idx < win_hi_) {
      Step s = make_record(pd, n);
      add_full(s, win_machines_);
      win_bytes_ += step_full_bytes(s) + (s.machine && !window_.empty() && window_.back().machine
                                              ? s.machine->bytes_beyond(*window_.back().machine) : 0);
      window_.push_back(std::move(s));
    }
    ++nsteps_;
    if (nsteps_ >= win_hi_ || (idx >= win_need_ && win_bytes_ > win_max_)) vm_->stop();
  }

  void finish_error() {
    if (vm_ && vm_->error()) {
      const auto& e = *vm_->error();
      T_.errors.push_back(make_diag(L_.meta.file, L_.lines, e.line, e.col, e.msg));
    }
  }

  CompiledLesson& L_;
  Os& os_;
  const RunOptions& opt_;
  Trace& T_;
  const Machine* model_;  // the model behind os_, for snapshots; null on a real kernel
  std::unique_ptr<lang::Vm> vm_;
  History* H_ = nullptr;
  Pending P_;
  std::vector<Pending> parked_;  // narrated statements blocked in waitpid()
  std::size_t total_output_ = 0;
  int nsteps_ = 0;
  // recording
  bool full_ = true, ckpt_due_ = false;
  std::size_t record_bytes_ = 0, full_bytes_ = 0;
  std::shared_ptr<const Machine> last_snap_, last_ckpt_;
  int last_ckpt_step_ = 0;
  // replaying
  bool replaying_ = false, win_machines_ = true;
  int win_lo_ = 0, win_hi_ = 0, win_need_ = 0;
  std::size_t win_max_ = 0, win_bytes_ = 0;
  std::vector<Step> window_;
  std::chrono::steady_clock::time_point last_flush_ = std::chrono::steady_clock::now();
};

Trace run_compiled(CompiledLesson& L, Os& os, const RunOptions& opt, History* h = nullptr) {
  Trace t;
  t.meta = L.meta;
  t.warnings = L.warnings;
  if (!L.errors.empty()) { t.errors = L.errors; return t; }
  try {
    Runner r(L, os, opt, t, h);
    if (r.begin()) {
      r.advance(0);
      r.finish();
    }
  } catch (const std::exception& e) {
    t.errors.push_back(make_diag(L.meta.file, L.lines, 1, 1, std::string("internal error: ") + e.what()));
  }
  return t;
}

// Each loop of the program (for, while, do) becomes one step, as `//@ step once` above it.
void fold_loops(CompiledLesson& L) {
  std::set<int> once;
  auto is_kw = [](const std::string& line, int col, const char* kw) {
    std::size_t at = std::size_t(col - 1), n = std::strlen(kw);
    if (col < 1 || line.compare(at, n, kw) != 0) return false;
    char next = at + n < line.size() ? line[at + n] : ' ';
    return !(std::isalnum(static_cast<unsigned char>(next)) || next == '_');
  };
  for (std::size_t i = 0; i < L.prog->stmts.size(); ++i) {
    const lang::StmtInfo& si = L.prog->stmts[i];
    if (si.line < 1 || si.line > int(L.lines.size())) continue;
    const std::string& line = L.lines[std::size_t(si.line - 1)];
    if (is_kw(line, si.col, "for") || is_kw(line, si.col, "while") || is_kw(line, si.col, "do")) once.insert(int(i));
  }
  L.code = lang::compile(*L.prog, once);
}

}  // namespace

std::vector<Step> replay_steps(CompiledLesson& L, const RunOptions& opt, const Checkpoint& c, int lo, int hi,
                               int need, std::size_t max_bytes, u64 stop_icount, bool machines) {
  ModelOs os(c.machine);
  Trace scratch;
  try {
    Runner r(L, os, opt, scratch);
    return r.replay(c, lo, hi, need, max_bytes, stop_icount, machines);
  } catch (const std::exception&) {
    return {};
  }
}

Trace run_lesson_on(Os& os, const std::string& file, const std::string& text, const RunOptions& opt) {
  CompiledLesson L = compile_lesson(file, text, os.kind());
  return run_compiled(L, os, opt);
}

struct RunSession::Impl {
  std::string file, text;
  RunOptions opt;
  std::shared_ptr<CompiledLesson> L;
  MachineConfig cfg;
  std::unique_ptr<ModelOs> os;
  std::shared_ptr<History> h;
  Trace t;
  std::unique_ptr<Runner> r;
  bool finished = false, folded = false;
  std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();

  // Compiles and starts the program (again, with its loops folded, when `fold`).
  void setup(bool fold) {
    r.reset();
    L = std::make_shared<CompiledLesson>(compile_lesson(file, text, opt.os));
    cfg = L->meta.machine;
    if (opt.os) cfg.os = *opt.os;
    if (opt.ram_bytes) cfg.ram_bytes = *opt.ram_bytes;
    if (opt.swap_bytes) cfg.swap_bytes = *opt.swap_bytes;
    if (opt.zero_page) cfg.zero_page = *opt.zero_page;
    cfg.check_invariants = opt.check_invariants;
    if (L->errors.empty()) {
      bool want_qnx = cfg.os == OsKind::Qnx;
      if (want_qnx && !L->meta.allows_qnx)
        L->errors.push_back(make_diag(file, L->lines, 1, 1, "this lesson is for Linux (//@ machine os=linux); it cannot run on QNX"));
      if (!want_qnx && !L->meta.allows_linux)
        L->errors.push_back(make_diag(file, L->lines, 1, 1, "this lesson is for QNX (//@ machine os=qnx); run it with --os qnx"));
    }
    if (fold && L->errors.empty()) fold_loops(*L);
    L->meta.machine = cfg;
    t = Trace{};
    t.meta = L->meta;
    t.warnings = L->warnings;
    if (fold)
      t.notes.push_back("this program has no //@ lines and made more than " + std::to_string(kFoldAfterSteps) +
                        " steps, so each loop is shown as one step (as `//@ step once` above it would)");
    if (!L->errors.empty()) { t.errors = L->errors; finished = true; return; }
    os = std::make_unique<ModelOs>(cfg);
    h = std::make_shared<History>(L, opt);
    r = std::make_unique<Runner>(*L, *os, opt, t, h.get());
    if (!fold && opt.fold_loops && text.find("//@") == std::string::npos) r->fold_after = kFoldAfterSteps;
    if (!r->begin()) finished = true;
  }

  void complete() {
    r->finish();
    t.meta.machine = cfg;
    if (h->checkpoints()) t.history = h;
    finished = true;
  }

  void internal_error(const std::exception& e) {
    t.errors.push_back(make_diag(file, L ? L->lines : split_lines(text), 1, 1, std::string("internal error: ") + e.what()));
    finished = true;
  }
};

RunSession::RunSession(const std::string& file, const std::string& text, const RunOptions& opt) : impl_(new Impl) {
  impl_->file = file;
  impl_->text = text;
  impl_->opt = opt;
  try {
    impl_->setup(false);
  } catch (const std::exception& e) {
    impl_->internal_error(e);
  }
}

RunSession::~RunSession() = default;

bool RunSession::advance(double budget_s) {
  Impl& d = *impl_;
  if (d.finished) return true;
  try {
    if (!d.r->advance(budget_s)) return false;
    if (d.r->fold_wanted && !d.folded) {  // a plain program with many steps: fold its loops
      d.folded = true;
      d.setup(true);
      return d.finished;
    }
    d.complete();
  } catch (const std::exception& e) {
    d.internal_error(e);
  }
  return true;
}

bool RunSession::done() const { return impl_->finished; }
int RunSession::steps() const { return int(impl_->t.steps.size()); }
double RunSession::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - impl_->t0).count();
}

void RunSession::stop(const std::string& why) {
  Impl& d = *impl_;
  if (d.finished || !d.r) return;
  d.r->fail(why);
  try {
    d.complete();
  } catch (const std::exception& e) {
    d.internal_error(e);
  }
}

Trace RunSession::take() { return std::move(impl_->t); }

Trace run_lesson(const std::string& file, const std::string& text, const RunOptions& opt) {
  RunSession s(file, text, opt);
  while (!s.advance(0)) {}
  return s.take();
}

Trace run_lesson_file(const std::string& path, const RunOptions& opt) {
  std::string text;
  if (!read_text_file(path, text)) {
    Trace t;
    t.meta.file = path;
    Diagnostic d;
    d.file = path; d.line = 1; d.col = 1;
    d.message = "cannot open lesson file";
    t.errors.push_back(d);
    return t;
  }
  return run_lesson(path, text, opt);
}

}  // namespace pp
