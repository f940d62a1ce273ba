// End to end on the model: the tutorial's two programs (tests/lang/data, "Insert code
// here" filled with a preallocation loop), the JSON step schema, and every lesson in
// lessons/ through gcc -fsyntax-only -Wall and `pinpages check`.
#include <gtest/gtest.h>

#include <dirent.h>

#include <cstdlib>
#include <map>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "deterministic.h"
#include "engine/run.h"

namespace {

const pp::Step* find_call(const pp::Trace& t, const std::string& prefix) {
  for (auto& s : t.steps) if (s.call.rfind(prefix, 0) == 0) return &s;
  return nullptr;
}

TEST(Tutorial, MlockallExampleFullScale) {
  pp::RunOptions o = pp_test::deterministic();
  o.check_invariants = false;
  pp::Trace t = pp_test::run_lesson_file(std::string(PP_TEST_DATA) + "/mlockall_example.c", o);
  ASSERT_TRUE(t.errors.empty()) << t.errors[0].format();
  for (auto& f : t.expect_failures) ADD_FAILURE() << f;
  EXPECT_EQ(t.meta.title, "The tutorial's mlockall example (test copy)");
  ASSERT_FALSE(t.steps.empty());
  EXPECT_EQ(t.steps[0].figure.value_or('?'), 'A');
  EXPECT_TRUE(t.steps[0].machine);
  const pp::Step* lock = find_call(t, "mlockall(MCL_CURRENT | MCL_FUTURE)");
  ASSERT_TRUE(lock);
  EXPECT_EQ(lock->ret, 0);
  EXPECT_EQ(lock->figure.value_or('?'), 'B');
  ASSERT_FALSE(lock->procs.empty());
  // 500 records of 1,024,144 bytes are locked: at least 500 MB of VmLck.
  EXPECT_GE(lock->procs[0].status.vm_lck_kb, 500u * 1024144 / 1024);
  bool has_a0 = false, has_all = false;
  for (auto& ob : lock->procs[0].objects) {
    if (ob.name == "a[0]") { has_a0 = true; EXPECT_EQ(ob.bytes, 1024144u); EXPECT_EQ(ob.locked_pages, ob.pages); }
    if (ob.name == "a[*]") has_all = true;
  }
  EXPECT_TRUE(has_a0);
  EXPECT_TRUE(has_all);
  const pp::Step* pre = find_call(t, "malloc(sizeof(struct record))");
  ASSERT_TRUE(pre);
  EXPECT_NE(pre->call.find("500"), std::string::npos);  // one step for the whole loop (//@ step once)
  std::string out;
  for (auto& s : t.steps) out += s.output;
  EXPECT_EQ(out, "Starting mlockall example\nPinning all pages\nCleaning up\n");
}

TEST(Tutorial, MlockExample) {
  pp::Trace t = pp_test::run_lesson_file(std::string(PP_TEST_DATA) + "/mlock_example.c");
  ASSERT_TRUE(t.errors.empty()) << t.errors[0].format();
  for (auto& f : t.expect_failures) ADD_FAILURE() << f;
  const pp::Step* lock = find_call(t, "mlock(buffer");
  ASSERT_TRUE(lock);
  bool found = false;
  for (auto& ob : lock->procs[0].objects)
    if (ob.name == "buffer") { found = true; EXPECT_EQ(ob.bytes, 16384u); EXPECT_EQ(ob.locked_pages, 4u); }
  EXPECT_TRUE(found);
}

TEST(Tutorial, FailingExpectIsReportedWithFileLineAndActualValue) {
  const char* src = "#include <sys/mman.h>\nint main(void) {\n  //@ expect VmLck == 4K\n  mlockall(MCL_CURRENT);\n  return 0;\n}\n";
  pp::Trace t = pp_test::run_lesson("bad_expect.c", src);
  ASSERT_TRUE(t.errors.empty());
  ASSERT_EQ(t.expect_failures.size(), 1u);
  EXPECT_EQ(t.expect_failures[0].rfind("bad_expect.c:3: expect VmLck == 4K failed at step", 0), 0u) << t.expect_failures[0];
  EXPECT_NE(t.expect_failures[0].find("VmLck is "), std::string::npos);
}

TEST(Json, StepHasTheIssueFields) {
  pp::Trace t = pp_test::run_lesson_file(std::string(PP_TEST_DATA) + "/mlock_example.c");
  ASSERT_FALSE(t.steps.empty());
  for (const pp::Step& s : t.steps) {
    std::string line = pp::step_json(t, s);
    EXPECT_EQ(line.find('\n'), std::string::npos);
    auto j = nlohmann::json::parse(line);
    for (const char* k : {"step", "line", "source", "call", "ret", "errno", "figure", "processes"}) EXPECT_TRUE(j.contains(k)) << k;
    ASSERT_FALSE(j["processes"].empty());
    auto p = j["processes"][0];
    for (const char* k : {"pid", "vm_lck_kb", "vm_rss_kb", "minflt", "majflt", "mcl", "regions", "objects"}) EXPECT_TRUE(p.contains(k)) << k;
    if (p["alive"].get<bool>()) {
      ASSERT_FALSE(p["regions"].empty());
      auto r = p["regions"][0];
      for (const char* k : {"start", "end", "perms", "name", "size_kb", "rss_kb", "locked_kb", "swap_kb"}) EXPECT_TRUE(r.contains(k)) << k;
      EXPECT_EQ(r["start"].get<std::string>().rfind("0x", 0), 0u);
    }
  }
  auto j1 = nlohmann::json::parse(pp::step_json(t, t.steps[1]));
  EXPECT_EQ(j1["figure"], "B");
  EXPECT_TRUE(j1["errno"].is_null());
  bool buffer = false;
  for (auto& o : j1["processes"][0]["objects"])
    if (o["name"] == "buffer") { buffer = true; EXPECT_EQ(o["locked_pages"], 4); EXPECT_EQ(o["addr"].get<std::string>().rfind("0x", 0), 0u); }
  EXPECT_TRUE(buffer);
  // smaps VmFlags per region: after mlock(buffer) the region holding it shows "lo".
  bool lo = false;
  for (auto& r : j1["processes"][0]["regions"]) {
    std::string f = r["vmflags"].get<std::string>();
    EXPECT_NE(f.find("mr"), std::string::npos) << f;
    if ((" " + f + " ").find(" lo ") != std::string::npos) lo = true;
    EXPECT_EQ((" " + f + " ").find(" lf "), std::string::npos) << f;  // mlock, not on-fault
  }
  EXPECT_TRUE(lo);
}

TEST(Json, StepsCarryFunctionArgumentsAndWhatTheCodeReceives) {
  const char* src =
      "#include <sys/mman.h>\n#include <fcntl.h>\n#include <unistd.h>\n"
      "int main(void) {\n"
      "  int fd = open(\"/tmp/pp-json.bin\", O_RDWR | O_CREAT, 0600);\n"
      "  int rc = ftruncate(fd, 4096);\n"
      "  rc = mlockall(MCL_CURRENT | MCL_FUTURE);\n"
      "  return rc;\n"
      "}\n";
  pp::Trace t = pp_test::run_lesson("calls.c", src);
  ASSERT_TRUE(t.errors.empty()) << t.errors[0].format();
  std::map<std::string, nlohmann::json> by_fn;
  for (const pp::Step& s : t.steps) {
    auto j = nlohmann::json::parse(pp::step_json(t, s));
    ASSERT_TRUE(j.contains("fn"));
    ASSERT_TRUE(j["args"].is_array());
    if (!j["fn"].is_null()) by_fn[j["fn"].get<std::string>()] = j;
  }
  ASSERT_TRUE(by_fn.count("open"));  // O_CREAT: a step although the Os sees nothing yet
  EXPECT_EQ(by_fn["open"]["ret"], 3);
  EXPECT_EQ(by_fn["open"]["args"][1], 0102);  // O_RDWR | O_CREAT
  ASSERT_TRUE(by_fn.count("ftruncate"));
  EXPECT_EQ(by_fn["ftruncate"]["ret"], 0);  // not the descriptor
  EXPECT_EQ(by_fn["ftruncate"]["args"], nlohmann::json({3, 4096}));
  ASSERT_TRUE(by_fn.count("mlockall"));
  EXPECT_EQ(by_fn["mlockall"]["args"], nlohmann::json({3}));
  EXPECT_EQ(by_fn["mlockall"]["call"], "mlockall(MCL_CURRENT | MCL_FUTURE)");
  ASSERT_TRUE(by_fn.count("exit"));
  EXPECT_EQ(by_fn["exit"]["args"], nlohmann::json({0}));
}

TEST(Json, NarratedBlockingWaitIsOneStep) {
  const char* src = R"(#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>
int main(void) {
  int st = 0;
  pid_t pid = fork();
  if (pid == 0) {
    printf("child\n");
    exit(0);
  }
  //@ say The parent waits for its child.
  //@ expect ret > 0
  waitpid(pid, &st, 0);
  return 0;
}
)";
  pp::Trace t = pp_test::run_lesson("wait.c", src);
  ASSERT_TRUE(t.errors.empty()) << t.errors[0].format();
  EXPECT_TRUE(t.expect_failures.empty()) << t.expect_failures[0];
  int n = 0;
  for (const pp::Step& s : t.steps) {
    if (s.source.rfind("waitpid", 0) != 0) continue;
    ++n;
    auto j = nlohmann::json::parse(pp::step_json(t, s));
    EXPECT_EQ(j["say"], "The parent waits for its child.");
    EXPECT_EQ(j["fn"], "waitpid");
    EXPECT_GT(j["ret"].get<long>(), 0);
  }
  EXPECT_EQ(n, 1);  // not an empty narrated step and then the call
}

