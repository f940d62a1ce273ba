// `pinpages real` — run a lesson on the running kernel through the lab (RealOs),
// print it like `pinpages run`, then compare with the model step by step.
//
//   pinpages real LESSON [--json] [--force] [--no-compare] [--keep-root]
//                        [--record FILE.json [--latency]]
//   pinpages real --all              every built-in lesson, one agreement line each
//   pinpages real --latency [--records N] [--bytes B] [--force] [--json]
//
// --record writes the kernel's run as a recording (src/real/recording.h,
// docs/RECORDINGS.md) that the web page replays next to the model; with --latency the
// recording also carries the latency experiment (the tutorial's 500 records).
//
// LESSON is a path or a built-in lesson id ("mlockall"). --json prints the
// `pinpages run --json` schema (step_json), one line per step, filled from the
// kernel; the model comparison then goes to stderr so stdout stays pure JSON.
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/run.h"
#include "real/compare.h"
#include "real/explain.h"
#include "real/latency.h"
#include "real/machine_info.h"
#include "real/real_cmd.h"
#include "real/real_os.h"
#include "real/reports.h"

namespace {

using namespace pp;
using namespace pp::real;

void usage() {
  std::fprintf(stderr,
               "usage: pinpages real LESSON [--json] [--force] [--no-compare] [--keep-root]\n"
               "                     [--record FILE.json [--latency]]\n"
               "       pinpages real --all [--force]\n"
               "       pinpages real --latency [--records N] [--bytes B] [--force] [--json]\n"
               "Runs the lesson's calls for real in a helper process (pinpages-lab) and shows what the\n"
               "kernel reports; then compares every step with the model. --force allows locking more\n"
               "than half of MemAvailable. Under sudo the command drops root once the lab runs;\n"
               "--keep-root keeps it (to read /proc/kpageflags for forked children).\n"
               "--record writes the kernel's run (and with --latency the latency experiment) as a\n"
               "recording the web page replays next to the model (docs/RECORDINGS.md).\n");
}

bool load_lesson(const std::string& arg, std::string* file, std::string* text) {
  std::ifstream f(arg);
  if (f) {
    std::ostringstream ss;
    ss << f.rdbuf();
    *file = arg;
    *text = ss.str();
    return true;
  }
  // Built-in lessons by id, with or without the number ("mlockall", "01-mlockall").
  for (const BuiltinLesson& b : builtin_lessons()) {
    std::string bare = b.id;
    auto dash = bare.find('-');
    if (dash != std::string::npos && dash > 0 && bare.find_first_not_of("0123456789") == dash)
      bare = bare.substr(dash + 1);
    if (b.id == arg || b.file == arg || bare == arg || b.file == "lessons/" + arg) {
      *file = b.file;
      *text = b.text;
      return true;
    }
  }
  return false;
}

void print_step(const Trace& t, const Step& s) {
  std::printf("[%d] ", s.index);
  if (s.line) std::printf("line %d: %s", s.line, s.source.c_str());
  else std::printf("start");
  if (!s.call.empty()) {
    std::printf("\n      %s = %lld", s.call.c_str(), static_cast<long long>(s.ret));
    if (s.err) std::printf(" (%s: %s)", errno_str(s.err).c_str(), std::strerror(s.err));
  }
  if (s.figure) std::printf("   [figure %c]", *s.figure);
  std::printf("\n");
  if (!s.output.empty()) std::printf("      output: %s%s", s.output.c_str(), s.output.back() == '\n' ? "" : "\n");
  for (const ProcReport& p : s.procs) {
    const ProcStatus& st = p.status;
    if (!st.alive) { std::printf("      pid %d: exited (%d)\n", st.pid, st.exit_code); continue; }
    std::printf("      pid %d: VmSize %llu kB, VmLck %llu kB, VmRSS %llu kB, faults %llu minor / %llu major\n",
                st.pid, (unsigned long long)st.vm_size_kb, (unsigned long long)st.vm_lck_kb,
                (unsigned long long)st.vm_rss_kb, (unsigned long long)st.minflt, (unsigned long long)st.majflt);
    for (const ObjectReport& o : p.objects)
      std::printf("        %-12s %llu pages: %llu resident, %llu locked, %llu swapped\n", o.name.c_str(),
                  (unsigned long long)o.pages, (unsigned long long)o.resident_pages,
                  (unsigned long long)o.locked_pages, (unsigned long long)o.swapped_pages);
  }
  (void)t;
}

}  // namespace

