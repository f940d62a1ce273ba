// pinpages lang — one library call in progress, and the table of handlers by family.
//
//   Vm::builtin(p, ins) ──► handlers()[ins.a](BuiltinCall{vm, p, ins})
//                              builtins_text.cpp     Output, Text
//                              builtins_memory.cpp   Malloc, Mapping, File, Locking, Limits, Qnx
//                                                    (+ the calls that only forward to the Os,
//                                                     generated from core/calls.def)
//                              builtins_process.cpp  Process, Time
//                              builtins_spawn.cpp    posix_spawn, spawnl, spawnv
//                              builtins_posix.cpp    Sched, clocks, read/write, syscall, mremap
//                              builtins_thread.cpp   Thread
//                              builtins_getopt.cpp   Options
//
// A handler reads its arguments (arg(i)), makes its Os call through os_call() (which
// records the call for the step and sets errno) and ends with finish(return value).
// It returns false when the process blocked (the instruction is retried) or the run failed.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "lang/builtins.h"
#include "lang/vm.h"

namespace pp::lang {

struct BuiltinCall {
  Vm& vm;
  Proc& p;
  const Ins& in;

  Builtin id() const { return Builtin(in.a); }
  const char* name() const { return builtin_name(in.a); }
  int nargs() const { return in.n; }
  std::int64_t arg(int i) const;
  u64 uarg(int i) const { return (u64)arg(i); }
  std::vector<std::int64_t> args() const;
  Os& os() { return vm.os_; }

  // Pops the arguments, pushes what C returns, moves to the next instruction.
  bool finish(std::int64_t v);
  bool fail_errno(int e) { p.err = e; return finish(-1); }
  bool fail(const std::string& msg) { vm.fail(msg); return false; }
  // An Os call: recorded for the step, errno set on failure; returns r.ret.
  std::int64_t os_call(const OpResult& r);
  // The system-call convention: the Os's value, or -1 with errno.
  bool os_result(const OpResult& r) { std::int64_t v = os_call(r); return finish(r.err ? -1 : v); }
  // One call moving more than 8 GiB is a runaway lesson, not a teaching example.
  bool too_big(u64 len);
  bool cstr(int i, std::string& s) { return vm.read_cstr(p, uarg(i), s); }
  void out(const std::string& s) { if (!s.empty()) vm.hooks_.on_output(p, s); }
  // printf-style formatting of the arguments from `first` (the format is argument first-1).
  bool format(int first, std::string& res);
  bool stop_with_note(const std::string& note);
  // The calling process sleeps until modelled time `wake_us` (or the run stops after
  // kSleepLoopLimit sleeps). Finishes the call with 0.
  bool sleep_until(double wake_us);

  // Handlers that need the Vm's processes and scheduler.
  bool exit_process(int code, bool signal) { vm.exit_proc(p, code, signal); return true; }
  bool fork();
  bool wait();
  bool exec();
  bool spawn() { return vm.spawn_builtin(p, in); }
  bool strerror();
  bool rand();
  bool srand();
  bool getrusage();
  bool sched();
  bool clock_call();
  bool io();
  bool syscall();
  bool pthread();
  bool pthread_create();
  bool getopt();
  bool mremap();
  bool vla_alloca();

 private:
  SchedState sched_of(int pid) const;
};

using BuiltinHandler = bool (*)(BuiltinCall&);
using HandlerTable = std::array<BuiltinHandler, BI_COUNT>;

// The table, filled once by the families' registration functions below.
const HandlerTable& builtin_handlers();
void add_text_builtins(HandlerTable& t);
void add_memory_builtins(HandlerTable& t);
void add_os_forwarding_builtins(HandlerTable& t);  // generated from core/calls.def
void add_process_builtins(HandlerTable& t);
void add_posix_builtins(HandlerTable& t);
void add_thread_builtins(HandlerTable& t);

}  // namespace pp::lang
