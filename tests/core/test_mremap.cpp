// mremap: growth in place or by moving page-table entries, locks kept, the new part of
// a locked mapping populated. Expected numbers were measured with a small C program on
// Linux 6.x (x86_64, root): see docs/KERNEL-RULES.md, "mremap".
#include "helpers.h"

namespace pp::test {
namespace {

constexpr int kMayMove = mremapf::MAYMOVE, kFixed = mremapf::FIXED;
constexpr u64 kFail = kMapFailed;

// Four pages at a fixed place with nothing mapped after them for 60 pages.
struct Room : Fixture {
  u64 a = 0;
  Room() {
    u64 b = map(64 * P, prot::NONE);
    m.munmap(pid, b, 64 * P);
    a = u64(m.mmap(pid, b, 4 * P, RW, ANON | mapf::FIXED, -1, 0).ret);
  }
};

TEST(Mremap, LockedMappingGrowsInPlaceAndTheNewPartIsPopulated) {
  Room f;
  ASSERT_EQ(f.m.mlock(f.pid, f.a, 4 * P).err, 0);
  EXPECT_EQ(f.st().vm_lck_kb, 16u);
  OpResult r = f.m.mremap(f.pid, f.a, 4 * P, 8 * P, 0, 0);
  ASSERT_EQ(r.err, 0) << errno_name(r.err);
  EXPECT_EQ(u64(r.ret), f.a);
  EXPECT_EQ(r.minflt, 4u);                  // only the 4 new pages
  EXPECT_EQ(f.st().vm_lck_kb, 32u);
  EXPECT_EQ(f.vma(f.a).size_kb, 32u);       // one VMA
  EXPECT_EQ(f.m.count_pages(f.pid, f.a, 8 * P).locked, 8u);
  EXPECT_EQ(f.m.touch(f.pid, f.a, 8 * P, true).minflt, 0u);
  EXPECT_INV(f.m);
}

TEST(Mremap, BlockedGrowthNeedsMayMoveAndMovesTheFramesThemselves) {
  Room f;
  ASSERT_EQ(f.m.mlock(f.pid, f.a, 4 * P).err, 0);
  ASSERT_EQ(f.m.mmap(f.pid, f.a + 4 * P, P, prot::READ, ANON | mapf::FIXED, -1, 0).err, 0);
  OpResult no = f.m.mremap(f.pid, f.a, 4 * P, 8 * P, 0, 0);
  EXPECT_EQ(no.err, err::NOMEM);
  EXPECT_EQ(u64(no.ret), kFail);
  const std::uint32_t frame = f.m.page(f.pid, f.a + 2 * P).index;
  OpResult r = f.m.mremap(f.pid, f.a, 4 * P, 8 * P, kMayMove, 0);
  ASSERT_EQ(r.err, 0);
  const u64 b = u64(r.ret);
  EXPECT_NE(b, f.a);
  EXPECT_EQ(r.minflt, 4u);  // the moved pages do not fault; the 4 new ones are populated
  EXPECT_EQ(f.m.page(f.pid, b + 2 * P).index, frame);
  EXPECT_EQ(f.m.page(f.pid, b + 2 * P).state, PageState::Frame);
  EXPECT_EQ(f.vma(f.a).size_kb, 0u);        // nothing left at the old place
  EXPECT_EQ(f.st().vm_lck_kb, 32u);
  EXPECT_TRUE(f.vma(b).locked);
  EXPECT_INV(f.m);
}

TEST(Mremap, ShrinkingUnmapsTheTailAndItsLock) {
  Room f;
  ASSERT_EQ(f.m.mlock(f.pid, f.a, 4 * P).err, 0);
  OpResult r = f.m.mremap(f.pid, f.a, 4 * P, P + 1, 0, 0);  // rounded up to 2 pages
  ASSERT_EQ(r.err, 0);
  EXPECT_EQ(u64(r.ret), f.a);
  EXPECT_EQ(f.st().vm_lck_kb, 8u);
  EXPECT_EQ(f.vma(f.a + 2 * P).size_kb, 0u);
  EXPECT_INV(f.m);
}

TEST(Mremap, BadArgumentsGiveTheKernelsErrno) {
  Room f;
  u64 other = u64(f.m.mmap(f.pid, f.a + 4 * P, 4 * P, prot::READ, ANON | mapf::FIXED, -1, 0).ret);
  ASSERT_EQ(other, f.a + 4 * P);
  auto e = [&](u64 a, u64 o, u64 n, int fl, u64 na = 0) { return f.m.mremap(f.pid, a, o, n, fl, na).err; };
  EXPECT_EQ(e(f.a + 1, P, 2 * P, 0), err::INVAL);                 // unaligned
  EXPECT_EQ(e(f.a, P, 0, kMayMove), err::INVAL);                  // new_len 0
  EXPECT_EQ(e(f.a, P, 2 * P, 8), err::INVAL);                     // unknown flag
  EXPECT_EQ(e(f.a, P, 2 * P, mremapf::DONTUNMAP | kMayMove), err::INVAL);  // not modelled
  EXPECT_EQ(e(f.a, P, 2 * P, kFixed), err::INVAL);                // FIXED without MAYMOVE
  EXPECT_EQ(e(f.a, P, P, kMayMove | kFixed, f.a), err::INVAL);    // overlapping ranges
  EXPECT_EQ(e(f.a, 8 * P, 16 * P, kMayMove), err::FAULT);         // runs into another VMA
  EXPECT_EQ(e(0x10000000, P, 2 * P, kMayMove), err::FAULT);       // nothing mapped there
  EXPECT_EQ(f.vma(f.a).size_kb, 16u);                             // nothing changed
  EXPECT_INV(f.m);
}

TEST(Mremap, OnFaultLockGrowsWithoutPopulating) {
  Fixture f;
  u64 a = f.map(4 * P);
  ASSERT_EQ(f.m.mlock2(f.pid, a, 4 * P, kMlockOnfault).err, 0);
  OpResult r = f.m.mremap(f.pid, a, 4 * P, 16 * P, kMayMove, 0);
  ASSERT_EQ(r.err, 0);
  EXPECT_EQ(r.minflt, 0u);
  EXPECT_EQ(f.st().vm_lck_kb, 64u);  // VmLck counts the whole on-fault range
  EXPECT_EQ(f.vma(u64(r.ret)).rss_kb, 0u);
  EXPECT_INV(f.m);
}

TEST(Mremap, PartOfAVmaMovesOnItsOwn) {
  Fixture f;
  u64 a = f.map(8 * P);
  f.m.touch(f.pid, a, 8 * P, true);
  EXPECT_EQ(f.m.mremap(f.pid, a + 2 * P, P, 2 * P, 0, 0).err, err::NOMEM);  // the VMA goes on
  OpResult r = f.m.mremap(f.pid, a + 2 * P, P, 2 * P, kMayMove, 0);
  ASSERT_EQ(r.err, 0);
  EXPECT_NE(u64(r.ret), a + 2 * P);
  EXPECT_EQ(f.vma(a).end, a + 2 * P);       // [a, a+2P) stays
  EXPECT_EQ(f.vma(a + 2 * P).size_kb, 0u);  // the hole
  EXPECT_EQ(f.vma(a + 3 * P).size_kb, 20u); // [a+3P, a+8P)
  EXPECT_EQ(f.m.page(f.pid, u64(r.ret)).state, PageState::Frame);
  EXPECT_INV(f.m);
}

TEST(Mremap, AnUnlockedMappingStaysUnlockedUnderMclFuture) {
  Fixture f;
  u64 a = f.map(4 * P);
  ASSERT_EQ(f.m.mlockall(f.pid, mcl::FUTURE).err, 0);
  OpResult r = f.m.mremap(f.pid, a, 4 * P, 64 * P, kMayMove, 0);
  ASSERT_EQ(r.err, 0);
  EXPECT_EQ(r.minflt, 0u);  // the VMA keeps its own flags; MCL_FUTURE is for new ones
  EXPECT_EQ(f.st().vm_lck_kb, 0u);
  EXPECT_INV(f.m);
}

TEST(Mremap, FixedMovesOverAnotherMapping) {
  Fixture f;
  u64 x = f.map(4 * P);
  u64 dst = f.map(16 * P, prot::READ);
  ASSERT_EQ(f.m.mlock(f.pid, x, 4 * P).err, 0);
  const std::uint32_t frame = f.m.page(f.pid, x + P).index;
  OpResult r = f.m.mremap(f.pid, x, 4 * P, 8 * P, kMayMove | kFixed, dst + 4 * P);
  ASSERT_EQ(r.err, 0);
  EXPECT_EQ(u64(r.ret), dst + 4 * P);
  EXPECT_EQ(r.minflt, 4u);
  EXPECT_EQ(f.m.page(f.pid, dst + 5 * P).index, frame);
  EXPECT_EQ(f.st().vm_lck_kb, 32u);
  EXPECT_EQ(f.vma(dst).size_kb, 16u);           // [dst, dst+4P) is what is left of it
  EXPECT_EQ(f.vma(dst + 12 * P).size_kb, 16u);  // and [dst+12P, dst+16P)
  EXPECT_INV(f.m);
}

TEST(Mremap, GrowingALockedMappingPastTheLimitIsEagainWithoutPrivilege) {
  Fixture f;
  u64 a = f.map(4 * P);
  f.m.set_cap_ipc_lock(f.pid, false);
  f.m.setrlimit_memlock(f.pid, 32 * KiB, 32 * KiB);
  ASSERT_EQ(f.m.mlock(f.pid, a, 4 * P).err, 0);
  EXPECT_EQ(f.m.mremap(f.pid, a, 4 * P, 16 * P, kMayMove, 0).err, err::AGAIN);
  EXPECT_EQ(f.m.mremap(f.pid, a, 4 * P, 8 * P, kMayMove, 0).err, 0);  // exactly the limit
  EXPECT_INV(f.m);
}

TEST(Mremap, MovingSharedCopyOnWritePagesLeavesTheChildsAlone) {
  Fixture f;
  u64 a = f.map(4 * P);
  f.m.touch(f.pid, a, 4 * P, true);
  const int child = int(f.m.fork(f.pid).ret);
  const std::uint32_t frame = f.m.page(child, a).index;
  OpResult r = f.m.mremap(f.pid, a, 4 * P, 4 * P, kMayMove | kFixed, a + 64 * P);
  ASSERT_EQ(r.err, 0);
  EXPECT_EQ(f.m.page(child, a).index, frame);
  EXPECT_EQ(f.m.page(f.pid, a + 64 * P).index, frame);
  EXPECT_EQ(f.m.touch(f.pid, a + 64 * P, 1, true).minflt, 1u);  // still copy-on-write
  EXPECT_INV(f.m);
}

TEST(Mremap, QnxHasNoMremap) {
  Fixture f(cfg(256 * MiB, 64 * MiB, OsKind::Qnx));
  u64 a = f.map(4 * P);
  EXPECT_EQ(f.m.mremap(f.pid, a, 4 * P, 8 * P, kMayMove, 0).err, err::NOSYS);
}

TEST(Mremap, ReallocOfALockedMmappedChunkPopulatesOnlyTheNewPages) {
  Fixture f;
  ASSERT_EQ(f.m.mlockall(f.pid, mcl::CURRENT | mcl::FUTURE).err, 0);
  u64 a = u64(f.m.malloc(f.pid, MiB).ret);  // 257 pages, locked and populated
  u64 lck = f.st().vm_lck_kb;
  OpResult r = f.m.realloc(f.pid, a, 2 * MiB);  // 513 pages
  ASSERT_EQ(r.err, 0);
  EXPECT_EQ(r.minflt, 256u);
  EXPECT_EQ(f.st().vm_lck_kb, lck + 1024);
  EXPECT_INV(f.m);
}

}  // namespace
}  // namespace pp::test
