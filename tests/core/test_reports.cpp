// SEMANTICS "What the kernel reports, and what it means".
#include <algorithm>

#include "helpers.h"

namespace pp::test {

TEST(Reports, VmLckIsVirtualSizeNotResidentMemory) {
  Fixture f;
  u64 none = f.map(8 * P, prot::NONE);
  u64 of = f.map(8 * P);
  f.m.mlock(f.pid, none, 8 * P);                   // locked PROT_NONE reservation
  f.m.mlock2(f.pid, of, 8 * P, kMlockOnfault);     // unfaulted on-fault range
  u64 ro = f.map(8 * P, prot::READ);
  f.m.mlock(f.pid, ro, 8 * P);                     // zero-page mappings
  ProcStatus s = f.st();
  EXPECT_EQ(s.vm_lck_kb, 96u);
  EXPECT_EQ(f.vma(none).rss_kb + f.vma(of).rss_kb + f.vma(ro).rss_kb, 0u);
}

TEST(Reports, SmapsLockedIsPssOfALockedVmaElseZero) {
  Fixture f;
  u64 a = f.map(4 * P);
  f.m.touch(f.pid, a, 4 * P, true);
  EXPECT_EQ(f.vma(a).locked_kb, 0u);
  f.m.mlock(f.pid, a, 4 * P);
  EXPECT_EQ(f.vma(a).locked_kb, f.vma(a).pss_kb);
  EXPECT_EQ(f.vma(a).locked_kb, 16u);
}

TEST(Reports, LfAppearsOnlyWithLo) {
  Fixture f;
  u64 a = f.map(4 * P);
  f.m.mlock2(f.pid, a, 4 * P, kMlockOnfault);
  EXPECT_NE(f.vma(a).vmflags.find("lo lf"), std::string::npos);
  f.m.munlock(f.pid, a, 4 * P);
  EXPECT_EQ(f.vma(a).vmflags.find("lf"), std::string::npos);
  EXPECT_EQ(f.vma(a).vmflags.find("lo"), std::string::npos);
  for (auto& e : f.m.smaps(f.pid))
    if (e.vmflags.find("lf") != std::string::npos) EXPECT_NE(e.vmflags.find("lo"), std::string::npos);
}

TEST(Reports, VmFlagsAsTheKernelPrintsThem) {
  Fixture f;
  u64 a = f.map(4 * P);
  EXPECT_EQ(f.vma(a).vmflags, "rd wr mr mw me ac");
  f.m.mlock(f.pid, a, 4 * P);
  EXPECT_EQ(f.vma(a).vmflags, "rd wr mr mw me lo ac");
  EXPECT_EQ(f.vma(f.lay.stack_top).vmflags, "rd wr mr mw me gd ac");
  EXPECT_EQ(f.vma(f.lay.text).vmflags, "rd ex mr mw me");
  EXPECT_EQ(f.vma(f.lay.text).perms, "r-xp");
}

TEST(Reports, MincoreCountsZeroPageAndCachedFilePagesAsResident) {
  Fixture f;
  u64 a = f.map(4 * P, prot::READ);
  f.m.touch(f.pid, a, 4 * P, false);
  EXPECT_EQ(f.vma(a).rss_kb, 0u);
  int e;
  auto mc = f.m.mincore(f.pid, a, 4 * P, &e);
  ASSERT_EQ(e, 0);
  EXPECT_EQ(std::count(mc.begin(), mc.end(), 1), 4);
  // libc is in the page cache: its untouched pages are resident for mincore.
  SmapsEntry libc;
  for (auto& s : f.m.smaps(f.pid))
    if (s.perms == "r-xp" && s.name.find("libc") != std::string::npos) libc = s;
  auto lc = f.m.mincore(f.pid, libc.start, libc.end - libc.start, &e);
  EXPECT_EQ(u64(std::count(lc.begin(), lc.end(), 1)), (libc.end - libc.start) / P);
  EXPECT_LT(libc.rss_kb, libc.size_kb);
}

TEST(Reports, MincoreErrors) {
  Fixture f;
  int e = 0;
  f.m.mincore(f.pid, 0x10001, P, &e);
  EXPECT_EQ(e, err::INVAL);
  f.m.mincore(f.pid, 0x10000, P, &e);
  EXPECT_EQ(e, err::NOMEM);
}

TEST(Reports, PagemapPresentSwappedExclusive) {
  Fixture f;
  u64 a = f.map(3 * P);
  f.m.touch(f.pid, a, 3 * P, true);
  EXPECT_TRUE(f.m.pagemap(f.pid, a).present);
  EXPECT_TRUE(f.m.pagemap(f.pid, a).exclusive);
  f.m.madvise(f.pid, a + 2 * P, P, madv::PAGEOUT);
  EXPECT_TRUE(f.m.pagemap(f.pid, a + 2 * P).swapped);
  EXPECT_FALSE(f.m.pagemap(f.pid, a + 2 * P).present);
  f.m.fork(f.pid);
  EXPECT_FALSE(f.m.pagemap(f.pid, a).exclusive);
}

TEST(Reports, CountPagesCountsEveryPageTouchingTheRange) {
  Fixture f;
  u64 a = f.map(4 * P);
  f.m.touch(f.pid, a, 1, true);
  PageCounts c = f.m.count_pages(f.pid, a + P - 8, 16);  // straddles pages 0 and 1
  EXPECT_EQ(c.pages, 2u);
  EXPECT_EQ(c.resident, 1u);
  EXPECT_EQ(f.m.count_pages(f.pid, a, 0).pages, 0u);
}

TEST(Reports, VmRssVmSizeAndFaultCounters) {
  Fixture f;
  ProcStatus s0 = f.st();
  u64 a = f.map(10 * P);
  EXPECT_EQ(f.st().vm_size_kb, s0.vm_size_kb + 40);
  OpResult r = f.m.touch(f.pid, a, 10 * P, true);
  EXPECT_EQ(r.minflt, 10u);
  ProcStatus s1 = f.st();
  EXPECT_EQ(s1.vm_rss_kb, s0.vm_rss_kb + 40);
  EXPECT_EQ(s1.rss_anon_kb, s0.rss_anon_kb + 40);
  EXPECT_EQ(s1.minflt, s0.minflt + 10);
  EXPECT_GT(r.cost_us, 10.0);
}

TEST(Reports, TutorialMlockExampleBufferInBss) {
  // double buffer[2048] in .bss: 16 KiB; mlock(buffer, 16384)
  ImageSpec img;
  img.bss_bytes = 2048 * 8;
  Fixture f(cfg(), img);
  SmapsEntry b = f.vma(f.lay.bss);
  EXPECT_EQ(b.name, ".bss");
  EXPECT_EQ(f.m.count_pages(f.pid, f.lay.bss, 16384).locked, 0u);  // figure A
  ASSERT_EQ(f.m.mlock(f.pid, f.lay.bss, 16384).err, 0);
  EXPECT_EQ(f.m.count_pages(f.pid, f.lay.bss, 16384).locked, 4u);  // figure B
  EXPECT_EQ(f.m.count_pages(f.pid, f.lay.bss, 16384).resident, 4u);
  EXPECT_EQ(f.st().vm_lck_kb, 16u);
  ASSERT_EQ(f.m.munlock(f.pid, f.lay.bss, 16384).err, 0);
  EXPECT_EQ(f.st().vm_lck_kb, 0u);
}

TEST(Reports, FrameOwnersAndPageInfo) {
  Fixture f;
  u64 a = f.map(2 * P);
  f.m.mlock(f.pid, a, 2 * P);
  PageInfo pi = f.m.page(f.pid, a);
  ASSERT_EQ(pi.state, PageState::Frame);
  EXPECT_TRUE(pi.locked);
  auto used = f.m.used_frames();
  auto it = std::find_if(used.begin(), used.end(), [&](const UsedFrame& u) { return u.index == pi.index; });
  ASSERT_NE(it, used.end());
  EXPECT_EQ(it->owner.pid, f.pid);
  EXPECT_EQ(it->owner.vaddr, a);
  EXPECT_TRUE(it->owner.locked);
  EXPECT_EQ(it->owner.refs, 1);
  std::vector<PageInfo> v(4);
  f.m.page_range(f.pid, a - P, 4, v.data());
  EXPECT_EQ(v[0].state, PageState::None);
  EXPECT_EQ(v[1].state, PageState::Frame);
  EXPECT_EQ(v[2].state, PageState::Frame);
}

// locked_frames() answers for a few frames what used_frames() says for all of them:
// only frames some locked VMA maps, in a parent and child sharing pages after fork.
TEST(Reports, LockedFramesAgreesWithUsedFrames) {
  Fixture f;
  u64 a = f.map(4 * P), b = f.map(4 * P);
  f.m.touch(f.pid, a, 4 * P, true);
  f.m.touch(f.pid, b, 4 * P, true);
  OpResult fr = f.m.fork(f.pid);
  ASSERT_GT(fr.ret, 0);
  int child = int(fr.ret);
  ASSERT_EQ(f.m.mlock(f.pid, a, 2 * P).err, 0);  // parent locks half of `a` only
  std::vector<std::uint32_t> all, want;
  for (std::uint32_t i = 0; i < f.m.frame_count(); ++i) all.push_back(i);
  for (const UsedFrame& u : f.m.used_frames())
    if (u.owner.locked) want.push_back(u.index);
  EXPECT_EQ(f.m.locked_frames(all), want);
  EXPECT_EQ(want.size(), 2u);
  // mlock of a private writable range breaks COW (it populates for writing): the
  // parent's page 0 of `a` is a new, locked frame; the child keeps the old one, unlocked.
  std::uint32_t pa0 = f.m.page(f.pid, a).index, pa3 = f.m.page(f.pid, a + 3 * P).index;
  std::uint32_t ca0 = f.m.page(child, a).index, cb0 = f.m.page(child, b).index;
  EXPECT_NE(pa0, ca0);
  EXPECT_EQ(f.m.locked_frames({cb0, pa3, pa0, pa0, ca0}), std::vector<std::uint32_t>{pa0});
  EXPECT_TRUE(f.m.locked_frames({}).empty());
}

}  // namespace pp::test
