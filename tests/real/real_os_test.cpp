// RealOs round trips against the running kernel: what a lab reports must be what the
// kernel shows (VmLck grows by the locked size, mlock populates, fork drops locks…).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "real/explain.h"
#include "real/real_os.h"
#include "real/reports.h"

using namespace pp;
using namespace pp::real;

namespace {

constexpr u64 MiB = 1ull << 20;

// Read /proc/PID/status from outside, as a cross-check of what the lab says about itself.
u64 outside_kb(int pid, const std::string& key) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind(key + ":", 0) == 0) return std::stoull(line.substr(key.size() + 1));
  return ~0ull;
}

const SmapsEntry* vma_of(const std::vector<SmapsEntry>& v, u64 addr) {
  for (const auto& e : v)
    if (addr >= e.start && addr < e.end) return &e;
  return nullptr;
}

struct Lab : ::testing::Test {
  RealOs os;
  int pid = -1;
  ImageLayout lay;
  void SetUp() override {
    ImageSpec img;
    img.data_bytes = 4096;
    img.bss_bytes = 2048 * sizeof(double);  // mlock_example.c's buffer
    pid = os.spawn(img, &lay);
    ASSERT_GT(pid, 0) << os.error();
    // These compare locking with the kernel at sizes beyond a default `ulimit -l`.
    if (!os.status(pid).cap_ipc_lock) GTEST_SKIP() << "needs root or CAP_IPC_LOCK (CI runs as root)";
  }
};

}  // namespace

TEST_F(Lab, HelloDescribesAFreshImage) {
  const proto::Hello* h = os.hello(pid);
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->has_heap, 0) << "the lab created a [heap] before the lesson's first malloc";
  EXPECT_EQ(lay.bss % kPageSize, 0u);
  EXPECT_GT(lay.stack_top, lay.bss);
  auto sm = os.smaps(pid);
  ASSERT_FALSE(sm.empty());
  const SmapsEntry* st = vma_of(sm, lay.stack_top - 8);
  ASSERT_NE(st, nullptr);
  EXPECT_EQ(st->name, "[stack]");
  const SmapsEntry* bss = vma_of(sm, lay.bss);
  ASSERT_NE(bss, nullptr);
  EXPECT_EQ(bss->perms, "rw-p");
  ProcStatus s = os.status(pid);
  EXPECT_EQ(s.pid, pid);
  EXPECT_EQ(s.vm_lck_kb, 0u);
  EXPECT_TRUE(s.cap_ipc_lock);  // CI runs as root; the lab keeps CAP_IPC_LOCK only
  EXPECT_EQ(s.vm_size_kb, outside_kb(pid, "VmSize"));
  std::printf("fresh lab: VmSize %llu kB, VmRSS %llu kB, %zu VMAs\n", (unsigned long long)s.vm_size_kb,
              (unsigned long long)s.vm_rss_kb, sm.size());
}

TEST_F(Lab, MallocTouchMlockAgreeWithTheKernel) {
  OpResult m = os.malloc(pid, 8 * MiB);
  ASSERT_TRUE(m.ok());
  u64 p = static_cast<u64>(m.ret);
  ASSERT_NE(p, 0u);
  PageCounts c0 = os.count_pages(pid, p, 8 * MiB);
  EXPECT_EQ(c0.pages, 8 * MiB / kPageSize + (p % kPageSize ? 1 : 0));
  EXPECT_LE(c0.resident, 2u) << "only malloc's chunk header page is touched";
  EXPECT_EQ(c0.locked, 0u);

  OpResult t = os.touch(pid, p, 4 * MiB, true);
  ASSERT_TRUE(t.ok());
  EXPECT_GE(t.minflt, 4 * MiB / kPageSize - 2);  // one fault per page of anonymous memory
  EXPECT_LE(t.minflt, 4 * MiB / kPageSize + 8);
  PageCounts c1 = os.count_pages(pid, p, 4 * MiB);
  EXPECT_EQ(c1.resident, c1.pages);

  u64 before = os.status(pid).vm_lck_kb;
  OpResult l = os.mlock(pid, p, 8 * MiB);
  ASSERT_TRUE(l.ok()) << errno_str(l.err);
  // mlock populates the untouched half: those faults are the caller's.
  EXPECT_GE(l.minflt, 4 * MiB / kPageSize - 8);
  ProcStatus s = os.status(pid);
  u64 locked_pages = c0.pages;
  EXPECT_EQ(s.vm_lck_kb - before, locked_pages * 4);
  EXPECT_EQ(s.vm_lck_kb, outside_kb(pid, "VmLck"));
  PageCounts c2 = os.count_pages(pid, p, 8 * MiB);
  EXPECT_EQ(c2.locked, c2.pages);
  EXPECT_EQ(c2.resident, c2.pages);
  auto sm = os.smaps(pid);
  const SmapsEntry* e = vma_of(sm, p + MiB);
  ASSERT_NE(e, nullptr);
  EXPECT_TRUE(e->locked);
  EXPECT_NE(e->vmflags.find("lo"), std::string::npos);

  OpResult t2 = os.touch(pid, p, 8 * MiB, true);
  EXPECT_EQ(t2.minflt, 0u) << "locked pages take no faults";

  ASSERT_TRUE(os.munlock(pid, p, 8 * MiB).ok());
  EXPECT_EQ(os.status(pid).vm_lck_kb, before);
  EXPECT_EQ(os.count_pages(pid, p, 8 * MiB).resident, c2.pages) << "unlocking evicts nothing";
  EXPECT_TRUE(os.free(pid, p).ok());
}

