// pinpages engine — running a lesson into a Trace, and reporting steps as JSON.
//
// The one way to run a lesson: the CLI (`pinpages run/check/real`), the UI and the
// real-mode differential test all go through these functions, so they cannot disagree.
//
//   text ──parse──► Program + annotations ──execute on Os──► Trace ──► JSON lines
#pragma once

#include <memory>
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
  std::optional<bool> zero_page;   // override //@ machine zero_page= (real mode: the kernel's)
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
  std::vector<std::string> args;  // argv[1..] of the program (`pinpages run FILE -- a b`)
  std::string stdin_text;          // standard input (`--stdin FILE`); empty: EOF at once
  // A program without any `//@` line that makes more than kFoldAfterSteps steps is run
  // again with each loop as one step (as `//@ step once` would); Trace::notes says so.
  // On for `pinpages run` and the page's own programs; off by default so that a caller
  // (tests, real mode) gets the steps it asked for.
  bool fold_loops = false;
};
constexpr int kFoldAfterSteps = 300;

// A model run that advances in slices, so a page can run a program between two frames
// and stay responsive. run_lesson() is a session advanced to its end in one go.
//
//   RunSession s(file, text, opt);
//   while (!s.advance(0.008)) draw_a_frame();   // ~8 ms of run per frame
//   Trace t = s.take();
class RunSession {
 public:
  RunSession(const std::string& file, const std::string& text, const RunOptions& opt = {});
  ~RunSession();
  RunSession(const RunSession&) = delete;
  RunSession& operator=(const RunSession&) = delete;

  // Runs for about `budget_s` seconds of host time (<= 0: to the end). True once done.
  bool advance(double budget_s);
  bool done() const;
  int steps() const;            // recorded so far
  double seconds() const;       // host time since the session began (slices and gaps)
  // Ends the run at the instruction it is on, with `why` as its file:line:col error
  // (the steps so far are kept). For limits the caller keeps (the page's wall clock).
  void stop(const std::string& why);
  // The finished run (call once, after done()).
  Trace take();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
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
