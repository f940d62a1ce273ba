// pinpages engine — running a lesson into a Trace, and reporting steps as JSON.
//
// The one way to run a lesson: the CLI (`pinpages run/check/real`), the UI and the
// real-mode differential test all go through these functions, so they cannot disagree.
//
//   text ──parse──► Program + annotations ──execute on Os──► Trace ──► JSON lines
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/os.h"
#include "engine/trace.h"

namespace pp {

struct RunOptions {
  std::optional<OsKind> os;        // override //@ machine os=
  std::optional<u64> ram_bytes;    // override //@ machine ram=
  std::optional<u64> swap_bytes;   // override //@ machine swap=
  int max_steps = 1'000'000;       // runaway programs stop here with a diagnostic
  u64 max_instructions = 2'000'000'000;
  // Host seconds the program may run without making a step (0: none): endless loops and
  // compute-only recursion stop here; programs that keep stepping (endless allocation)
  // stop at max_steps or when their records fill half of history_bytes.
  double max_seconds = 1.5;
  // Bytes of history (snapshots, reports, checkpoints) kept; older steps beyond it are
  // recomputed on demand. The records every step keeps count too: a run whose records
  // alone outgrow it stops with a diagnostic.
  u64 history_bytes = 96ull << 20;
  bool check_invariants = false;   // Machine::check() after every op (tests)
};

// Runs a lesson on the model. Never throws; problems end up in Trace::errors.
Trace run_lesson(const std::string& file, const std::string& text, const RunOptions& opt = {});
// Same, reading the file; a missing file is a Diagnostic too.
Trace run_lesson_file(const std::string& path, const RunOptions& opt = {});
// Runs on another backend (real mode). Steps carry no Machine snapshot.
Trace run_lesson_on(Os& os, const std::string& file, const std::string& text, const RunOptions& opt = {});

// One JSON object (one line) per step: `pinpages run --json` (fields: docs/ and
// tests/golden/ show them for every lesson).
std::string step_json(const Trace& t, const Step& s);

// Lessons compiled into the binary (the web build has no file system to browse).
struct BuiltinLesson { std::string id, file, title, text; };
const std::vector<BuiltinLesson>& builtin_lessons();

}  // namespace pp