TEST_F(Lab, GlobalsAndLocalsAreRealSections) {
  // mlock_example.c: a 16 KiB global buffer in .bss.
  OpResult l = os.mlock(pid, lay.bss, 2048 * sizeof(double));
  ASSERT_TRUE(l.ok()) << errno_str(l.err);
  EXPECT_EQ(os.count_pages(pid, lay.bss, 16384).locked, 4u);
  EXPECT_EQ(os.status(pid).vm_lck_kb, 16u);
  ASSERT_TRUE(os.munlock(pid, lay.bss, 16384).ok());
  // Locals: 500 record pointers below stack_top, on the real [stack].
  u64 arr = lay.stack_top - 500 * 8;
  ASSERT_TRUE(os.touch(pid, arr, 500 * 8, true).ok());
  EXPECT_EQ(os.count_pages(pid, arr, 4000).resident, os.count_pages(pid, arr, 4000).pages);
  // Touching the lab's own state is refused, not performed.
  const proto::Hello* h = os.hello(pid);
  EXPECT_EQ(os.touch(pid, h->lab_reserved_lo, 8, true).err, err::FAULT);
}

TEST_F(Lab, MlockallFutureLocksLaterMallocs) {
  OpResult a = os.mlockall(pid, mcl::CURRENT | mcl::FUTURE);
  ASSERT_TRUE(a.ok()) << errno_str(a.err);
  ProcStatus s = os.status(pid);
  EXPECT_EQ(s.mcl, mcl::CURRENT | mcl::FUTURE);
  // SEMANTICS.md: VmLck = VmSize − [vvar]/[vdso] after MCL_CURRENT.
  EXPECT_GE(s.vm_lck_kb + 64, s.vm_size_kb);
  OpResult m = os.malloc(pid, 100 * MiB);  // figure C: resident at once
  ASSERT_TRUE(m.ok());
  PageCounts c = os.count_pages(pid, static_cast<u64>(m.ret), 100 * MiB);
  EXPECT_EQ(c.locked, c.pages);
  EXPECT_EQ(c.resident, c.pages);
  EXPECT_GE(m.minflt, 100 * MiB / kPageSize - 16);
  ASSERT_TRUE(os.munlockall(pid).ok());
  EXPECT_EQ(os.status(pid).vm_lck_kb, 0u);
  EXPECT_EQ(os.status(pid).mcl, 0);
}

