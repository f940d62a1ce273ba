// The page address → StartOptions: what a teacher's link (?lesson=…&step=…#…) opens.
#include <gtest/gtest.h>

#include "app/start_options.h"

using pp::app::parse_start_options;

TEST(StartOptions, EmptyGivesDefaults) {
  auto o = parse_start_options("");
  EXPECT_EQ(o.lesson, "");
  EXPECT_EQ(o.step, 0);
  EXPECT_EQ(o.os, "");
  EXPECT_FLOAT_EQ(o.zoom, 1.0f);
  EXPECT_FALSE(o.embed);
}

TEST(StartOptions, ReadsEveryKey) {
  auto o = parse_start_options("lesson=mlockall&step=12&os=qnx&zoom=1.5&embed=1");
  EXPECT_EQ(o.lesson, "mlockall");
  EXPECT_EQ(o.step, 12);
  EXPECT_EQ(o.os, "qnx");
  EXPECT_FLOAT_EQ(o.zoom, 1.5f);
  EXPECT_TRUE(o.embed);
}

TEST(StartOptions, HashAfterQueryWins) {
  // main_web.cpp joins location.search and location.hash with '&' in that order.
  auto o = parse_start_options("lesson=mlock&step=2&&step=7");
  EXPECT_EQ(o.lesson, "mlock");
  EXPECT_EQ(o.step, 7);
}

TEST(StartOptions, DecodesPercentAndPlus) {
  auto o = parse_start_options("lesson=lessons%2Fmy+lesson.c");
  EXPECT_EQ(o.lesson, "lessons/my lesson.c");
}

TEST(StartOptions, IgnoresMalformedValues) {
  auto o = parse_start_options("step=-3&zoom=99&os=windows&step=abc&zoom=&lesson=%zz&embed=0&foo=bar");
  EXPECT_EQ(o.step, 0);
  EXPECT_FLOAT_EQ(o.zoom, 1.0f);
  EXPECT_EQ(o.os, "");
  EXPECT_EQ(o.lesson, "%zz");  // not valid percent-encoding: kept literally
  EXPECT_FALSE(o.embed);
}

TEST(StartOptions, BareEmbedFlag) {
  EXPECT_TRUE(parse_start_options("embed").embed);
  EXPECT_TRUE(parse_start_options("lesson=a&embed=true").embed);
}

TEST(StartOptions, TruncatedPercentAtEnd) {
  EXPECT_EQ(parse_start_options("lesson=a%2").lesson, "a%2");
  EXPECT_EQ(parse_start_options("lesson=a%").lesson, "a%");
}

TEST(StartOptions, SandboxLinkCarriesItsProgram) {
  auto o = parse_start_options("lesson=sandbox&step=3&prog=p1%20%3D%20malloc(4096)%3B%0Amlockall(MCL_CURRENT)%3B");
  EXPECT_EQ(o.lesson, "sandbox");
  EXPECT_TRUE(o.has_program);
  EXPECT_EQ(o.program, "p1 = malloc(4096);\nmlockall(MCL_CURRENT);");
  EXPECT_FALSE(parse_start_options("lesson=mlock").has_program);
}
