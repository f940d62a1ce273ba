// pinpages engine — running a compiled lesson into a Trace.
//
// Steps: the VM reports each statement start (outside `//@ step once` regions), every
// Os call, every touch and all output. Activity accumulates in a pending step that is
// closed when the next statement starts; it becomes a Step only if it reached the Os
// in a visible way (a call, a fault or event, output) or the statement is annotated.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include "core/model_os.h"
#include "engine/lesson.h"
#include "engine/report.h"
#include "engine/run.h"
#include "lang/vm.h"

namespace pp {

namespace {

struct Pending {
  bool open = false;
  bool active = false, forced = false, with_notes = false;
  int pid = 0, stmt = -1;
  std::vector<std::string> calls;  // distinct call texts, in order
  std::vector<int> repeats;
  bool more_calls = false;
  i64 ret = 0;
  int err = 0;
  std::string fn;                 // the last call's function and arguments
  std::vector<std::int64_t> args;
  std::string output;
  std::vector<Event> events;
  u64 minflt = 0, majflt = 0;
  double cost = 0;
};

// How a call made outside the program's text reads ("exit(0)", "killed by signal 9").
std::string plain_call_text(const std::string& fn, const std::vector<std::int64_t>& args) {
  if (fn == "kill") return "killed by signal " + (args.empty() ? std::string("?") : std::to_string(args[0]));
  std::string t = fn + "(";
  for (std::size_t i = 0; i < args.size(); ++i) t += (i ? ", " : "") + std::to_string(args[i]);
  return t + ")";
}

class Runner final : public lang::VmHooks {
 public:
  Runner(CompiledLesson& L, Os& os, const RunOptions& opt, Trace& t)
      : L_(L), os_(os), opt_(opt), T_(t), model_(dynamic_cast<ModelOs*>(&os)) {}

  void run() {
    lang::VmLimits lim;
    lim.max_instructions = opt_.max_instructions;
    vm_ = std::make_unique<lang::Vm>(*L_.prog, L_.code, os_, *this, lim);
    // Step 0: the process as it starts, before main's first statement.
    P_ = Pending{};
    P_.open = true; P_.forced = true; P_.with_notes = true; P_.stmt = -1;
    if (!vm_->start({L_.meta.id})) { finish_error(); return; }
    P_.pid = vm_->current() ? vm_->current()->pid : 0;
    flush();
    vm_->run();
    flush();
    for (Pending& pd : parked_) { P_ = std::move(pd); flush(); }  // never resumed
    parked_.clear();
    finish_error();
  }

