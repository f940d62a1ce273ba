// The POSIX/glibc calls of real-world memory-locking programs, on the model. The
// expected numbers are what the same programs print on the kernel (Linux 6.x, glibc
// 2.36; tests/programs/compare.mjs checks that side when run as root).
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "deterministic.h"
#include "engine/run.h"
#include "lang/builtins.h"
#include "lang/preproc.h"

namespace {

std::string output(const pp::Trace& t) {
  std::string out;
  for (const auto& s : t.steps) out += s.output;
  return out;
}

pp::Trace run_file(const std::string& name) {
  return pp_test::run_lesson_file(std::string(PP_PROGRAMS_DIR) + "/" + name);
}

pp::Trace run_text(const char* src) { return pp_test::run_lesson("prog.c", src); }

bool has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

TEST(Posix, RtGuideRecipeNoFaultsOnSecondPool) {
  pp::Trace t = run_file("rt_wiki_no_trim.c");
  ASSERT_TRUE(t.errors.empty()) << t.errors[0].format();
  std::string out = output(t);
  EXPECT_TRUE(has(out, "2nd malloc() and use generated: Pagefaults, Major:0 (Allowed 0), Minor:0 (Allowed 0)\n")) << out;
  // Kernel: 25601 (100 MiB of brk heap populated by MCL_FUTURE, plus one).
  auto at = out.find("malloc() and touch generated  : Pagefaults, Major:0 (Allowed >=0), Minor:");
  ASSERT_NE(at, std::string::npos) << out;
  long minor = std::atol(out.c_str() + at + std::strlen("malloc() and touch generated  : Pagefaults, Major:0 (Allowed >=0), Minor:"));
  EXPECT_GE(minor, 25600);
  EXPECT_LE(minor, 25700);
}

TEST(Posix, WithoutMalloptTheHeapIsTrimmedAndRefaults) {
  // glibc's defaults: a 4 MiB block is an mmap'd chunk, free() unmaps it, the next
  // malloc (now from the heap: the threshold rose) faults every page again (kernel: 1025, 1024).
  pp::Trace t = run_text(R"(#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
static long minflt(void) { struct rusage u; getrusage(RUSAGE_SELF, &u); return u.ru_minflt; }
static long use(void) {
  long f = minflt();
  char *b = malloc(4 << 20);
  for (int i = 0; i < (4 << 20); i += 4096) b[i] = 0;
  free(b);
  return minflt() - f;
}
int main(void) {
  long a = use(), b = use();
  printf("%ld %ld\n", a, b);
  return 0;
}
)");
  ASSERT_TRUE(t.errors.empty()) << t.errors[0].format();
  EXPECT_EQ(output(t), "1025 1024\n");
}

TEST(Posix, MalloptValuesAsGlibc236) {
  pp::Trace t = run_text(R"(#include <malloc.h>
#include <stdio.h>
int main(void) {
  printf("%d %d %d %d\n", mallopt(M_MMAP_THRESHOLD, 1 << 30), mallopt(M_MMAP_THRESHOLD, -1),
         mallopt(M_MXFAST, 160), mallopt(M_MXFAST, 161));
  printf("%d %d\n", mallopt(12345, 1), mallopt(M_MMAP_MAX, -1));
  return 0;
}
)");
  ASSERT_TRUE(t.errors.empty()) << t.errors[0].format();
  EXPECT_EQ(output(t), "1 1 1 0\n1 1\n");  // what the kernel run printed
}

TEST(Posix, RealTimePolicyNeedsSudo) {
  // Without the privilege (RLIMIT_RTPRIO 0, no CAP_SYS_NICE) Linux answers EPERM.
  pp::Trace t = run_text(R"(#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
int main(void) {
  //@ sudo off
  struct sched_param p = { 10 };
  int r = sched_setscheduler(0, SCHED_FIFO, &p);
  printf("%d %s %d\n", r, strerror(errno), sched_getscheduler(0));
  p.sched_priority = 0;
  printf("%d\n", sched_setscheduler(0, SCHED_OTHER, &p));
  return 0;
}
)");
  ASSERT_TRUE(t.errors.empty()) << t.errors[0].format();
  EXPECT_EQ(output(t), "-1 Operation not permitted 0\n0\n");
}

TEST(Posix, EndlessRealTimeLoopStopsWithANote) {
  pp::Trace t = run_file("rt_cyclic.c");
  EXPECT_TRUE(t.errors.empty()) << t.errors[0].format();
  EXPECT_TRUE(has(t.stop_note, "1000 sleeps")) << t.stop_note;
  ASSERT_FALSE(t.steps.empty());
  EXPECT_TRUE(has(t.steps.back().say, "Stopped: ")) << t.steps.back().say;
  EXPECT_TRUE(has(output(t), "cycle 1000: 0 new minor faults\n")) << output(t);
}

TEST(Posix, PauseEndsTheRunWithANote) {
  pp::Trace t = run_text(R"(#include <stdio.h>
#include <unistd.h>
int main(void) {
  printf("waiting\n");
  pause();
  printf("never\n");
  return 0;
}
)");
  EXPECT_TRUE(t.errors.empty());
  EXPECT_EQ(output(t), "waiting\n");
  EXPECT_TRUE(has(t.stop_note, "pause()")) << t.stop_note;
}

TEST(Posix, KandRMainGetcharAndWrite) {
  pp::Trace t = run_file("kr_style.c");
  ASSERT_TRUE(t.errors.empty()) << t.errors[0].format();
  EXPECT_EQ(output(t), "locking 2 MiB in 16 pieces\npress enter to unlock...\n(no input: going on)\nunlocked\nstrncmp: 0\n");
}

TEST(Posix, SyscallByNumberIsTheLibraryCall) {
  pp::Trace t = run_file("syscall_mlock.c");
  ASSERT_TRUE(t.errors.empty()) << t.errors[0].format();
  EXPECT_EQ(output(t),
            "two mappings of 64 pages\nsyscall(SYS_mlock) = 0\n  faults while locking: 64\n"
            "syscall(SYS_mlock2, ONFAULT) = 0\n  faults while locking: 0\n  faults touching half: 32\n"
            "bad flag: Invalid argument\nmunlock: 0, munlock: 0\npid matches: yes\n");
}

TEST(Posix, ChildrenFaultsAfterWait) {
  pp::Trace t = run_file("fork_children.c");
  ASSERT_TRUE(t.errors.empty()) << t.errors[0].format();
  EXPECT_EQ(output(t), "child exited with 0\nchild took at least 256 faults: yes\nparent major faults since mlock: 0\n");
}

TEST(Posix, ThreadStacksAreMappingsLockedUnderMclFuture) {
  pp::Trace t = run_file("rt_thread_stack.c");
  ASSERT_TRUE(t.errors.empty()) << t.errors[0].format();
  std::string out = output(t);
  // Kernel lines (the first thread's total is glibc's one-time set-up, not compared).
  EXPECT_TRUE(has(out, "attr stack size: 262144\nnew thread, new locked stack:\n"
                       "  in the thread: 0 faults touching 64 KiB of stack\n"
                       "  thread 1 returned 1; 64 faults in all\n"
                       "same size again (glibc reuses the stack):\n"
                       "  in the thread: 0 faults touching 64 KiB of stack\n"
                       "  thread 2 returned 2; 0 faults in all\n")) << out;
  EXPECT_FALSE(has(out, "was accepted")) << out;
  // The locked stack: mmap(256 KiB + guard, PROT_NONE), then mprotect of all but the
  // guard page populates exactly the 64 stack pages.
  int locked_creates = 0;
  for (const auto& s : t.steps) {
    if (!has(s.call, "pthread_create") || s.minflt != 64) continue;
    pp::u64 populated = 0;
    for (const auto& e : s.events) if (e.kind == pp::EventKind::Populate) populated += e.npages;
    EXPECT_EQ(populated, 64u);
    locked_creates++;
  }
  EXPECT_EQ(locked_creates, 1);
  // Steps say which thread ran them: the start routine's statements are the thread's.
  int in_thread = 0, in_main = 0;
  for (const auto& s : t.steps) {
    if (has(s.source, "memset(prefault")) { EXPECT_NE(s.tid, s.pid); in_thread++; }
    if (has(s.source, "pthread_create(&thread")) { EXPECT_EQ(s.tid, s.pid); in_main++; }
  }
  EXPECT_GE(in_thread, 1);  // a statement is a step only when it did something
  EXPECT_GE(in_main, 2);
  EXPECT_TRUE(has(pp::step_json(t, t.steps[3]), "\"tid\":")) << pp::step_json(t, t.steps[3]);
}

TEST(Posix, VariableLengthArrayOnTheStack) {
  pp::Trace t = run_file("vla_stack_check.c");
  ASSERT_TRUE(t.errors.empty()) << t.errors[0].format();
  // The kernel printed exactly this (the [stack] VMA of 132 KiB was locked by mlockall).
  EXPECT_EQ(output(t), "3 sizes, 24 bytes of them\n  used 65536 bytes of stack\n64 KiB: 0 new faults\n"
                       "  used 131072 bytes of stack\n128 KiB: 1 new faults\n"
                       "  used 196608 bytes of stack\n192 KiB: 16 new faults\n");
}

TEST(Posix, MissingHeaderIsGccsWarning) {
  // gcc 12: "2:13: warning: implicit declaration of function 'malloc'", same positions.
  pp::Trace t = run_text("int main(void) {\n  char *p = malloc(10);\n  mlock(p, 10);\n  mlock(p, 10);\n  return 0;\n}\n");
  EXPECT_TRUE(t.errors.empty());
  ASSERT_EQ(t.warnings.size(), 2u);  // once per function, as gcc
  EXPECT_EQ(t.warnings[0].line, 2);
  EXPECT_EQ(t.warnings[0].col, 13);
  EXPECT_EQ(t.warnings[0].message, "implicit declaration of function 'malloc' (include <stdlib.h>)");
  EXPECT_EQ(t.warnings[1].line, 3);
  EXPECT_EQ(t.warnings[1].col, 3);
  EXPECT_EQ(t.warnings[1].message, "implicit declaration of function 'mlock' (include <sys/mman.h>)");
  EXPECT_EQ(t.warnings[0].format().rfind("prog.c:2:13: warning: implicit declaration", 0), 0u) << t.warnings[0].format();
  // With the header, or the program's own declaration, there is nothing to say.
  EXPECT_TRUE(run_text("#include <stdlib.h>\nint mlock(const void *a, size_t n);\nint main(void) {\n"
                       "  char *p = malloc(10);\n  return mlock(p, 10);\n}\n").warnings.empty());
  // Without the header a program may define its own function with a library name.
  pp::Trace own = run_text("#include <stdio.h>\nstatic int pause(int ms) { return ms * 2; }\n"
                           "int main(void) {\n  printf(\"%d\\n\", pause(21));\n  return 0;\n}\n");
  EXPECT_TRUE(own.errors.empty()) << own.errors[0].format();
  EXPECT_EQ(output(own), "42\n");
  EXPECT_FALSE(run_text("#include <unistd.h>\nint pause(int ms) { return ms; }\nint main(void) { return 0; }\n").errors.empty());
  // pthread.h declares the sched_* calls too.
  EXPECT_TRUE(run_text("#include <pthread.h>\nint main(void) {\n  return sched_yield();\n}\n").warnings.empty());
}

TEST(Posix, EveryLibraryFunctionHasItsHeader) {
  for (int i = 0; i < pp::lang::BI_COUNT; i++) {
    std::string n = pp::lang::builtin_name(i);
    if (n.rfind("__", 0) == 0) continue;
    std::vector<std::string> hs = pp::lang::headers_declaring(n);
    ASSERT_FALSE(hs.empty()) << n;
    for (const std::string& h : hs) EXPECT_TRUE(pp::lang::known_header(h)) << n << " in " << h;
  }
}

TEST(Posix, LessonsAndProgramsNeedNoImplicitDeclarations) {
  for (const char* dir : {PP_LESSONS_DIR, PP_PROGRAMS_DIR}) {
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      if (e.path().extension() != ".c") continue;
      pp::RunOptions o = pp_test::deterministic();
      o.max_steps = 1;
      pp::Trace t = pp_test::run_lesson_file(e.path().string(), o);
      EXPECT_TRUE(t.warnings.empty()) << e.path() << ": " << (t.warnings.empty() ? "" : t.warnings[0].format());
    }
  }
}

