// SEMANTICS "fork and exec".
#include "helpers.h"

namespace pp::test {

TEST(Fork, ChildInheritsNoLocksAndNoFuture) {
  Fixture f;
  f.m.mlockall(f.pid, mcl::CURRENT | mcl::FUTURE);
  OpResult r = f.m.fork(f.pid);
  ASSERT_EQ(r.err, 0);
  int c = int(r.ret);
  EXPECT_EQ(f.m.status(c).vm_lck_kb, 0u);
  EXPECT_EQ(f.m.status(c).mcl, 0);
  EXPECT_EQ(f.m.status(c).ppid, f.pid);
  for (const SmapsEntry& e : f.m.smaps(c)) {
    EXPECT_FALSE(e.locked) << e.name;
    EXPECT_EQ(e.vmflags.find("lo"), std::string::npos);
  }
  u64 a = u64(f.m.mmap(c, 0, 4 * P, RW, ANON, -1, 0).ret);
  EXPECT_EQ(f.m.page(c, a).state, PageState::None);  // not populated: no MCL_FUTURE
  EXPECT_INV(f.m);
}

TEST(Fork, PrivatePagesSharedCowLockedIsPssAndHalves) {
  Fixture f;
  u64 a = f.map(10 * P);
  f.m.mlock(f.pid, a, 10 * P);
  EXPECT_EQ(f.vma(a).locked_kb, 40u);
  int c = int(f.m.fork(f.pid).ret);
  SmapsEntry pe = f.vma(a);
  EXPECT_EQ(pe.rss_kb, 40u);
  EXPECT_EQ(pe.pss_kb, 20u);     // 10 pages shared by two processes
  EXPECT_EQ(pe.locked_kb, 20u);  // Locked = Pss
  SmapsEntry ce;
  for (auto& e : f.m.smaps(c))
    if (e.start == a) ce = e;
  EXPECT_EQ(ce.rss_kb, 40u);
  EXPECT_EQ(ce.pss_kb, 20u);
  EXPECT_EQ(ce.locked_kb, 0u);
  EXPECT_TRUE(f.m.page(f.pid, a).cow);
  EXPECT_FALSE(f.m.pagemap(f.pid, a).exclusive);
}

TEST(Fork, LockingDoesNotPreventCopyOnWrite) {
  Fixture f;
  u64 a = f.map(10 * P);
  f.m.mlock(f.pid, a, 10 * P);
  u64 pfn0 = f.m.pagemap(f.pid, a).pfn_or_slot;
  f.m.fork(f.pid);
  OpResult r = f.m.touch(f.pid, a, 8, true);
  EXPECT_EQ(r.minflt, 1u);
  EXPECT_NE(f.m.pagemap(f.pid, a).pfn_or_slot, pfn0);  // a new frame
  EXPECT_TRUE(f.m.pagemap(f.pid, a).exclusive);
  // 9 shared pages (2 kB each) + 1 own page (4 kB)
  EXPECT_EQ(f.vma(a).locked_kb, 22u);
  bool cow = false;
  for (auto& e : r.events) cow |= e.kind == EventKind::CowCopy;
  EXPECT_TRUE(cow);
}

// do_wp_page: the first write after fork always faults (fork write-protected the
// parent's PTEs), but the kernel copies only while another process still maps the
// page (wp_can_reuse_anon_folio). Measured with pagemap: a new PFN while the child
// lives, the same PFN once it has exited.
TEST(Fork, WriteAfterTheChildExitedFaultsButReusesTheFrame) {
  Fixture f;
  u64 a = f.map(4 * P);
  f.m.touch(f.pid, a, 4 * P, true);
  ASSERT_EQ(f.m.mlockall(f.pid, mcl::CURRENT | mcl::FUTURE).err, 0);
  int c = int(f.m.fork(f.pid).ret);
  // Child alive: a copy.
  u64 pfn0 = f.m.pagemap(f.pid, a).pfn_or_slot;
  OpResult r = f.m.touch(f.pid, a, 1, true);
  EXPECT_EQ(r.minflt, 1u);
  EXPECT_NE(f.m.pagemap(f.pid, a).pfn_or_slot, pfn0);
  bool cow = false;
  for (auto& e : r.events) cow |= e.kind == EventKind::CowCopy;
  EXPECT_TRUE(cow);
  // Child gone: a fault, the same frame.
  f.m.exit(c, 0);
  f.m.wait(f.pid, c);
  u64 pfn1 = f.m.pagemap(f.pid, a + P).pfn_or_slot;
  r = f.m.touch(f.pid, a + P, 1, true);
  EXPECT_EQ(r.minflt, 1u);
  EXPECT_EQ(f.m.pagemap(f.pid, a + P).pfn_or_slot, pfn1);
  cow = false;
  for (auto& e : r.events) cow |= e.kind == EventKind::CowCopy;
  EXPECT_FALSE(cow);
  EXPECT_INV(f.m);
}

TEST(Fork, ChildMlockallCopiesEverySharedWritablePage) {
  Fixture f;
  u64 a = f.map(10 * P);
  f.m.touch(f.pid, a, 10 * P, true);
  int c = int(f.m.fork(f.pid).ret);
  std::uint32_t free0 = f.m.frames_free();
  ASSERT_EQ(f.m.mlockall(c, mcl::CURRENT).err, 0);
  for (auto& e : f.m.smaps(c))
    if (e.start == a) EXPECT_EQ(e.pss_kb, 40u);  // all its own now
  EXPECT_EQ(f.vma(a).pss_kb, 40u);
  EXPECT_LE(f.m.frames_free() + 10, free0);
  EXPECT_INV(f.m);
}

TEST(Exec, DropsLocksAndFutureKeepsPidAndRlimit) {
  Fixture f;
  f.m.setrlimit_memlock(f.pid, 1 * MiB, 2 * MiB);
  f.m.mlockall(f.pid, mcl::CURRENT | mcl::FUTURE);
  ImageLayout lay;
  OpResult r = f.m.exec(f.pid, ImageSpec{"/bin/other", 8 * P, P, P, 4 * P}, &lay);
  ASSERT_EQ(r.err, 0);
  ProcStatus s = f.st();
  EXPECT_EQ(s.pid, f.pid);
  EXPECT_EQ(s.vm_lck_kb, 0u);
  EXPECT_EQ(s.mcl, 0);
  EXPECT_EQ(s.rlim_memlock_cur, 1 * MiB);
  EXPECT_EQ(s.rlim_memlock_max, 2 * MiB);
  u64 a = f.map(4 * P);
  EXPECT_FALSE(f.vma(a).locked);
  EXPECT_EQ(f.vma(lay.bss).name, ".bss");
  EXPECT_EQ(f.vma(lay.bss).size_kb, 16u);
  EXPECT_INV(f.m);
}

TEST(Exit, ExitUnlocksAndFreesAndWaitReaps) {
  Fixture f;
  int c = int(f.m.fork(f.pid).ret);
  u64 a = u64(f.m.mmap(c, 0, 16 * P, RW, ANON, -1, 0).ret);
  f.m.mlock(c, a, 16 * P);
  std::uint32_t free_before_exit = f.m.frames_free();
  EXPECT_EQ(f.m.wait(f.pid, c).ret, 0);  // not exited yet
  f.m.exit(c, 3);
  EXPECT_GE(f.m.frames_free(), free_before_exit + 16);
  EXPECT_FALSE(f.m.status(c).alive);
  EXPECT_EQ(f.m.status(c).exit_code, 3);
  EXPECT_EQ(f.m.wait(f.pid, -1).ret, c);
  EXPECT_FALSE(f.m.exists(c));
  EXPECT_EQ(f.m.wait(f.pid, -1).err, err::CHILD);
  EXPECT_INV(f.m);
}

TEST(Faults, MlockDoesNotMeanNoFaults) {
  Fixture f;
  // ON_FAULT range: each first touch faults.
  u64 a = f.map(4 * P);
  f.m.mlock2(f.pid, a, 4 * P, kMlockOnfault);
  EXPECT_EQ(f.m.touch(f.pid, a, 4 * P, true).minflt, 4u);
  // A locked range touched again: no faults.
  u64 b = f.map(4 * P);
  f.m.mlock(f.pid, b, 4 * P);
  EXPECT_EQ(f.m.touch(f.pid, b, 4 * P, true).minflt, 0u);
}

}  // namespace pp::test
