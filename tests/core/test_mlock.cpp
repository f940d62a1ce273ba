// SEMANTICS "mlock / munlock / mlock2": one test per rule; expected numbers worked out
// by hand from the rule (4 KiB pages).
#include "helpers.h"

namespace pp::test {

TEST(Mlock, UnalignedLengthZeroLocksOnePageAlignedLocksNone) {
  Fixture f;
  u64 buf = f.map(4 * P);
  EXPECT_EQ(f.m.mlock(f.pid, buf, 0).err, 0);
  EXPECT_EQ(f.st().vm_lck_kb, 0u);  // PAGE_ALIGN(0 + 0) = 0 pages
  EXPECT_EQ(f.m.mlock(f.pid, buf + 100, 0).err, 0);
  EXPECT_EQ(f.st().vm_lck_kb, 4u);  // PAGE_ALIGN(0 + 100) = 1 page
  EXPECT_INV(f.m);
}

TEST(Mlock, LocksEveryPageContainingAByte) {
  Fixture f;
  u64 buf = f.map(4 * P);
  ASSERT_EQ(f.m.mlock(f.pid, buf + 4000, 200).err, 0);  // bytes 4000..4199: pages 0 and 1
  EXPECT_EQ(f.st().vm_lck_kb, 8u);
  EXPECT_EQ(f.m.count_pages(f.pid, buf + 4000, 200).locked, 2u);
  EXPECT_EQ(f.m.count_pages(f.pid, buf, 4 * P).locked, 2u);
}

TEST(Mlock, PopulatesWritablePrivatePagesWithFramesAsCallerMinorFaults) {
  Fixture f;
  u64 buf = f.map(10 * P);
  u64 before = f.st().minflt;
  OpResult r = f.m.mlock(f.pid, buf, 10 * P);
  ASSERT_EQ(r.err, 0);
  EXPECT_EQ(r.minflt, 10u);
  EXPECT_EQ(r.majflt, 0u);
  EXPECT_EQ(f.st().minflt, before + 10);
  EXPECT_EQ(f.vma(buf).rss_kb, 40u);
  EXPECT_EQ(f.vma(buf).locked_kb, 40u);
  int e = -1;
  auto mc = f.m.mincore(f.pid, buf, 10 * P, &e);
  ASSERT_EQ(e, 0);
  for (auto b : mc) EXPECT_EQ(b, 1);
  EXPECT_EQ(f.m.page(f.pid, buf).state, PageState::Frame);
  EXPECT_INV(f.m);
}

TEST(Mlock, ReadOnlyUntouchedAnonymousPagesMapTheZeroPage) {
  Fixture f;
  u64 buf = f.map(10 * P, prot::READ);
  std::uint32_t free0 = f.m.frames_free();
  OpResult r = f.m.mlock(f.pid, buf, 10 * P);
  ASSERT_EQ(r.err, 0);
  EXPECT_EQ(r.minflt, 10u);
  EXPECT_EQ(f.vma(buf).rss_kb, 0u);       // zero page: no RAM
  EXPECT_EQ(f.st().vm_lck_kb, 40u);
  EXPECT_EQ(f.m.frames_free(), free0);
  EXPECT_EQ(f.m.page(f.pid, buf + 3 * P).state, PageState::Zero);
  EXPECT_EQ(f.m.count_pages(f.pid, buf, 10 * P).resident, 10u);  // mincore: resident
}

TEST(Mlock, ReplacesZeroPageMappingsWithFrames) {
  Fixture f;
  u64 buf = f.map(4 * P);
  f.m.touch(f.pid, buf, 4 * P, false);  // read: 4 zero-page PTEs
  EXPECT_EQ(f.vma(buf).rss_kb, 0u);
  OpResult r = f.m.mlock(f.pid, buf, 4 * P);
  EXPECT_EQ(r.minflt, 4u);  // write faults replace the zero page
  EXPECT_EQ(f.vma(buf).rss_kb, 16u);
  EXPECT_EQ(f.m.page(f.pid, buf).state, PageState::Frame);
}

TEST(Mlock, LocksDoNotStack) {
  Fixture f;
  u64 buf = f.map(4 * P);
  f.m.mlock(f.pid, buf, 4 * P);
  f.m.mlock(f.pid, buf, 4 * P);
  f.m.mlock(f.pid, buf + P, P);  // overlap counts once
  EXPECT_EQ(f.st().vm_lck_kb, 16u);
  ASSERT_EQ(f.m.munlock(f.pid, buf, 4 * P).err, 0);
  EXPECT_EQ(f.st().vm_lck_kb, 0u);
}

TEST(Mlock, PartialLockSplitsAndUnlockMerges) {
  Fixture f;
  u64 buf = f.map(3 * P);
  std::size_t n0 = f.nvmas();
  ASSERT_EQ(f.m.mlock(f.pid, buf + P, P).err, 0);
  EXPECT_EQ(f.nvmas(), n0 + 2);
  EXPECT_TRUE(f.vma(buf + P).locked);
  EXPECT_FALSE(f.vma(buf).locked);
  EXPECT_FALSE(f.vma(buf + 2 * P).locked);
  EXPECT_EQ(f.vma(buf + P).size_kb, 4u);
  ASSERT_EQ(f.m.munlock(f.pid, buf + P, P).err, 0);
  EXPECT_EQ(f.nvmas(), n0);
  EXPECT_INV(f.m);
}

TEST(Mlock, UnmappedAddressIsENOMEM) {
  Fixture f;
  EXPECT_EQ(f.m.mlock(f.pid, 0x10000, P).err, err::NOMEM);
  EXPECT_EQ(f.m.munlock(f.pid, 0x10000, P).err, err::NOMEM);
  u64 buf = f.map(2 * P);
  // A range running past the end of a mapping into a hole: the mapped part before
  // the hole is locked all the same (KernelRules tests the details).
  EXPECT_EQ(f.m.mlock(f.pid, buf, 64 * MiB).err, err::NOMEM);
  EXPECT_TRUE(f.vma(buf).locked);
}

TEST(Mlock, Mlock2AcceptsOnlyOnfault) {
  Fixture f;
  u64 buf = f.map(2 * P);
  EXPECT_EQ(f.m.mlock2(f.pid, buf, P, 2).err, err::INVAL);
  EXPECT_EQ(f.m.mlock2(f.pid, buf, P, 0x100).err, err::INVAL);
  EXPECT_EQ(f.m.mlock2(f.pid, buf, P, 0).err, 0);
  EXPECT_EQ(f.m.mlock2(f.pid, buf, P, kMlockOnfault).err, 0);
}

TEST(Mlock, MunlockOfNeverLockedRangeReturnsZero) {
  Fixture f;
  u64 buf = f.map(2 * P);
  OpResult r = f.m.munlock(f.pid, buf, 2 * P);
  EXPECT_EQ(r.err, 0);
  EXPECT_EQ(r.ret, 0);
}

TEST(Mlock, OnfaultLocksWholeRangeButPopulatesNothing) {
  Fixture f;
  u64 buf = f.map(10 * P);
  OpResult r = f.m.mlock2(f.pid, buf, 10 * P, kMlockOnfault);
  ASSERT_EQ(r.err, 0);
  EXPECT_EQ(r.minflt, 0u);
  EXPECT_EQ(f.st().vm_lck_kb, 40u);
  SmapsEntry e = f.vma(buf);
  EXPECT_EQ(e.rss_kb, 0u);
  EXPECT_NE(e.vmflags.find("lo"), std::string::npos);
  EXPECT_NE(e.vmflags.find("lf"), std::string::npos);
  EXPECT_EQ(f.m.count_pages(f.pid, buf, 10 * P).locked, 0u);
  // A write fault brings page 0 in, and it is locked.
  EXPECT_EQ(f.m.touch(f.pid, buf, 1, true).minflt, 1u);
  EXPECT_EQ(f.m.count_pages(f.pid, buf, 10 * P).locked, 1u);
  // A read fault maps the zero page, which is not locked.
  f.m.touch(f.pid, buf + P, 1, false);
  EXPECT_EQ(f.m.page(f.pid, buf + P).state, PageState::Zero);
  EXPECT_FALSE(f.m.page(f.pid, buf + P).locked);
  EXPECT_EQ(f.m.count_pages(f.pid, buf, 10 * P).locked, 1u);
  EXPECT_INV(f.m);
}

TEST(Mlock, PlainMlockOverOnfaultRangeTurnsItIntoANormalLock) {
  Fixture f;
  u64 buf = f.map(10 * P);
  f.m.mlock2(f.pid, buf, 10 * P, kMlockOnfault);
  f.m.touch(f.pid, buf, 1, true);       // page 0: frame
  f.m.touch(f.pid, buf + P, 1, false);  // page 1: zero page
  OpResult r = f.m.mlock(f.pid, buf, 10 * P);
  EXPECT_EQ(r.minflt, 9u);  // page 1 (zero → frame) + pages 2..9
  SmapsEntry e = f.vma(buf);
  EXPECT_EQ(e.vmflags.find("lf"), std::string::npos);
  EXPECT_EQ(e.rss_kb, 40u);
  EXPECT_EQ(f.m.count_pages(f.pid, buf, 10 * P).locked, 10u);
}

TEST(Mlock, UnlockingNeverEvicts) {
  Fixture f;
  u64 buf = f.map(8 * P);
  f.m.mlock(f.pid, buf, 8 * P);
  u64 rss = f.st().vm_rss_kb;
  int e;
  auto before = f.m.mincore(f.pid, buf, 8 * P, &e);
  f.m.munlock(f.pid, buf, 8 * P);
  EXPECT_EQ(f.st().vm_rss_kb, rss);
  EXPECT_EQ(f.m.mincore(f.pid, buf, 8 * P, &e), before);
  f.m.mlockall(f.pid, mcl::CURRENT);
  rss = f.st().vm_rss_kb;
  f.m.munlockall(f.pid);
  EXPECT_EQ(f.st().vm_rss_kb, rss);
}

TEST(Mlock, PageMappedTwiceStaysLockedWhileOneMappingIsLocked) {
  // Parent and child share the frames after fork; the parent's lock keeps them in RAM
  // even though the child's mapping is unlocked.
  Fixture f(cfg(64 * MiB, 64 * MiB));
  u64 buf = f.map(64 * P);
  f.m.mlock(f.pid, buf, 64 * P);
  int child = int(f.m.fork(f.pid).ret);
  f.m.pressure(200 * MiB);  // wants more than the machine has
  EXPECT_EQ(f.m.count_pages(child, buf, 64 * P).swapped, 0u);
  EXPECT_EQ(f.m.count_pages(child, buf, 64 * P).resident, 64u);
  EXPECT_EQ(f.vma(buf).rss_kb, 256u);
  EXPECT_INV(f.m);
}

TEST(Mlock, SharedFileFirstWriteAfterMlockStillFaults) {
  Fixture f;
  int fd = int(f.m.open(f.pid, "/data/shared.bin", 16 * P).ret);
  u64 a = u64(f.m.mmap(f.pid, 0, 16 * P, RW, mapf::SHARED, fd, 0).ret);
  ASSERT_EQ(f.m.mlock(f.pid, a, 16 * P).err, 0);
  EXPECT_EQ(f.vma(a).rss_kb, 64u);
  OpResult r = f.m.touch(f.pid, a, 16 * P, true);  // dirty tracking: one fault per page
  EXPECT_EQ(r.minflt, 16u);
  EXPECT_EQ(f.m.touch(f.pid, a, 16 * P, true).minflt, 0u);
}

}  // namespace pp::test