TEST(Posix, GetoptAndGetoptLong) {
  pp::Trace t = run_file("options.c");
  ASSERT_TRUE(t.errors.empty()) << t.errors[0].format();
  EXPECT_EQ(output(t), "no options: running again with some\nsize from '4'\nsize from '2'\n"
                       "verbose=2 lock=1 size=2 MiB, next argument: rest (optind 7 of 8)\nlocked 2 MiB\n");
  // A program that never uses optind & co. keeps gcc's layout: no hidden globals.
  pp::Trace u = run_text("#include <unistd.h>\nint main(int argc, char **argv) {\n  return getopt(argc, argv, \"x\") == -1 ? 0 : 1;\n}\n");
  EXPECT_TRUE(u.errors.empty());
}

TEST(Posix, CliRunEndsNormallyWithTheNoteAndCheckReportsIt) {
  std::string cli = PP_LESSON_CLI;
  std::string prog = std::string(PP_PROGRAMS_DIR) + "/rt_cyclic.c";
  EXPECT_EQ(std::system((cli + " run " + prog + " 2>&1 >/dev/null | grep -q 'rt_cyclic.c: note: stopped after 1000 sleeps'").c_str()), 0);
  EXPECT_EQ(std::system((cli + " run " + prog + " >/dev/null 2>&1").c_str()), 0);
  EXPECT_EQ(std::system((cli + " check " + prog + " | grep -q '; note: stopped after 1000 sleeps'").c_str()), 0);
  // gcc's warning reaches the user of `run`, and the program still runs.
  std::string f = ::testing::TempDir() + "/no_header.c";
  std::ofstream(f) << "int main(void) {\n  char *p = malloc(10);\n  return 0;\n}\n";
  EXPECT_EQ(std::system((cli + " run " + f + " 2>&1 >/dev/null | grep -q 'no_header.c:2:13: warning: implicit declaration of function .malloc.'").c_str()), 0);
  EXPECT_EQ(std::system((cli + " run " + f + " >/dev/null 2>&1").c_str()), 0);
}

TEST(Posix, ReadmeListsEveryLibraryFunction) {
  // lessons/README.md's list of supported calls is checked against the interpreter's table.
  std::ifstream f(std::string(PP_LESSONS_DIR) + "/README.md");
  std::stringstream ss;
  ss << f.rdbuf();
  std::string readme = ss.str();
  for (int i = 0; i < pp::lang::BI_COUNT; i++) {
    std::string n = pp::lang::builtin_name(i);
    if (n.rfind("__", 0) == 0) continue;  // the compiler's own helpers
    EXPECT_TRUE(has(readme, "`" + n + "`")) << n << " is missing from lessons/README.md";
  }
  for (const std::string& h : pp::lang::known_headers())
    EXPECT_TRUE(has(readme, "`<" + h + ">`")) << h << " is missing from lessons/README.md";
}

}  // namespace
