// Os-level differential test: the same scripted call sequences (the lessons'
// scenarios, written against pp::Os) run on the model (ModelOs) and on the kernel
// (RealOs); each step must agree on ret, errno and the locked / resident / swapped
// page counts of every named object. This needs no interpreter, so it checks the
// lab against the model even before lessons can run for real.
//
// Tolerances (same as runner/compare.h): addresses and pids by kind only;
// resident pages within 1 (glibc's chunk header page, start-up stack pages).
// "Locked" follows the lessons' definition on both sides (see Log::counts).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "core/model_os.h"
#include "real/explain.h"
#include "real/machine_info.h"
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
  bool has_lck = false;  // compared when recorded
  u64 faults = 0;        // minor + major faults of the call
  i64 fault_slack = -1;  // compared when >= 0
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
    if (pid_for_lck) { x.vm_lck_kb = os.status(pid_for_lck).vm_lck_kb; x.has_lck = true; }
    x.faults = r.minflt + r.majflt;
    e.push_back(x);
    return r;
  }
  // A step whose fault count is compared too (within `slack`).
  OpResult faults(const std::string& what, OpResult r, i64 slack, bool identity = false) {
    step(what, r, identity);
    e.back().fault_slack = slack;
    return r;
  }
};

using Scenario = std::function<void(Os&, Log&)>;

const char* kind(i64 r) { return r == 0 ? "0" : r == -1 ? "-1" : "value"; }

