// A link's options → StartOptions: what a teacher's link (?lesson=…&step=…#…) opens.
// The page decodes the address (URLSearchParams, tests/web/*.mjs open real links);
// these are the checks of the decoded values.
#include <gtest/gtest.h>

#include "app/start_options.h"

using pp::app::start_options;
using Params = std::map<std::string, std::string>;

TEST(StartOptions, EmptyGivesDefaults) {
  auto o = start_options({});
  EXPECT_EQ(o.lesson, "");
  EXPECT_EQ(o.step, 0);
  EXPECT_EQ(o.os, "");
  EXPECT_FLOAT_EQ(o.zoom, 1.0f);
  EXPECT_FALSE(o.embed);
}

TEST(StartOptions, ReadsEveryKey) {
  auto o = start_options(Params{{"lesson", "mlockall"}, {"step", "12"}, {"os", "qnx"}, {"zoom", "1.5"}, {"embed", "1"}});
  EXPECT_EQ(o.lesson, "mlockall");
  EXPECT_EQ(o.step, 12);
  EXPECT_EQ(o.os, "qnx");
  EXPECT_FLOAT_EQ(o.zoom, 1.5f);
  EXPECT_TRUE(o.embed);
}

TEST(StartOptions, KeepsDecodedLessonPathAsGiven) {
  EXPECT_EQ(start_options(Params{{"lesson", "lessons/my lesson.c"}}).lesson, "lessons/my lesson.c");
  EXPECT_EQ(start_options(Params{{"lesson", "a%2"}}).lesson, "a%2");
}

TEST(StartOptions, IgnoresMalformedValues) {
  auto o = start_options(Params{{"step", "-3"}, {"zoom", "99"}, {"os", "windows"}, {"embed", "0"}, {"foo", "bar"}});
  EXPECT_EQ(o.step, 0);
  EXPECT_FLOAT_EQ(o.zoom, 1.0f);
  EXPECT_EQ(o.os, "");
  EXPECT_FALSE(o.embed);
  EXPECT_EQ(start_options(Params{{"step", "abc"}}).step, 0);
  EXPECT_EQ(start_options(Params{{"step", "7x"}}).step, 0);
  EXPECT_EQ(start_options(Params{{"step", "1000000"}}).step, 0);
  EXPECT_FLOAT_EQ(start_options(Params{{"zoom", ""}}).zoom, 1.0f);
  EXPECT_FLOAT_EQ(start_options(Params{{"zoom", "0.1"}}).zoom, 1.0f);
}

TEST(StartOptions, BareEmbedFlag) {
  EXPECT_TRUE(start_options(Params{{"embed", ""}}).embed);
  EXPECT_TRUE(start_options(Params{{"lesson", "a"}, {"embed", "true"}}).embed);
  EXPECT_TRUE(start_options(Params{{"embed", "yes"}}).embed);
}

TEST(StartOptions, SandboxLinkCarriesItsProgram) {
  auto o = start_options(Params{{"lesson", "sandbox"}, {"step", "3"}, {"prog", "p1 = malloc(4096);\nmlockall(MCL_CURRENT);"}});
  EXPECT_EQ(o.lesson, "sandbox");
  EXPECT_EQ(o.step, 3);
  EXPECT_TRUE(o.has_program);
  EXPECT_EQ(o.program, "p1 = malloc(4096);\nmlockall(MCL_CURRENT);");
  EXPECT_FALSE(start_options(Params{{"lesson", "mlock"}}).has_program);
  EXPECT_FALSE(start_options(Params{{"prog", std::string(16385, 'x')}}).has_program);
}
