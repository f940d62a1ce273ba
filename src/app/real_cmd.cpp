// `pinpages real` — run a lesson on the running kernel through the lab (RealOs),
// print it like `pinpages run`, then compare with the model step by step.
//
//   pinpages real LESSON [--json] [--force] [--no-compare] [--keep-root]
//                        [--record FILE.json [--latency]]
//   pinpages real --all              every built-in lesson, one agreement line each
//   pinpages real --latency [--records N] [--bytes B] [--force] [--json]
//
// --record writes the kernel's run as a recording (src/runner/recording.h,
// docs/RECORDINGS.md) that the web page replays next to the model; with --latency the
// recording also carries the latency experiment (the tutorial's 500 records).
//
// LESSON is a path or a built-in lesson (engine/lesson_source.h). --json prints the
// `pinpages run --json` schema (step_json), one line per step, filled from the
// kernel; the model comparison then goes to stderr so stdout stays pure JSON.
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "app/commands.h"
#include "engine/lesson_source.h"
#include "engine/run.h"
#include "engine/text.h"
#include "lang/builtins.h"
#include "real/explain.h"
#include "real/latency.h"
#include "real/machine_info.h"
#include "real/reports.h"
#include "runner/compare.h"
#include "runner/real_runner.h"
#include "runner/recording.h"

