// pinpages lang — the POSIX/glibc calls of real-world memory-locking programs
// (getrusage, mallopt, sched_*, clock_nanosleep, read/write, syscall, ...).
//
//   Vm::builtin ──(id ≥ BI_getrusage)──► BuiltinCall{vm, proc, ins}.run()
//
// Calls with a memory effect go to the Os (mallopt, malloc_trim); the others only
// read or write the program's memory (struct rusage, struct timespec) or the
// library's own state (Vm::lib).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lang/vm.h"

namespace pp::lang {

struct BuiltinCall {
  Vm& vm;
  Proc& p;
  const Ins& in;

  bool run();  // same contract as Vm::builtin: false = blocked or failed
  // The calling process sleeps until modelled time `wake_us` (or the run stops after
  // kSleepLoopLimit sleeps). Finishes the call with 0.
  bool sleep_until(double wake_us);

 private:
  std::int64_t arg(int i) const;
  u64 uarg(int i) const { return (u64)arg(i); }
  bool finish(std::int64_t v);
  bool fail_errno(int e) { p.err = e; return finish(-1); }
  std::int64_t os_call(const OpResult& r);
  bool stop_with_note(const std::string& note);
  bool getrusage();
  bool sched();
  bool clock_call();
  bool io();
  bool syscall();
  SchedState sched_of(int pid) const;
  bool pthread();
  bool pthread_create();
  bool getopt();
  bool mremap();
};

}  // namespace pp::lang