  // --- VmHooks
  void on_stmt(lang::Proc& p, int stmt) override {
    flush();
    P_ = Pending{};
    P_.open = true;
    P_.pid = p.pid;
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
  void on_call(lang::Proc& p, int text, const char* fn, const std::vector<std::int64_t>& args,
               const OpResult& r) override {
    ensure(p);
    std::string t = text >= 0 && text < (int)L_.prog->texts.size() && !L_.prog->texts[text].empty()
                        ? L_.prog->texts[text] : plain_call_text(fn, args);
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

  void flush() {
    if (!P_.open) return;
    Pending pd = std::move(P_);
    P_ = Pending{};
    if (!pd.active && !pd.forced) return;
    if ((int)T_.steps.size() >= opt_.max_steps) {
      if (!T_.truncated) {
        T_.truncated = true;
        int line = pd.stmt >= 0 ? L_.prog->stmts[pd.stmt].line : 1;
        int col = pd.stmt >= 0 ? L_.prog->stmts[pd.stmt].col : 1;
        T_.errors.push_back(make_diag(L_.meta.file, L_.lines, line, col,
                                      "step limit reached: the lesson made more than " + std::to_string(opt_.max_steps) +
                                          " steps (a runaway loop? mark it //@ step once)"));
      }
      if (vm_) vm_->stop();
      return;
    }
    Step s;
    s.index = (int)T_.steps.size();
    s.pid = pd.pid;
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
    s.fn = std::move(pd.fn);
    s.args = std::move(pd.args);
    const StepNotes* n = nullptr;
    if (pd.with_notes) n = pd.stmt >= 0 ? &L_.notes[pd.stmt] : &L_.start_notes;
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
    auto now = std::chrono::steady_clock::now();
    s.wall_us = std::chrono::duration<double, std::micro>(now - last_flush_).count();
    const Machine* mach = model_ ? &model_->machine() : nullptr;
    for (int pid : os_.pids()) s.procs.push_back(proc_report(*vm_, pid, mach));
    if (model_) s.machine = std::make_shared<const Machine>(model_->machine());
    if (n) {
      for (const ExpectFact& f : n->expects) {
        std::string why = check_fact(*vm_, f, s, pd.pid, mach);
        if (!why.empty())
          T_.expect_failures.push_back(L_.meta.file + ":" + std::to_string(f.line) + ": expect " + f.text +
                                       " failed at step " + std::to_string(s.index) + ": " + why);
      }
    }
    if (opt_.check_invariants && model_) {
      std::string c = model_->machine().check();
      if (!c.empty()) T_.errors.push_back(make_diag(L_.meta.file, L_.lines, s.line, s.col, "model invariant broken: " + c));
    }
    T_.steps.push_back(std::move(s));
    last_flush_ = std::chrono::steady_clock::now();  // reports/snapshot count for this step
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
  ModelOs* model_;
  std::unique_ptr<lang::Vm> vm_;
  Pending P_;
  std::vector<Pending> parked_;  // narrated statements blocked in waitpid()
  std::size_t total_output_ = 0;
  std::chrono::steady_clock::time_point last_flush_ = std::chrono::steady_clock::now();
};

Trace run_compiled(CompiledLesson& L, Os& os, const RunOptions& opt) {
  Trace t;
  t.meta = L.meta;
  if (!L.errors.empty()) { t.errors = L.errors; return t; }
  try {
    Runner r(L, os, opt, t);
    r.run();
  } catch (const std::exception& e) {
    t.errors.push_back(make_diag(L.meta.file, L.lines, 1, 1, std::string("internal error: ") + e.what()));
  }
  return t;
}

}  // namespace

Trace run_lesson_on(Os& os, const std::string& file, const std::string& text, const RunOptions& opt) {
  CompiledLesson L = compile_lesson(file, text, os.kind());
  return run_compiled(L, os, opt);
}

Trace run_lesson(const std::string& file, const std::string& text, const RunOptions& opt) {
  CompiledLesson L = compile_lesson(file, text, opt.os);
  MachineConfig cfg = L.meta.machine;
  if (opt.os) cfg.os = *opt.os;
  if (opt.ram_bytes) cfg.ram_bytes = *opt.ram_bytes;
  if (opt.swap_bytes) cfg.swap_bytes = *opt.swap_bytes;
  cfg.check_invariants = opt.check_invariants;
  if (L.errors.empty()) {
    bool want_qnx = cfg.os == OsKind::Qnx;
    if (want_qnx && !L.meta.allows_qnx)
      L.errors.push_back(make_diag(file, L.lines, 1, 1, "this lesson is for Linux (//@ machine os=linux); it cannot run on QNX"));
    if (!want_qnx && !L.meta.allows_linux)
      L.errors.push_back(make_diag(file, L.lines, 1, 1, "this lesson is for QNX (//@ machine os=qnx); run it with --os qnx"));
  }
  L.meta.machine = cfg;
  ModelOs os(cfg);
  Trace t = run_compiled(L, os, opt);
  t.meta.machine = cfg;
  return t;
}

Trace run_lesson_file(const std::string& path, const RunOptions& opt) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Trace t;
    t.meta.file = path;
    Diagnostic d;
    d.file = path; d.line = 1; d.col = 1;
    d.message = "cannot open lesson file";
    t.errors.push_back(d);
    return t;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return run_lesson(path, ss.str(), opt);
}

}  // namespace pp
