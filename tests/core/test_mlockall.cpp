// SEMANTICS "mlockall / munlockall" and the tutorial's figure A/B/C.
#include "helpers.h"

namespace pp::test {

TEST(Mlockall, FlagValidation) {
  Fixture f;
  EXPECT_EQ(f.m.mlockall(f.pid, 0).err, err::INVAL);
  EXPECT_EQ(f.m.mlockall(f.pid, mcl::ONFAULT).err, err::INVAL);
  EXPECT_EQ(f.m.mlockall(f.pid, 8).err, err::INVAL);
  EXPECT_EQ(f.m.mlockall(f.pid, mcl::CURRENT | 0x10).err, err::INVAL);
  EXPECT_EQ(f.m.mlockall(f.pid, mcl::FUTURE | mcl::ONFAULT).err, 0);
  EXPECT_EQ(f.m.mlockall(f.pid, mcl::CURRENT | mcl::FUTURE | mcl::ONFAULT).err, 0);
}

TEST(Mlockall, CurrentLocksEverythingButVvarAndVdso) {
  Fixture f;
  ASSERT_EQ(f.m.mlockall(f.pid, mcl::CURRENT).err, 0);
  ProcStatus s = f.st();
  EXPECT_EQ(s.vm_lck_kb, s.vm_size_kb - 32);  // [vvar] 16K + [vvar_vclock] 8K + [vdso] 8K
  for (const SmapsEntry& e : f.m.smaps(f.pid)) {
    bool special = e.name == "[vvar]" || e.name == "[vvar_vclock]" || e.name == "[vdso]";
    EXPECT_EQ(e.locked, !special) << e.name;
    if (e.name == "[stack]") EXPECT_EQ(e.rss_kb, e.size_kb);  // fully populated
    if (e.perms == "r-xp" && !special) EXPECT_EQ(e.rss_kb, e.size_kb) << e.name;  // text, libs
  }
  EXPECT_INV(f.m);
}

TEST(Mlockall, ProtNoneBecomesLockedButNotResident) {
  Fixture f;
  u64 a = f.map(4 * P, prot::NONE);
  u64 lck0 = 0;
  (void)lck0;
  ASSERT_EQ(f.m.mlockall(f.pid, mcl::CURRENT).err, 0);
  EXPECT_TRUE(f.vma(a).locked);
  EXPECT_EQ(f.vma(a).rss_kb, 0u);
  EXPECT_EQ(f.m.count_pages(f.pid, a, 4 * P).resident, 0u);
  EXPECT_EQ(f.st().vm_lck_kb, f.st().vm_size_kb - 32);  // counts the reservation
}

TEST(Mlockall, FutureAloneLocksNothingExistingButEveryLaterMapping) {
  Fixture f;
  u64 old = f.map(4 * P);
  ASSERT_EQ(f.m.mlockall(f.pid, mcl::FUTURE).err, 0);
  EXPECT_EQ(f.st().vm_lck_kb, 0u);
  EXPECT_FALSE(f.vma(old).locked);
  u64 a = f.map(10 * P);
  EXPECT_TRUE(f.vma(a).locked);
  EXPECT_EQ(f.vma(a).rss_kb, 40u);  // populated at once
  EXPECT_EQ(f.st().vm_lck_kb, 40u);
}

TEST(Mlockall, FigureC_MallocUnderFutureIsResidentAtOnce) {
  Fixture f(cfg(512 * MiB, 0));
  f.m.malloc(f.pid, 1);  // printf's buffer: the heap exists before pinning
  ASSERT_EQ(f.m.mlockall(f.pid, mcl::CURRENT | mcl::FUTURE).err, 0);
  ProcStatus s0 = f.st();
  OpResult r = f.m.malloc(f.pid, 100 * 1000 * 1000);
  ASSERT_EQ(r.err, 0);
  // request2size(100,000,000) = 100,000,016; + 8, page-rounded = 24,415 pages = 97,660 kB
  ProcStatus s1 = f.st();
  EXPECT_EQ(s1.vm_rss_kb - s0.vm_rss_kb, 97660u);
  EXPECT_EQ(s1.vm_lck_kb - s0.vm_lck_kb, 97660u);
  EXPECT_EQ(r.minflt, 24415u);
  EXPECT_INV(f.m);
}

TEST(Mlockall, FutureDoesNotLockTheExistingStackSoGrowthStaysUnlocked) {
  Fixture f;
  ASSERT_EQ(f.m.mlockall(f.pid, mcl::FUTURE).err, 0);
  SmapsEntry st0 = f.vma(f.lay.stack_top);
  u64 below = st0.start - 64 * P;
  ASSERT_EQ(f.m.touch(f.pid, below, 1, true).err, 0);
  SmapsEntry st1 = f.vma(f.lay.stack_top);
  EXPECT_EQ(st1.start, below);
  EXPECT_FALSE(st1.locked);
  EXPECT_EQ(f.st().vm_lck_kb, 0u);
}

TEST(Mlockall, CurrentAndFutureLockStackGrowth) {
  Fixture f;
  ASSERT_EQ(f.m.mlockall(f.pid, mcl::CURRENT | mcl::FUTURE).err, 0);
  u64 lck0 = f.st().vm_lck_kb;
  SmapsEntry st0 = f.vma(f.lay.stack_top);
  OpResult r = f.m.touch(f.pid, st0.start - 64 * P, 1, true);
  ASSERT_EQ(r.err, 0);
  EXPECT_EQ(r.minflt, 1u);                        // growth faults, even when locked
  EXPECT_EQ(f.st().vm_lck_kb, lck0 + 64 * 4);     // unfaulted growth counts in VmLck
}

TEST(Mlockall, LaterMlockallWithoutFutureCancelsFuture) {
  Fixture f;
  f.m.mlockall(f.pid, mcl::CURRENT | mcl::FUTURE);
  f.m.mlockall(f.pid, mcl::CURRENT);
  u64 a = f.map(4 * P);
  EXPECT_FALSE(f.vma(a).locked);
  EXPECT_EQ(f.vma(a).rss_kb, 0u);
}

TEST(Mlockall, FutureAloneLeavesExistingLocks) {
  Fixture f;
  u64 a = f.map(4 * P);
  f.m.mlock(f.pid, a, 4 * P);
  f.m.mlockall(f.pid, mcl::FUTURE);
  EXPECT_TRUE(f.vma(a).locked);
  EXPECT_EQ(f.st().vm_lck_kb, 16u);
}

TEST(Mlockall, CurrentOnfaultTurnsExistingLocksIntoOnfaultWithoutEvicting) {
  Fixture f;
  u64 a = f.map(4 * P);
  f.m.mlockall(f.pid, mcl::CURRENT);
  u64 rss = f.st().vm_rss_kb;
  ASSERT_EQ(f.m.mlockall(f.pid, mcl::CURRENT | mcl::ONFAULT).err, 0);
  EXPECT_EQ(f.st().vm_rss_kb, rss);
  SmapsEntry e = f.vma(a);
  EXPECT_TRUE(e.locked);
  EXPECT_TRUE(e.onfault);
  EXPECT_NE(e.vmflags.find("lo lf"), std::string::npos);
  EXPECT_EQ(f.st().vm_lck_kb, f.st().vm_size_kb - 32);
}

TEST(Mlockall, MunlockallUnlocksEverythingAndCancelsFuture) {
  Fixture f;
  f.m.mlockall(f.pid, mcl::CURRENT | mcl::FUTURE);
  ASSERT_EQ(f.m.munlockall(f.pid).err, 0);
  EXPECT_EQ(f.st().vm_lck_kb, 0u);
  EXPECT_EQ(f.st().mcl, 0);
  u64 a = f.map(4 * P);
  EXPECT_FALSE(f.vma(a).locked);
}

TEST(Mlockall, MunlockOfARangeDoesNotCancelFuture) {
  Fixture f;
  f.m.mlockall(f.pid, mcl::FUTURE);
  u64 a = f.map(4 * P);
  f.m.munlock(f.pid, a, 4 * P);
  EXPECT_FALSE(f.vma(a).locked);
  u64 b = f.map(4 * P);
  EXPECT_TRUE(f.vma(b).locked);
}

TEST(Mlockall, TutorialProgramFigures) {
  // 500 records preallocated, then mlockall(MCL_CURRENT|MCL_FUTURE) (figure B).
  Fixture f(cfg(1024 * MiB, 512 * MiB));
  f.m.malloc(f.pid, 1024);  // printf's stdout buffer
  std::vector<u64> rec;
  for (int i = 0; i < 500; ++i) rec.push_back(u64(f.m.malloc(f.pid, 1024144).ret));
  ProcStatus a = f.st();
  EXPECT_EQ(a.vm_lck_kb, 0u);  // figure A: nothing pinned
  OpResult r = f.m.mlockall(f.pid, mcl::CURRENT | mcl::FUTURE);
  ASSERT_EQ(r.err, 0);
  ProcStatus b = f.st();
  EXPECT_EQ(b.vm_lck_kb, b.vm_size_kb - 32);
  SmapsEntry big = f.vma(rec[0]);
  EXPECT_EQ(big.size_kb, 502012u);
  EXPECT_EQ(big.rss_kb, 502012u);
  EXPECT_EQ(big.locked_kb, 502012u);
  // 500 × 250 untouched pages of the records populate as minor faults (+ the rest).
  EXPECT_GE(r.minflt, 125000u);
  ASSERT_EQ(f.m.munlockall(f.pid).err, 0);
  EXPECT_EQ(f.st().vm_rss_kb, b.vm_rss_kb);
  EXPECT_INV(f.m);
}

}  // namespace pp::test

