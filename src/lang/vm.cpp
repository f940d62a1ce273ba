// pinpages lang — bytecode execution, processes and scheduling (library functions:
// builtins.cpp).
#include "lang/vm.h"

#include "lang/builtins.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cmath>
#include <cstring>

namespace pp::lang {

namespace {
constexpr u64 kPage = 4096;
u64 page_up(u64 v) { return (v + kPage - 1) / kPage * kPage; }

std::int64_t norm(std::int64_t v, int w, bool s) {
  switch (w) {
    case 1: return s ? (std::int64_t)(std::int8_t)v : (std::int64_t)(std::uint8_t)v;
    case 2: return s ? (std::int64_t)(std::int16_t)v : (std::int64_t)(std::uint16_t)v;
    case 4: return s ? (std::int64_t)(std::int32_t)v : (std::int64_t)(std::uint32_t)v;
    default: return v;
  }
}
double as_d(std::int64_t v) { double d; std::memcpy(&d, &v, 8); return d; }
std::int64_t as_i(double d) { std::int64_t v; std::memcpy(&v, &d, 8); return v; }
}  // namespace

Vm::Vm(const Program& prog, const Code& code, Os& os, VmHooks& hooks, VmLimits lim)
    : P(prog), C(code), os_(os), hooks_(hooks), lim_(lim) {}
Vm::~Vm() = default;

ImageSpec Vm::image_spec() const {
  ImageSpec s;
  s.text_bytes = std::max<u64>(4 * kPage, page_up(C.ins.size() * 16));
  s.rodata_bytes = page_up(std::max<u64>(P.rodata_size, 1));
  s.data_bytes = page_up(P.data_size + 256);  // + a scratch line for strerror()
  s.bss_bytes = P.bss_size;
  return s;
}

Proc* Vm::find(int pid) const {
  for (auto& p : procs_) if (p->pid == pid) return p.get();
  return nullptr;
}

VmState Vm::save() const {
  VmState st;
  auto index_of = [&](const Proc* p) {
    for (std::size_t i = 0; i < procs_.size(); ++i)
      if (procs_[i].get() == p) return int(i);
    return -1;
  };
  st.procs.reserve(procs_.size());
  for (const auto& p : procs_) st.procs.push_back(*p);
  for (const Proc* p : ready_) st.ready.push_back(index_of(p));
  st.cur = index_of(cur_);
  st.error = error_;
  st.stopped = stopped_;
  st.icount = icount_;
  st.now_us = now_us_;
  st.run_seconds = run_seconds_;
  st.last_child = last_child_;
  st.rand = rand_;
  st.lib = lib;
  return st;
}

void Vm::restore(const VmState& st) {
  procs_.clear();
  for (const Proc& p : st.procs) procs_.push_back(std::make_unique<Proc>(p));
  ready_.clear();
  for (int i : st.ready) if (i >= 0) ready_.push_back(procs_[std::size_t(i)].get());
  cur_ = st.cur >= 0 ? procs_[std::size_t(st.cur)].get() : nullptr;
  error_ = st.error;
  stopped_ = st.stopped;
  paused_ = false;
  icount_ = st.icount;
  now_us_ = st.now_us;
  run_seconds_ = st.run_seconds;
  progress_at_ = run_seconds_;
  progressed_ = false;
  last_child_ = st.last_child;
  rand_ = st.rand;
  lib = st.lib;
  cur_ins_ = nullptr;
}

void Vm::fail(const std::string& msg) {
  if (error_) return;
  VmError e;
  e.msg = msg;
  if (cur_ins_) { e.line = cur_ins_->line; e.col = cur_ins_->col; }
  if (cur_) e.pid = cur_->pid;
  error_ = e;
  stopped_ = true;
}

void Vm::kill(Proc& p, int status_word) { exit_proc(p, status_word, true); }

int Vm::live_processes() const {
  int n = 0;
  for (auto& p : procs_) n += p->st != PState::Exited;
  return n;
}

void Vm::reap_killed(const OpResult& r) {
  for (const Event& e : r.events) {
    if (e.kind != EventKind::OomKill && e.kind != EventKind::Signal && e.kind != EventKind::ProcessExit) continue;
    Proc* p = find(e.pid);
    if (!p || p->st == PState::Exited) continue;
    ProcStatus st = os_.status(p->pid);
    if (st.alive) continue;
    int sig = st.exit_code >= 128 ? st.exit_code - 128 : 9;
    hooks_.on_output(*p, sig == 11 ? "Segmentation fault\n" : sig == 7 ? "Bus error\n" : "Killed\n");
    p->st = PState::Exited;
    p->exit_status = sig & 0x7f;
    hooks_.on_exit(*p);
    if (Proc* parent = find(p->ppid); parent && parent->st == PState::Waiting) push_ready(parent);
  }
}

void Vm::segfault(Proc& p, const std::string& why) {
  hooks_.on_output(p, "Segmentation fault" + (why.empty() ? std::string() : " (" + why + ")") + "\n");
  kill(p, 11);
}

bool Vm::touch(Proc& p, u64 addr, u64 n, bool write) {
  if (n == 0) return true;
  if (addr < kPage) {
    // A lesson bug, not a modelled fault: report it where it happened and stop.
    fail("Segmentation fault: null pointer dereference (address " + std::to_string(addr) + ")");
    kill(p, 11);
    return false;
  }
  if (addr + n < addr) { fail("Segmentation fault: address range wraps around"); kill(p, 11); return false; }
  OpResult r = os_.touch(p.pid, addr, n, write);
  now_us_ += r.cost_us;
  hooks_.on_touch(p, r);
  if (r.err == 0 && !r.events.empty()) reap_killed(r);  // e.g. an OOM kill of another process
  if (r.err != 0) {
    // The model refused the access (unmapped, PROT_NONE, SIGBUS...): the process dies.
    ProcStatus st = os_.status(p.pid);
    if (!st.alive) {
      // The signal the model delivered names the message (SIGBUS: past the end of a
      // file, or a QNX page that could not be initialised).
      hooks_.on_output(p, st.exit_code == 128 + 7 ? "Bus error\n" : "Segmentation fault\n");
      p.st = PState::Exited;
      p.exit_status = st.exit_code >= 128 ? st.exit_code - 128 : (st.exit_code & 0xff) << 8;
      hooks_.on_exit(p);
      if (Proc* parent = find(p.ppid); parent && parent->st == PState::Waiting) push_ready(parent);
    } else {
      segfault(p, "");
    }
    return false;
  }
  return true;
}

bool Vm::read_mem(Proc& p, u64 addr, void* out, u64 n) {
  if (!touch(p, addr, n, false)) return false;
  p.mem.read(addr, out, n);
  return true;
}

bool Vm::write_mem(Proc& p, u64 addr, const void* in, u64 n) {
  if (!touch(p, addr, n, true)) return false;
  p.mem.write(addr, in, n);
  return true;
}

bool Vm::read_cstr(Proc& p, u64 addr, std::string& out, u64 max) {
  out.clear();
  if (addr < kPage) { fail("Segmentation fault: null pointer passed as a string"); kill(p, 11); return false; }
  // Find the terminator page by page, then touch the bytes read in one call.
  u64 a = addr;
  char buf[4096];
  for (;;) {
    u64 k = kPage - a % kPage;
    p.mem.read(a, buf, k);
    void* z = std::memchr(buf, 0, k);
    if (z) { out.append(buf, (const char*)z - buf); break; }
    out.append(buf, k);
    a += k;
    if (out.size() > max) { fail("string is not terminated (read more than " + std::to_string(max) + " bytes)"); return false; }
  }
  return touch(p, addr, out.size() + 1, false);
}

void Vm::push_ready(Proc* p) {
  p->st = PState::Ready;
  ready_.erase(std::remove(ready_.begin(), ready_.end(), p), ready_.end());
  ready_.push_back(p);
}

void Vm::switch_to(Proc* next) {
  Proc* from = cur_;
  cur_ = next;
  if (from && next && from != next) hooks_.on_switch(*from, *next);
}

void Vm::schedule() {
  for (;;) {
    // Sleepers whose time has come join the ready list, earliest last (runs first).
    std::vector<Proc*> due;
    for (auto& p : procs_) if (p->st == PState::Sleeping && p->wake_us <= now_us_) due.push_back(p.get());
    std::sort(due.begin(), due.end(), [](Proc* a, Proc* b) { return a->wake_us > b->wake_us; });
    for (Proc* d : due) push_ready(d);
    while (!ready_.empty()) {
      Proc* n = ready_.back();
      ready_.pop_back();
      if (n->st == PState::Ready) { switch_to(n); return; }
    }
    Proc* sleeper = nullptr;
    for (auto& p : procs_)
      if (p->st == PState::Sleeping && (!sleeper || p->wake_us < sleeper->wake_us)) sleeper = p.get();
    if (sleeper) { now_us_ = std::max(now_us_, sleeper->wake_us); continue; }
    for (auto& p : procs_)
      if (p->st == PState::Waiting) {
        cur_ = p.get();
        fail("every process is blocked (pid " + std::to_string(p->pid) + " waits for a child that never exits)");
        return;
      }
    cur_ = nullptr;
    return;
  }
}

void Vm::setup_image(Proc& p, const std::vector<std::string>& argv) {
  p.mem.clear();
  p.blocks.clear();
  p.frames.clear();
  p.vs.clear();
  p.once_depth = 0;
  p.argv = argv;
  // Loader work: no page is touched (the kernel maps .data/.rodata from the file).
  ImageSpec spec = image_spec();
  p.rodata = p.layout.text + page_up(spec.text_bytes);
  for (size_t i = 0; i < P.strings.size(); i++)
    p.mem.write(p.rodata + P.string_off[i], P.strings[i].c_str(), P.strings[i].size() + 1);
  for (const GlobalInit& g : P.ginits) {
    u64 base = (g.sym->section == 0 ? p.layout.data : p.layout.bss) + (u64)g.sym->off + g.off;
    std::int64_t v = 0;
    switch (g.value.k) {
      case ConstVal::Int: v = g.value.i; break;
      case ConstVal::Float: v = as_i(g.value.f); break;
      case ConstVal::Str: v = (std::int64_t)(p.rodata + P.string_off[g.value.str]); break;
      case ConstVal::Addr:
        v = (std::int64_t)((g.value.sym->section == 0 ? p.layout.data : p.layout.bss) + (u64)g.value.sym->off + (u64)g.value.i);
        break;
    }
    u64 w = size_of(g.ty);
    if (g.ty->k == TK::Float) { float f = (float)as_d(v); p.mem.write(base, &f, 4); }
    else p.mem.write(base, &v, std::min<u64>(w, 8));
  }
  // argv strings and the pointer array sit just below the top of the stack.
  u64 top = p.layout.stack_top;
  u64 strings_size = 0;
  for (auto& a : argv) strings_size += a.size() + 1;
  u64 area = (top - 64 - strings_size - 8 * (argv.size() + 1)) & ~u64(15);
  u64 ptrs = area, s = area + 8 * (argv.size() + 1);
  for (size_t i = 0; i < argv.size(); i++) {
    p.mem.write(ptrs + 8 * i, &s, 8);
    p.mem.write(s, argv[i].c_str(), argv[i].size() + 1);
    s += argv[i].size() + 1;
  }
  u64 zero = 0;
  p.mem.write(ptrs + 8 * argv.size(), &zero, 8);
  p.sp = (area - 128) & ~u64(15);
  const Function& m = P.funcs[P.main_func];
  size_t np = m.params.size();
  if (np >= 1) p.vs.push_back((std::int64_t)argv.size());
  if (np >= 2) p.vs.push_back((std::int64_t)ptrs);
  for (size_t i = 2; i < np; i++) p.vs.push_back(0);  // envp: empty
  call(p, P.main_func, (int)np, -1);
}

bool Vm::start(const std::vector<std::string>& argv) {
  auto p = std::make_unique<Proc>();
  ImageLayout lay;
  int pid = os_.spawn(image_spec(), &lay);
  if (pid <= 0) { fail("could not start the lesson process"); return false; }
  p->pid = pid;
  p->layout = lay;
  procs_.push_back(std::move(p));
  cur_ = procs_.back().get();
  setup_image(*cur_, argv);
  return !error_;
}

void Vm::call(Proc& p, int func, int nargs, int ret_pc) {
  const Function& f = P.funcs[func];
  if ((int)p.frames.size() >= lim_.max_depth) { fail("stack overflow: recursion deeper than " + std::to_string(lim_.max_depth) + " calls"); return; }
  Frame fr;
  fr.func = func; fr.ret_pc = ret_pc; fr.fp = p.sp; fr.once_depth = p.once_depth; fr.caller_stmt = p.cur_stmt;
  fr.vbase = p.vs.size() - (size_t)nargs;
  if (f.frame_size > p.sp || p.sp - f.frame_size < kPage) { fail("stack overflow"); return; }
  p.sp -= f.frame_size;
  p.frames.push_back(fr);
  // Arguments arrive in registers and are spilled to the frame (as gcc -O0 does).
  for (size_t i = 0; i < f.params.size() && i < (size_t)nargs; i++) {
    const Sym* s = f.params[i];
    std::int64_t v = p.vs[fr.vbase + i];
    u64 addr = fr.fp - (u64)s->off;
    if (s->ty->k == TK::Float) { float x = (float)as_d(v); if (!write_mem(p, addr, &x, 4)) return; }
    else if (!write_mem(p, addr, &v, size_of(s->ty))) return;
  }
  p.vs.resize(fr.vbase);
  p.pc = C.funcs[func].entry;
}

void Vm::exit_proc(Proc& p, int code, bool signal) {
  if (p.st == PState::Exited) return;
  int status = signal ? 128 + code : (code & 0xff);
  OpResult r = os_.exit(p.pid, status);
  now_us_ += r.cost_us;
  // A death by signal is no library call of the program: no id, "kill" as its name.
  hooks_.on_call(p, -1, signal ? BI_NONE : BI_exit, signal ? "kill" : "exit", {code}, r);
  p.st = PState::Exited;
  p.exit_status = signal ? (code & 0x7f) : (code & 0xff) << 8;
  hooks_.on_exit(p);
  if (Proc* parent = find(p.ppid); parent && parent->st == PState::Waiting) push_ready(parent);
}

void Vm::run() {
  if (!cur_) return;
  using Clock = std::chrono::steady_clock;
  auto t0 = Clock::now();
  double spent = run_seconds_;
  u64 next_check = icount_ + 64;
  while (cur_ && !stopped_) {
    Proc& p = *cur_;
    if (p.st != PState::Ready) { schedule(); continue; }
    exec_one(p);
    if (icount_ > lim_.max_instructions && !error_) {
      fail("the lesson ran more than " + std::to_string(lim_.max_instructions) +
           " instructions (an endless loop?); stopped");
    }
    // The clock is read every 64 instructions: an endless loop stops within the budget
    // without paying for a clock per instruction. The budget counts host time since the
    // last step, so a long program that keeps stepping is not cut off by it. A slice
    // (a page running the program between frames) ends the same way, with nothing lost.
    if ((lim_.max_seconds > 0 || lim_.slice_seconds > 0) && icount_ >= next_check && !error_) {
      next_check = icount_ + 64;
      run_seconds_ = spent + std::chrono::duration<double>(Clock::now() - t0).count();
      if (lim_.slice_seconds > 0 && run_seconds_ - spent > lim_.slice_seconds) paused_ = true;
      if (progressed_) { progressed_ = false; progress_at_ = run_seconds_; }
      if (lim_.max_seconds > 0 && run_seconds_ - progress_at_ > lim_.max_seconds) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g", lim_.max_seconds);
        fail(std::string("time limit reached: the lesson ran for more than ") + buf +
             " s without making a step (an endless loop?); stopped here");
      }
    }
    if (paused_) { paused_ = false; break; }
  }
  run_seconds_ = spent + std::chrono::duration<double>(Clock::now() - t0).count();
}

