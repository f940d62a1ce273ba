// pinpages lang — the C library of interpreted programs: the table of library functions
// and the dispatch to their handlers (builtin_call.h lists the families' files).
// Memory-management and process calls go to the Os (so the model, or the real lab
// process, sees them); string and formatting functions run here but touch the bytes
// they read/write.
#include <algorithm>
#include <cstring>
#include <utility>

#include "lang/builtin_call.h"
#include "lang/printf.h"

namespace pp::lang {

namespace {
struct Entry {
  const char* name;
  Family family;
};
const Entry kTable[] = {
#define PP_BI_ENTRY(n, family) {#n, Family::family},
  PP_BUILTINS(PP_BI_ENTRY)
#undef PP_BI_ENTRY
};
static_assert(sizeof kTable / sizeof kTable[0] == BI_COUNT);
double as_d(std::int64_t v) { double d; std::memcpy(&d, &v, 8); return d; }
}  // namespace

int builtin_id(const std::string& name) {
  for (int i = 0; i < BI_COUNT; i++) if (name == kTable[i].name) return i;
  return -1;
}
const char* builtin_name(int id) { return id >= 0 && id < BI_COUNT ? kTable[id].name : "?"; }
Family builtin_family(Builtin id) { return id >= 0 && id < BI_COUNT ? kTable[id].family : Family::Output; }

bool is_lock_call(Builtin id) { return id >= 0 && id < BI_COUNT && kTable[id].family == Family::Locking; }

bool may_hit_memlock_limit(Builtin id) {
  switch (id) {
    case BI_mlock: case BI_mlock2: case BI_mlockall:
    case BI_mmap: case BI_mremap: case BI_brk: case BI_sbrk:
    case BI_malloc: case BI_calloc: case BI_realloc:
      return true;
    default:
      return false;
  }
}

bool returns_address_or_pid(Builtin id) {
  switch (id) {
    case BI_malloc: case BI_calloc: case BI_realloc: case BI_mmap: case BI_mremap: case BI_sbrk:
    case BI_fork: case BI_wait: case BI_waitpid: case BI_getpid: case BI_getppid: case BI_open:
    case BI_spawnl: case BI_spawnv:
      return true;
    default:
      return false;
  }
}

const HandlerTable& builtin_handlers() {
  static const HandlerTable table = [] {
    HandlerTable t{};
    add_text_builtins(t);
    add_memory_builtins(t);
    add_os_forwarding_builtins(t);
    add_process_builtins(t);
    add_posix_builtins(t);
    add_thread_builtins(t);
    return t;
  }();
  return table;
}

bool Vm::builtin(Proc& p, const Ins& in) {
  if ((int)p.vs.size() < in.n) { fail("internal error: missing call arguments"); return false; }
  BuiltinHandler h = in.a >= 0 && in.a < BI_COUNT ? builtin_handlers()[std::size_t(in.a)] : nullptr;
  if (!h) {
    fail(std::string("library function '") + builtin_name(in.a) + "' is not implemented");
    return false;
  }
  BuiltinCall c{*this, p, in};
  return h(c);
}

bool Vm::read_argv(Proc& p, u64 addr, const char* who, std::vector<std::string>& argv) {
  for (u64 a = addr; a; a += 8) {
    u64 ptr = 0;
    if (!read_mem(p, a, &ptr, 8)) return false;
    if (!ptr) break;
    std::string s;
    if (!read_cstr(p, ptr, s)) return false;
    argv.push_back(s);
    if (argv.size() > 64) { fail(std::string(who) + ": argument list too long for the interpreter"); return false; }
  }
  return true;
}

// ---------------------------------------------------------------- the call in progress

std::int64_t BuiltinCall::arg(int i) const {
  return i < in.n ? p.vs[p.vs.size() - (std::size_t)in.n + (std::size_t)i] : 0;
}

std::vector<std::int64_t> BuiltinCall::args() const {
  return std::vector<std::int64_t>(p.vs.end() - in.n, p.vs.end());
}

bool BuiltinCall::finish(std::int64_t v) {
  p.vs.resize(p.vs.size() - (std::size_t)in.n);
  p.vs.push_back(v);
  p.pc++;
  return true;
}

std::int64_t BuiltinCall::os_call(const OpResult& r) {
  vm.now_us_ += r.cost_us;
  vm.hooks_.on_call(p, in.t, id(), name(), args(), r);
  if (r.err) p.err = r.err;
  vm.reap_killed(r);
  return r.ret;
}

bool BuiltinCall::too_big(u64 len) {
  if (len <= (8ull << 30)) return false;
  vm.fail(std::string(name()) + " of " + std::to_string(len) + " bytes: more than 8 GiB in one call");
  return true;
}

bool BuiltinCall::format(int first, std::string& res) {
  std::string fmt;
  if (!cstr(first - 1, fmt)) return false;
  int k = first;
  const int n = in.n;
  FormatArgs fa;
  fa.next_int = [&]() -> std::int64_t { return k < n ? arg(k++) : 0; };
  fa.next_double = [&]() -> double {
    if (k >= n) return 0;
    bool is_d = k < 64 && ((in.b >> k) & 1);
    std::int64_t v = arg(k++);
    return is_d ? as_d(v) : 0.0;
  };
  fa.string = [&](u64 a, std::string& s) { return vm.read_cstr(p, a, s); };
  std::string err;
  if (!format_printf(fmt, fa, res, err)) { vm.fail(err); return false; }
  return !vm.error_ && p.st != PState::Exited;
}

bool BuiltinCall::stop_with_note(const std::string& note) {
  if (vm.lib.stop_note.empty()) vm.lib.stop_note = note;
  vm.stop();
  return true;
}

bool BuiltinCall::sleep_until(double wake_us) {
  if (++vm.lib.sleeps > kSleepLoopLimit) {
    return stop_with_note("stopped after " + std::to_string(kSleepLoopLimit) +
                          " sleeps: this program sleeps in a loop, as a real-time loop does "
                          "forever by design; what it did up to here is shown");
  }
  finish(0);
  p.wake_us = std::max(vm.now_us_, wake_us);
  p.st = PState::Sleeping;  // others may run meanwhile; modelled time only
  return true;
}

// ---------------------------------------------------------------- calls that only forward

namespace {
// The C arguments, in order, become the Os call's arguments after the pid.
template <class... A, std::size_t... I>
OpResult call_os(BuiltinCall& c, OpResult (Os::*f)(int, A...), std::index_sequence<I...>) {
  return (c.os().*f)(c.p.pid, static_cast<A>(c.arg(int(I)))...);
}
template <class... A>
OpResult call_os(BuiltinCall& c, OpResult (Os::*f)(int, A...)) {
  return call_os(c, f, std::index_sequence_for<A...>{});
}
}  // namespace

void add_os_forwarding_builtins(HandlerTable& t) {
#define PP_FORWARD_SYSCALL(name) t[BI_##name] = [](BuiltinCall& c) { return c.os_result(call_os(c, &Os::name)); };
#define PP_FORWARD_LIBC(name) t[BI_##name] = [](BuiltinCall& c) { return c.finish(c.os_call(call_os(c, &Os::name))); };
#define PP_FORWARD_NONE(name)
#define PP_LAB_CALL(name, wire, c, params, args) PP_FORWARD_##c(name)
#define PP_MODEL_CALL(name, c, params, args) PP_FORWARD_##c(name)
#include "core/calls.def"
#undef PP_FORWARD_SYSCALL
#undef PP_FORWARD_LIBC
#undef PP_FORWARD_NONE
}

}  // namespace pp::lang
