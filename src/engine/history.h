// pinpages engine — a model run's history bounded by bytes, recomputed on demand.
//
//   steps:  [0 … k) full          [k … n) records only (line, call, faults, status, output)
//                                   ▲ checkpoint every `spacing` steps: Machine + VM + pending step
//   Trace::at(i), step i dropped ──► nearest checkpoint ≤ i ──replay──► steps [lo, hi) full again
//
// The run is deterministic, so a replay from a checkpoint gives back exactly the steps
// the first run made. Budget (RunOptions::history_bytes = B): full steps B/4, checkpoints
// B/4 (thinned to every other one when over), recomputed windows B/8, and the records
// every step keeps B/2 (past that the run stops and says why).
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "core/machine.h"
#include "engine/lesson.h"
#include "engine/run.h"
#include "lang/vm.h"

namespace pp {

// The step the runner is collecting (activity since the last statement start).
struct PendingStep {
  bool open = false;
  bool active = false, forced = false, with_notes = false;
  int pid = 0, stmt = -1;
  int tid = 0;  // the thread (its pid when the main thread)
  std::vector<std::string> calls;  // distinct call texts, in order
  std::vector<int> repeats;
  bool more_calls = false;
  i64 ret = 0;
  int err = 0;
  lang::Builtin id = lang::BI_NONE;  // the last call's function and arguments
  std::string fn;
  std::vector<std::int64_t> args;
  std::string output;
  std::vector<Event> events;
  u64 minflt = 0, majflt = 0;
  double cost = 0;
};

// Everything needed to continue a run between two instructions.
struct Checkpoint {
  int step = 0;  // steps [0, step) had been recorded
  Machine machine;
  lang::VmState vm;
  PendingStep pending;
  std::vector<PendingStep> parked;  // narrated statements blocked in waitpid()
  std::size_t total_output = 0;
  std::size_t bytes = 0;  // estimate of what holding it costs
};

// Bytes a step's record keeps for good, and what its full part (snapshot excluded) adds.
std::size_t step_record_bytes(const Step& s);
std::size_t step_full_bytes(const Step& s);
// Drops the recomputable part of a step (snapshot, events, regions, objects).
void drop_full(Step& s);

// What the first run kept (benchmarks print it).
struct HistoryStats {
  int steps = 0, full_steps = 0;        // all steps; those recorded with their full part
  std::size_t record_bytes = 0;         // Σ step_record_bytes
  std::size_t full_bytes = 0;           // full parts of the full steps, snapshots included
};

class History {
 public:
  History(std::shared_ptr<CompiledLesson> lesson, const RunOptions& opt);

  // --- while recording
  u64 budget() const { return opt_.history_bytes; }
  int spacing() const { return spacing_; }
  void add_checkpoint(Checkpoint c);  // thins older checkpoints when over budget/4
  std::size_t checkpoint_bytes() const { return ckpt_bytes_; }
  std::size_t checkpoints() const { return ckpts_.size(); }
  void set_stop_icount(u64 n) { stop_icount_ = n; }  // the first run stopped on a VM error here
  HistoryStats stats;

  // --- afterwards: makes t.steps[i] full again (no-op when it is)
  void materialize(Trace& t, int i, bool machine);
  std::size_t window_bytes() const { return win_bytes_; }
  int replays() const { return replays_; }

 private:
  struct Window { const Trace* trace = nullptr; std::vector<int> filled; std::size_t bytes = 0; };
  void evict_oldest(Trace& t);

  std::shared_ptr<CompiledLesson> L_;
  RunOptions opt_;
  std::vector<Checkpoint> ckpts_;  // ascending by step
  int spacing_ = 64;
  std::size_t ckpt_bytes_ = 0;
  u64 stop_icount_ = 0;
  std::deque<Window> windows_;
  std::size_t win_bytes_ = 0;
  int replays_ = 0;
  int span_ = 16, last_hi_ = -100;  // forward length of the next window; end of the last
};

// Re-runs `L` from checkpoint `c` and returns the full steps with index in [lo, hi)
// (with snapshots if `machines`), stopping early (after step `need`) once they hold
// more than `max_bytes`.
// Defined next to the runner (run.cpp).
std::vector<Step> replay_steps(CompiledLesson& L, const RunOptions& opt, const Checkpoint& c, int lo, int hi,
                               int need, std::size_t max_bytes, u64 stop_icount, bool machines);

}  // namespace pp
