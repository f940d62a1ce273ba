// pinpages engine — a lesson run recorded as a bounded history of steps.
//
// What the interpreter, UI, CLI and real mode share. Lessons are deterministic, so a
// run is executed once and recorded; step back / jump / "what changed" are then index
// look-ups.
//
//   lesson.c ──parse──► Lesson ──run(Os)──► Trace
//                                            ├─ step 0  (start: figure A)
//                                            ├─ step 1  mlockall(...)   events, reports, Machine snapshot
//                                            └─ step N  ...
//
// A step's Machine snapshot shares unchanged chunks with its neighbours, so 1,000
// steps of the tutorial's 125,000-page program fit in tens of MB. A long run is bounded
// by bytes instead: past the budget a step keeps only its small record (line, call,
// faults, status, output), and its snapshot, regions, objects and events are recomputed
// on demand by re-running from the nearest checkpoint (Trace::at).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/machine.h"
#include "core/os.h"
#include "lang/builtins.h"

namespace pp {

// A diagnostic in a lesson: printed as "file:line:col: message" + the source line.
struct Diagnostic {
  bool warning = false;  // gcc would warn and still compile it
  std::string file;
  int line = 0, col = 0;
  std::string message;
  std::string source_line;
  std::string format() const;  // "file:line:col: error: message\n  <line>\n  ^"
};

struct Quiz {
  std::string question;
  std::vector<std::string> choices;
  int answer = -1;          // index into choices
  std::string explanation;  // shown after the reveal
};

// A named lesson object (global, local array, what a pointer points to).
struct ObjectReport {
  std::string name;  // "buffer", "a[0]", "p"
  u64 addr = 0, bytes = 0;
  u64 pages = 0, resident_pages = 0, locked_pages = 0, swapped_pages = 0;
  bool freed = false;  // a block the program has given back with free()
};

// On-screen names of a process's quantities (ProcStatus). Linux: the fields of
// /proc/PID/status. QNX has no /proc/PID/status, so there the numbers are labelled as
// what they are: the model's own counts.
struct QuantityLabels {
  const char* lck;   // vm_lck_kb
  const char* rss;   // vm_rss_kb
  const char* size;  // vm_size_kb
  const char* swap;  // vm_swap_kb
};
inline QuantityLabels quantity_labels(OsKind os) {
  if (os == OsKind::Qnx) return {"locked (model)", "in RAM (model)", "mapped (model)", "swapped (model)"};
  return {"VmLck", "VmRSS", "VmSize", "VmSwap"};
}

struct ProcReport {
  ProcStatus status;
  std::vector<SmapsEntry> regions;
  std::vector<ObjectReport> objects;
};

struct Step {
  int index = 0;
  int pid = 0;             // process that executed it
  int tid = 0;             // thread that executed it (== pid: the main thread)
  u64 thread_stack = 0;    // top of that thread's stack mapping (0: the main thread's [stack])
  int line = 0, col = 0;   // 1-based; 0 for the synthetic start step
  std::string source;      // the C line, trimmed
  std::string call;        // "mlockall(MCL_CURRENT | MCL_FUTURE)" or "" for plain statements
  // The (last) call as data, for every question about it (is it a lock call?); `call`
  // is only for reading.
  lang::Builtin id = lang::BI_NONE;  // the library function, BI_mlockall; BI_NONE for none
  std::string fn;          // its C name, "mlockall" ("kill" for a death by signal); "" for none
  std::vector<i64> args;   // its argument values, {3} (MCL_CURRENT | MCL_FUTURE)
  i64 ret = 0;             // what the C code received
  int err = 0;             // errno (Linux numbering)
  std::optional<char> figure;   // 'A', 'B', 'C' when tied to a tutorial figure
  std::string figure_caption;
  std::string say;         // narration (//@ say)
  std::optional<Quiz> quiz;
  std::string output;      // stdout/stderr printed during this step
  std::vector<Event> events;  // what changed
  u64 minflt = 0, majflt = 0; // faults during this step (all processes)
  double cost_us = 0;         // modelled time of this step
  double wall_us = 0;         // host time the interpreter + model spent on it (benchmarks)
  std::vector<ProcReport> procs;  // parent first, then children
  std::shared_ptr<const Machine> machine;  // model snapshot after the step (null in real mode)
  // The history dropped this step's snapshot and the regions/objects of its reports
  // (status stays), and its events when there were many; Trace::at() brings them back.
  bool dropped = false, events_dropped = false;
};

class History;  // checkpoints of a model run (engine/history.h)

struct LessonMeta {
  std::string file;       // path as given
  std::string id;         // file stem: "mlockall"
  std::string title;
  std::string figure_set; // "mlockall" / "mlock" / ""
  std::string source;     // the whole C text
  MachineConfig machine;  // from //@ machine
  bool allows_qnx = false, allows_linux = true;
};

struct Trace {
  LessonMeta meta;
  std::vector<Step> steps;       // steps[0] is the start state
  std::vector<Diagnostic> errors;  // non-empty: the run stopped early with these
  std::vector<Diagnostic> warnings;  // what gcc would warn about; the program still runs
  std::vector<std::string> expect_failures;  // //@ expect facts that did not hold
  bool truncated = false;        // hit the step limit
  std::shared_ptr<History> history;  // model runs: recomputes dropped steps

  // Step i, complete: recomputed from the nearest checkpoint if the history dropped it
  // (the run is deterministic). Use this, not steps[i], for machine/events/regions.
  // Without `machine` the snapshot may stay null (reports and events only: cheaper, so
  // a reader walking every step gets long windows).
  const Step& at(int i, bool machine = true) const;
  std::string stop_note;         // the program stopped early on purpose (endless real-time loop, pause())
  std::vector<std::string> notes;  // how the run was shaped (loops folded into single steps)
};

}  // namespace pp
