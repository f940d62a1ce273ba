// A run advanced in slices (RunSession, as the page runs a program between frames)
// records exactly the steps of a run made in one go, wherever the slices fall; a run
// stopped from outside keeps its steps and says where it stopped.
#include <gtest/gtest.h>

#include <string>

#include "engine/run.h"

namespace {

// Forks, waits, allocates and locks in a loop: slices fall inside calls, inside the child
// and between checkpoints.
const char* kProgram = R"(//@ title slices
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    char *p[40];
    int i, status;
    for (i = 0; i < 40; i++) {
        p[i] = malloc(4096 * (i + 1));
        p[i][0] = 1;
        if (i % 10 == 0)
            mlock(p[i], 4096);
    }
    if (fork() == 0) {
        for (i = 0; i < 40; i++)
            p[i][1] = 2;
        printf("child done\n");
        return 0;
    }
    wait(&status);
    printf("parent done %d\n", status);
    return 0;
}
)";

std::string all_json(const pp::Trace& t) {
  std::string s;
  for (int i = 0; i < int(t.steps.size()); ++i) s += pp::step_json(t, t.at(i)) + "\n";
  for (const auto& d : t.errors) s += d.format();
  return s;
}

TEST(Session, SlicedRunEqualsOneGo) {
  pp::RunOptions o;
  o.max_seconds = 0;  // bounded by counts: the test must not depend on the host clock
  o.history_bytes = 2u << 20;  // small: checkpoints and recomputed steps take part
  pp::Trace whole = pp::run_lesson("slices.c", kProgram, o);
  ASSERT_TRUE(whole.errors.empty()) << whole.errors.front().format();
  ASSERT_GT(whole.steps.size(), 40u);
  // Slices of a microsecond end after a handful of instructions each.
  pp::RunSession s("slices.c", kProgram, o);
  int slices = 1;
  while (!s.advance(1e-6)) ++slices;
  pp::Trace sliced = s.take();
  EXPECT_GT(slices, 10);
  EXPECT_EQ(all_json(whole), all_json(sliced));
}

TEST(Session, StopKeepsTheStepsAndSaysWhere) {
  const char* endless = "#include <stdlib.h>\nint main(void)\n{\n    for (int i = 0; ; i++)\n        if (i < 30)\n            malloc(64);\n}\n";
  pp::RunOptions o;
  o.max_seconds = 0;
  o.max_instructions = ~0ull;  // nor by instructions: only stop() ends it
  pp::RunSession s("endless.c", endless, o);
  int slices = 0;
  while (s.steps() < 31 && slices < 1000000) { ASSERT_FALSE(s.advance(1e-4)); ++slices; }
  s.stop("time limit reached: stopped from outside");
  EXPECT_TRUE(s.done());
  pp::Trace t = s.take();
  ASSERT_EQ(t.errors.size(), 1u);
  EXPECT_EQ(t.errors[0].file, "endless.c");
  EXPECT_GE(t.errors[0].line, 4);
  EXPECT_LE(t.errors[0].line, 6);
  EXPECT_EQ(t.errors[0].message, "time limit reached: stopped from outside");
  EXPECT_EQ(t.steps.size(), 31u);  // start + 30 mallocs, all kept
  EXPECT_EQ(t.steps[30].line, 6);
}

TEST(Session, ArgsAndStdinReachTheProgram) {
  const char* prog = "#include <stdio.h>\nint main(int argc, char *argv[])\n{\n    int c = getchar();\n"
                     "    printf(\"%d %s %c\\n\", argc, argv[2], c);\n    return getchar() == -1 ? 0 : 1;\n}\n";
  pp::RunOptions o;
  o.args = {"a", "bee"};
  o.stdin_text = "Z";
  pp::Trace t = pp::run_lesson("args.c", prog, o);
  ASSERT_TRUE(t.errors.empty());
  std::string out;
  for (const auto& s : t.steps) out += s.output;
  EXPECT_EQ(out, "3 bee Z\n");
}

}  // namespace
