// The command line: CLI11 subcommands run, check, real and gui (the default).
//
// `pinpages run FILE -- a b`: everything after the first `--` is the program's own
// argv[1..]; it is split off before CLI11 sees the rest, so the program's arguments may
// look like options (`-- -v --help`) without CLI11 reading them.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <string>
#include <vector>

#include "app/commands.h"
#include "engine/annotations.h"
#include "engine/cli.h"
#include "engine/lesson_source.h"

namespace pp::app {

namespace {

// The options `run` and `check` share, parsed into RunOptions after CLI11 is done.
struct ModelArgs {
  std::string os, ram, swap, stdin_file, zero_page;
  int max_steps = 0;
  double max_seconds = -1;
  long long history_mb = 0;
  bool check_invariants = false, json = false;
};

const CLI::Validator kSize(
    [](std::string& s) { return parse_size(s) ? std::string() : "bad size '" + s + "' (like 512M or 1G)"; }, "SIZE");

void add_model_options(CLI::App* a, ModelArgs& m) {
  a->add_flag("--json", m.json, "one JSON object per step (the schema of tests/golden)");
  a->add_option("--os", m.os, "model personality")->check(CLI::IsMember({"linux", "qnx"}));
  a->add_option("--ram", m.ram, "RAM of the model, like 512M or 1G")->check(kSize);
  a->add_option("--swap", m.swap, "swap of the model, like 512M or 1G")->check(kSize);
  a->add_option("--zero-page", m.zero_page,
                "off: reads of untouched anonymous memory get frames, not the zero page (kernels booted with "
                "pvm_no_zero_page=1); default on, as mainline")
      ->check(CLI::IsMember({"on", "off"}));
  a->add_option("--max-steps", m.max_steps, "stop after N steps (default 1000000)")->check(CLI::Range(1, INT_MAX));
  a->add_option("--max-seconds", m.max_seconds,
                "stop a program that runs S seconds without making a step, an endless loop (default 1.5; 0: no "
                "limit). A program that keeps making steps is stopped only by --max-steps and --history-mb")
      ->check(CLI::Range(0.0, 1e6));
  a->add_option("--history-mb", m.history_mb,
                "bytes of history kept; older steps are recomputed (default 96). Every step keeps a record of a few "
                "hundred bytes: a run whose records fill half of this stops (about 75,000 steps at the default)")
      ->check(CLI::Range(1LL, 1LL << 20));
  a->add_option("--stdin", m.stdin_file, "the program's standard input (default: empty, getchar() gives EOF)");
  a->add_flag("--check-invariants", m.check_invariants, "check the model's invariants after every operation");
}

// RunOptions from the parsed options; false after a one-line message.
bool to_run_options(const ModelArgs& m, const std::vector<std::string>& program_args, RunOptions& o) {
  if (!m.os.empty()) o.os = m.os == "qnx" ? OsKind::Qnx : OsKind::Linux;
  if (!m.ram.empty()) o.ram_bytes = *parse_size(m.ram);
  if (!m.swap.empty()) o.swap_bytes = *parse_size(m.swap);
  if (!m.zero_page.empty()) o.zero_page = m.zero_page == "on";
  if (m.max_steps > 0) o.max_steps = m.max_steps;
  if (m.max_seconds >= 0) o.max_seconds = m.max_seconds;
  if (m.history_mb > 0) o.history_bytes = u64(m.history_mb) << 20;
  o.check_invariants = m.check_invariants;
  o.args = program_args;
  if (!m.stdin_file.empty()) {
    if (!pp::read_text_file(m.stdin_file, o.stdin_text)) {
      std::fprintf(stderr, "pinpages: cannot open '%s' for --stdin\n", m.stdin_file.c_str());
      return false;
    }
  }
  return true;
}

void add_gui_options(CLI::App* a, GuiOptions& g) {
  a->add_option("--frames", g.frames, "render N frames, then exit 0")->check(CLI::Range(0L, 1000000000L));
  a->add_flag("--smoke", g.smoke, "render a few frames and check that something was drawn");
  a->add_option("--screenshot", g.screenshot, "save the last frame as a PNG file");
  a->add_option("--lesson", g.lesson, "lesson id or path to open");
  a->add_option("--step", g.step, "step to show")->check(CLI::Range(0, 1000000000));
  a->add_option("--os", g.os, "model personality")->check(CLI::IsMember({"linux", "qnx"}));
  a->add_option("--zoom", g.zoom, "UI zoom")->check(CLI::Range(0.25f, 4.0f));
}

void add_real_options(CLI::App* a, RealCommand& r) {
  a->add_option("lesson", r.lesson, "a .c file or a built-in lesson id");
  a->add_flag("--json", r.json, "print the `pinpages run --json` schema, filled from the kernel");
  a->add_flag("--force", r.force, "allow locking more than half of MemAvailable");
  a->add_flag("!--no-compare", r.compare, "do not compare with the model");
  a->add_flag("--keep-root", r.keep_root, "under sudo, keep root (to read /proc/kpageflags for forked children)");
  a->add_flag("--all", r.all, "every built-in lesson, one agreement line each");
  a->add_option("--record", r.record, "write the kernel's run as a recording (docs/RECORDINGS.md)");
  a->add_flag("--latency", r.latency, "measure first-touch faults and worst-case touch time (alone or into --record)");
  a->add_option("--records", r.records, "latency: number of buffers (default 500)")->check(CLI::Range(1ULL, 1000000ULL));
  a->add_option("--bytes", r.bytes, "latency: bytes per buffer (default 1024144)")->check(CLI::PositiveNumber);
}

}  // namespace

#ifndef PP_APP_GUI
// A build without SDL2/ImGui (the asan tree) has the command line only.
int run_gui(const GuiOptions&) {
  std::fprintf(stderr, "pinpages: this build has no window (configured without the UI); use run, check or real\n");
  return 2;
}
#endif

#ifdef PP_APP_NO_REAL
int cmd_real(const RealCommand&) {
  std::fprintf(stderr, "pinpages real: this build cannot run lessons on the kernel (Linux only)\n");
  return 2;
}
#endif

int main_cli(int argc, char** argv) {
  // The program's own arguments: everything after the first "--".
  std::vector<std::string> args(argv + 1, argv + argc), program_args;
  if (auto dd = std::find(args.begin(), args.end(), "--"); dd != args.end()) {
    program_args.assign(dd + 1, args.end());
    args.erase(dd, args.end());
  }

  CLI::App app{"pinpages — see what mlock, mlockall, fork and exec do to a process's pages.\n"
               "Subcommands: gui (default), run, check, real (see `pinpages <cmd> --help`)."};
  app.name("pinpages");
  app.require_subcommand(0, 1);
  GuiOptions g;
  add_gui_options(&app, g);
  CLI::App* gui = app.add_subcommand("gui", "open the window (the default)");
  add_gui_options(gui, g);

  ModelArgs run_args, check_args;
  std::string run_lesson;
  std::vector<std::string> check_lessons;
  CLI::App* run = app.add_subcommand("run", "step a lesson through the model and print what happens");
  run->add_option("lesson", run_lesson, "a .c file or a built-in lesson id (\"mlockall\", \"01-mlockall\")")->required();
  add_model_options(run, run_args);
  run->footer("  -- ARGS...  the program's arguments (argv[1], ...; argc counts argv[0] too)");
  CLI::App* check = app.add_subcommand("check", "check lessons and their //@ expectations");
  check->add_option("lessons", check_lessons, ".c files or built-in lesson ids")->required();
  add_model_options(check, check_args);

  RealCommand real_cmd;
  CLI::App* real = app.add_subcommand("real", "run a lesson for real on this kernel (sudo for mlock)");
  add_real_options(real, real_cmd);
  real->footer("Runs the lesson's calls for real in a helper process (pinpages-lab) and shows what the kernel "
               "reports; then compares every step with the model. Under sudo the command drops root once the lab "
               "runs; --keep-root keeps it.");

  std::vector<std::string> rev(args.rbegin(), args.rend());
  try {
    app.parse(rev);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    const char* sub = run->parsed() ? " run" : check->parsed() ? " check" : real->parsed() ? " real" : "";
    std::fprintf(stderr, "pinpages%s: %s (see `pinpages%s --help`)\n", sub, e.what(), sub);
    return 2;
  }
  if (!program_args.empty() && !run->parsed()) {
    std::fprintf(stderr, "pinpages: only `pinpages run FILE -- ARGS` passes arguments to a program\n");
    return 2;
  }
  if (run->parsed()) {
    RunOptions o;
    if (!to_run_options(run_args, program_args, o)) return 2;
    return lesson_run_command(run_lesson, o, run_args.json);
  }
  if (check->parsed()) {
    RunOptions o;
    if (!to_run_options(check_args, {}, o)) return 2;
    return lesson_check_command(check_lessons, o);
  }
  if (real->parsed()) return cmd_real(real_cmd);
  return run_gui(g);
}

}  // namespace pp::app