// Runs a scenario on both backends; returns "" or a readable diff.
std::string run_both(const std::string& name, const Scenario& sc, int* agreed, int* total) {
  MachineConfig cfg;
  cfg.ram_bytes = 4ull << 30;  // the tutorial's 500 MB must fit comfortably
  cfg.zero_page = zero_page_probe().zero_page;  // kernels differ here: model this one
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
    if (m.has_lck && m.vm_lck_kb != r.vm_lck_kb)
      d += "      VmLck: model " + std::to_string(m.vm_lck_kb) + " kB, real " + std::to_string(r.vm_lck_kb) + " kB\n";
    if (m.fault_slack >= 0 && (m.faults > r.faults ? m.faults - r.faults : r.faults - m.faults) > u64(m.fault_slack))
      d += "      faults: model " + std::to_string(m.faults) + ", real " + std::to_string(r.faults) + "\n";
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

// Locked means a present frame: not an untouched on-fault page, not the zero page,
// not a PROT_NONE reservation. Where the kernel maps no zero page, the read page and
// the read-only range get frames, and those are locked (the model is told which).
void locked_in_ram(Os& os, Log& L) {
  ImageLayout lay;
  int pid = start(os, L, &lay);
  u64 a = static_cast<u64>(os.mmap(pid, 0, 8 * kPageSize, prot::READ | prot::WRITE, mapf::PRIVATE | mapf::ANONYMOUS, -1, 0).ret);
  u64 ro = static_cast<u64>(os.mmap(pid, 0, 10 * kPageSize, prot::READ, mapf::PRIVATE | mapf::ANONYMOUS, -1, 0).ret);
  u64 none = static_cast<u64>(os.mmap(pid, 0, 4 * kPageSize, prot::NONE, mapf::PRIVATE | mapf::ANONYMOUS, -1, 0).ret);
  L.obj("onfault", pid, a, 8 * kPageSize);
  L.obj("readonly", pid, ro, 10 * kPageSize);
  L.obj("none", pid, none, 4 * kPageSize);
  L.step("mlock2(MLOCK_ONFAULT)", os.mlock2(pid, a, 8 * kPageSize, kMlockOnfault));
  L.step("write 2 pages", os.touch(pid, a, 2 * kPageSize, true));
  L.step("read 1 page (zero page or frame)", os.touch(pid, a + 5 * kPageSize, 1, false));
  L.step("mlock read-only range (zero pages or frames)", os.mlock(pid, ro, 10 * kPageSize));
  L.step("mlock PROT_NONE -> ENOMEM", os.mlock(pid, none, 4 * kPageSize), false, pid);
}

// A file page mapped twice in one process is locked through the other mapping.
void double_mapping(Os& os, Log& L) {
  ImageLayout lay;
  int pid = start(os, L, &lay);
  int fd = static_cast<int>(L.step("open", os.open(pid, "/tmp/pp-twice.bin", 4 * kPageSize), true).ret);
  u64 a = static_cast<u64>(os.mmap(pid, 0, 4 * kPageSize, prot::READ | prot::WRITE, mapf::SHARED, fd, 0).ret);
  u64 b = static_cast<u64>(os.mmap(pid, 0, 4 * kPageSize, prot::READ | prot::WRITE, mapf::SHARED, fd, 0).ret);
  L.obj("a", pid, a, 4 * kPageSize);
  L.obj("b", pid, b, 4 * kPageSize);
  L.step("read b", os.touch(pid, b, 4 * kPageSize, false));
  L.step("mlock a", os.mlock(pid, a, 4 * kPageSize));
  L.step("munlock a", os.munlock(pid, a, 4 * kPageSize));
}

// mlock fails part-way: what it did before the failure stays.
void partial_failures(Os& os, Log& L) {
  ImageLayout lay;
  int pid = start(os, L, &lay);
  const int rw = prot::READ | prot::WRITE, anon = mapf::PRIVATE | mapf::ANONYMOUS;
  u64 h = static_cast<u64>(os.mmap(pid, 0, 12 * kPageSize, rw, anon, -1, 0).ret);
  os.munmap(pid, h + 4 * kPageSize, 4 * kPageSize);
  L.obj("before hole", pid, h, 4 * kPageSize);
  L.step("mlock over a hole -> ENOMEM", os.mlock(pid, h, 12 * kPageSize), false, pid);
  L.step("write before the hole", os.touch(pid, h, 4 * kPageSize, true));
  L.step("munlock over a hole -> ENOMEM", os.munlock(pid, h, 12 * kPageSize), false, pid);
  u64 n = static_cast<u64>(os.mmap(pid, 0, 12 * kPageSize, rw, anon, -1, 0).ret);
  os.mprotect(pid, n + 4 * kPageSize, 4 * kPageSize, prot::NONE);
  L.obj("before none", pid, n, 4 * kPageSize);
  L.obj("after none", pid, n + 8 * kPageSize, 4 * kPageSize);
  L.step("mlock across PROT_NONE -> ENOMEM", os.mlock(pid, n, 12 * kPageSize), false, pid);
  int fd = static_cast<int>(L.step("open 2-page file", os.open(pid, "/tmp/pp-short.bin", 2 * kPageSize), true).ret);
  u64 f = static_cast<u64>(os.mmap(pid, 0, 4 * kPageSize, prot::READ, mapf::SHARED, fd, 0).ret);
  L.obj("file", pid, f, 4 * kPageSize);
  L.step("mlock past EOF -> ENOMEM, alive", os.mlock(pid, f, 4 * kPageSize), false, pid);
  L.step("still alive: touch first page", os.touch(pid, f, 1, false));
}

void dontneed_locked_and_mprotect(Os& os, Log& L) {
  ImageLayout lay;
  int pid = start(os, L, &lay);
  u64 a = static_cast<u64>(os.mmap(pid, 0, 8 * kPageSize, prot::READ | prot::WRITE, mapf::PRIVATE | mapf::ANONYMOUS, -1, 0).ret);
  L.obj("a", pid, a, 8 * kPageSize);
  L.step("mlock", os.mlock(pid, a, 8 * kPageSize));
  L.faults("mprotect read-only", os.mprotect(pid, a, 8 * kPageSize, prot::READ), 0);
  L.faults("mprotect read/write: no fault", os.mprotect(pid, a, 8 * kPageSize, prot::READ | prot::WRITE), 0);
  L.faults("write: no fault", os.touch(pid, a, 8 * kPageSize, true), 0);
  L.step("MADV_DONTNEED on locked -> EINVAL", os.madvise(pid, a, 8 * kPageSize, madv::DONTNEED));
  L.step("MADV_DONTNEED_LOCKED", os.madvise(pid, a, 8 * kPageSize, madv::DONTNEED_LOCKED));
  L.faults("write: faults back in, locked", os.touch(pid, a, 8 * kPageSize, true), 0);
}

// Fault-around: mlock of a read-only file mapping whose pages are in the page cache
// maps 16 pages per fault.
void fault_around(Os& os, Log& L) {
  ImageLayout lay;
  int pid = start(os, L, &lay);
  const u64 n = 256 * kPageSize, at = 0x7e0000000000ull;
  int fd = static_cast<int>(L.step("open", os.open(pid, "/tmp/pp-around.bin", n), true).ret);
  u64 w = static_cast<u64>(os.mmap(pid, 0, n, prot::READ, mapf::PRIVATE, fd, 0).ret);
  os.touch(pid, w, n, false);
  os.munmap(pid, w, n);
  L.step("map at a 64 KiB boundary", os.mmap(pid, at, n, prot::READ, mapf::PRIVATE | mapf::FIXED, fd, 0), true);
  L.obj("file", pid, at, n);
  L.faults("mlock 256 cached pages: 16 faults", os.mlock(pid, at, n), 2);
  // A second, unlocked mapping of the same pages: mlocked through the first one, so
  // MADV_PAGEOUT leaves them mapped.
  u64 s2 = static_cast<u64>(os.mmap(pid, 0, 16 * kPageSize, prot::READ | prot::WRITE, mapf::SHARED, fd, 0).ret);
  L.obj("second mapping", pid, s2, 16 * kPageSize);
  L.step("write through the second mapping", os.touch(pid, s2, 16 * kPageSize, true));
  L.step("MADV_PAGEOUT: pages stay (locked elsewhere)", os.madvise(pid, s2, 16 * kPageSize, madv::PAGEOUT));
  // Dirty shared pages nobody locks: unmapped, but still in the page cache.
  int fd2 = static_cast<int>(L.step("open", os.open(pid, "/tmp/pp-dirty.bin", 16 * kPageSize), true).ret);
  u64 d = static_cast<u64>(os.mmap(pid, 0, 16 * kPageSize, prot::READ | prot::WRITE, mapf::SHARED, fd2, 0).ret);
  L.obj("dirty", pid, d, 16 * kPageSize);
  L.step("write shared pages", os.touch(pid, d, 16 * kPageSize, true), false, pid);
  L.step("MADV_PAGEOUT: unmapped, still cached", os.madvise(pid, d, 16 * kPageSize, madv::PAGEOUT), false, pid);
}

// realloc of an mmap'd chunk: mremap moves the pages, nothing is copied.
void realloc_mremap(Os& os, Log& L) {
  ImageLayout lay;
  int pid = start(os, L, &lay);
  u64 a = static_cast<u64>(L.step("malloc 1 MiB", os.malloc(pid, MiB), true).ret);
  L.step("write it", os.touch(pid, a, MiB, true));
  OpResult r = L.faults("realloc 2 MiB: no copy", os.realloc(pid, a, 2 * MiB), 2, true);
  u64 b = static_cast<u64>(r.ret);
  L.obj("grown", pid, b, 2 * MiB);
  L.faults("write the new tail", os.touch(pid, b + MiB, MiB - 16, true), 2);
}

// mremap as a call: a locked mapping grows in place (the new part populated and
// locked), cannot grow past another mapping without MREMAP_MAYMOVE, and moves with it.
void mremap_locked(Os& os, Log& L) {
  ImageLayout lay;
  int pid = start(os, L, &lay);
  const u64 P = kPageSize, at = 0x7e0000000000ull;
  L.step("map 4 pages", os.mmap(pid, at, 4 * P, prot::READ | prot::WRITE, mapf::PRIVATE | mapf::ANONYMOUS | mapf::FIXED, -1, 0), true);
  L.step("mlock", os.mlock(pid, at, 4 * P), false, pid);
  L.obj("map", pid, at, 8 * P);
  L.faults("grow in place to 8: 4 populated", os.mremap(pid, at, 4 * P, 8 * P, 0, 0), 0, true);
  L.step("VmLck", OpResult{}, false, pid);
  L.step("a page after it", os.mmap(pid, at + 8 * P, P, prot::READ, mapf::PRIVATE | mapf::ANONYMOUS | mapf::FIXED, -1, 0), true);
  L.step("grow to 12 without MAYMOVE: ENOMEM", os.mremap(pid, at, 8 * P, 12 * P, 0, 0), true);
  OpResult r = L.faults("grow to 12 with MAYMOVE: moves", os.mremap(pid, at, 8 * P, 12 * P, mremapf::MAYMOVE, 0), 0, true);
  L.obj("moved", pid, static_cast<u64>(r.ret), 12 * P);
  L.step("VmLck after the move", OpResult{}, false, pid);
  L.step("shrink to 2", os.mremap(pid, static_cast<u64>(r.ret), 12 * P, 2 * P, 0, 0), true, pid);
}

// glibc's failure path: the first heap cannot be made under MCL_FUTURE with a small
// limit, yet one locked 4 KiB page is left mapped (once).
void glibc_failure_path(Os& os, Log& L) {
  ImageLayout lay;
  int pid = start(os, L, &lay);
  L.step("drop CAP_IPC_LOCK", os.set_cap_ipc_lock(pid, false));
  L.step("setrlimit 64 KiB", os.setrlimit_memlock(pid, 64 * 1024, 64 * 1024));
  L.step("mlockall(MCL_FUTURE)", os.mlockall(pid, mcl::FUTURE), false, pid);
  L.faults("malloc 1 MiB -> NULL, one page left locked", os.malloc(pid, MiB), 1, true);
  L.step("VmLck", OpResult{}, false, pid);
  L.faults("malloc 100 -> NULL, nothing more", os.malloc(pid, 100), 0, true);
  L.step("VmLck again", OpResult{}, false, pid);
}

// fork copies no page-table entries of a file mapping without anonymous pages: the
// child's first reads fault (minor, 16 pages at a time).
void fork_file_ptes(Os& os, Log& L) {
  ImageLayout lay;
  int pid = start(os, L, &lay);
  const u64 n = 64 * kPageSize, at = 0x7e0000000000ull;
  int fd = static_cast<int>(L.step("open", os.open(pid, "/tmp/pp-code.bin", n), true).ret);
  L.step("map", os.mmap(pid, at, n, prot::READ, mapf::PRIVATE | mapf::FIXED, fd, 0), true);
  L.faults("parent reads it", os.touch(pid, at, n, false), 2);
  L.step("map writable, private", os.mmap(pid, at + n, n, prot::READ | prot::WRITE, mapf::PRIVATE | mapf::FIXED, fd, 0), true);
  L.faults("parent only reads that too", os.touch(pid, at + n, n, false), 2);
  OpResult f = L.step("fork", os.fork(pid), true);
  int child = static_cast<int>(f.ret);
  // The real child's first requests also fault on the lab's own copy-on-write pages.
  L.step("child warms up", os.touch(child, lay.stack_top - 64, 8, true));
  L.faults("child reads it: minor faults again", os.touch(child, at, n, false), 1);
  L.faults("child reads the never-written private one: faults too", os.touch(child, at + n, n, false), 1);
  L.step("child exits", os.exit(child, 0));
  L.step("parent waits", os.wait(pid, child), true);
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
      {"locked means in RAM", locked_in_ram},
      {"page mapped twice", double_mapping},
      {"partial failures", partial_failures},
      {"DONTNEED_LOCKED, mprotect", dontneed_locked_and_mprotect},
      {"fault-around, PAGEOUT", fault_around},
      {"realloc via mremap", realloc_mremap},
      {"mremap of a locked mapping", mremap_locked},
      {"glibc failure path", glibc_failure_path},
      {"fork and file mappings", fork_file_ptes},
  };
  std::string table;
  for (auto& sc : all) {
    int agreed = 0, total = 0;
    std::string d = run_both(sc.name, sc.s, &agreed, &total);
    table += std::string("  ") + sc.name + ": " + std::to_string(agreed) + "/" + std::to_string(total) + " steps agree\n";
    EXPECT_EQ(d, "") << sc.name << ":\n" << d;
  }
  std::printf("Model vs kernel, Os-level scenarios (zero page: %s — %s):\n%s",
              zero_page_probe().zero_page ? "on" : "off", zero_page_probe().evidence.c_str(), table.c_str());
}

// The probe is a measurement: it says how it measured, and a kernel booted with the
// vendor switch that turns the zero page off (on its command line) is found out.
TEST(ZeroPageProbe, MeasuresAndAgreesWithTheBootCommandLine) {
  const ZeroPageProbe& z = zero_page_probe();
  std::printf("zero page: %s (%s)\n", z.zero_page ? "on" : "off", z.evidence.c_str());
  EXPECT_NE(z.evidence.find("two read pages"), std::string::npos) << z.evidence;
  if (geteuid() == 0) EXPECT_NE(z.evidence.find("pagemap PFNs"), std::string::npos) << z.evidence;
  std::ifstream f("/proc/cmdline");
  std::string cmdline;
  std::getline(f, cmdline);
  if (cmdline.find("pvm_no_zero_page=1") != std::string::npos) EXPECT_FALSE(z.zero_page) << z.evidence;
}
