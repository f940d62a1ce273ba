// One lesson resolver for the CLI, the desktop and the page (engine/lesson_source.h).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "engine/lesson_source.h"

using namespace pp;

namespace {
// What every name of the first lesson must open: lessons/01-mlockall.c, id "mlockall".
void expect_mlockall(const std::string& name) {
  std::optional<LessonSource> s = resolve_lesson(name);
  ASSERT_TRUE(s.has_value()) << name;
  EXPECT_EQ(s->file, "lessons/01-mlockall.c") << name;
  EXPECT_EQ(s->id, "mlockall") << name;
  EXPECT_NE(s->text.find("mlockall("), std::string::npos) << name;
}
}  // namespace

TEST(LessonSource, BuiltinByIdNumberedIdAndFileName) {
  expect_mlockall("mlockall");
  expect_mlockall("01-mlockall");   // web/README.md: lesson('01-mlockall')
  expect_mlockall("01-mlockall.c");
  expect_mlockall("lessons/01-mlockall.c");  // not a file here (the test runs in its build dir)
}

TEST(LessonSource, UnknownNamesFindNothing) {
  EXPECT_FALSE(resolve_lesson("no-such-lesson").has_value());
  EXPECT_FALSE(resolve_lesson("").has_value());
  EXPECT_FALSE(resolve_lesson("99-mlockall").has_value());  // the number is part of the name
  EXPECT_FALSE(resolve_lesson("elsewhere/mlockall").has_value());  // a path names a file
  EXPECT_EQ(find_builtin_lesson("mlock.c"), nullptr);
}

TEST(LessonSource, AFileWinsAndIsReadAsIs) {
  const std::string path = testing::TempDir() + "my-lesson.c";
  {
    std::ofstream f(path);
    f << "int main(void) { return 0; }\n";
  }
  std::optional<LessonSource> s = resolve_lesson(path);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->file, path);
  EXPECT_EQ(s->id, "my-lesson");
  EXPECT_EQ(s->text, "int main(void) { return 0; }\n");
  std::remove(path.c_str());
}

TEST(LessonSource, ShortIds) {
  EXPECT_EQ(lesson_short_id("01-mlockall"), "mlockall");
  EXPECT_EQ(lesson_short_id("mlockall"), "mlockall");
  EXPECT_EQ(lesson_short_id("mcl-flags"), "mcl-flags");
  EXPECT_EQ(lesson_short_id("03-mcl-flags"), "mcl-flags");
}
