// pinpages lang — what the interpreted C library remembers between calls
// (scheduling policy per process, file offsets, why a run stopped early).
#pragma once

#include <map>
#include <string>
#include <utility>

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

struct LibState {
  int sleeps = 0;
  std::string stop_note;                    // non-empty: the run stopped early on purpose
  std::map<int, SchedState> sched;          // pid → policy (absent: inherited from the parent)
  std::map<std::pair<int, int>, u64> fpos;  // (pid, fd) → offset of read()/write()
  std::map<int, std::pair<u64, u64>> child_faults;  // pid → minflt, majflt of waited-for children
};

}  // namespace pp::lang