TEST(Json, InteriorPointersMembersSbrkAndFreedBlocksAreObjects) {
  const char* src = R"(#include <stdlib.h>
#include <unistd.h>
#include <sys/mman.h>
struct rec { char name[16]; char data[8192]; };
struct rec g;
int main(void) {
  char *a = malloc(1 << 20);
  char *mid = a + 8192;
  struct rec *r = malloc(sizeof(struct rec));
  char *s = sbrk(16384);
  //@ expect mid locked=none
  //@ expect s resident=none
  //@ expect g.data locked=none
  //@ expect r->data locked=none
  mid[0] = 1;
  //@ expect mid locked=all
  //@ expect s locked=all
  //@ expect g.data locked=all
  //@ expect r->data locked=all
  //@ expect g.nope locked=none
  mlockall(MCL_CURRENT);
  //@ expect a resident=none
  free(a);
  return 0;
}
)";
  pp::Trace t = pp_test::run_lesson("objects.c", src);
  ASSERT_TRUE(t.errors.empty()) << t.errors[0].format();
  // Every fact holds except the one naming a member that does not exist.
  ASSERT_EQ(t.expect_failures.size(), 1u) << t.expect_failures[0];
  EXPECT_NE(t.expect_failures[0].find("no member 'nope' in 'g'"), std::string::npos) << t.expect_failures[0];
  auto obj = [&](const pp::Step& st, const std::string& name) {
    auto j = nlohmann::json::parse(pp::step_json(t, st));
    for (auto& o : j["processes"][0]["objects"])
      if (o["name"] == name) return o;
    return nlohmann::json();
  };
  const pp::Step* lock = nullptr;
  const pp::Step* fr = nullptr;
  for (const pp::Step& st : t.steps) {
    if (st.fn == "mlockall") lock = &st;
    if (st.fn == "free") fr = &st;
  }
  ASSERT_TRUE(lock && fr);
  auto sb = obj(*lock, "s");
  ASSERT_FALSE(sb.is_null());  // memory from sbrk is an object
  EXPECT_EQ(sb["bytes"], 16384);
  EXPECT_EQ(sb["locked_pages"], 4);
  EXPECT_EQ(obj(*lock, "mid")["bytes"], (1 << 20) - 8192);  // from where it points
  auto fa = obj(*fr, "a");
  ASSERT_FALSE(fa.is_null());
  EXPECT_EQ(fa["freed"], true);
  EXPECT_EQ(fa["resident_pages"], 0);
  EXPECT_EQ(obj(*lock, "a")["freed"], false);
}

