// pinpages lang — what the interpreted C library remembers between calls
// (scheduling policy per process, file offsets, why a run stopped early).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/os.h"

namespace pp::lang {

// A program that keeps sleeping (a real-time loop: `while (1) clock_nanosleep(...)`)
// would run forever by design. After this many sleeps the run ends normally, with a
// note saying so, instead of running into the step or instruction limit.
constexpr int kSleepLoopLimit = 1000;

struct SchedState {
  int policy = 0;    // SCHED_OTHER
  int priority = 0;
};

// A POSIX thread. Its start routine runs to its end inside pthread_create (one valid
// schedule of the real program), on a stack mapping of its own:
//
//   base        base+guard                                   top - 4 KiB    top
//   │ guard page │ stack (grows down) ◄── thread's frames     │ struct pthread│
//   PROT_NONE     PROT_READ|PROT_WRITE, locked if MCL_FUTURE    + static TLS
struct ThreadRec {
  int pid = 0, tid = 0;
  u64 pd = 0;                 // pthread_t: the address of its struct pthread
  u64 base = 0, total = 0;    // the stack mapping, guard page included
  std::int64_t ret = 0;
  bool joined = false;
};

struct LibState {
  std::vector<ThreadRec> threads;
  std::vector<std::pair<u64, u64>> stack_cache;  // glibc keeps joined threads' stacks

  int sleeps = 0;
  std::string stop_note;                    // non-empty: the run stopped early on purpose
  std::map<int, SchedState> sched;          // pid → policy (absent: inherited from the parent)
  std::map<std::pair<int, int>, u64> fpos;  // (pid, fd) → offset of read()/write()
  std::map<int, std::pair<u64, u64>> child_faults;  // pid → minflt, majflt of waited-for children
  int optind = 1, nextchar = 0;  // getopt's position (also in the globals, when declared)
  // Standard input (`pinpages run --stdin FILE`, the page's input field): shared by
  // every process, as an inherited file offset is; empty (as `< /dev/null`) by default.
  std::shared_ptr<const std::string> stdin_data;
  u64 stdin_pos = 0;
};

}  // namespace pp::lang
