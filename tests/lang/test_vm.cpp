// The VM against a recording fake Os: the interpreter's own semantics (values,
// control flow, which calls are issued with which arguments) independent of the model;
// then fork/wait/exec scheduling on the model.
#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "deterministic.h"
#include "engine/run.h"

namespace {

using pp::OpResult;
using pp::u64;

// Records every call; memory is always there (touch succeeds above the null page).
class FakeOs final : public pp::Os {
 public:
  std::vector<std::string> log;
  u64 next_heap = 0x10000000;
  int next_pid = 100;
  std::map<int, bool> alive;
  u64 touched_bytes = 0;
  int touches = 0;

  pp::OsKind kind() const override { return pp::OsKind::Linux; }
  int spawn(const pp::ImageSpec& img, pp::ImageLayout* out) override {
    out->text = 0x400000;
    out->data = 0x400000 + img.text_bytes + img.rodata_bytes;
    out->bss = out->data + img.data_bytes;
    out->stack_top = 0x7ffffffde000;
    alive[next_pid] = true;
    log.push_back("spawn");
    return next_pid++;
  }
  OpResult rec(const std::string& s, pp::i64 ret = 0, int err = 0) {
    log.push_back(s);
    OpResult r;
    r.ret = ret;
    r.err = err;
    return r;
  }
  static std::string hex(u64 v) { std::ostringstream o; o << std::hex << "0x" << v; return o.str(); }
  OpResult exec(int pid, const pp::ImageSpec& img, pp::ImageLayout* out) override {
    spawn(img, out);
    log.pop_back();
    return rec("exec(" + std::to_string(pid) + ")");
  }
  OpResult fork(int pid) override { alive[next_pid] = true; return rec("fork(" + std::to_string(pid) + ")", next_pid++); }
  OpResult exit(int pid, int status) override { alive[pid] = false; return rec("exit(" + std::to_string(pid) + "," + std::to_string(status) + ")"); }
  OpResult wait(int pid, int child) override { return rec("wait(" + std::to_string(pid) + "," + std::to_string(child) + ")", child); }
  OpResult malloc(int, u64 n) override { u64 a = next_heap; next_heap += (n + 31) & ~u64(15); return rec("malloc(" + std::to_string(n) + ")", (pp::i64)a); }
  OpResult calloc(int pid, u64 n, u64 s) override { return malloc(pid, n * s); }
  OpResult realloc(int pid, u64, u64 n) override { return malloc(pid, n); }
  OpResult free(int, u64 p) override { return rec("free(" + hex(p) + ")"); }
  OpResult mallopt(int, int a, int v) override { return rec("mallopt(" + std::to_string(a) + "," + std::to_string(v) + ")", 1); }
  OpResult malloc_trim(int, u64 pad) override { return rec("malloc_trim(" + std::to_string(pad) + ")"); }
  OpResult touch(int, u64 addr, u64 len, bool) override {
    touches++;
    touched_bytes += len;
    OpResult r;
    if (addr < 4096) r.err = pp::err::FAULT;
    return r;
  }
  OpResult mmap(int, u64, u64 len, int prot, int flags, int fd, u64) override {
    u64 a = 0x7f0000000000 + (next_heap & 0xffffff000);
    next_heap += len;
    return rec("mmap(" + std::to_string(len) + "," + std::to_string(prot) + "," + hex((u64)flags) + "," + std::to_string(fd) + ")", (pp::i64)a);
  }
  OpResult munmap(int, u64 a, u64 l) override { return rec("munmap(" + hex(a) + "," + std::to_string(l) + ")"); }
  OpResult mprotect(int, u64, u64, int p) override { return rec("mprotect(" + std::to_string(p) + ")"); }
  OpResult brk(int, u64 a) override { return rec("brk(" + hex(a) + ")"); }
  OpResult sbrk(int, pp::i64 i) override { return rec("sbrk(" + std::to_string(i) + ")", 0x600000); }
  OpResult open(int, const std::string& p, u64 s) override { return rec("open(" + p + "," + std::to_string(s) + ")", 7); }
  OpResult madvise(int, u64, u64 l, int a) override { return rec("madvise(" + std::to_string(l) + "," + std::to_string(a) + ")"); }
  OpResult mlock(int, u64 a, u64 l) override { return rec("mlock(" + hex(a) + "," + std::to_string(l) + ")"); }
  OpResult mlock2(int, u64 a, u64 l, int f) override { return rec("mlock2(" + hex(a) + "," + std::to_string(l) + "," + std::to_string(f) + ")"); }
  OpResult munlock(int, u64 a, u64 l) override { return rec("munlock(" + hex(a) + "," + std::to_string(l) + ")"); }
  OpResult mlockall(int, int f) override { return rec("mlockall(" + std::to_string(f) + ")", f == 0 ? -1 : 0, f == 0 ? pp::err::INVAL : 0); }
  OpResult munlockall(int) override { return rec("munlockall()"); }
  OpResult setrlimit_memlock(int, u64 c, u64 m) override { return rec("setrlimit(" + std::to_string(c) + "," + std::to_string(m) + ")"); }
  OpResult set_cap_ipc_lock(int, bool h) override { return rec(std::string("cap(") + (h ? "1" : "0") + ")"); }
  OpResult procmgr_ability_io(int, bool a) override { return rec(std::string("procmgr_io(") + (a ? "1" : "0") + ")"); }
  OpResult thread_ctl_io(int) override { return rec("threadctl_io()"); }
  OpResult pressure(u64 b) override { return rec("pressure(" + std::to_string(b) + ")"); }
  OpResult procmgr_ability(int, const std::vector<std::uint32_t>& w) override {
    return rec("procmgr_ability(" + std::to_string(w.size()) + ")");
  }
  OpResult mremap(int, u64 a, u64, u64 n, int, u64) override {
    return rec("mremap(" + hex(a) + "," + std::to_string(n) + ")", (pp::i64)a);
  }
  std::vector<int> pids() const override {
    std::vector<int> v;
    for (auto& [p, a] : alive) v.push_back(p);
    return v;
  }
  pp::ProcStatus status(int pid) const override {
    pp::ProcStatus s;
    s.pid = pid;
    auto it = alive.find(pid);
    s.alive = it != alive.end() && it->second;
    return s;
  }
  std::vector<pp::SmapsEntry> smaps(int) const override { return {}; }
  pp::PageCounts count_pages(int, u64, u64 len) const override { pp::PageCounts c; c.pages = (len + 4095) / 4096; return c; }
};

std::string output(const pp::Trace& t) {
  std::string s;
  for (auto& st : t.steps) s += st.output;
  return s;
}

std::vector<std::string> calls(const FakeOs& os) {
  std::vector<std::string> v;
  for (auto& s : os.log) if (s.rfind("spawn", 0) != 0) v.push_back(s);
  return v;
}

TEST(Vm, CallsReachTheOsWithTheRightArguments) {
  FakeOs os;
  const char* src = R"(#include <sys/mman.h>
#include <stdlib.h>
#include <sys/resource.h>
double buffer[2048];
int main(void) {
  mlock(buffer, 2048 * sizeof(double));
  mlock2(buffer, 100, MLOCK_ONFAULT);
  munlock(buffer, sizeof buffer);
  if (mlockall(0) == -1 && errno == EINVAL) mlockall(MCL_CURRENT | MCL_FUTURE);
  void *p = malloc(1000);
  free(p);
  void *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  madvise(m, 8192, MADV_PAGEOUT);
  struct rlimit rl = {65536, 65536};
  setrlimit(RLIMIT_MEMLOCK, &rl);
  munlockall();
  return 7;
}
)";
  pp::Trace t = pp::run_lesson_on(os, "calls.c", src, pp_test::deterministic());
  ASSERT_TRUE(t.errors.empty()) << t.errors[0].format();
  // .bss starts after text+rodata+data in the fake layout; buffer is its first object.
  std::vector<std::string> c = calls(os);
  ASSERT_GE(c.size(), 12u);
  EXPECT_EQ(c[0].substr(0, 6), "mlock(");
  EXPECT_NE(c[0].find(",16384)"), std::string::npos) << c[0];
  EXPECT_NE(c[1].find(",100,1)"), std::string::npos) << c[1];
  EXPECT_NE(c[2].find(",16384)"), std::string::npos) << c[2];
  EXPECT_EQ(c[3], "mlockall(0)");
  EXPECT_EQ(c[4], "mlockall(3)");
  EXPECT_EQ(c[5], "malloc(1000)");
  EXPECT_EQ(c[6], "free(0x10000000)");
  EXPECT_EQ(c[7], "mmap(8192,3,0x8022,-1)");
  EXPECT_EQ(c[8], "madvise(8192,21)");
  EXPECT_EQ(c[9], "setrlimit(65536,65536)");
  EXPECT_EQ(c[10], "munlockall()");
  EXPECT_EQ(c[11], "exit(100,7)");
  // The step of mlockall(0) failing reports EINVAL.
  bool saw = false;
  for (auto& s : t.steps) if (s.call.rfind("mlockall(0)", 0) == 0) { saw = true; EXPECT_EQ(s.err, pp::err::INVAL); EXPECT_EQ(s.ret, -1); }
  EXPECT_TRUE(saw);
}

