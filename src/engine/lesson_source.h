// pinpages engine — finding a lesson by the name a person gives it. One set of rules for
// the command line, the desktop's --lesson, the page's links and window.pinpages.lesson():
//
//   a file that exists         "lessons/01-mlockall.c", "my.c"     (not on the web page)
//   a built-in lesson's id     "mlockall"
//   … with its number          "01-mlockall"                       (the file's stem)
//   … its file name            "01-mlockall.c", "lessons/01-mlockall.c"
#pragma once

#include <optional>
#include <string>

#include "engine/run.h"

namespace pp {

struct LessonSource {
  std::string id;    // "mlockall" for a built-in lesson, the file's stem for a file
  std::string file;  // what diagnostics name: "lessons/01-mlockall.c"
  std::string text;
};

// The built-in lesson `name` names (rules above, files aside); null if none.
const BuiltinLesson* find_builtin_lesson(const std::string& name);
// A file first (so an edited lessons/*.c is what runs), then a built-in lesson.
std::optional<LessonSource> resolve_lesson(const std::string& name);

// The whole file at `path` into `out`; false when it cannot be read. Plain stdio: a
// stream here would link the iostreams and their locales into the web page (~70 KB of
// code the browser must download and validate before the first frame).
bool read_text_file(const std::string& path, std::string& out);
// "01-mlockall" → "mlockall": the id links use (they survive renumbering).
std::string lesson_short_id(const std::string& id);

}  // namespace pp
