// SEMANTICS "Limits and privilege".
#include "helpers.h"

namespace pp::test {

TEST(Limits, CapIpcLockIgnoresTheLimit) {
  Fixture f;  // root: cap on, 8 MiB limit
  u64 a = f.map(16 * MiB);
  EXPECT_EQ(f.m.mlock(f.pid, a, 16 * MiB).err, 0);
  EXPECT_EQ(f.m.mlockall(f.pid, mcl::CURRENT).err, 0);
}

TEST(Limits, LimitZeroWithoutCapIsEPERM) {
  Fixture f;
  u64 a = f.map(4 * P);
  f.m.set_cap_ipc_lock(f.pid, false);
  ASSERT_EQ(f.m.setrlimit_memlock(f.pid, 0, 0).err, 0);
  EXPECT_EQ(f.m.mlock(f.pid, a, P).err, err::PERM);
  EXPECT_EQ(f.m.mlock2(f.pid, a, P, kMlockOnfault).err, err::PERM);
  EXPECT_EQ(f.m.mlockall(f.pid, mcl::CURRENT).err, err::PERM);
  EXPECT_EQ(f.m.mlockall(f.pid, mcl::FUTURE).err, err::PERM);
  EXPECT_EQ(f.m.mmap(f.pid, 0, P, RW, ANON | mapf::LOCKED, -1, 0).err, err::PERM);
  // Unlocking never needs privilege.
  EXPECT_EQ(f.m.munlock(f.pid, a, P).err, 0);
  EXPECT_EQ(f.m.munlockall(f.pid).err, 0);
}

TEST(Limits, OverTheLimitIsENOMEM) {
  Fixture f;
  u64 a = f.map(64 * P);
  f.m.set_cap_ipc_lock(f.pid, false);
  f.m.setrlimit_memlock(f.pid, 16 * P, 16 * P);
  EXPECT_EQ(f.m.mlock(f.pid, a, 17 * P).err, err::NOMEM);
  EXPECT_EQ(f.m.mlock(f.pid, a, 16 * P).err, 0);
  EXPECT_EQ(f.m.mlock(f.pid, a + 16 * P, P).err, err::NOMEM);
  EXPECT_EQ(f.m.mlock2(f.pid, a + 16 * P, P, kMlockOnfault).err, err::NOMEM);
}

TEST(Limits, AlreadyLockedPagesAreNotCountedTwice) {
  Fixture f;
  u64 a = f.map(64 * P);
  f.m.set_cap_ipc_lock(f.pid, false);
  f.m.setrlimit_memlock(f.pid, 16 * P, 16 * P);
  ASSERT_EQ(f.m.mlock(f.pid, a, 12 * P).err, 0);
  // 16 pages requested, 12 of them already locked: 16 in total, within the limit.
  EXPECT_EQ(f.m.mlock(f.pid, a, 16 * P).err, 0);
  EXPECT_EQ(f.st().vm_lck_kb, 64u);
}

TEST(Limits, MlockallCurrentComparesTheWholeVmSize) {
  Fixture f;
  f.m.set_cap_ipc_lock(f.pid, false);
  u64 size = f.st().vm_size_kb * KiB;
  f.m.setrlimit_memlock(f.pid, size - P, size);
  EXPECT_EQ(f.m.mlockall(f.pid, mcl::CURRENT).err, err::NOMEM);
  f.m.setrlimit_memlock(f.pid, size, size);
  EXPECT_EQ(f.m.mlockall(f.pid, mcl::CURRENT).err, 0);
  EXPECT_EQ(f.st().vm_lck_kb, f.st().vm_size_kb - 32);
}

TEST(Limits, UnderFutureMmapOverLimitIsEAGAINEvenProtNoneAndMallocFails) {
  Fixture f;
  f.m.malloc(f.pid, 1);  // heap exists
  f.m.set_cap_ipc_lock(f.pid, false);
  f.m.setrlimit_memlock(f.pid, 16 * P, 16 * P);
  ASSERT_EQ(f.m.mlockall(f.pid, mcl::FUTURE).err, 0);
  EXPECT_EQ(f.m.mmap(f.pid, 0, 8 * P, RW, ANON, -1, 0).err, 0);
  EXPECT_EQ(f.m.mmap(f.pid, 0, 9 * P, RW, ANON, -1, 0).err, err::AGAIN);
  EXPECT_EQ(f.m.mmap(f.pid, 0, 9 * P, prot::NONE, ANON, -1, 0).err, err::AGAIN);
  OpResult r = f.m.malloc(f.pid, 1 * MiB);
  EXPECT_EQ(r.ret, 0);
  EXPECT_EQ(r.err, err::NOMEM);
}

TEST(Limits, MapLockedOverTheLimitIsEAGAIN) {
  Fixture f;
  f.m.set_cap_ipc_lock(f.pid, false);
  f.m.setrlimit_memlock(f.pid, 16 * P, 16 * P);
  EXPECT_EQ(f.m.mmap(f.pid, 0, 17 * P, RW, ANON | mapf::LOCKED, -1, 0).err, err::AGAIN);
  OpResult r = f.m.mmap(f.pid, 0, 16 * P, RW, ANON | mapf::LOCKED, -1, 0);
  ASSERT_EQ(r.err, 0);
  EXPECT_EQ(f.vma(u64(r.ret)).rss_kb, 64u);  // MAP_LOCKED populates
}

TEST(Limits, GrowthOfALockedStackPastTheLimitKillsWithSigsegv) {
  Fixture f;
  ASSERT_EQ(f.m.mlockall(f.pid, mcl::CURRENT | mcl::FUTURE).err, 0);
  u64 lck = f.st().vm_lck_kb * KiB;
  f.m.setrlimit_memlock(f.pid, lck + 2 * P, 8 * MiB);
  f.m.set_cap_ipc_lock(f.pid, false);
  u64 sp = f.vma(f.lay.stack_top).start;
  EXPECT_EQ(f.m.touch(f.pid, sp - 2 * P, 1, true).err, 0);  // 2 pages: fits
  OpResult r = f.m.touch(f.pid, sp - 8 * P, 1, true);       // 6 more: over
  EXPECT_EQ(r.err, err::FAULT);
  EXPECT_FALSE(f.st().alive);
  EXPECT_EQ(f.st().exit_code, 128 + 11);
  bool sig = false;
  for (auto& e : r.events) sig |= e.kind == EventKind::Signal && e.aux == 11;
  EXPECT_TRUE(sig);
  EXPECT_INV(f.m);
}

TEST(Limits, DroppingTheCapabilityKeepsLocksButBlocksFutureAllocations) {
  Fixture f;
  f.m.malloc(f.pid, 1);
  ASSERT_EQ(f.m.mlockall(f.pid, mcl::CURRENT | mcl::FUTURE).err, 0);
  u64 lck = f.st().vm_lck_kb;
  f.m.setrlimit_memlock(f.pid, 1 * MiB, 1 * MiB);  // below what is locked already
  f.m.set_cap_ipc_lock(f.pid, false);
  EXPECT_EQ(f.st().vm_lck_kb, lck);
  OpResult r = f.m.malloc(f.pid, 1 * MiB);
  EXPECT_EQ(r.ret, 0);
  EXPECT_EQ(r.err, err::NOMEM);
  EXPECT_EQ(f.m.mmap(f.pid, 0, P, RW, ANON, -1, 0).err, err::AGAIN);
}

TEST(Limits, RaisingTheHardLimitNeedsPrivilege) {
  Fixture f;
  f.m.set_cap_ipc_lock(f.pid, false);
  EXPECT_EQ(f.m.setrlimit_memlock(f.pid, 1 * MiB, 64 * MiB).err, err::PERM);
  EXPECT_EQ(f.m.setrlimit_memlock(f.pid, 2 * MiB, 1 * MiB).err, err::INVAL);
  EXPECT_EQ(f.m.setrlimit_memlock(f.pid, 1 * MiB, 1 * MiB).err, 0);
}

}  // namespace pp::test