TEST(Vm, MemsetTouchesOnceForTheRangeAndAssignmentsTouchTheirWidth) {
  FakeOs os;
  const char* src = R"(#include <string.h>
#include <stdlib.h>
int main(void) {
  char *p = malloc(500 * 1024 * 1024);
  memset(p, 1, 500 * 1024 * 1024);
  return p[499 * 1024 * 1024] == 1 ? 0 : 1;
}
)";
  pp::Trace t = pp::run_lesson_on(os, "memset.c", src, pp_test::deterministic());
  ASSERT_TRUE(t.errors.empty()) << t.errors[0].format();
  EXPECT_EQ(os.log.back(), "exit(100,0)");   // the byte written by memset is read back
  EXPECT_LT(os.touches, 20);                  // one touch for 500 MB, a few for locals
  EXPECT_GE(os.touched_bytes, 500ull << 20);
}

TEST(Vm, ValuesAndOutput) {
  FakeOs os;
  const char* src = R"(#include <stdio.h>
int g[4] = {1, 2, 3};
char *msg = "hi";
int twice(int x) { return 2 * x; }
int main(int argc, char **argv) {
  long total = 0;
  for (int i = 0; i < 4; i++) total += g[i] * twice(i);
  printf("%ld %s %d %s %d\n", total, msg, argc, argv[0], g[3]);
  unsigned int u = 0; u--;
  printf("%u %d\n", u, (int)(char)200);
  return 0;
}
)";
  pp::Trace t = pp::run_lesson_on(os, "values.c", src, pp_test::deterministic());
  ASSERT_TRUE(t.errors.empty()) << t.errors[0].format();
  EXPECT_EQ(output(t), "16 hi 1 values 0\n4294967295 -56\n");
}