namespace pp::app {

namespace {

using namespace pp::real;

struct RunOut {
  int exit_code = 0;
  std::string summary;  // the comparison's one-liner
};

struct RecordAsk {
  std::string path;  // "" = no recording
  bool latency = false;
};

// Writes the recording of `real` (and the latency experiment, when asked); exit code.
int write_recording(const RecordAsk& ask, const Trace& model, const Trace& real, const RealOptions& ro) {
  rec::Recording r;
  r.tool = "pinpages real";
  r.lesson_id = model.meta.id;
  r.lesson_file = model.meta.file;
  r.lesson_title = model.meta.title;
  r.source = model.meta.source;
  r.machine = machine_info();
  if (!real.steps.empty() && !real.steps[0].procs.empty()) {
    const ProcStatus& st = real.steps[0].procs[0].status;  // the lab's, not this process's
    r.machine.cap_ipc_lock = st.cap_ipc_lock;
    r.machine.rlim_memlock_cur = st.rlim_memlock_cur;
    r.machine.rlim_memlock_max = st.rlim_memlock_max;
  }
  CompareReport cr = compare_traces(model, real);
  rec::Agreement ag;
  ag.compared = cr.compared;
  ag.agreed = cr.agreed;
  for (const StepDiff& d : cr.diffs) ag.differing_steps.push_back(d.step);
  ag.summary = cr.summary(model.meta.id);
  r.agreement = ag;
  r.kernel.meta = real.meta;
  r.kernel.steps = real.steps;
  r.kernel.errors = real.errors;
  if (ask.latency) {
    std::fprintf(stderr, "pinpages real: measuring latency (%llu records of %llu bytes)...\n",
                 (unsigned long long)kTutorialRecords, (unsigned long long)kTutorialRecordBytes);
    LatencyReport lr = measure_latency(kTutorialRecords, kTutorialRecordBytes, ro);
    if (!lr.ok) std::fprintf(stderr, "pinpages real: latency: %s\n", lr.error.c_str());
    r.latency = latency_record(lr);
  }
  std::ofstream f(ask.path, std::ios::binary);
  f << rec::to_json(r);
  f.close();
  if (!f) {
    std::fprintf(stderr, "pinpages real: cannot write %s\n", ask.path.c_str());
    return 1;
  }
  std::fprintf(stderr, "pinpages real: recording written to %s (%zu steps%s)\n", ask.path.c_str(), r.kernel.steps.size(),
               r.latency ? ", latency" : "");
  return 0;
}

RunOut run_one(const std::string& file, const std::string& text, RealOptions ro, bool json, bool compare,
               bool quiet, const RecordAsk& record = {}) {
  RunOut out;
  RunOptions opt;
  opt.os = OsKind::Linux;
  // The model behaves as this kernel does where kernels differ (the zero page).
  opt.zero_page = zero_page_probe().zero_page;
  // The model first: it is cheap, tells whether the lesson is for Linux at all, and
  // is what the kernel's answers are compared with.
  Trace model = run_lesson(file, text, opt);
  std::string id = model.meta.id.empty() ? file : model.meta.id;
  if (!model.meta.allows_linux) {
    if (!quiet)
      std::fprintf(stderr, "pinpages real: %s is a QNX lesson and this kernel is Linux; use `pinpages run` (the model).\n",
                   file.c_str());
    out.exit_code = 2;
    out.summary = id + ": skipped (QNX lesson; this kernel is Linux)";
    return out;
  }
  runner::KernelRun k = runner::run_on_kernel(file, text, opt, ro);  // every lab has ended: nothing stays locked
  const Trace& real = k.trace;
  const int model_only = k.model_only_calls, frame_blind = k.frame_blind_procs;
  if (real.steps.empty()) {
    std::fflush(stdout);
    std::fprintf(stderr, "pinpages real: %s\n", k.lab_error.empty() ? "the lesson did not start" : k.lab_error.c_str());
    for (const auto& d : real.errors) std::fprintf(stderr, "%s\n", d.format().c_str());
    out.exit_code = 1;
    out.summary = id + ": not run (" + k.lab_error + ")";
    return out;
  }

  if (!quiet && !json && !real.steps.empty() && !real.steps[0].procs.empty()) {
    const ProcStatus& st = real.steps[0].procs[0].status;
    std::printf("Running %s for real in lab process %d: %s, RLIMIT_MEMLOCK %s\n\n", file.c_str(), st.pid,
                st.cap_ipc_lock ? "with CAP_IPC_LOCK" : "without CAP_IPC_LOCK",
                limit_kib(st.rlim_memlock_cur).c_str());
  }
  if (!quiet) {
    for (const Step& s : real.steps) {
      if (json) std::printf("%s\n", step_json(real, s).c_str());
      else print_step(stdout, s, OsKind::Linux);
      if (!json && s.err && lang::may_hit_memlock_limit(s.id) && !s.procs.empty()) {
        // Real ENOMEM/EPERM/EAGAIN: say why in plain words (from the status after the call).
        std::string why = explain_lock_failure(s.err, s.procs.front().status, 0);
        if (!why.empty() && !s.procs.front().status.cap_ipc_lock) std::printf("%s", why.c_str());
      }
    }
  }
  FILE* note = json ? stderr : stdout;
  for (const auto& d : real.errors) std::fprintf(stderr, "%s\n", d.format().c_str());
  if (!quiet)
    for (const auto& e : real.expect_failures) std::fprintf(note, "expect (real kernel): %s\n", e.c_str());
  bool had_cap = !real.steps.empty() && !real.steps[0].procs.empty() && real.steps[0].procs[0].status.cap_ipc_lock;
  std::string why_differ;
  if (!had_cap)
    why_differ = "the lab ran without CAP_IPC_LOCK (not root, no setcap), the model as with sudo: "
                 "locking beyond `ulimit -l` fails for real";
  if (frame_blind && real.steps.back().procs.size() > 1)
    why_differ = "without root the driver cannot read /proc/kpageflags for forked children, so their pages "
                 "count as locked only through their own locks, not the parent's (run as root, or "
                 "`sudo pinpages real --keep-root`, to see frame-level locks)";
  if (model_only)
    why_differ = "the lesson uses memory pressure, which only the model simulates (real mode does not stress "
                 "this machine, which has no swap)";
  if (compare) {
    if (!quiet && !zero_page_probe().zero_page)
      std::fprintf(note, "\nThis kernel maps no zero page (%s): reading untouched memory gives it a frame; "
                   "the model ran the same way.\n", zero_page_probe().evidence.c_str());
    CompareReport cr = compare_traces(model, real);
    out.summary = cr.summary(id);
    if (!why_differ.empty() && !cr.all_agree()) out.summary += " (expected: " + why_differ + ")";
    if (!quiet) {
      std::fprintf(note, "\nModel vs kernel: %s\n", cr.summary(id).c_str());
      if (!why_differ.empty()) std::fprintf(note, "note: %s.\n", why_differ.c_str());
      std::fprintf(note, "%s", cr.format().c_str());
      std::fprintf(note,
                   "(addresses and pids are compared by kind only; resident pages within 1 page; "
                   "pressure is model-only)\n");
    }
  }
  out.exit_code = real.errors.empty() ? 0 : 1;
  if (!record.path.empty() && write_recording(record, model, real, ro) != 0) out.exit_code = 1;
  return out;
}


// `pinpages real --latency` without --record: the measurement alone.
int cmd_latency(const RealCommand& c) {
  RealOptions opt;
  opt.force = c.force;
  LatencyReport r = measure_latency(c.records ? c.records : kTutorialRecords, c.bytes ? c.bytes : kTutorialRecordBytes, opt);
  if (c.json) std::printf("%s\n", rec::latency_to_json(latency_record(r)).c_str());
  else std::printf("%s", format_latency(r).c_str());
  if (!r.ok && !c.json) std::fprintf(stderr, "%s\n", r.error.c_str());
  return r.ok ? 0 : 1;
}

}  // namespace

int cmd_real(const RealCommand& c) {
  if (c.latency && c.record.empty()) return cmd_latency(c);
  RealOptions ro;
  ro.force = c.force;
  RecordAsk record{c.record, c.latency};
  // Under sudo only the lab needs a privilege (it keeps CAP_IPC_LOCK); the driver
  // drops root once the lab runs, unless --keep-root (frame-level lock view of forked
  // children needs root to read their PFNs).
  ro.drop_driver_root = !c.keep_root;
  if (c.all && !record.path.empty()) { std::fprintf(stderr, "pinpages real: --record takes one lesson, not --all\n"); return 2; }
  if (c.all) {
    // Every built-in lesson, one line each. Each lesson starts a new lab, which needs
    // the privilege: the driver keeps it here.
    ro.drop_driver_root = false;
    std::printf("Model vs this kernel, per lesson:\n");
    int worst = 0;
    for (const BuiltinLesson& b : builtin_lessons()) {
      RunOut r = run_one(b.file, b.text, ro, false, true, true);
      std::printf("  %s\n", r.summary.c_str());
      if (r.exit_code == 1) worst = 1;
    }
    return worst;
  }
  if (c.lesson.empty()) {
    std::fprintf(stderr, "pinpages real: which lesson? (a .c file or a built-in lesson id; or --all, --latency)\n");
    return 2;
  }
  std::optional<LessonSource> src = resolve_lesson(c.lesson);
  if (!src) {
    std::fprintf(stderr, "pinpages real: no lesson file or built-in lesson named '%s'\n", c.lesson.c_str());
    return 2;
  }
  return run_one(src->file, src->text, ro, c.json, c.compare, false, record).exit_code;
}

}  // namespace pp::app