namespace {

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
  Trace real;
  int model_only = 0, frame_blind = 0;
  {
    RealOs os(ro);
    // Every call is a round trip to the lab and the kernel really populates memory: the
    // model's 1.5 s guard against endless loops is too tight for that on a busy machine.
    RunOptions real_opt = opt;
    real_opt.max_seconds = 120;
    real = run_lesson_on(os, file, text, real_opt);
    model_only = os.model_only_calls();
    frame_blind = os.frame_blind_procs();
    if (real.steps.empty()) {
      std::fflush(stdout);
      std::fprintf(stderr, "pinpages real: %s\n", os.error().empty() ? "the lesson did not start" : os.error().c_str());
      for (const auto& d : real.errors) std::fprintf(stderr, "%s\n", d.format().c_str());
      out.exit_code = 1;
      out.summary = id + ": not run (" + os.error() + ")";
      return out;
    }
  }  // every lab ends here: nothing stays locked

  if (!quiet && !json && !real.steps.empty() && !real.steps[0].procs.empty()) {
    const ProcStatus& st = real.steps[0].procs[0].status;
    std::printf("Running %s for real in lab process %d: %s, RLIMIT_MEMLOCK %s\n\n", file.c_str(), st.pid,
                st.cap_ipc_lock ? "with CAP_IPC_LOCK" : "without CAP_IPC_LOCK",
                limit_kib(st.rlim_memlock_cur).c_str());
  }
  if (!quiet) {
    for (const Step& s : real.steps) {
      if (json) std::printf("%s\n", step_json(real, s).c_str());
      else print_step(real, s);
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

}  // namespace

int cmd_real_impl(const std::vector<std::string>& args) {
  bool json = false, compare = true, all = false, keep_root = false;
  RealOptions ro;
  std::string lesson;
  RecordAsk record;
  bool has_record = false, has_latency = false;
  for (const std::string& a : args) {
    if (a == "--record") has_record = true;
    if (a == "--latency") has_latency = true;
    if (a == "--help" || a == "-h") { usage(); return 0; }
  }
  if (has_latency && !has_record) return cmd_latency(args);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--record") {
      if (i + 1 >= args.size()) { std::fprintf(stderr, "pinpages real: --record needs a file name\n"); return 2; }
      record.path = args[++i];
    } else if (a == "--latency") record.latency = true;
    else if (a == "--json") json = true;
    else if (a == "--force") ro.force = true;
    else if (a == "--no-compare") compare = false;
    else if (a == "--all") all = true;
    else if (a == "--keep-root") keep_root = true;
    else if (!a.empty() && a[0] == '-') { std::fprintf(stderr, "pinpages real: unknown option %s\n", a.c_str()); usage(); return 2; }
    else if (lesson.empty()) lesson = a;
    else { usage(); return 2; }
  }
  // Under sudo only the lab needs a privilege (it keeps CAP_IPC_LOCK); the driver
  // drops root once the lab runs, unless --keep-root (frame-level lock view of forked
  // children needs root to read their PFNs).
  ro.drop_driver_root = !keep_root;
  if (all && !record.path.empty()) { std::fprintf(stderr, "pinpages real: --record takes one lesson, not --all\n"); return 2; }
  if (all) {
    // Every built-in lesson, one line each: the closing note of the issue. Each
    // lesson starts a new lab, which needs the privilege: the driver keeps it here.
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
  if (lesson.empty()) { usage(); return 2; }
  std::string file, text;
  if (!load_lesson(lesson, &file, &text)) {
    std::fprintf(stderr, "pinpages real: no lesson file or built-in lesson named '%s'\n", lesson.c_str());
    return 2;
  }
  return run_one(file, text, ro, json, compare, false, record).exit_code;
}