TEST(Vm, EnvironmentAnnotationsReachTheOs) {
  FakeOs os;
  const char* src = R"(#include <sys/mman.h>
int main(void) {
  //@ sudo off
  //@ ulimit-l 64K
  //@ pressure 900M
  mlockall(MCL_CURRENT);
  return 0;
}
)";
  pp::Trace t = pp::run_lesson_on(os, "env.c", src, pp_test::deterministic());
  ASSERT_TRUE(t.errors.empty());
  std::vector<std::string> c = calls(os);
  ASSERT_GE(c.size(), 4u);
  EXPECT_EQ(c[0], "cap(0)");
  EXPECT_EQ(c[1], "setrlimit(65536,65536)");
  EXPECT_EQ(c[2], "pressure(943718400)");
  EXPECT_EQ(c[3], "mlockall(1)");
}

// ---- scheduling on the model: fork, wait, exec
TEST(Processes, ForkChildRunsFirstThenParentWaits) {
  const char* src = R"(#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>
#include <sys/mman.h>
int main(void) {
  mlockall(MCL_CURRENT | MCL_FUTURE);
  pid_t pid = fork();
  if (pid == 0) {
    //@ expect VmLck == 0
    printf("child\n");
    _exit(5);
  }
  int st = 0;
  //@ expect child: VmLck == 0
  pid_t r = waitpid(pid, &st, 0);
  //@ expect VmLck > 0
  printf("parent reaped %d status %d\n", r == pid, WEXITSTATUS(st));
  return 0;
}
)";
  pp::Trace t = pp_test::run_lesson("fork.c", src);
  ASSERT_TRUE(t.errors.empty()) << t.errors[0].format();
  EXPECT_TRUE(t.expect_failures.empty()) << t.expect_failures[0];
  EXPECT_EQ(output(t), "child\nparent reaped 1 status 5\n");
  // The child's steps come before the parent's wait.
  int child_pid = 0, first_child = -1, wait_step = -1;
  for (auto& s : t.steps) {
    if (s.call == "fork()") child_pid = (int)s.ret;
    if (child_pid && s.pid == child_pid && first_child < 0) first_child = s.index;
    if (s.call.rfind("waitpid", 0) == 0) wait_step = s.index;
  }
  ASSERT_GT(child_pid, 0);
  EXPECT_GT(first_child, 0);
  EXPECT_LT(first_child, wait_step);
}

TEST(Processes, ExecRestartsMainWithNewArgvAndDropsLocks) {
  const char* src = R"(#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
int main(int argc, char *argv[]) {
  if (argc > 1) {
    printf("new image: %s\n", argv[1]);
    //@ expect VmLck == 0
    return 0;
  }
  mlockall(MCL_CURRENT);
  execl("/proc/self/exe", "lesson", "again", (char *)NULL);
  perror("execl");
  return 1;
}
)";
  pp::Trace t = pp_test::run_lesson("exec.c", src);
  ASSERT_TRUE(t.errors.empty()) << t.errors[0].format();
  EXPECT_TRUE(t.expect_failures.empty()) << t.expect_failures[0];
  EXPECT_EQ(output(t), "new image: again\n");
}

