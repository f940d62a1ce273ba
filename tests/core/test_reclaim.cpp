// SEMANTICS "Reclaim, swap, files" and madvise.
#include <algorithm>

#include "helpers.h"

namespace pp::test {

namespace {
bool has(const OpResult& r, EventKind k) {
  for (auto& e : r.events)
    if (e.kind == k) return true;
  return false;
}
}  // namespace

TEST(Reclaim, LockedPagesAreNeverReclaimedUnlockedAnonGoesToSwap) {
  Fixture f(cfg(64 * MiB, 64 * MiB));
  u64 lk = f.map(8 * MiB);
  f.m.mlock(f.pid, lk, 8 * MiB);
  u64 un = f.map(16 * MiB);
  f.m.touch(f.pid, un, 16 * MiB, true);
  OpResult r = f.m.pressure(48 * MiB);
  EXPECT_EQ(f.vma(lk).rss_kb, 8192u);
  EXPECT_EQ(f.m.count_pages(f.pid, lk, 8 * MiB).swapped, 0u);
  PageCounts c = f.m.count_pages(f.pid, un, 16 * MiB);
  EXPECT_GT(c.swapped, 0u);
  EXPECT_EQ(c.resident + c.swapped, 4096u);
  EXPECT_TRUE(has(r, EventKind::SwapOut));
  EXPECT_INV(f.m);
}

TEST(Reclaim, WithoutSwapAnonymousMemoryCannotBeReclaimed) {
  Fixture f(cfg(64 * MiB, 0));
  u64 a = f.map(16 * MiB);
  f.m.touch(f.pid, a, 16 * MiB, true);
  f.m.pressure(60 * MiB);
  EXPECT_TRUE(f.st().alive);
  EXPECT_EQ(f.m.count_pages(f.pid, a, 16 * MiB).resident, 4096u);
  EXPECT_EQ(f.st().vm_swap_kb, 0u);
  EXPECT_INV(f.m);
}

TEST(Reclaim, CleanFilePagesAreDroppedAndReadBackWithAMajorFault) {
  Fixture f(cfg(64 * MiB, 0));
  int fd = int(f.m.open(f.pid, "/data/big.bin", 4 * MiB).ret);
  u64 a = u64(f.m.mmap(f.pid, 0, 4 * MiB, prot::READ, mapf::SHARED, fd, 0).ret);
  f.m.touch(f.pid, a, 4 * MiB, false);
  EXPECT_EQ(f.m.count_pages(f.pid, a, 4 * MiB).resident, 1024u);
  OpResult r = f.m.pressure(60 * MiB);
  EXPECT_TRUE(has(r, EventKind::FileDrop));
  EXPECT_LT(f.m.count_pages(f.pid, a, 4 * MiB).resident, 1024u);
  f.m.pressure(0);
  OpResult t = f.m.touch(f.pid, a, 4 * MiB, false);
  EXPECT_GT(t.majflt, 0u);
  EXPECT_INV(f.m);
}

TEST(Reclaim, DirtyFilePagesAreWrittenBackFirst) {
  Fixture f(cfg(64 * MiB, 0));
  int fd = int(f.m.open(f.pid, "/data/log.bin", 4 * MiB).ret);
  u64 a = u64(f.m.mmap(f.pid, 0, 4 * MiB, RW, mapf::SHARED, fd, 0).ret);
  f.m.touch(f.pid, a, 4 * MiB, true);
  OpResult r = f.m.pressure(60 * MiB);
  EXPECT_TRUE(has(r, EventKind::Writeback));
  EXPECT_TRUE(has(r, EventKind::FileDrop));
  EXPECT_INV(f.m);
}

TEST(Reclaim, LockingAPrivateWritableFileMappingDoublesItsMemory) {
  Fixture f;
  int fd = int(f.m.open(f.pid, "/data/table.bin", 16 * P).ret);
  u64 a = u64(f.m.mmap(f.pid, 0, 16 * P, RW, mapf::PRIVATE, fd, 0).ret);
  std::uint32_t free0 = f.m.frames_free();
  OpResult r = f.m.mlock(f.pid, a, 16 * P);
  ASSERT_EQ(r.err, 0);
  EXPECT_EQ(free0 - f.m.frames_free(), 32u);  // 16 page-cache pages + 16 private copies
  EXPECT_EQ(f.vma(a).anon_kb, 64u);
  EXPECT_EQ(r.majflt, 1u);   // one read (readahead brings the whole 64 KiB file)
  EXPECT_EQ(r.minflt, 15u);
}

TEST(Madvise, LockedRangeIsEINVAL) {
  Fixture f;
  u64 a = f.map(4 * P);
  f.m.mlock(f.pid, a, 4 * P);
  for (int adv : {madv::PAGEOUT, madv::DONTNEED, madv::COLD, madv::FREE})
    EXPECT_EQ(f.m.madvise(f.pid, a, 4 * P, adv).err, err::INVAL) << adv;
  EXPECT_EQ(f.m.madvise(f.pid, a, 4 * P, madv::WILLNEED).err, 0);
  EXPECT_EQ(f.vma(a).rss_kb, 16u);
}

TEST(Madvise, DontneedDropsAnonymousPagesZeroFillNext) {
  Fixture f;
  u64 a = f.map(4 * P);
  f.m.touch(f.pid, a, 4 * P, true);
  ASSERT_EQ(f.m.madvise(f.pid, a, 4 * P, madv::DONTNEED).err, 0);
  EXPECT_EQ(f.vma(a).rss_kb, 0u);
  OpResult r = f.m.touch(f.pid, a, 1, false);
  EXPECT_EQ(r.minflt, 1u);
  EXPECT_EQ(f.m.page(f.pid, a).state, PageState::Zero);
}

TEST(Madvise, PageoutSwapsUnlockedPages) {
  Fixture f;
  u64 a = f.map(10 * P);
  f.m.touch(f.pid, a, 10 * P, true);
  ASSERT_EQ(f.m.madvise(f.pid, a, 10 * P, madv::PAGEOUT).err, 0);
  EXPECT_EQ(f.vma(a).swap_kb, 40u);
  EXPECT_EQ(f.vma(a).rss_kb, 0u);
  EXPECT_TRUE(f.m.pagemap(f.pid, a).swapped);
  OpResult r = f.m.touch(f.pid, a, 10 * P, false);
  // One read per aligned cluster of 8 slots (swap readahead); its other pages are
  // minor faults.
  const u64 clusters = ((a + 10 * P - 1) / (8 * P)) - (a / (8 * P)) + 1;
  EXPECT_EQ(r.majflt, clusters);
  EXPECT_EQ(r.minflt, 10u - clusters);
  EXPECT_EQ(f.vma(a).swap_kb, 0u);
  EXPECT_INV(f.m);
}

// do_swap_page counts PGMAJFAULT only when the page is not in the swap cache, and
// swap readahead (vm.page-cluster = 3) puts the faulting page's neighbours there.
// Measured here: 4096 pages pushed to swap by a 12 MiB memory cgroup, read back in
// order: 514 major and 3,583 minor faults.
TEST(SwapReadahead, SequentialReadBackIsOneMajorFaultPerEightPages) {
  Fixture f;
  const u64 n = 512;
  u64 a = f.map(n * P);
  f.m.touch(f.pid, a, n * P, true);
  ASSERT_EQ(f.m.madvise(f.pid, a, n * P, madv::PAGEOUT).err, 0);
  ASSERT_EQ(f.vma(a).swap_kb, n * 4);
  u64 maj = 0, min = 0, swapin = 0, majev = 0;
  for (u64 i = 0; i < n; ++i) {
    OpResult r = f.m.touch(f.pid, a + i * P, 1, false);
    maj += r.majflt;
    min += r.minflt;
    for (const Event& e : r.events) {
      if (e.kind == EventKind::SwapIn) swapin += e.npages;
      if (e.kind == EventKind::MajorFault) majev += e.npages;
    }
  }
  const u64 clusters = ((a + n * P - 1) / (8 * P)) - (a / (8 * P)) + 1;
  EXPECT_EQ(maj, clusters);
  EXPECT_EQ(maj + min, n);     // every page faults once
  EXPECT_EQ(majev, maj);       // the events tell the same story as the counters
  EXPECT_EQ(swapin, n);        // every page was read from swap exactly once
  EXPECT_EQ(f.vma(a).swap_kb, 0u);
  EXPECT_GE(f.vma(a).rss_kb, n * 4);
  EXPECT_INV(f.m);
}

TEST(SwapReadahead, ReadAheadPagesStayInTheirVmaAndNeverForceReclaim) {
  Fixture f;
  u64 a = f.map(8 * P);
  u64 b = f.map(8 * P);
  f.m.touch(f.pid, a, 8 * P, true);
  f.m.touch(f.pid, b, 8 * P, true);
  ASSERT_EQ(f.m.madvise(f.pid, a, 8 * P, madv::PAGEOUT).err, 0);
  ASSERT_EQ(f.m.madvise(f.pid, b, 8 * P, madv::PAGEOUT).err, 0);
  // Touch the last page of whichever region lies lower: nothing of the other one
  // comes back with it.
  u64 lo = std::min(a, b), hi = std::max(a, b);
  OpResult r = f.m.touch(f.pid, lo + 7 * P, 1, false);
  EXPECT_EQ(r.majflt, 1u);
  EXPECT_EQ(f.vma(hi).swap_kb, 32u);
  EXPECT_INV(f.m);
}

// A load or store to a page already mapped costs nanoseconds, not microseconds:
// lesson 07's locked loop must not look slow because of the model's constants.
TEST(Costs, ResidentAccessIsTensOfNanosecondsAtMost) {
  Fixture f;
  u64 a = f.map(4096 * P);
  f.m.touch(f.pid, a, 4096 * P, true);
  double us = 0;
  for (u64 i = 0; i < 4096; ++i) us += f.m.touch(f.pid, a + i * P, 1, false).cost_us;
  EXPECT_LT(us / 4096, 0.05);   // per page, in µs
  EXPECT_GT(us / 4096, 0.001);
  // A memset of the whole 16 MiB is bandwidth-bound: about 1.7 ms at 10 GB/s.
  double ms = f.m.touch(f.pid, a, 4096 * P, true).cost_us / 1000;
  EXPECT_GT(ms, 0.5);
  EXPECT_LT(ms, 5.0);
}

TEST(Faults, FileMappingsFaultFewerTimesThanPagesAnonOncePerPage) {
  Fixture f;
  int fd = int(f.m.open(f.pid, "/data/ra.bin", 1 * MiB).ret);
  u64 a = u64(f.m.mmap(f.pid, 0, 1 * MiB, prot::READ, mapf::PRIVATE, fd, 0).ret);
  OpResult r = f.m.touch(f.pid, a, 1 * MiB, false);
  // readahead (32 pages, file-aligned): 8 reads; fault-around maps the cached
  // neighbours in 16-page windows aligned by virtual address (this mapping is not
  // 64 KiB aligned, so windows are cut in two): between 16 and 24 faults.
  EXPECT_EQ(r.majflt, 8u);
  EXPECT_GE(r.majflt + r.minflt, 16u);
  EXPECT_LE(r.majflt + r.minflt, 24u);
  u64 b = f.map(1 * MiB);
  EXPECT_EQ(f.m.touch(f.pid, b, 1 * MiB, true).minflt, 256u);
}

TEST(Reclaim, OomKillsTheLargestProcessWhenNothingCanBeReclaimed) {
  Fixture f(cfg(64 * MiB, 0));
  // MAP_NORESERVE: past the overcommit check, which would refuse 80 MiB on 64 MiB.
  u64 a = u64(f.m.mmap(f.pid, 0, 80 * MiB, RW, ANON | mapf::NORESERVE, -1, 0).ret);
  OpResult r = f.m.touch(f.pid, a, 80 * MiB, true);
  EXPECT_TRUE(has(r, EventKind::OomKill));
  EXPECT_FALSE(f.st().alive);
  EXPECT_EQ(f.st().exit_code, 128 + 9);
  EXPECT_INV(f.m);
}

TEST(Reclaim, PressureZeroReleasesTheHog) {
  Fixture f;
  std::uint32_t free0 = f.m.frames_free();
  OpResult r = f.m.pressure(8 * MiB);
  EXPECT_EQ(r.ret, i64(8 * MiB));
  EXPECT_EQ(f.m.pressure_bytes(), 8 * MiB);
  EXPECT_EQ(free0 - f.m.frames_free(), 2048u);
  f.m.pressure(0);
  EXPECT_EQ(f.m.frames_free(), free0);
  EXPECT_INV(f.m);
}

TEST(Reclaim, SwappedPageComesBackWithAMajorFaultAndCosts) {
  Fixture f(cfg(64 * MiB, 64 * MiB));
  u64 a = f.map(16 * P);
  f.m.touch(f.pid, a, 16 * P, true);
  f.m.madvise(f.pid, a, 16 * P, madv::PAGEOUT);
  OpResult r = f.m.touch(f.pid, a, 1, true);
  EXPECT_EQ(r.majflt, 1u);
  EXPECT_GE(r.cost_us, 50.0);  // an SSD read, not a RAM access
  OpResult again = f.m.touch(f.pid, a, 1, true);
  EXPECT_LT(again.cost_us, 5.0);
}

}  // namespace pp::test

namespace pp::test {

TEST(Reclaim, UnmappedDirtySharedFilePagesAreWrittenBackBeforeBeingDropped) {
  Fixture f(cfg(64 * MiB, 0));
  int fd = int(f.m.open(f.pid, "/data/out.bin", 16 * P).ret);
  u64 a = u64(f.m.mmap(f.pid, 0, 16 * P, RW, mapf::SHARED, fd, 0).ret);
  f.m.touch(f.pid, a, 16 * P, true);
  f.m.munmap(f.pid, a, 16 * P);
  OpResult r = f.m.pressure(200 * MiB);
  u64 wb = 0;
  for (auto& e : r.events)
    if (e.kind == EventKind::Writeback) wb += e.npages;
  EXPECT_GE(wb, 16u);
  EXPECT_INV(f.m);
}

}  // namespace pp::test