TEST_F(Lab, ForkChildHasNoLocksAndSharesCopyOnWrite) {
  OpResult m = os.malloc(pid, 4 * MiB);
  u64 p = static_cast<u64>(m.ret);
  ASSERT_TRUE(os.mlock(pid, p, 4 * MiB).ok());
  u64 pa = (p + 2 * kPageSize) & ~(kPageSize - 1);  // 64 whole pages inside the buffer
  EXPECT_EQ(os.range_detail(pid, pa, 64 * kPageSize).exclusive, 64u);
  OpResult f = os.fork(pid);
  ASSERT_TRUE(f.ok()) << errno_str(f.err);
  int child = static_cast<int>(f.ret);
  ASSERT_EQ(os.pids().size(), 2u);
  EXPECT_EQ(os.pids()[1], child);
  ProcStatus cs = os.status(child);
  EXPECT_EQ(cs.vm_lck_kb, 0u);
  EXPECT_EQ(cs.ppid, pid);
  auto csm = os.smaps(child);
  const SmapsEntry* cv = vma_of(csm, pa);
  ASSERT_NE(cv, nullptr);
  EXPECT_FALSE(cv->locked) << "no `lo` in the child";
  // ...but its frames are the parent's locked frames (kpageflags MLOCKED, root only).
  if (os.sees_frame_locks(child)) {
    EXPECT_EQ(os.count_pages(child, pa, 64 * kPageSize).locked, 64u);
  }
  // Shared copy-on-write: no longer exclusively mapped in either process.
  EXPECT_EQ(os.range_detail(pid, pa, 64 * kPageSize).exclusive, 0u);
  // "Locking does not prevent copy-on-write": the parent's write faults.
  OpResult w = os.touch(pid, pa, 64 * kPageSize, true);
  EXPECT_GE(w.minflt, 64u);
  EXPECT_EQ(os.range_detail(pid, pa, 64 * kPageSize).exclusive, 64u);
  EXPECT_EQ(os.count_pages(pid, pa, 64 * kPageSize).locked, 64u);
  // The parent now has its own copies: the child's old frames are nobody's lock.
  EXPECT_EQ(os.count_pages(child, pa, 64 * kPageSize).locked, 0u);
  ASSERT_TRUE(os.exit(child, 3).ok());
  OpResult wt = os.wait(pid, child);
  EXPECT_EQ(wt.ret, child);
  EXPECT_EQ(os.pids().size(), 1u);
}

TEST_F(Lab, ExecDropsLocksKeepsPidAndLimit) {
  // Lowering works; raising the hard limit would need CAP_SYS_RESOURCE, which the lab drops.
  ASSERT_TRUE(os.setrlimit_memlock(pid, 4 * MiB, 8 * MiB).ok());
  ASSERT_TRUE(os.mlockall(pid, mcl::CURRENT | mcl::FUTURE).ok());
  EXPECT_GT(os.status(pid).vm_lck_kb, 0u);
  ImageSpec img;
  img.bss_bytes = 8192;
  ImageLayout l2;
  OpResult e = os.exec(pid, img, &l2);
  ASSERT_TRUE(e.ok()) << errno_str(e.err);
  ProcStatus s = os.status(pid);
  EXPECT_EQ(s.pid, pid);
  EXPECT_EQ(s.vm_lck_kb, 0u);
  EXPECT_EQ(s.mcl, 0);
  EXPECT_EQ(s.rlim_memlock_cur, 4 * MiB);
  EXPECT_TRUE(os.malloc(pid, MiB).ok());
  EXPECT_EQ(os.status(pid).vm_lck_kb, 0u) << "MCL_FUTURE did not survive exec";
}

TEST_F(Lab, ErrorsAreTheKernels) {
  EXPECT_EQ(os.mlockall(pid, mcl::ONFAULT).err, err::INVAL);
  EXPECT_EQ(os.mlock2(pid, lay.bss, 4096, 2).err, err::INVAL);
  OpResult mm = os.mmap(pid, 0, 4 * kPageSize, prot::NONE, mapf::PRIVATE | mapf::ANONYMOUS, -1, 0);
  ASSERT_TRUE(mm.ok());
  ASSERT_TRUE(os.munmap(pid, static_cast<u64>(mm.ret), 4 * kPageSize).ok());
  EXPECT_EQ(os.mlock(pid, static_cast<u64>(mm.ret), 4096).err, err::NOMEM) << "unmapped range";
  EXPECT_EQ(os.pressure(1 << 20).err, err::NOSYS);
  EXPECT_EQ(os.thread_ctl_io(pid).err, err::NOSYS);
}

TEST_F(Lab, OnFaultLocksOnlyFaultedPages) {
  OpResult mm = os.mmap(pid, 0, 16 * kPageSize, prot::READ | prot::WRITE, mapf::PRIVATE | mapf::ANONYMOUS, -1, 0);
  ASSERT_TRUE(mm.ok());
  u64 a = static_cast<u64>(mm.ret);
  ASSERT_TRUE(os.mlock2(pid, a, 16 * kPageSize, kMlockOnfault).ok());
  EXPECT_EQ(os.status(pid).vm_lck_kb, 64u) << "VmLck counts the whole range at once";
  EXPECT_EQ(os.count_pages(pid, a, 16 * kPageSize).locked, 0u);
  ASSERT_TRUE(os.touch(pid, a, 4 * kPageSize, true).ok());
  EXPECT_EQ(os.count_pages(pid, a, 16 * kPageSize).locked, 4u);
}