TEST(Annotations, StepsSayQuizAndStart) {
  const char* src = R"(//@ title Annotated
#include <stdlib.h>
#include <stdio.h>

//@ say Step zero.
//@ figure A
int main(void) {
  int x = 0;
  //@ step
  //@ say First line.
  //@ say Second line.
  //@ quiz Pick one | a | *b | c
  //@ explain Because b.
  x = 1;
  //@ step once
  for (int i = 0; i < 10; i++) {
    free(malloc(100));
  }
  for (int i = 0; i < 3; i++) {
    free(malloc(100));
  }
  return x - 1;
}
)";
  pp::Trace t = pp_test::run_lesson("notes.c", src);
  ASSERT_TRUE(t.errors.empty()) << t.errors[0].format();
  EXPECT_EQ(t.meta.title, "Annotated");
  ASSERT_GE(t.steps.size(), 5u);
  EXPECT_EQ(t.steps[0].say, "Step zero.");
  EXPECT_EQ(t.steps[0].figure.value_or('?'), 'A');
  // `x = 1;` changes nothing the OS sees but //@ step makes it a step.
  const pp::Step& s1 = t.steps[1];
  EXPECT_EQ(s1.line, 14);
  EXPECT_EQ(s1.say, "First line. Second line.");
  ASSERT_TRUE(s1.quiz);
  EXPECT_EQ(s1.quiz->choices.size(), 3u);
  EXPECT_EQ(s1.quiz->answer, 1);
  EXPECT_EQ(s1.quiz->explanation, "Because b.");
  // The loop under `step once` is one step with 10 mallocs and 10 frees.
  EXPECT_EQ(t.steps[2].line, 16);
  EXPECT_EQ(t.steps[2].call, "malloc(100) \xC3\x97" "10; free(malloc(100)) \xC3\x97" "10");
  // The next loop: one step per executed statement that reaches the OS (3 iterations).
  int loop2 = 0;
  for (auto& s : t.steps) if (s.line == 20) loop2++;
  EXPECT_EQ(loop2, 3);
}

