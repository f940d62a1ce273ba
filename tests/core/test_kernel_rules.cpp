// docs/KERNEL-RULES.md: locked means a present frame, a page mapped twice, partial
// mlock failures, MADV_DONTNEED_LOCKED, mprotect's in-place write upgrade, file
// fault-around and read-ahead, MADV_PAGEOUT of dirty file pages, realloc via mremap. Expected numbers are worked out by
// hand from each rule (4 KiB pages, fault_around_bytes 64 KiB = 16 pages, read-ahead
// window 32 pages).
#include "helpers.h"

namespace pp::test {

namespace {
constexpr u64 kAligned = 0x7e0000000000ull;  // 64 KiB aligned, far from everything
constexpr int kShared = mapf::SHARED;
}  // namespace

// ---- Locked means in RAM
TEST(KernelRules, OnFaultRangeCountsOnlyFaultedFramesAsLocked) {
  Fixture f;
  u64 buf = f.map(8 * P);
  ASSERT_EQ(f.m.mlock2(f.pid, buf, 8 * P, kMlockOnfault).err, 0);
  EXPECT_EQ(f.m.count_pages(f.pid, buf, 8 * P).locked, 0u);
  f.m.touch(f.pid, buf, 2 * P, true);          // two real frames
  f.m.touch(f.pid, buf + 5 * P, 1, false);     // zero page: not locked
  EXPECT_EQ(f.m.count_pages(f.pid, buf, 8 * P).locked, 2u);
  EXPECT_EQ(f.st().vm_lck_kb, 32u);  // VmLck still counts the whole range
  EXPECT_INV(f.m);
}

TEST(KernelRules, ZeroPageMappingsOfALockedRangeAreNotLocked) {
  Fixture f;
  u64 buf = f.map(10 * P, prot::READ);
  ASSERT_EQ(f.m.mlock(f.pid, buf, 10 * P).err, 0);
  PageCounts c = f.m.count_pages(f.pid, buf, 10 * P);
  EXPECT_EQ(c.resident, 10u);  // mincore: the zero page is resident
  EXPECT_EQ(c.locked, 0u);
  EXPECT_EQ(f.st().vm_lck_kb, 40u);
}

TEST(KernelRules, LockedProtNoneReservationHoldsNoLockedPage) {
  Fixture f;
  u64 buf = f.map(4 * P, prot::NONE);
  EXPECT_EQ(f.m.mlock(f.pid, buf, 4 * P).err, err::NOMEM);  // populate refuses PROT_NONE
  EXPECT_TRUE(f.vma(buf).locked);                            // ...and the flag stays
  EXPECT_EQ(f.st().vm_lck_kb, 16u);
  EXPECT_EQ(f.m.count_pages(f.pid, buf, 4 * P).locked, 0u);
  EXPECT_TRUE(f.m.exists(f.pid));
}

TEST(KernelRules, MlockallCountsEveryPopulatedFrameButNoUntouchedPage) {
  Fixture f;
  u64 none = f.map(4 * P, prot::NONE);
  u64 rw = f.map(4 * P);
  ASSERT_EQ(f.m.mlockall(f.pid, mcl::CURRENT).err, 0);  // ignore_errors: PROT_NONE is fine
  EXPECT_EQ(f.m.count_pages(f.pid, rw, 4 * P).locked, 4u);
  EXPECT_EQ(f.m.count_pages(f.pid, none, 4 * P).locked, 0u);
}

// ---- A page mapped twice
TEST(KernelRules, SecondMappingOfALockedFilePageInTheSameProcessShowsLocked) {
  Fixture f;
  int fd = int(f.m.open(f.pid, "/data/twice.bin", 4 * P).ret);
  u64 a = u64(f.m.mmap(f.pid, 0, 4 * P, RW, kShared, fd, 0).ret);
  u64 b = u64(f.m.mmap(f.pid, 0, 4 * P, RW, kShared, fd, 0).ret);
  f.m.touch(f.pid, b, 4 * P, false);
  EXPECT_EQ(f.m.count_pages(f.pid, b, 4 * P).locked, 0u);
  ASSERT_EQ(f.m.mlock(f.pid, a, 4 * P).err, 0);
  EXPECT_EQ(f.m.count_pages(f.pid, a, 4 * P).locked, 4u);
  EXPECT_EQ(f.m.count_pages(f.pid, b, 4 * P).locked, 4u);  // same frames, locked through a
  EXPECT_FALSE(f.vma(b).locked);
  ASSERT_EQ(f.m.munlock(f.pid, a, 4 * P).err, 0);
  EXPECT_EQ(f.m.count_pages(f.pid, b, 4 * P).locked, 0u);
  EXPECT_INV(f.m);
}

TEST(KernelRules, ChildSharingLockedFramesCopyOnWriteSeesThemLocked) {
  Fixture f;
  u64 buf = f.map(4 * P);
  ASSERT_EQ(f.m.mlock(f.pid, buf, 4 * P).err, 0);
  int c = int(f.m.fork(f.pid).ret);
  EXPECT_EQ(f.m.status(c).vm_lck_kb, 0u);
  EXPECT_EQ(f.m.count_pages(c, buf, 4 * P).locked, 4u);
  f.m.touch(c, buf, P, true);  // the child's copy is its own, unlocked
  EXPECT_EQ(f.m.count_pages(c, buf, 4 * P).locked, 3u);
}

// ---- Errors are not all-or-nothing
TEST(KernelRules, MlockOverAHoleLocksTheMappedPartBeforeItWithoutPopulating) {
  Fixture f;
  u64 a = f.map(12 * P);
  ASSERT_EQ(f.m.munmap(f.pid, a + 4 * P, 4 * P).err, 0);
  EXPECT_EQ(f.m.mlock(f.pid, a, 12 * P).err, err::NOMEM);
  EXPECT_TRUE(f.vma(a).locked);
  EXPECT_FALSE(f.vma(a + 8 * P).locked);
  EXPECT_EQ(f.st().vm_lck_kb, 16u);
  EXPECT_EQ(f.m.count_pages(f.pid, a, 4 * P).resident, 0u);  // mm_populate never ran
  EXPECT_EQ(f.m.munlock(f.pid, a, 12 * P).err, err::NOMEM);  // and munlock the same way
  EXPECT_EQ(f.st().vm_lck_kb, 0u);
  EXPECT_EQ(f.m.mlock(f.pid, a + 4 * P, P).err, err::NOMEM);  // starts in the hole: nothing
  EXPECT_EQ(f.st().vm_lck_kb, 0u);
  EXPECT_INV(f.m);
}

TEST(KernelRules, MlockOfATebibyteLocksEverythingMappedFromAddrOn) {
  Fixture f;
  u64 a = f.map(4 * P);
  EXPECT_EQ(f.m.mlock(f.pid, a, u64(1) << 40).err, err::NOMEM);
  EXPECT_TRUE(f.vma(a).locked);
  EXPECT_GE(f.st().vm_lck_kb, 16u);
}

TEST(KernelRules, PopulateStopsAtProtNoneButLocksTheWholeRange) {
  Fixture f;
  u64 a = f.map(12 * P);
  ASSERT_EQ(f.m.mprotect(f.pid, a + 4 * P, 4 * P, prot::NONE).err, 0);
  EXPECT_EQ(f.m.mlock(f.pid, a, 12 * P).err, err::NOMEM);
  EXPECT_EQ(f.st().vm_lck_kb, 48u);
  EXPECT_EQ(f.m.count_pages(f.pid, a, 4 * P).locked, 4u);          // before: populated
  EXPECT_EQ(f.m.count_pages(f.pid, a + 8 * P, 4 * P).resident, 0u);  // after: never reached
}

TEST(KernelRules, MlockPastTheEndOfAFileFailsWithoutKilling) {
  Fixture f;
  int fd = int(f.m.open(f.pid, "/data/short.bin", 2 * P).ret);
  u64 a = u64(f.m.mmap(f.pid, 0, 4 * P, prot::READ, kShared, fd, 0).ret);
  EXPECT_EQ(f.m.mlock(f.pid, a, 4 * P).err, err::NOMEM);
  EXPECT_TRUE(f.m.status(f.pid).alive);
  EXPECT_EQ(f.st().vm_lck_kb, 16u);
  EXPECT_EQ(f.m.count_pages(f.pid, a, 2 * P).locked, 2u);
  OpResult t = f.m.touch(f.pid, a + 3 * P, 1, false);  // the program's own touch: SIGBUS
  EXPECT_FALSE(f.m.status(f.pid).alive);
  EXPECT_EQ(f.m.status(f.pid).exit_code, 128 + 7);
  EXPECT_NE(t.err, 0);
}

// ---- MADV_DONTNEED_LOCKED
TEST(KernelRules, DontneedLockedDropsLockedPagesThatComeBackLocked) {
  Fixture f;
  u64 a = f.map(4 * P);
  ASSERT_EQ(f.m.mlock(f.pid, a, 4 * P).err, 0);
  EXPECT_EQ(f.m.madvise(f.pid, a, 4 * P, madv::DONTNEED).err, err::INVAL);
  ASSERT_EQ(f.m.madvise(f.pid, a, 4 * P, madv::DONTNEED_LOCKED).err, 0);
  EXPECT_EQ(f.m.count_pages(f.pid, a, 4 * P).resident, 0u);
  EXPECT_TRUE(f.vma(a).locked);
  OpResult t = f.m.touch(f.pid, a, 4 * P, true);
  EXPECT_EQ(t.minflt, 4u);
  EXPECT_EQ(f.m.count_pages(f.pid, a, 4 * P).locked, 4u);
}

// ---- mprotect back to read/write
TEST(KernelRules, MprotectBackToWritableOnALockedPopulatedRangeTakesNoFault) {
  Fixture f;
  u64 a = f.map(8 * P);
  ASSERT_EQ(f.m.mlock(f.pid, a, 8 * P).err, 0);
  ASSERT_EQ(f.m.mprotect(f.pid, a, 8 * P, prot::READ).err, 0);
  OpResult r = f.m.mprotect(f.pid, a, 8 * P, RW);
  ASSERT_EQ(r.err, 0);
  EXPECT_EQ(r.minflt, 0u);
  EXPECT_EQ(f.m.touch(f.pid, a, 8 * P, true).minflt, 0u);
  EXPECT_EQ(f.m.count_pages(f.pid, a, 8 * P).locked, 8u);
}

TEST(KernelRules, MprotectDoesNotUpgradePagesAForkShares) {
  Fixture f;
  u64 a = f.map(2 * P);
  f.m.touch(f.pid, a, 2 * P, true);
  f.m.fork(f.pid);
  ASSERT_EQ(f.m.mprotect(f.pid, a, 2 * P, prot::READ).err, 0);
  ASSERT_EQ(f.m.mprotect(f.pid, a, 2 * P, RW).err, 0);
  OpResult t = f.m.touch(f.pid, a, 2 * P, true);
  EXPECT_EQ(t.minflt, 2u);  // still copy-on-write
}

// ---- File fault-around and read-ahead
TEST(KernelRules, MlockOfACachedFileMapsSixteenPagesPerFault) {
  Fixture f;
  int fd = int(f.m.open(f.pid, "/data/lib.bin", 256 * P).ret);
  u64 warm = u64(f.m.mmap(f.pid, 0, 256 * P, prot::READ, mapf::PRIVATE, fd, 0).ret);
  f.m.touch(f.pid, warm, 256 * P, false);  // now all in the page cache
  f.m.munmap(f.pid, warm, 256 * P);
  OpResult m = f.m.mmap(f.pid, kAligned, 256 * P, prot::READ, mapf::PRIVATE | mapf::FIXED, fd, 0);
  ASSERT_EQ(u64(m.ret), kAligned);
  OpResult r = f.m.mlock(f.pid, kAligned, 256 * P);
  ASSERT_EQ(r.err, 0);
  EXPECT_EQ(r.minflt, 16u);  // 256 pages / 16 per fault
  EXPECT_EQ(r.majflt, 0u);
  EXPECT_EQ(f.m.count_pages(f.pid, kAligned, 256 * P).locked, 256u);
}

TEST(KernelRules, FirstReadsOfAnUncachedFileSplitMajorAndMinorByReadAhead) {
  Fixture f;
  int fd = int(f.m.open(f.pid, "/data/cold.bin", 64 * P).ret);
  OpResult m = f.m.mmap(f.pid, kAligned, 64 * P, prot::READ, mapf::PRIVATE | mapf::FIXED, fd, 0);
  ASSERT_EQ(u64(m.ret), kAligned);
  OpResult r = f.m.mlock(f.pid, kAligned, 64 * P);
  ASSERT_EQ(r.err, 0);
  // Pages 0 and 32 miss (each read brings 32 pages in); 16 and 48 are then cached.
  EXPECT_EQ(r.majflt, 2u);
  EXPECT_EQ(r.minflt, 2u);
}

TEST(KernelRules, WritablePrivateFileMappingStillTakesOneFaultPerPage) {
  Fixture f;
  int fd = int(f.m.open(f.pid, "/data/data.bin", 32 * P).ret);
  u64 warm = u64(f.m.mmap(f.pid, 0, 32 * P, prot::READ, mapf::PRIVATE, fd, 0).ret);
  f.m.touch(f.pid, warm, 32 * P, false);
  u64 a = u64(f.m.mmap(f.pid, kAligned, 32 * P, RW, mapf::PRIVATE | mapf::FIXED, fd, 0).ret);
  OpResult r = f.m.mlock(f.pid, a, 32 * P);
  EXPECT_EQ(r.minflt, 32u);  // write faults copy each page: no fault-around
}

// ---- MADV_PAGEOUT of file pages
TEST(KernelRules, PageoutKeepsDirtySharedFilePagesCachedAndDropsCleanOnes) {
  Fixture f;
  int fd = int(f.m.open(f.pid, "/data/dirty.bin", 8 * P).ret);
  u64 a = u64(f.m.mmap(f.pid, 0, 8 * P, RW, kShared, fd, 0).ret);
  f.m.touch(f.pid, a, 8 * P, false);
  f.m.touch(f.pid, a, 4 * P, true);  // pages 0-3 dirty, 4-7 clean
  OpResult r = f.m.madvise(f.pid, a, 8 * P, madv::PAGEOUT);
  ASSERT_EQ(r.err, 0);
  for (const Event& e : r.events) EXPECT_NE(e.kind, EventKind::Writeback);
  EXPECT_EQ(f.vma(a).rss_kb, 0u);                                // unmapped, all of them
  EXPECT_EQ(f.m.count_pages(f.pid, a, 4 * P).resident, 4u);      // dirty: still cached
  EXPECT_EQ(f.m.count_pages(f.pid, a + 4 * P, 4 * P).resident, 0u);  // clean: dropped
  EXPECT_INV(f.m);
}

// ---- realloc of an mmap'd chunk goes through mremap
TEST(KernelRules, ReallocOfAnMmappedChunkMovesPagesWithoutCopying) {
  Fixture f;
  u64 a = u64(f.m.malloc(f.pid, MiB).ret);
  f.m.touch(f.pid, a, MiB, true);
  std::uint32_t frame = f.m.page(f.pid, a + 100 * P).index;
  u64 rss0 = f.st().vm_rss_kb;
  OpResult r = f.m.realloc(f.pid, a, 2 * MiB);
  ASSERT_EQ(r.err, 0);
  u64 b = u64(r.ret);
  EXPECT_EQ(r.minflt, 0u);                 // no copy, no touch
  EXPECT_EQ(f.st().vm_rss_kb, rss0);       // the same frames, now at b
  EXPECT_EQ(f.m.page(f.pid, b + 100 * P).index, frame);
  EXPECT_EQ(f.m.page(f.pid, b + 100 * P).state, PageState::Frame);
  // Only the new tail faults when the program writes it: the old mapping had
  // 257 pages (1 MiB + header), so [b + 1 MiB, b + 2 MiB) has 255 new pages.
  EXPECT_EQ(f.m.touch(f.pid, b + MiB, MiB - 16, true).minflt, 255u);
  EXPECT_EQ(f.m.free(f.pid, b).err, 0);
  EXPECT_INV(f.m);
}

TEST(KernelRules, ReallocShrinkOfAnMmappedChunkUnmapsTheTail) {
  Fixture f;
  u64 a = u64(f.m.malloc(f.pid, 2 * MiB).ret);
  f.m.touch(f.pid, a, 2 * MiB, true);
  OpResult r = f.m.realloc(f.pid, a, MiB);
  ASSERT_EQ(u64(r.ret), a);  // shrinks in place
  EXPECT_EQ(f.vma(a).size_kb, 1028u);  // page_up(1 MiB + 16 + 8)
  EXPECT_INV(f.m);
}

TEST(KernelRules, PageoutLeavesPagesAnotherLockedMappingMaps) {
  Fixture f;
  int fd = int(f.m.open(f.pid, "/data/both.bin", 8 * P).ret);
  u64 a = u64(f.m.mmap(f.pid, 0, 8 * P, prot::READ, kShared, fd, 0).ret);
  u64 b = u64(f.m.mmap(f.pid, 0, 8 * P, RW, kShared, fd, 0).ret);
  ASSERT_EQ(f.m.mlock(f.pid, a, 8 * P).err, 0);
  f.m.touch(f.pid, b, 8 * P, true);
  ASSERT_EQ(f.m.madvise(f.pid, b, 8 * P, madv::PAGEOUT).err, 0);
  EXPECT_EQ(f.vma(b).rss_kb, 32u);  // still mapped: mlocked through a
  EXPECT_EQ(f.m.count_pages(f.pid, b, 8 * P).locked, 8u);
}

// ---- glibc's failure path under MCL_FUTURE
TEST(KernelRules, FailedFirstMallocUnderFutureLeavesOneLockedPage) {
  Fixture f;
  f.m.set_cap_ipc_lock(f.pid, false);
  f.m.setrlimit_memlock(f.pid, 64 * KiB, 64 * KiB);
  ASSERT_EQ(f.m.mlockall(f.pid, mcl::FUTURE).err, 0);
  OpResult a = f.m.malloc(f.pid, MiB);
  EXPECT_EQ(a.ret, 0);
  EXPECT_EQ(a.err, err::NOMEM);
  EXPECT_EQ(a.minflt, 1u);
  EXPECT_EQ(f.st().vm_lck_kb, 4u);
  OpResult b = f.m.malloc(f.pid, 100);
  EXPECT_EQ(b.ret, 0);
  EXPECT_EQ(b.minflt, 0u);
  EXPECT_EQ(f.st().vm_lck_kb, 4u);  // once per process
}

// ---- fork and file mappings without anonymous pages
TEST(KernelRules, ForkCopiesNoPtesOfFileMappingsThatHaveNoAnonymousPages) {
  Fixture f;
  int fd = int(f.m.open(f.pid, "/data/code.bin", 32 * P).ret);
  u64 text = u64(f.m.mmap(f.pid, kAligned, 32 * P, prot::READ | prot::EXEC, mapf::PRIVATE | mapf::FIXED, fd, 0).ret);
  u64 data = u64(f.m.mmap(f.pid, kAligned + 32 * P, 32 * P, RW, mapf::PRIVATE | mapf::FIXED, fd, 0).ret);
  u64 cow = u64(f.m.mmap(f.pid, kAligned + 64 * P, 32 * P, RW, mapf::PRIVATE | mapf::FIXED, fd, 0).ret);
  f.m.touch(f.pid, text, 32 * P, false);
  f.m.touch(f.pid, data, 32 * P, false);  // read only: no private copy anywhere
  f.m.touch(f.pid, cow, 32 * P, false);
  f.m.touch(f.pid, cow, 1, true);         // one private copy: the whole VMA is copied
  int c = int(f.m.fork(f.pid).ret);
  EXPECT_EQ(f.m.page(c, text).state, PageState::None);
  EXPECT_EQ(f.m.page(c, data).state, PageState::None);
  EXPECT_EQ(f.m.page(c, cow + 5 * P).state, PageState::Frame);
  // The child's first use of the code: minor faults (fault-around), no major one.
  OpResult t = f.m.touch(c, text, 32 * P, false);
  EXPECT_EQ(t.minflt, 2u);
  EXPECT_EQ(t.majflt, 0u);
}

}  // namespace pp::test