TEST_F(Lab, TouchOfUnmappedMemoryKillsTheProcessLikeSigsegv) {
  OpResult f = os.fork(pid);
  ASSERT_TRUE(f.ok());
  int child = static_cast<int>(f.ret);
  OpResult t = os.touch(child, 16, 1, true);
  EXPECT_EQ(t.err, err::FAULT);
  ASSERT_FALSE(t.events.empty());
  EXPECT_EQ(t.events.front().kind, EventKind::Signal);
  EXPECT_EQ(t.events.front().aux, 11);
  EXPECT_FALSE(os.status(child).alive);
  OpResult w = os.wait(pid, child);
  EXPECT_EQ(w.ret, child);
}

TEST_F(Lab, TheLabProtectsItsOwnMemory) {
  const proto::Hello* h = os.hello(pid);
  u64 lo = h->lab_reserved_lo, len = h->lab_reserved_hi - h->lab_reserved_lo;
  EXPECT_EQ(os.munmap(pid, lo, len).err, err::INVAL);
  EXPECT_EQ(os.mprotect(pid, lo, kPageSize, prot::NONE).err, err::INVAL);
  EXPECT_EQ(os.mmap(pid, lo, kPageSize, prot::READ, mapf::PRIVATE | mapf::ANONYMOUS | mapf::FIXED, -1, 0).err,
            err::INVAL);
  EXPECT_EQ(os.munmap(pid, lay.text & ~(kPageSize - 1), kPageSize).err, err::INVAL) << "the lab's code";
  EXPECT_TRUE(os.malloc(pid, 64).ok()) << "the lab still answers";
}

TEST_F(Lab, SafetyCapRefusesHugeLocks) {
  // A 1 TiB PROT_NONE reservation costs nothing; locking it must be refused up front.
  u64 tib = 1ull << 40;
  OpResult mm = os.mmap(pid, 0, tib, prot::NONE, mapf::PRIVATE | mapf::ANONYMOUS | mapf::NORESERVE, -1, 0);
  ASSERT_TRUE(mm.ok()) << errno_str(mm.err);
  OpResult l = os.mlock(pid, static_cast<u64>(mm.ret), tib);
  EXPECT_EQ(l.err, err::NOMEM);
  EXPECT_TRUE(os.refused());
  EXPECT_NE(os.last_note().find("--force"), std::string::npos) << os.last_note();
  EXPECT_EQ(os.status(pid).vm_lck_kb, 0u);
}

TEST(RealReports, ParseSmapsFlags) {
  std::string t =
      "7f0000000000-7f0000004000 rw-p 00000000 00:00 0 \n"
      "Size:                 16 kB\nRss:                   8 kB\nPss:                   8 kB\n"
      "Locked:                8 kB\nSwap:                  0 kB\nVmFlags: rd wr mr mw me ac lo lf \n"
      "7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0                          [stack]\n"
      "Size:                132 kB\nVmFlags: rd wr mr mw me gd ac \n";
  auto v = parse_smaps(t);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_TRUE(v[0].locked);
  EXPECT_TRUE(v[0].onfault);
  EXPECT_EQ(v[0].locked_kb, 8u);
  EXPECT_EQ(v[1].name, "[stack]");
  EXPECT_FALSE(v[1].locked);
}

TEST_F(Lab, PageBitsShowEachPage) {
  OpResult mm = os.mmap(pid, 0, 8 * kPageSize, prot::READ | prot::WRITE, mapf::PRIVATE | mapf::ANONYMOUS, -1, 0);
  u64 a = static_cast<u64>(mm.ret);
  ASSERT_TRUE(os.touch(pid, a, 2 * kPageSize, true).ok());
  ASSERT_TRUE(os.mlock2(pid, a, 4 * kPageSize, kMlockOnfault).ok());
  auto b = os.page_bits(pid, a, 8);
  ASSERT_EQ(b.size(), 8u);
  for (int i = 0; i < 8; ++i) EXPECT_TRUE(b[i] & proto::PG_MAPPED) << i;
  EXPECT_TRUE(b[0] & proto::PG_RESIDENT);
  EXPECT_TRUE(b[1] & proto::PG_EXCLUSIVE);
  EXPECT_TRUE(b[1] & RealOs::PG_LOCKED_BIT) << "on-fault lock, already faulted in";
  EXPECT_FALSE(b[2] & RealOs::PG_LOCKED_BIT) << "on-fault lock, not faulted in yet";
  EXPECT_FALSE(b[5] & proto::PG_RESIDENT);
  auto hole = os.page_bits(pid, a + 8 * kPageSize, 1);
  ASSERT_EQ(hole.size(), 1u);
}
