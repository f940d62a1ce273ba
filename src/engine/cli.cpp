// pinpages engine — `pinpages run` / `pinpages check`.
#include "engine/cli.h"

#include <cstdio>

#include "engine/lesson_source.h"
#include "engine/text.h"

namespace pp {

int lesson_run_command(const std::string& lesson, RunOptions o, bool json) {
  o.fold_loops = true;  // a plain program gets readable default steps
  std::optional<LessonSource> src = resolve_lesson(lesson);
  if (!src) {
    std::fprintf(stderr, "%s:1:1: error: cannot open lesson file (and no built-in lesson has that name)\n", lesson.c_str());
    return 1;
  }
  Trace t = run_lesson(src->file, src->text, o);
  if (!json && !t.steps.empty()) std::printf("%s — %s\n\n", t.meta.file.c_str(), t.meta.title.c_str());
  for (int i = 0; i < int(t.steps.size()); i++) {
    // JSON has every region and object: recomputed from a checkpoint if the history
    // dropped them. The text needs only the record and its events.
    const Step& s = json || t.steps[std::size_t(i)].events_dropped ? t.at(i, false) : t.steps[std::size_t(i)];
    if (json) std::printf("%s\n", step_json(t, s).c_str());
    else print_step(stdout, s, t.meta.machine.os);
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

int lesson_check_command(const std::vector<std::string>& lessons, const RunOptions& base) {
  for (const std::string& name : lessons) {
    std::optional<LessonSource> src = resolve_lesson(name);
    if (!src) {
      std::fprintf(stderr, "%s:1:1: error: cannot open lesson file (and no built-in lesson has that name)\n", name.c_str());
      return 1;
    }
    const std::string& file = src->file;
    const std::string& text = src->text;
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
      std::printf("ok   %s (%s): %zu steps%s%s\n", file.c_str(), osn, t.steps.size(),
                  t.stop_note.empty() ? "" : "; note: ", t.stop_note.c_str());
    }
  }
  return 0;
}

}  // namespace pp
