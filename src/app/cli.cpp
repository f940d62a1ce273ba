// Command-line dispatch. Subcommands other than gui receive their arguments raw:
// their owners parse them, and this file need not change when they add options.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "app/commands.h"

namespace pp::app {

int main_cli(int argc, char** argv) {
  // Raw pass-through first: CLI11 would otherwise swallow --help and options it does
  // not know for run/check/real.
  if (argc >= 2) {
    std::string sub = argv[1];
    std::vector<std::string> rest(argv + 2, argv + argc);
    if (sub == "run") return cmd_run(rest);
    if (sub == "check") return cmd_check(rest);
    if (sub == "real") return cmd_real(rest);
  }

  CLI::App app{"pinpages — see what mlock, mlockall, fork and exec do to a process's pages.\n"
               "Subcommands: gui (default), run, check, real (see `pinpages <cmd> --help`)."};
  app.require_subcommand(0, 1);
  GuiOptions g;
  auto add_gui_options = [&g](CLI::App* a) {
    a->add_option("--frames", g.frames, "render N frames, then exit 0")->check(CLI::Range(0L, 1000000000L));
    a->add_flag("--smoke", g.smoke, "render a few frames and check that something was drawn");
    a->add_option("--screenshot", g.screenshot, "save the last frame as a PNG file");
    a->add_option("--lesson", g.lesson, "lesson id or path to open");
    a->add_option("--step", g.step, "step to show")->check(CLI::Range(0, 1000000000));
    a->add_option("--os", g.os, "model personality")->check(CLI::IsMember({"linux", "qnx"}));
    a->add_option("--zoom", g.zoom, "UI zoom")->check(CLI::Range(0.25f, 4.0f));
  };
  add_gui_options(&app);
  CLI::App* gui = app.add_subcommand("gui", "open the window (the default)");
  add_gui_options(gui);
  // Listed in --help; the real work happens in the pass-through above.
  app.add_subcommand("run", "step a lesson through the model and print what happens")->allow_extras();
  app.add_subcommand("check", "check lessons and their //@ expectations")->allow_extras();
  app.add_subcommand("real", "run a lesson for real on this kernel (sudo for mlock)")->allow_extras();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return run_gui(g);
}

}  // namespace pp::app