TEST(Processes, SleepLetsTheParentRunWhileTheChildWaits) {
  const char* src = R"(#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>
int main(void) {
  if (fork() == 0) {
    sleep(1);
    printf("child after sleep\n");
    _exit(0);
  }
  printf("parent while child sleeps\n");
  wait(NULL);
  printf("parent done\n");
  return 0;
}
)";
  pp::Trace t = pp_test::run_lesson("sleep.c", src);
  ASSERT_TRUE(t.errors.empty()) << t.errors[0].format();
  EXPECT_EQ(output(t), "parent while child sleeps\nchild after sleep\nparent done\n");
}

TEST(Processes, WaitWithoutChildrenIsEchild) {
  const char* src = R"(#include <stdio.h>
#include <sys/wait.h>
#include <errno.h>
int main(void) {
  int r = wait(NULL);
  printf("%d %d\n", r, errno == ECHILD);
  return 0;
}
)";
  pp::Trace t = pp_test::run_lesson("echild.c", src);
  ASSERT_TRUE(t.errors.empty());
  EXPECT_EQ(output(t), "-1 1\n");
}

}  // namespace

#include <cstring>

#include "lang/memory.h"
#include "lang/printf.h"

namespace {

TEST(Memory, FillIsSparseAndForksCopyOnWrite) {
  pp::lang::Memory m;
  m.fill(0x10000000, 0, 500ull << 20);  // zero: nothing stored at all
  EXPECT_EQ(m.entries(), 0u);
  m.fill(0x10000000, 7, 500ull << 20);  // one fill byte per page, no 4 KiB buffers
  EXPECT_EQ(m.entries(), 128000u);
  EXPECT_EQ(m.buffers(), 0u);
  unsigned char b = 0;
  m.read(0x10000000 + 12345678, &b, 1);
  EXPECT_EQ(b, 7);
  pp::lang::Memory child = m;  // fork
  std::uint32_t v = 0xdeadbeef;
  child.write(0x10000ffe, &v, 4);  // straddles two pages
  EXPECT_EQ(child.buffers(), 2u);
  std::uint32_t got = 0;
  m.read(0x10000ffe, &got, 4);
  EXPECT_EQ(got, 0x07070707u);  // the parent still sees its own bytes
  child.read(0x10000ffe, &got, 4);
  EXPECT_EQ(got, 0xdeadbeefu);
  child.copy(0x10000000, 0x10000ffe, 4);
  child.read(0x10000000, &got, 4);
  EXPECT_EQ(got, 0xdeadbeefu);
}

TEST(Memory, OneBytePerPageReadsBackAndForksStaySeparate) {
  // A touch loop: one byte written in each page, the rest keeps the page's fill.
  pp::lang::Memory m;
  m.fill(0x20000000, 9, 64 * 4096);
  for (std::uint64_t pg = 0; pg < 64; ++pg) {
    std::uint8_t v = std::uint8_t(pg + 1);
    m.write(0x20000000 + pg * 4096 + pg * 61, &v, 1);
  }
  pp::lang::Memory child = m;
  std::uint8_t z = 0xEE;
  child.write(0x20000000 + 5 * 4096 + 5 * 61, &z, 1);
  for (std::uint64_t pg = 0; pg < 64; ++pg) {
    std::uint8_t page[4096];
    m.read(0x20000000 + pg * 4096, page, 4096);
    for (std::uint64_t i = 0; i < 4096; ++i)
      ASSERT_EQ(page[i], i == pg * 61 ? pg + 1 : 9) << "page " << pg << " byte " << i;
  }
  std::uint8_t got = 0;
  child.read(0x20000000 + 5 * 4096 + 5 * 61, &got, 1);
  EXPECT_EQ(got, 0xEE);
  // A write across a segment and a page boundary.
  std::uint8_t run[300];
  for (int i = 0; i < 300; ++i) run[i] = std::uint8_t(i);
  m.write(0x20000000 + 4096 - 150, run, 300);
  std::uint8_t back[300] = {};
  m.read(0x20000000 + 4096 - 150, back, 300);
  EXPECT_EQ(0, std::memcmp(run, back, 300));
}

TEST(Printf, GlibcFormatting) {
  std::vector<std::int64_t> ints = {42, -7, 255, 0, 0x7fffffffffffLL};
  size_t k = 0;
  pp::lang::FormatArgs a;
  a.next_int = [&] { return k < ints.size() ? ints[k++] : 0; };
  a.next_double = [] { return 2.5; };
  a.string = [](std::uint64_t, std::string& s) { s = "str"; return true; };
  std::string out, err;
  ASSERT_TRUE(pp::lang::format_printf("[%5d|%-4d|%#x|%p|%lx|%.1f|%s]", a, out, err));
  EXPECT_EQ(out, "[   42|-7  |0xff|(nil)|7fffffffffff|2.5|(null)]");
  out.clear();
  EXPECT_FALSE(pp::lang::format_printf("%q", a, out, err));
  EXPECT_EQ(err, "unknown conversion type character 'q' in format");
}

}  // namespace
