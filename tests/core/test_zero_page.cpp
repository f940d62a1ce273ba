// The zero page, both ways. Mainline Linux maps the shared zero page when untouched
// private anonymous memory is read (no RAM, nothing to lock); a kernel booted with
// pvm_no_zero_page=1 gives such a read a zeroed frame of its own, writable if the VMA
// is — so it costs RAM, is locked inside a locked VMA, and the first write after it
// takes no fault. MachineConfig::zero_page picks one (docs/KERNEL-RULES.md).
#include "helpers.h"

namespace pp::test {
namespace {

MachineConfig zcfg(bool zero_page) {
  MachineConfig c = cfg();
  c.zero_page = zero_page;
  return c;
}

TEST(ZeroPage, MainlineIsTheDefault) { EXPECT_TRUE(MachineConfig{}.zero_page); }

TEST(ZeroPage, OnAReadMapsTheZeroPageAndTheFirstWriteFaults) {
  Fixture f(zcfg(true));
  u64 buf = f.map(4 * P);
  const std::uint32_t free0 = f.m.frames_free();
  const u64 rss0 = f.st().vm_rss_kb;
  OpResult r = f.m.touch(f.pid, buf, 1, false);
  EXPECT_EQ(r.minflt, 1u);
  EXPECT_EQ(f.m.page(f.pid, buf).state, PageState::Zero);
  EXPECT_EQ(f.m.frames_free(), free0);
  EXPECT_EQ(f.st().vm_rss_kb, rss0);
  EXPECT_EQ(f.m.touch(f.pid, buf, 1, true).minflt, 1u);  // the zero page is replaced
  EXPECT_EQ(f.m.page(f.pid, buf).state, PageState::Frame);
  EXPECT_INV(f.m);
}

TEST(ZeroPage, OffAReadGetsAWritableFrameAndTheFirstWriteDoesNotFault) {
  Fixture f(zcfg(false));
  u64 buf = f.map(4 * P);
  const std::uint32_t free0 = f.m.frames_free();
  const u64 rss0 = f.st().vm_rss_kb;
  OpResult r = f.m.touch(f.pid, buf, 1, false);
  EXPECT_EQ(r.minflt, 1u);
  PageInfo pg = f.m.page(f.pid, buf);
  EXPECT_EQ(pg.state, PageState::Frame);
  EXPECT_TRUE(pg.writable);  // VM_WRITE: the kernel maps the new frame writable, dirty
  EXPECT_EQ(f.m.frames_free(), free0 - 1);
  EXPECT_EQ(f.st().vm_rss_kb, rss0 + 4);
  EXPECT_EQ(f.vma(buf).rss_kb, 4u);
  EXPECT_EQ(f.m.touch(f.pid, buf, 1, true).minflt, 0u);
  EXPECT_EQ(f.m.touch(f.pid, buf + P, 1, false).minflt, 1u);  // one fault per page, as before
  EXPECT_INV(f.m);
}

TEST(ZeroPage, OffAReadOfAReadOnlyMappingGetsAReadOnlyFrame) {
  Fixture f(zcfg(false));
  u64 buf = f.map(2 * P, prot::READ);
  f.m.touch(f.pid, buf, 2 * P, false);
  PageInfo pg = f.m.page(f.pid, buf + P);
  EXPECT_EQ(pg.state, PageState::Frame);
  EXPECT_FALSE(pg.writable);
  EXPECT_EQ(f.vma(buf).rss_kb, 8u);
  EXPECT_INV(f.m);
}

// Reads spanning several page-table leaves (the batched path) take frames too.
TEST(ZeroPage, OffALongReadTakesOneFrameAndOneFaultPerPage) {
  Fixture f(zcfg(false));
  const u64 n = 1200;  // more than two leaves of 512 PTEs
  u64 buf = f.map(n * P);
  const std::uint32_t free0 = f.m.frames_free();
  const u64 rss0 = f.st().vm_rss_kb;
  OpResult r = f.m.touch(f.pid, buf, n * P, false);
  EXPECT_EQ(r.minflt, n);
  EXPECT_EQ(f.m.frames_free(), free0 - n);
  EXPECT_EQ(f.st().vm_rss_kb, rss0 + n * 4);
  EXPECT_EQ(f.m.count_pages(f.pid, buf, n * P).resident, n);
  EXPECT_EQ(f.m.touch(f.pid, buf, n * P, true).minflt, 0u);
  EXPECT_INV(f.m);
}

// The scenario "locked means in RAM" of tests/real/os_diff_test.cpp, both ways.
TEST(ZeroPage, OnFaultLockedRangeCountsAReadPageOnlyWithoutTheZeroPage) {
  for (bool zp : {true, false}) {
    Fixture f(zcfg(zp));
    u64 buf = f.map(8 * P);
    ASSERT_EQ(f.m.mlock2(f.pid, buf, 8 * P, kMlockOnfault).err, 0);
    f.m.touch(f.pid, buf, 2 * P, true);
    f.m.touch(f.pid, buf + 5 * P, 1, false);
    EXPECT_EQ(f.m.count_pages(f.pid, buf, 8 * P).locked, zp ? 2u : 3u) << "zero_page " << zp;
    EXPECT_EQ(f.st().vm_lck_kb, 32u);
    EXPECT_INV(f.m);
  }
}

TEST(ZeroPage, OffMlockOfAReadOnlyRangePopulatesLockedFrames) {
  Fixture f(zcfg(false));
  u64 buf = f.map(10 * P, prot::READ);
  const std::uint32_t free0 = f.m.frames_free();
  OpResult r = f.m.mlock(f.pid, buf, 10 * P);
  ASSERT_EQ(r.err, 0);
  EXPECT_EQ(r.minflt, 10u);
  EXPECT_EQ(f.m.frames_free(), free0 - 10);
  EXPECT_EQ(f.vma(buf).rss_kb, 40u);
  EXPECT_EQ(f.st().vm_lck_kb, 40u);
  PageCounts c = f.m.count_pages(f.pid, buf, 10 * P);
  EXPECT_EQ(c.resident, 10u);
  EXPECT_EQ(c.locked, 10u);
  EXPECT_EQ(f.m.page(f.pid, buf + 3 * P).state, PageState::Frame);
  EXPECT_TRUE(f.m.page(f.pid, buf + 3 * P).locked);
  EXPECT_INV(f.m);
}

TEST(ZeroPage, OnMlockOfAReadOnlyRangeLocksNoFrame) {
  Fixture f(zcfg(true));
  u64 buf = f.map(10 * P, prot::READ);
  ASSERT_EQ(f.m.mlock(f.pid, buf, 10 * P).err, 0);
  EXPECT_EQ(f.m.count_pages(f.pid, buf, 10 * P).locked, 0u);
  EXPECT_EQ(f.vma(buf).rss_kb, 0u);
}

// Unlocked memory read without the zero page can be reclaimed (swapped) like any other
// anonymous page; locked memory cannot.
TEST(ZeroPage, OffReadFramesAreOrdinaryAnonymousMemory) {
  Fixture f(zcfg(false));
  u64 buf = f.map(4 * P);
  f.m.touch(f.pid, buf, 4 * P, false);
  EXPECT_EQ(f.m.madvise(f.pid, buf, 4 * P, madv::PAGEOUT).err, 0);
  EXPECT_EQ(f.m.count_pages(f.pid, buf, 4 * P).swapped, 4u);
  EXPECT_INV(f.m);
}

// QNX has no zero page either way: the setting changes nothing there.
TEST(ZeroPage, QnxIsTheSameEitherWay) {
  auto run = [](bool zp) {
    MachineConfig c = cfg(256 * MiB, 0, OsKind::Qnx);
    c.zero_page = zp;
    Fixture f(c);
    u64 buf = f.map(4 * P);
    OpResult r = f.m.touch(f.pid, buf, 4 * P, false);
    return std::make_pair(r.minflt, f.vma(buf).rss_kb);
  };
  EXPECT_EQ(run(true), run(false));
}

}  // namespace
}  // namespace pp::test