void Vm::exec_one(Proc& p) {
  if (p.pc < 0 || p.pc >= (int)C.ins.size()) { fail("internal error: bad program counter"); return; }
  const Ins& in = C.ins[p.pc];
  cur_ins_ = &in;
  icount_++;
  auto& vs = p.vs;
  if (vs.size() > lim_.max_value_stack) { fail("expression stack overflow"); return; }
  auto pop = [&]() -> std::int64_t {
    if (vs.empty()) { fail("internal error: value stack underflow"); return 0; }
    std::int64_t v = vs.back(); vs.pop_back(); return v;
  };
  auto push = [&](std::int64_t v) { vs.push_back(v); };
  std::int64_t a, b;
  switch (in.op) {
    case Op::PushI: case Op::PushF: push(in.b); break;
    case Op::LocalAddr: push((std::int64_t)(p.frames.back().fp - (u64)in.b)); break;
    case Op::GlobalAddr:
      push((std::int64_t)((in.a == 0 ? p.layout.data : in.a == 1 ? p.layout.bss : p.rodata) + (u64)in.b));
      break;
    case Op::Load: {
      u64 addr = (u64)pop();
      if (!touch(p, addr, in.w, false)) return;
      std::int64_t v = 0;
      if (in.f == 1) { float f; p.mem.read(addr, &f, 4); v = as_i((double)f); }
      else if (in.f == 2) { double d; p.mem.read(addr, &d, 8); v = as_i(d); }
      else { p.mem.read(addr, &v, in.w); v = norm(v, in.w, in.s); }
      push(v);
      break;
    }
    case Op::Store: {
      std::int64_t v = pop();
      u64 addr = (u64)pop();
      if (!touch(p, addr, in.w, true)) return;
      if (in.f == 1) { float f = (float)as_d(v); p.mem.write(addr, &f, 4); }
      else p.mem.write(addr, &v, in.w);
      push(v);
      break;
    }
    case Op::Memcpy: {
      u64 src = (u64)pop(), dst = (u64)pop(), n = (u64)in.b;
      if (!touch(p, src, n, false) || !touch(p, dst, n, true)) return;
      p.mem.copy(dst, src, n);
      push((std::int64_t)dst);
      break;
    }
    case Op::Dup: if (vs.empty()) { fail("internal error: value stack underflow"); return; } push(vs.back()); break;
    case Op::Pop: pop(); break;
#define BIN(OP, EXPR) case Op::OP: b = pop(); a = pop(); push(EXPR); break;
    BIN(Add, (std::int64_t)((u64)a + (u64)b))
    BIN(Sub, (std::int64_t)((u64)a - (u64)b))
    BIN(Mul, (std::int64_t)((u64)a * (u64)b))
    BIN(Shl, (std::int64_t)((u64)a << (b & 63)))
    BIN(ShrS, a >> (b & 63))
    BIN(ShrU, (std::int64_t)((u64)a >> (b & 63)))
    BIN(And, a & b) BIN(Or, a | b) BIN(Xor, a ^ b)
    BIN(Eq, a == b) BIN(Ne, a != b)
    BIN(LtS, a < b) BIN(LeS, a <= b) BIN(GtS, a > b) BIN(GeS, a >= b)
    BIN(LtU, (u64)a < (u64)b) BIN(LeU, (u64)a <= (u64)b) BIN(GtU, (u64)a > (u64)b) BIN(GeU, (u64)a >= (u64)b)
    BIN(FAdd, as_i(as_d(a) + as_d(b))) BIN(FSub, as_i(as_d(a) - as_d(b)))
    BIN(FMul, as_i(as_d(a) * as_d(b))) BIN(FDiv, as_i(as_d(a) / as_d(b)))
    BIN(FEq, as_d(a) == as_d(b)) BIN(FNe, as_d(a) != as_d(b)) BIN(FLt, as_d(a) < as_d(b))
    BIN(FLe, as_d(a) <= as_d(b)) BIN(FGt, as_d(a) > as_d(b)) BIN(FGe, as_d(a) >= as_d(b))
#undef BIN
    case Op::DivS: case Op::ModS: case Op::DivU: case Op::ModU: {
      b = pop(); a = pop();
      if (b == 0) { fail("division by zero"); return; }
      if (in.op == Op::DivS) push(b == -1 ? (std::int64_t)(0 - (u64)a) : a / b);
      else if (in.op == Op::ModS) push(b == -1 ? 0 : a % b);
      else if (in.op == Op::DivU) push((std::int64_t)((u64)a / (u64)b));
      else push((std::int64_t)((u64)a % (u64)b));
      break;
    }
    case Op::Neg: push((std::int64_t)(0 - (u64)pop())); break;
    case Op::Not: push(~pop()); break;
    case Op::LNot: push(pop() == 0); break;
    case Op::FNeg: push(as_i(-as_d(pop()))); break;
    case Op::Trunc: push(norm(pop(), in.w, in.s)); break;
    case Op::I2F: a = pop(); push(as_i(in.s ? (double)a : (double)(u64)a)); break;
    case Op::F2I: {
      double d = as_d(pop());
      std::int64_t v;
      // Out-of-range conversions are undefined in C; x86 yields 0x8000000000000000.
      if (!in.s && in.w == 8 && d >= 9223372036854775808.0 && d < 18446744073709551616.0) v = (std::int64_t)(u64)d;
      else if (d >= -9223372036854775808.0 && d < 9223372036854775808.0) v = (std::int64_t)d;
      else v = INT64_MIN;
      push(norm(v, in.w, in.s));
      break;
    }
    case Op::F2F32: push(as_i((double)(float)as_d(pop()))); break;
    case Op::Jmp: p.pc = in.a; return;
    case Op::Jz: if (pop() == 0) { p.pc = in.a; return; } break;
    case Op::Jnz: if (pop() != 0) { p.pc = in.a; return; } break;
    case Op::Call: call(p, in.a, in.n, p.pc + 1); return;
    case Op::Builtin: builtin(p, in); return;  // advances pc itself (or blocks)
    case Op::Ret: {
      std::int64_t v = pop();
      Frame fr = p.frames.back();
      p.frames.pop_back();
      p.vs.resize(std::min(p.vs.size(), fr.vbase));
      p.sp = fr.fp;
      p.once_depth = fr.once_depth;
      if (fr.thread) { thread_return(p, fr, v); return; }
      if (p.frames.empty()) { exit_proc(p, (int)v, false); return; }  // main returned
      push(v);
      p.pc = fr.ret_pc;
      p.cur_stmt = fr.caller_stmt;
      if (p.once_depth == 0) hooks_.on_return(p);
      return;
    }
    case Op::Stmt:
      p.cur_stmt = in.a;
      p.pc++;
      if (p.once_depth == 0) hooks_.on_stmt(p, in.a);
      return;
    case Op::OnceBegin: p.once_depth++; break;
    case Op::OnceEnd: if (p.once_depth > 0) p.once_depth--; if (p.once_depth == 0) hooks_.on_once_end(p); break;
    case Op::LoadErrno: push(p.err); break;
    case Op::StoreErrno: a = norm(pop(), 4, true); p.err = (int)a; push(a); break;
    case Op::IncDec: {
      u64 addr = (u64)pop();
      if (!touch(p, addr, in.w, true)) return;
      std::int64_t old = 0, nw;
      if (in.f == 1) { float f; p.mem.read(addr, &f, 4); old = as_i((double)f); float r = f + (float)in.b; p.mem.write(addr, &r, 4); nw = as_i((double)r); }
      else if (in.f == 2) { double d; p.mem.read(addr, &d, 8); old = as_i(d); double r = d + (double)in.b; p.mem.write(addr, &r, 8); nw = as_i(r); }
      else {
        p.mem.read(addr, &old, in.w);
        old = norm(old, in.w, in.s);
        nw = norm((std::int64_t)((u64)old + (u64)in.b), in.w, in.s);
        p.mem.write(addr, &nw, in.w);
      }
      push(in.a ? old : nw);
      break;
    }
  }
  p.pc++;
}

}  // namespace pp::lang
