// Os-level differential test: the same scripted call sequences (the lessons'
// scenarios, written against pp::Os) run on the model (ModelOs) and on the kernel
// (RealOs); each step must agree on ret, errno and the locked / resident / swapped
// page counts of every named object. This needs no interpreter, so it checks the
// lab against the model even before lessons can run for real.
//
// Tolerances (same as real/compare.h): addresses and pids by kind only;
// resident pages within 1 (glibc's chunk header page, start-up stack pages).
// "Locked" follows the lessons' definition on both sides (see Log::counts).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "core/model_os.h"
#include "real/explain.h"
#include "real/real_os.h"
#include "real/reports.h"

using namespace pp;
using namespace pp::real;

namespace {

constexpr u64 MiB = 1ull << 20;

struct Obj { std::string name; int pid; u64 addr, len; };
struct Entry {
  std::string what;
  bool identity = false;  // ret is an address/pid
  i64 ret = 0;
  int err = 0;
  std::vector<std::pair<std::string, PageCounts>> objs;
  u64 vm_lck_kb = 0;
};

struct Log {
  Os& os;
  std::vector<Entry> e;
  std::vector<Obj> objs;
  void obj(const std::string& n, int pid, u64 a, u64 len) { objs.push_back({n, pid, a, len}); }
  // "Locked" as the lessons report it: present frames some locked mapping maps.
  PageCounts counts(const Obj& o) { return os.count_pages(o.pid, o.addr, o.len); }
  OpResult step(const std::string& what, OpResult r, bool identity = false, int pid_for_lck = 0) {
    Entry x;
    x.what = what;
    x.identity = identity;
    x.ret = r.ret;
    x.err = r.err;
    for (const Obj& o : objs) x.objs.push_back({o.name, counts(o)});
    if (pid_for_lck) x.vm_lck_kb = os.status(pid_for_lck).vm_lck_kb;
    e.push_back(x);
    return r;
  }
};

using Scenario = std::function<void(Os&, Log&)>;

const char* kind(i64 r) { return r == 0 ? "0" : r == -1 ? "-1" : "value"; }

// Runs a scenario on both backends; returns "" or a readable diff.
std::string run_both(const std::string& name, const Scenario& sc, int* agreed, int* total) {
  MachineConfig cfg;
  cfg.ram_bytes = 4ull << 30;  // the tutorial's 500 MB must fit comfortably
  ModelOs model(cfg);
  RealOs real;
  Log lm{model, {}, {}}, lr{real, {}, {}};
  sc(model, lm);
  sc(real, lr);
  std::string diff;
  std::size_t n = std::min(lm.e.size(), lr.e.size());
  if (lm.e.size() != lr.e.size())
    diff += "  steps: model " + std::to_string(lm.e.size()) + ", real " + std::to_string(lr.e.size()) + "\n";
  *total += static_cast<int>(n);
  for (std::size_t i = 0; i < n; ++i) {
    const Entry& m = lm.e[i];
    const Entry& r = lr.e[i];
    std::string d;
    if (m.identity ? std::string(kind(m.ret)) != kind(r.ret) : m.ret != r.ret)
      d += "      ret: model " + std::to_string(m.ret) + ", real " + std::to_string(r.ret) + "\n";
    if (m.err != r.err) d += "      errno: model " + errno_str(m.err) + ", real " + errno_str(r.err) + "\n";
    for (std::size_t k = 0; k < m.objs.size() && k < r.objs.size(); ++k) {
      const PageCounts& a = m.objs[k].second;
      const PageCounts& b = r.objs[k].second;
      auto cmp = [&](const char* w, u64 x, u64 y, u64 slack) {
        if ((x > y ? x - y : y - x) > slack)
          d += "      " + m.objs[k].first + " " + w + ": model " + std::to_string(x) + ", real " +
               std::to_string(y) + " (of " + std::to_string(a.pages) + " pages)\n";
      };
      cmp("pages", a.pages, b.pages, 0);
      cmp("locked", a.locked, b.locked, 0);
      cmp("resident", a.resident, b.resident, 1);
      cmp("swapped", a.swapped, b.swapped, 0);
    }
    if (d.empty()) ++*agreed;
    else diff += "  step " + std::to_string(i) + " " + m.what + "\n" + d;
  }
  std::printf("%s: %zu steps compared\n", name.c_str(), n);
  return diff;
}

int start(Os& os, Log& log, ImageLayout* lay, u64 bss = 0) {
  ImageSpec img;
  img.bss_bytes = bss;
  int pid = os.spawn(img, lay);
  log.step("spawn", OpResult{pid > 0 ? 0 : -1, pid > 0 ? 0 : err::NOMEM, 0, 0, 0, {}});
  return pid;
}

// The tutorial's mlockall_example.c at full scale: 500 × 1,024,144-byte records.
void tutorial_mlockall(Os& os, Log& L) {
  ImageLayout lay;
  int pid = start(os, L, &lay);
  u64 ptrs = lay.stack_top - 500 * 8;
  L.obj("ptrs", pid, ptrs, 500 * 8);
  std::vector<u64> rec;
  for (int i = 0; i < 500; ++i) {
    OpResult r = os.malloc(pid, 1024144);
    rec.push_back(static_cast<u64>(r.ret));
    os.touch(pid, ptrs + 8 * i, 8, true);
  }
  L.obj("rec[0]", pid, rec[0], 1024144);
  L.obj("rec[499]", pid, rec[499], 1024144);
  L.step("500 x malloc (figure A)", OpResult{});
  L.step("mlockall(MCL_CURRENT|MCL_FUTURE) (figure B)", os.mlockall(pid, mcl::CURRENT | mcl::FUTURE));
  OpResult m = os.malloc(pid, 100 * MiB);
  L.obj("more", pid, static_cast<u64>(m.ret), 100 * MiB);
  L.step("malloc(100 MB) (figure C)", m, true);
  L.step("touch rec[1]", os.touch(pid, rec[1], 1024144, true));
  L.step("munlockall", os.munlockall(pid));
}

// mlock_example.c: double buffer[2048] in .bss.
void tutorial_mlock(Os& os, Log& L) {
  ImageLayout lay;
  int pid = start(os, L, &lay, 16384);
  L.obj("buffer", pid, lay.bss, 16384);
  L.step("start (figure A)", OpResult{});
  L.step("mlock(buffer) (figure B)", os.mlock(pid, lay.bss, 16384));
  L.step("touch buffer", os.touch(pid, lay.bss, 16384, true));
  L.step("munlock(buffer)", os.munlock(pid, lay.bss, 16384));
}

void mcl_flags(Os& os, Log& L) {
  ImageLayout lay;
  int pid = start(os, L, &lay);
  OpResult a = L.step("malloc(1 MB)", os.malloc(pid, MiB), true);
  L.obj("a", pid, static_cast<u64>(a.ret), MiB);
  L.step("mlockall(MCL_FUTURE)", os.mlockall(pid, mcl::FUTURE));
  OpResult b = os.malloc(pid, 2 * MiB);
  L.obj("b", pid, static_cast<u64>(b.ret), 2 * MiB);
  L.step("malloc(2 MB) under MCL_FUTURE", b, true);
  L.step("mlockall(MCL_CURRENT|MCL_ONFAULT)", os.mlockall(pid, mcl::CURRENT | mcl::ONFAULT));
  OpResult c = os.mmap(pid, 0, MiB, prot::READ | prot::WRITE, mapf::PRIVATE | mapf::ANONYMOUS, -1, 0);
  L.obj("c", pid, static_cast<u64>(c.ret), MiB);
  L.step("mmap 1 MB under ONFAULT", c, true);
  L.step("touch 16 pages of c", os.touch(pid, static_cast<u64>(c.ret), 16 * kPageSize, true));
  L.step("mlockall(MCL_ONFAULT) alone", os.mlockall(pid, mcl::ONFAULT));
  L.step("munlockall", os.munlockall(pid));
  L.step("mlockall(0)", os.mlockall(pid, 0));
}

void unlock_rules(Os& os, Log& L) {
  ImageLayout lay;
  int pid = start(os, L, &lay);
  OpResult m = os.mmap(pid, 0, 16 * kPageSize, prot::READ | prot::WRITE, mapf::PRIVATE | mapf::ANONYMOUS, -1, 0);
  u64 a = static_cast<u64>(m.ret);
  L.obj("area", pid, a, 16 * kPageSize);
  L.obj("page5", pid, a + 5 * kPageSize, kPageSize);
  L.step("mmap 16 pages", m, true);
  L.step("mlock twice (1)", os.mlock(pid, a, 16 * kPageSize));
  L.step("mlock twice (2)", os.mlock(pid, a, 16 * kPageSize));
  L.step("munlock once", os.munlock(pid, a, 16 * kPageSize));
  L.step("mlock 1 byte across a page boundary", os.mlock(pid, a + 5 * kPageSize - 1, 2));
  L.step("mlock unaligned len 0", os.mlock(pid, a + 9 * kPageSize + 100, 0));
  L.step("mlock aligned len 0", os.mlock(pid, a + 11 * kPageSize, 0));
  L.step("munlock never-locked", os.munlock(pid, a + 14 * kPageSize, kPageSize));
  L.step("mlockall(FUTURE) then munlock range", os.mlockall(pid, mcl::FUTURE));
  L.step("munlock range", os.munlock(pid, a, 16 * kPageSize));
  OpResult n = os.malloc(pid, MiB);
  L.obj("after", pid, static_cast<u64>(n.ret), MiB);
  L.step("malloc: still MCL_FUTURE", n, true);
  L.step("madvise(DONTNEED) on a locked range", os.madvise(pid, static_cast<u64>(n.ret) & ~(kPageSize - 1), kPageSize, madv::DONTNEED));
  L.step("munlockall", os.munlockall(pid));
}

void fork_exec(Os& os, Log& L) {
  ImageLayout lay;
  int pid = start(os, L, &lay);
  OpResult m = os.malloc(pid, 4 * MiB);
  u64 p = static_cast<u64>(m.ret);
  L.obj("buf", pid, p, 4 * MiB);
  L.step("malloc 4 MB", m, true);
  L.step("mlock", os.mlock(pid, p, 4 * MiB));
  OpResult f = os.fork(pid);
  int child = static_cast<int>(f.ret);
  L.obj("child buf", child, p, 4 * MiB);
  L.step("fork", f, true);
  L.step("parent writes (copy-on-write)", os.touch(pid, p, 4 * MiB, true));
  L.step("child mlockall", os.mlockall(child, mcl::CURRENT));
  L.step("child exits", os.exit(child, 0));
  L.step("parent waits", os.wait(pid, child), true);
  ImageLayout l2;
  L.step("exec", os.exec(pid, ImageSpec{}, &l2));
}

void no_sudo(Os& os, Log& L) {
  ImageLayout lay;
  int pid = start(os, L, &lay);
  L.step("drop CAP_IPC_LOCK", os.set_cap_ipc_lock(pid, false));
  L.step("setrlimit 64 KiB", os.setrlimit_memlock(pid, 64 * 1024, 64 * 1024));
  OpResult m = os.malloc(pid, MiB);
  u64 p = static_cast<u64>(m.ret);
  L.obj("buf", pid, p, MiB);
  L.step("malloc 1 MB", m, true);
  L.step("mlock 1 MB -> ENOMEM", os.mlock(pid, p, MiB));
  L.step("mlock 32 KiB", os.mlock(pid, p, 32 * 1024));
  L.step("mlockall(MCL_CURRENT) -> ENOMEM", os.mlockall(pid, mcl::CURRENT));
  L.step("mlockall(MCL_FUTURE)", os.mlockall(pid, mcl::FUTURE));
  L.step("malloc 1 MB under MCL_FUTURE", os.malloc(pid, MiB), true);
  L.step("munlockall", os.munlockall(pid));
  L.step("setrlimit 0", os.setrlimit_memlock(pid, 0, 0));
  L.step("mlock -> EPERM", os.mlock(pid, p, 4096));
}

}  // namespace

TEST(RealOsDifferential, ScenariosAgreeWithTheModel) {
  if (!probe_real().cap_ipc_lock) GTEST_SKIP() << "needs root or CAP_IPC_LOCK (CI runs as root)";
  struct { const char* name; Scenario s; } all[] = {
      {"tutorial mlockall (500 x 1,024,144 B)", tutorial_mlockall},
      {"tutorial mlock (.bss buffer)", tutorial_mlock},
      {"MCL flags", mcl_flags},
      {"unlock rules", unlock_rules},
      {"fork / exec", fork_exec},
      {"no sudo", no_sudo},
  };
  std::string table;
  for (auto& sc : all) {
    int agreed = 0, total = 0;
    std::string d = run_both(sc.name, sc.s, &agreed, &total);
    table += std::string("  ") + sc.name + ": " + std::to_string(agreed) + "/" + std::to_string(total) + " steps agree\n";
    EXPECT_EQ(d, "") << sc.name << ":\n" << d;
  }
  std::printf("Model vs kernel, Os-level scenarios:\n%s", table.c_str());
}