TEST(Annotations, QuizPartsMayQuoteC) {
  const char* src = R"(#include <sys/mman.h>
int main(void) {
  //@ say Lock.
  //@ quiz After mlockall(MCL_CURRENT | MCL_FUTURE), what? | `a | b` is pinned | *x || y | [1|2] and {3|4}
  mlockall(MCL_CURRENT);
  return 0;
}
)";
  pp::Trace t = pp_test::run_lesson("q.c", src);
  ASSERT_TRUE(t.errors.empty()) << t.errors[0].format();
  const pp::Quiz* q = nullptr;
  for (auto& s : t.steps) if (s.quiz) q = &*s.quiz;
  ASSERT_TRUE(q);
  EXPECT_EQ(q->question, "After mlockall(MCL_CURRENT | MCL_FUTURE), what?");
  ASSERT_EQ(q->choices.size(), 3u);
  EXPECT_EQ(q->choices[0], "`a | b` is pinned");
  EXPECT_EQ(q->choices[1], "x || y");
  EXPECT_EQ(q->choices[2], "[1|2] and {3|4}");
  EXPECT_EQ(q->answer, 1);
}

// The two built-in quizzes that quote mlockall's flags keep their question whole.
TEST(Lessons, MlockallQuizQuestionKeepsItsFlags) {
  for (const char* id : {"mlockall", "mcl-flags"}) {
    const pp::BuiltinLesson* b = nullptr;
    for (auto& l : pp::builtin_lessons()) if (l.id == id) b = &l;
    ASSERT_TRUE(b) << id;
    pp::Trace t = pp_test::run_lesson(b->file, b->text);
    ASSERT_TRUE(t.errors.empty()) << t.errors[0].format();
    int with_flags = 0;
    for (auto& s : t.steps)
      if (s.quiz && s.quiz->question.find("mlockall(MCL_CURRENT | MCL_") != std::string::npos) {
        EXPECT_EQ(s.quiz->choices.size(), 3u) << id << ": " << s.quiz->question;
        with_flags++;
      }
    EXPECT_GE(with_flags, 1) << id;
  }
}

// Lesson mlock's quiz explanation says what its figure B shows: buffer starts on a page
// boundary and exactly 4 pages get pinned. If the model ever placed it elsewhere, the
// quiz would contradict the figure in front of the class.
TEST(Lessons, MlockQuizAgreesWithTheFigure) {
  const pp::BuiltinLesson* b = nullptr;
  for (auto& l : pp::builtin_lessons()) if (l.id == "mlock") b = &l;
  ASSERT_TRUE(b);
  pp::Trace t = pp_test::run_lesson(b->file, b->text);
  ASSERT_TRUE(t.errors.empty()) << t.errors[0].format();
  bool seen = false;
  for (auto& s : t.steps) {
    if (!s.quiz) continue;
    seen = true;
    EXPECT_NE(s.quiz->explanation.find("4 pages, as the figure shows"), std::string::npos);
    EXPECT_EQ(s.figure.value_or('?'), 'B');
    const pp::ObjectReport* buf = nullptr;
    for (auto& p : s.procs)
      for (auto& o : p.objects) if (o.name == "buffer") buf = &o;
    ASSERT_TRUE(buf);
    EXPECT_EQ(buf->addr % 4096, 0u);
    EXPECT_EQ(buf->locked_pages, 4u);
    EXPECT_NE(s.quiz->choices[s.quiz->answer].find("at least one byte"), std::string::npos);
  }
  EXPECT_TRUE(seen);
}