namespace pp::test {

TEST(Mlockall, FutureOnfaultLocksLaterMappingsWithoutPopulating) {
  Fixture f;
  ASSERT_EQ(f.m.mlockall(f.pid, mcl::FUTURE | mcl::ONFAULT).err, 0);
  u64 a = f.map(8 * P);
  SmapsEntry e = f.vma(a);
  EXPECT_TRUE(e.locked);
  EXPECT_TRUE(e.onfault);
  EXPECT_EQ(e.rss_kb, 0u);
  EXPECT_EQ(f.st().vm_lck_kb, 32u);
  EXPECT_EQ(f.m.touch(f.pid, a, 8 * P, true).minflt, 8u);
  EXPECT_EQ(f.m.count_pages(f.pid, a, 8 * P).locked, 8u);
}

TEST(Mmap, PopulateLockedAndMunmapOfALockedRange) {
  Fixture f;
  OpResult r = f.m.mmap(f.pid, 0, 8 * P, RW, ANON | mapf::POPULATE, -1, 0);
  ASSERT_EQ(r.err, 0);
  EXPECT_EQ(r.minflt, 8u);  // MAP_POPULATE write-faults private writable pages
  EXPECT_EQ(f.m.count_pages(f.pid, u64(r.ret), 8 * P).resident, 8u);
  EXPECT_FALSE(f.vma(u64(r.ret)).locked);
  u64 l = u64(f.m.mmap(f.pid, 0, 8 * P, RW, ANON | mapf::LOCKED, -1, 0).ret);
  EXPECT_EQ(f.st().vm_lck_kb, 32u);
  ASSERT_EQ(f.m.munmap(f.pid, l + 2 * P, 2 * P).err, 0);
  EXPECT_EQ(f.st().vm_lck_kb, 24u);
  EXPECT_INV(f.m);
}

TEST(Mprotect, LockedReadOnlyMappingMadeWritableIsPopulatedWithFrames) {
  Fixture f;
  u64 a = f.map(4 * P, prot::READ);
  f.m.mlock(f.pid, a, 4 * P);
  EXPECT_EQ(f.vma(a).rss_kb, 0u);  // zero page
  OpResult r = f.m.mprotect(f.pid, a, 4 * P, RW);
  ASSERT_EQ(r.err, 0);
  EXPECT_EQ(f.vma(a).rss_kb, 16u);  // COW of the zero page broken at once
  EXPECT_EQ(f.m.touch(f.pid, a, 4 * P, true).minflt, 0u);
  // Removing write makes a later write SIGSEGV.
  f.m.mprotect(f.pid, a, P, prot::READ);
  EXPECT_EQ(f.m.touch(f.pid, a, 1, true).err, err::FAULT);
}

}  // namespace pp::test
