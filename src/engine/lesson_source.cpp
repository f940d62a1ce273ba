// Finding a lesson by name: a file, or a built-in lesson by id, numbered id or file name.
#include "engine/lesson_source.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <cstdio>

namespace pp {

std::string lesson_short_id(const std::string& id) {
  auto dash = id.find('-');
  if (dash != std::string::npos && dash > 0 &&
      std::all_of(id.begin(), id.begin() + static_cast<std::ptrdiff_t>(dash), [](unsigned char c) { return std::isdigit(c); }))
    return id.substr(dash + 1);
  return id;
}

const BuiltinLesson* find_builtin_lesson(const std::string& name) {
  // A path other than the lesson's own ("lessons/01-mlockall.c") names a file.
  const bool bare = !name.empty() && name.find('/') == std::string::npos;
  for (const BuiltinLesson& b : builtin_lessons()) {
    std::string b_base = b.file.substr(b.file.rfind('/') == std::string::npos ? 0 : b.file.rfind('/') + 1);
    if (b.file == name || (bare && (b.id == name || b_base == name || b_base == name + ".c"))) return &b;
  }
  return nullptr;
}

bool read_text_file(const std::string& path, std::string& out) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  out.clear();
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  const bool ok = !std::ferror(f);
  std::fclose(f);
  return ok;
}

std::optional<LessonSource> resolve_lesson(const std::string& name) {
  std::error_code ec;
  if (!name.empty() && std::filesystem::is_regular_file(name, ec)) {
    std::string text;
    if (read_text_file(name, text)) {
      std::string base = name.substr(name.rfind('/') == std::string::npos ? 0 : name.rfind('/') + 1);
      if (base.size() > 2 && base.compare(base.size() - 2, 2, ".c") == 0) base.resize(base.size() - 2);
      return LessonSource{base, name, std::move(text)};
    }
  }
  if (const BuiltinLesson* b = find_builtin_lesson(name)) return LessonSource{b->id, b->file, b->text};
  return std::nullopt;
}

}  // namespace pp