std::vector<std::string> lesson_files() {
  std::vector<std::string> v;
  if (DIR* d = opendir(PP_LESSONS_DIR)) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n.size() > 2 && n.substr(n.size() - 2) == ".c") v.push_back(std::string(PP_LESSONS_DIR) + "/" + n);
    }
    closedir(d);
  }
  return v;
}

TEST(Lessons, EveryLessonCompilesWithGccAndPassesCheck) {
  std::vector<std::string> files = lesson_files();
  if (files.empty()) GTEST_SKIP() << "lessons/ is empty";
  bool have_gcc = std::system("gcc --version >/dev/null 2>&1") == 0;
  for (const std::string& f : files) {
    if (have_gcc) {
      // QNX-only lessons guard their QNX headers with #ifdef __QNX__, so gcc on Linux still parses them.
      int rc = std::system(("gcc -fsyntax-only -Wall -Werror=implicit-function-declaration '" + f + "' 2>&1").c_str());
      EXPECT_EQ(rc, 0) << "gcc -fsyntax-only -Wall " << f;
    }
    int rc = std::system((std::string(PP_LESSON_CLI) + " check '" + f + "'").c_str());
    EXPECT_EQ(rc, 0) << "pinpages check " << f;
  }
}

TEST(Lessons, BuiltinLessonsAreEmbedded) {
  EXPECT_EQ(pp::builtin_lessons().size(), lesson_files().size());
  for (auto& b : pp::builtin_lessons()) {
    EXPECT_FALSE(b.text.empty());
    EXPECT_FALSE(b.id.empty());
  }
}

TEST(Cli, RunJsonAndCheckExitCodes) {
  std::string cli = PP_LESSON_CLI;
  std::string data = PP_TEST_DATA;
  EXPECT_EQ(std::system((cli + " run " + data + "/mlock_example.c --json > /dev/null").c_str()), 0);
  EXPECT_EQ(std::system((cli + " check " + data + "/mlock_example.c " + data + "/mlockall_example.c > /dev/null").c_str()), 0);
  EXPECT_NE(std::system((cli + " check /nonexistent.c 2>/dev/null").c_str()), 0);
  EXPECT_NE(std::system((cli + " run " + data + "/mlock_example.c --os plan9 2>/dev/null").c_str()), 0);
}

}  // namespace

// `//@ machine zero_page=off` (and RunOptions::zero_page over it): reading untouched
// anonymous memory gives it frames, so a later mlock locks them.
TEST(Annotations, MachineZeroPageOffGivesReadPagesFrames) {
  const char* src = R"(//@ machine zero_page=off
#include <sys/mman.h>
int main(void) {
  char *p = mmap(0, 4 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  char c = p[0];
  mlock(p, 4 * 4096);
  return c;
}
)";
  auto locked_after_mlock = [&](pp::RunOptions o) -> long long {
    pp::Trace t = pp_test::run_lesson("zp.c", src, o);
    if (!t.errors.empty()) { ADD_FAILURE() << t.errors[0].format(); return -1; }
    const pp::Step* s = find_call(t, "mlock(");
    if (!s || s->procs.empty()) { ADD_FAILURE() << "no mlock step"; return -1; }
    for (const auto& ob : s->procs[0].objects)
      if (ob.pages == 4) return static_cast<long long>(ob.locked_pages);
    ADD_FAILURE() << "no 4-page object";
    return -1;
  };
  pp::Trace t = pp_test::run_lesson("zp.c", src);
  EXPECT_FALSE(t.meta.machine.zero_page);
  EXPECT_EQ(locked_after_mlock(pp_test::deterministic()), 4);
  pp::RunOptions on = pp_test::deterministic();
  on.zero_page = true;
  EXPECT_EQ(locked_after_mlock(on), 0);
}
