// Malformed lessons: every error is a Diagnostic "file:line:col: message" with the
// offending line — never a crash. Each case asserts the exact position and message.
#include <gtest/gtest.h>

#include <set>

#include "deterministic.h"
#include "engine/run.h"

namespace {

struct Case {
  const char* name;
  const char* src;
  const char* expect;  // "line:col: message"
};

const Case kCases[] = {
  {"undeclared", "int main(void) {\n  x = 1;\n  return 0;\n}\n", "2:3: 'x' undeclared"},
  {"implicit_fn", "int main(void) {\n  foo(1);\n  return 0;\n}\n", "2:3: implicit declaration of function 'foo'"},
  {"missing_semi", "int main(void) {\n  int x = 1\n  return x;\n}\n", "2:12: expected ';' at end of declaration"},
  {"stray", "int main(void) {\n  int x = 1 @ 2;\n  return 0;\n}\n", "2:13: stray '@' in program"},
  {"unterminated_str", "#include <stdio.h>\nint main(void) {\n  printf(\"hi);\n  return 0;\n}\n", "3:10: missing terminating \" character"},
  {"bad_include", "#include <nothere.h>\nint main(void) { return 0; }\n", "1:2: nothere.h: No such file or directory"},
  {"local_include", "#include \"mine.h\"\nint main(void) { return 0; }\n", "1:2: #include \"mine.h\": only system headers (<...>) can be included in a lesson"},
  {"error_directive", "#error lesson not ready\nint main(void) { return 0; }\n", "1:1: #error lesson not ready"},
  {"unterminated_if", "#ifdef FOO\nint main(void) { return 0; }\n", "1:2: unterminated #ifdef"},
  {"no_member", "struct s { int a; };\nint main(void) {\n  struct s v;\n  v.b = 1;\n  return 0;\n}\n", "4:5: 'struct s' has no member named 'b'"},
  {"deref_int", "int main(void) {\n  int x = 0;\n  *x = 1;\n  return 0;\n}\n", "3:3: invalid type argument of unary '*' (have 'int')"},
  {"too_few_args", "#include <sys/mman.h>\nint main(void) {\n  mlock(0);\n  return 0;\n}\n", "3:3: too few arguments to function 'mlock'"},
  {"too_many_args", "#include <sys/mman.h>\nint main(void) {\n  munlockall(1);\n  return 0;\n}\n", "3:3: too many arguments to function 'munlockall'"},
  {"fn_ptr", "int f(void) { return 1; }\nint main(void) {\n  int (*p)(void) = f;\n  return p();\n}\n", "3:7: function pointers are not supported in this C subset"},
  {"goto", "int main(void) {\n  goto end;\n  return 0;\n}\n", "2:3: goto is not supported in this C subset"},
  {"break_outside", "int main(void) {\n  break;\n  return 0;\n}\n", "2:3: break statement not within loop or switch"},
  {"lvalue", "int main(void) {\n  int x;\n  3 = x;\n  return 0;\n}\n", "3:5: lvalue required as left operand of assignment"},
  {"unknown_note", "//@ sparkle now\nint main(void) {\n  return 0;\n}\n", "1:5: unknown annotation '//@ sparkle'"},
  {"bad_size", "//@ machine ram=lots\nint main(void) { return 0; }\n", "1:17: bad size 'lots' (use e.g. 512M or 1G)"},
  {"bad_zero_page", "//@ machine zero_page=maybe\nint main(void) { return 0; }\n", "1:23: zero_page must be on or off"},
  {"bad_expect_op", "int main(void) {\n  //@ expect VmLck ~= 5\n  return 0;\n}\n", "2:20: unknown operator '~=' (use == != < <= > >=)"},
  {"quiz_unbalanced", "int main(void) {\n  //@ quiz After f(a | b, what? | *x | y\n  return 0;\n}\n", "2:12: //@ quiz: a part has an unclosed bracket (missing ')')"},
  {"quiz_stray_close", "int main(void) {\n  //@ quiz What? | *x) | y\n  return 0;\n}\n", "2:22: //@ quiz: unbalanced ')' in a part"},
  {"quiz_no_answer", "int main(void) {\n  //@ quiz Which? | a | b\n  return 0;\n}\n", "2:12: //@ quiz: mark the correct choice with '*'"},
  {"note_not_above_stmt", "int main(void) {\n  return 0;\n  //@ say nothing follows\n}\n", "3:7: '//@ say' must be directly above a statement (or above main() for the start step)"},
  {"div_zero", "int main(void) {\n  int z = 0;\n  return 5 / z;\n}\n", "3:12: division by zero"},
  {"null_deref", "int main(void) {\n  int *p = 0;\n  *p = 3;\n  return 0;\n}\n", "3:6: Segmentation fault: null pointer dereference (address 0)"},
  {"void_deref", "int main(void) {\n  void *p = 0;\n  return *p;\n}\n", "3:10: dereferencing 'void *' pointer"},
  {"redecl", "int main(void) {\n  int a;\n  int a;\n  return 0;\n}\n", "3:7: redeclaration of 'a'"},
  {"empty_char", "int main(void) {\n  char c = '';\n  return c;\n}\n", "2:12: empty character constant"},
  {"int_to_ptr", "int main(void) {\n  int *p = 5;\n  return 0;\n}\n", "2:12: initialization makes pointer from integer without a cast"},
  {"printf_bad_conv", "#include <stdio.h>\nint main(void) {\n  printf(\"%k\\n\", 1);\n  return 0;\n}\n", "3:3: unknown conversion type character 'k' in format"},
  {"incomplete", "struct nope;\nint main(void) {\n  struct nope n;\n  return 0;\n}\n", "3:15: storage size of 'n' isn't known"},
  {"struct_by_value", "struct s { int a; };\nint f(struct s v) { return v.a; }\nint main(void) { return 0; }\n", "2:16: passing structs by value is not supported in this C subset"},
  {"undefined_fn", "int helper(int);\nint main(void) {\n  return helper(1);\n}\n", "3:10: undefined reference to 'helper'"},
  {"macro_args", "#define SQ(x) ((x)*(x))\nint main(void) {\n  return SQ(1, 2);\n}\n", "3:10: macro \"SQ\" requires 1 arguments, but 2 given"},
  {"else_without_if", "int main(void) {\n  else return 1;\n}\n", "2:3: 'else' without a previous 'if'"},
  {"bad_figure", "int main(void) {\n  //@ figure D\n  return 0;\n}\n", "2:14: //@ figure must be A, B or C"},
  {"recursion", "int f(int n) { return f(n + 1); }\nint main(void) {\n  return f(0);\n}\n", "1:23: stack overflow: recursion deeper than 5000 calls"},
  {"long_double", "int main(void) {\n  long double x = 1;\n  return 0;\n}\n", "2:3: 'long double' is not supported in this C subset"},
  {"note_inside_once", "#include <stdlib.h>\nint main(void) {\n  //@ step once\n  for (int i = 0; i < 3; i++) {\n    //@ say never shown\n    free(malloc(8));\n  }\n  return 0;\n}\n",
   "6:5: annotations on a statement inside a '//@ step once' statement never apply (line 4 is one step)"},
  {"bitfield", "struct s { int a : 3; };\nint main(void) { return 0; }\n", "1:18: bit-fields are not supported in this C subset"},
  // Real C/POSIX names the interpreter does not model are named as such, not as a
  // forgotten #include.
  {"not_modelled_fn", "#include <malloc.h>\nint main(void) {\n  malloc_usable_size(0);\n  return 0;\n}\n", "3:3: pinpages does not model malloc_usable_size() yet"},
  {"not_modelled_type", "#include <pthread.h>\nint main(void) {\n  pthread_cond_t c;\n  return 0;\n}\n", "3:3: pinpages does not model pthread_cond_t yet"},
  {"not_modelled_global_type", "#include <pthread.h>\npthread_mutex_t m;\nint main(void) { return 0; }\n", "2:1: pinpages does not model pthread_mutex_t yet"},
  {"not_modelled_struct", "#include <signal.h>\nint main(void) {\n  struct sigaction sa;\n  return 0;\n}\n", "3:20: pinpages does not model struct sigaction yet"},
  {"not_modelled_syscall", "#include <unistd.h>\n#include <sys/syscall.h>\nint main(void) {\n  syscall(999, 1);\n  return 0;\n}\n", "4:3: pinpages does not model syscall number 999 yet"},
  {"vla_init", "int main(int argc, char **argv) {\n  int a[argc] = {0};\n  return 0;\n}\n", "2:15: variable-sized object may not be initialized"},
  {"vla_global", "int n = 3;\nint a[n];\nint main(void) { return 0; }\n", "2:5: variably modified 'a' at file scope"},
  {"conflicting_globals", "double buffer[2048];\nint buffer;\nint main(void) { return 0; }\n", "2:5: conflicting types for 'buffer'"},
};

class Malformed : public ::testing::TestWithParam<Case> {};

TEST_P(Malformed, ExactDiagnostic) {
  const Case& c = GetParam();
  std::string file = std::string(c.name) + ".c";
  pp::RunOptions o = pp_test::deterministic();
  o.max_steps = 100;
  pp::Trace t = pp_test::run_lesson(file, c.src, o);
  ASSERT_FALSE(t.errors.empty()) << c.name << ": no error reported";
  const pp::Diagnostic& d = t.errors[0];
  std::string got = std::to_string(d.line) + ":" + std::to_string(d.col) + ": " + d.message;
  EXPECT_EQ(got, c.expect);
  EXPECT_EQ(d.file, file);
  // format(): "file:line:col: error: message", the source line, and a caret under col.
  std::string f = d.format();
  EXPECT_EQ(f.rfind(file + ":" + std::to_string(d.line) + ":" + std::to_string(d.col) + ": error: " + d.message, 0), 0u) << f;
  EXPECT_NE(f.find('^'), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Lang, Malformed, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& i) { return std::string(i.param.name); });

TEST(Malformed, AtLeastTwentyDistinctErrors) {
  std::set<std::string> msgs;
  for (const Case& c : kCases) msgs.insert(c.expect);
  EXPECT_GE(msgs.size(), 20u);
}

TEST(Limits, InstructionLimitStopsEndlessLoop) {
  pp::RunOptions o = pp_test::deterministic();
  o.max_instructions = 200000;
  pp::Trace t = pp_test::run_lesson("endless.c", "int main(void) {\n  for (;;) {}\n  return 0;\n}\n", o);
  ASSERT_EQ(t.errors.size(), 1u);
  EXPECT_EQ(t.errors[0].line, 2);
  EXPECT_NE(t.errors[0].message.find("instructions (an endless loop?)"), std::string::npos) << t.errors[0].message;
}

TEST(Limits, StepLimitTruncates) {
  pp::RunOptions o = pp_test::deterministic();
  o.max_steps = 50;
  pp::Trace t = pp_test::run_lesson("steps.c", "#include <stdio.h>\nint main(void) {\n  for (int i = 0; ; i++) printf(\"%d\\n\", i);\n  return 0;\n}\n", o);
  EXPECT_TRUE(t.truncated);
  EXPECT_EQ(t.steps.size(), 50u);
  ASSERT_EQ(t.errors.size(), 1u);
  EXPECT_EQ(t.errors[0].line, 3);
  EXPECT_NE(t.errors[0].message.find("step limit reached"), std::string::npos);
}

TEST(Limits, MissingFileIsADiagnostic) {
  pp::Trace t = pp_test::run_lesson_file("/nonexistent/lesson.c");
  ASSERT_EQ(t.errors.size(), 1u);
  EXPECT_EQ(t.errors[0].message, "cannot open lesson file");
}

}  // namespace
