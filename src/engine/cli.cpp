// pinpages engine — `pinpages run` / `pinpages check`.
#include "engine/cli.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "engine/annotations.h"
#include "engine/run.h"

namespace pp {

namespace {

// LESSON may be a path or the id of a built-in lesson ("mlockall").
bool load_lesson(const std::string& name, std::string& file, std::string& text) {
  std::ifstream in(name, std::ios::binary);
  if (in) {
    std::stringstream ss;
    ss << in.rdbuf();
    file = name;
    text = ss.str();
    return true;
  }
  for (const BuiltinLesson& b : builtin_lessons()) {
    if (b.id == name || b.file == name) { file = b.file; text = b.text; return true; }
  }
  return false;
}

u64 count_events(const Step& s, EventKind k) {
  u64 n = 0;
  for (const Event& e : s.events) if (e.kind == k) n += e.npages;
  return n;
}

void print_step(const Step& s, OsKind os) {
  std::printf("step %d  line %d  pid %d  ", s.index, s.line, s.pid);
  if (s.tid && s.tid != s.pid) std::printf("thread %d  ", s.tid);
  std::printf("%s\n", s.index == 0 ? "(process started)" : s.source.c_str());
  if (!s.call.empty()) {
    std::printf("    %s -> %lld", s.call.c_str(), (long long)s.ret);
    if (s.err) std::printf("  errno %s (%s)", errno_name(s.err) ? errno_name(s.err) : "?", errno_text(s.err));
    std::printf("\n");
  }
  if (s.figure) std::printf("    figure %c: %s\n", *s.figure, s.figure_caption.c_str());
  if (!s.say.empty()) std::printf("    say: %s\n", s.say.c_str());
  if (s.quiz) {
    std::printf("    quiz: %s\n", s.quiz->question.c_str());
    for (size_t i = 0; i < s.quiz->choices.size(); i++)
      std::printf("      %c) %s%s\n", (char)('a' + i), s.quiz->choices[i].c_str(), (int)i == s.quiz->answer ? "  <- answer" : "");
    if (!s.quiz->explanation.empty()) std::printf("      why: %s\n", s.quiz->explanation.c_str());
  }
  if (!s.output.empty()) {
    std::istringstream in(s.output);
    std::string line;
    while (std::getline(in, line)) std::printf("    | %s\n", line.c_str());
  }
  u64 locked = count_events(s, EventKind::Lock), unlocked = count_events(s, EventKind::Unlock);
  std::printf("    ");
  if (locked) std::printf("+%llu pages locked, ", (unsigned long long)locked);
  if (unlocked) std::printf("-%llu pages unlocked, ", (unsigned long long)unlocked);
  std::printf("%llu faults", (unsigned long long)(s.minflt + s.majflt));
  if (s.majflt) std::printf(" (%llu major)", (unsigned long long)s.majflt);
  std::printf(", %.0f us\n", s.cost_us);
  const QuantityLabels lb = quantity_labels(os);
  for (const ProcReport& p : s.procs) {
    std::printf("    pid %d%s: %s %llu kB  %s %llu kB  %s %llu kB%s\n", p.status.pid, p.status.alive ? "" : " (exited)",
                lb.lck, (unsigned long long)p.status.vm_lck_kb, lb.rss, (unsigned long long)p.status.vm_rss_kb,
                lb.size, (unsigned long long)p.status.vm_size_kb,
                (p.status.mcl & mcl::FUTURE) ? "  MCL_FUTURE" : "");
  }
}

void usage_run() {
  std::fprintf(stderr,
               "usage: pinpages run LESSON [--json] [--os linux|qnx] [--ram SIZE] [--swap SIZE] [--max-steps N]\n"
               "                    [--max-seconds S] [--history-mb MB] [--stdin FILE] [--zero-page on|off]\n"
               "                    [-- ARGS...]\n"
               "  LESSON is a .c file or the id of a built-in lesson; SIZE like 512M or 1G\n"
               "  --zero-page off   reads of untouched anonymous memory get frames, not the zero page\n"
               "                    (kernels booted with pvm_no_zero_page=1); default on, as mainline\n"
               "  -- ARGS...        the program's arguments (argv[1], ...; argc counts argv[0] too)\n"
               "  --stdin FILE      the program's standard input (default: empty, getchar() gives EOF)\n"
               "  --max-steps N     stop after N steps (default 1000000)\n"
               "  --max-seconds S   stop a program that runs S seconds without making a step, an endless\n"
               "                    loop (default 1.5; 0: no limit). A program that keeps making steps is\n"
               "                    stopped only by --max-steps and --history-mb\n"
               "  --history-mb MB   bytes of history kept; older steps are recomputed (default 96). Every\n"
               "                    step keeps a record of a few hundred bytes: a run whose records fill\n"
               "                    half of this stops (about 75,000 steps at the default)\n");
}

// Parses the shared options; returns false (after a message) on a bad argument.
bool parse_opts(const std::vector<std::string>& args, RunOptions& o, bool& json, std::vector<std::string>& files) {
  for (size_t i = 0; i < args.size(); i++) {
    const std::string& a = args[i];
    if (a == "--") {  // the rest is the program's own argv[1..]
      o.args.assign(args.begin() + std::ptrdiff_t(i) + 1, args.end());
      break;
    }
    auto value = [&](std::string& v) {
      if (i + 1 >= args.size()) { std::fprintf(stderr, "pinpages: %s needs a value\n", a.c_str()); return false; }
      v = args[++i];
      return true;
    };
    std::string v;
    if (a == "--json") json = true;
    else if (a == "--os") {
      if (!value(v)) return false;
      if (v == "linux") o.os = OsKind::Linux;
      else if (v == "qnx") o.os = OsKind::Qnx;
      else { std::fprintf(stderr, "pinpages: --os must be linux or qnx\n"); return false; }
    } else if (a == "--ram" || a == "--swap") {
      if (!value(v)) return false;
      auto sz = parse_size(v);
      if (!sz) { std::fprintf(stderr, "pinpages: bad size '%s' for %s\n", v.c_str(), a.c_str()); return false; }
      (a == "--ram" ? o.ram_bytes : o.swap_bytes) = *sz;
    } else if (a == "--zero-page") {
      if (!value(v)) return false;
      if (v == "on") o.zero_page = true;
      else if (v == "off") o.zero_page = false;
      else { std::fprintf(stderr, "pinpages: --zero-page must be on or off\n"); return false; }
    } else if (a == "--max-steps") {
      if (!value(v)) return false;
      o.max_steps = std::atoi(v.c_str());
      if (o.max_steps <= 0) { std::fprintf(stderr, "pinpages: bad --max-steps\n"); return false; }
    } else if (a == "--max-seconds") {
      if (!value(v)) return false;
      char* end = nullptr;
      double d = std::strtod(v.c_str(), &end);
      if (v.empty() || *end || !(d >= 0) || d > 1e6) { std::fprintf(stderr, "pinpages: bad --max-seconds '%s'\n", v.c_str()); return false; }
      o.max_seconds = d;
    } else if (a == "--history-mb") {
      if (!value(v)) return false;
      char* end = nullptr;
      long long mb = std::strtoll(v.c_str(), &end, 10);
      if (v.empty() || *end || mb < 1 || mb > (1ll << 20)) { std::fprintf(stderr, "pinpages: bad --history-mb '%s'\n", v.c_str()); return false; }
      o.history_bytes = u64(mb) << 20;
    } else if (a == "--stdin") {
      if (!value(v)) return false;
      std::ifstream in(v, std::ios::binary);
      if (!in) { std::fprintf(stderr, "pinpages: cannot open '%s' for --stdin\n", v.c_str()); return false; }
      std::stringstream ss;
      ss << in.rdbuf();
      o.stdin_text = ss.str();
    } else if (a == "--check-invariants") {
      o.check_invariants = true;
    } else if (!a.empty() && a[0] == '-') {
      std::fprintf(stderr, "pinpages: unknown option %s\n", a.c_str());
      return false;
    } else {
      files.push_back(a);
    }
  }
  return true;
}

}  // namespace

int lesson_run_command(const std::vector<std::string>& args) {
  for (const auto& a : args) if (a == "--help" || a == "-h") { usage_run(); return 0; }
  RunOptions o;
  o.fold_loops = true;  // a plain program gets readable default steps
  bool json = false;
  std::vector<std::string> files;
  if (!parse_opts(args, o, json, files)) { usage_run(); return 2; }
  if (files.size() != 1) { usage_run(); return 2; }
  std::string file, text;
  if (!load_lesson(files[0], file, text)) {
    std::fprintf(stderr, "%s:1:1: error: cannot open lesson file (and no built-in lesson has that name)\n", files[0].c_str());
    return 1;
  }
  Trace t = run_lesson(file, text, o);
  if (!json && !t.steps.empty()) std::printf("%s — %s\n\n", t.meta.file.c_str(), t.meta.title.c_str());
  for (int i = 0; i < int(t.steps.size()); i++) {
    // JSON has every region and object: recomputed from a checkpoint if the history
    // dropped them. The text needs only the record and its events.
    const Step& s = json || t.steps[std::size_t(i)].events_dropped ? t.at(i, false) : t.steps[std::size_t(i)];
    if (json) std::printf("%s\n", step_json(t, s).c_str());
    else print_step(s, t.meta.machine.os);
  }
  std::fflush(stdout);
  for (const Diagnostic& d : t.warnings) std::fprintf(stderr, "%s", d.format().c_str());
  for (const std::string& f : t.expect_failures) std::fprintf(stderr, "%s\n", f.c_str());
  for (const Diagnostic& d : t.errors) std::fprintf(stderr, "%s", d.format().c_str());
  if (!t.stop_note.empty()) std::fprintf(stderr, "%s: note: %s\n", t.meta.file.c_str(), t.stop_note.c_str());
  // "info:", not "note:": a note says the run was stopped early (tests/programs reads it).
  for (const std::string& n : t.notes) std::fprintf(stderr, "%s: info: %s\n", t.meta.file.c_str(), n.c_str());
  return t.errors.empty() ? 0 : 1;
}

int lesson_check_command(const std::vector<std::string>& args) {
  RunOptions base;
  bool json = false;
  std::vector<std::string> files;
  if (!parse_opts(args, base, json, files) || files.empty()) {
    std::fprintf(stderr, "usage: pinpages check LESSON... [--os linux|qnx]\n");
    return 2;
  }
  for (const std::string& name : files) {
    std::string file, text;
    if (!load_lesson(name, file, text)) {
      std::fprintf(stderr, "%s:1:1: error: cannot open lesson file\n", name.c_str());
      return 1;
    }
    // Every OS the lesson is written for (or just the one asked for).
    Trace probe = run_lesson(file, text, [&] { RunOptions o = base; o.max_steps = 1; return o; }());
    std::vector<OsKind> oses;
    if (base.os) oses.push_back(*base.os);
    else {
      if (probe.meta.allows_linux) oses.push_back(OsKind::Linux);
      if (probe.meta.allows_qnx) oses.push_back(OsKind::Qnx);
    }
    for (OsKind k : oses) {
      RunOptions o = base;
      o.os = k;
      Trace t = run_lesson(file, text, o);
      const char* osn = k == OsKind::Qnx ? "qnx" : "linux";
      for (const Diagnostic& d : t.warnings) std::fprintf(stderr, "%s", d.format().c_str());
      if (!t.errors.empty() || !t.expect_failures.empty()) {
        for (const Diagnostic& d : t.errors) std::fprintf(stderr, "%s", d.format().c_str());
        for (const std::string& f : t.expect_failures) std::fprintf(stderr, "%s\n", f.c_str());
        std::fprintf(stderr, "FAIL %s (%s)\n", file.c_str(), osn);
        return 1;
      }
      size_t facts = 0;
      (void)facts;
      std::printf("ok   %s (%s): %zu steps%s%s\n", file.c_str(), osn, t.steps.size(),
                  t.stop_note.empty() ? "" : "; note: ", t.stop_note.c_str());
    }
  }
  return 0;
}

}  // namespace pp
