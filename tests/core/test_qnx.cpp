// QNX Neutrino personality (SEMANTICS "QNX Neutrino", tutorial source 2).
#include "helpers.h"

namespace pp::test {

namespace {
MachineConfig qcfg(QnxProcnto mode = QnxProcnto::Default) {
  MachineConfig c = cfg(256 * MiB, 0, OsKind::Qnx);
  c.procnto = mode;
  return c;
}

// kB of lazy regions (the stack) that have no memory yet.
u64 lazy_unbacked_kb(const Fixture& f) {
  u64 kb = 0;
  for (const SmapsEntry& e : f.m.smaps(f.pid))
    if (e.level == LockLevel::Lazy) kb += e.size_kb - e.rss_kb;
  return kb;
}
}  // namespace

TEST(Qnx, UnlockedMemoryIsAllocatedWhenMappedButHasNoPtesUntilAccess) {
  Fixture f(qcfg());
  std::uint32_t free0 = f.m.frames_free();
  u64 a = f.map(10 * P);
  EXPECT_EQ(free0 - f.m.frames_free(), 10u);   // allocated at map time
  EXPECT_FALSE(f.m.pagemap(f.pid, a).present);  // but no PTE
  OpResult r = f.m.touch(f.pid, a, 1, false);
  EXPECT_EQ(r.minflt, 1u);                       // first access faults
  EXPECT_TRUE(f.m.pagemap(f.pid, a).present);
  EXPECT_EQ(f.m.touch(f.pid, a, 1, false).minflt, 0u);
  EXPECT_INV(f.m);
}

TEST(Qnx, LockedPagesFaultOnFirstAccessAndWriteFaultsAgainToPrivatise) {
  Fixture f(qcfg());
  u64 a = u64(f.m.mmap(f.pid, 0, 4 * P, RW, ANON | mapf::LAZY, -1, 0).ret);
  EXPECT_EQ(f.vma(a).rss_kb, 0u);  // lazy: nothing yet
  ASSERT_EQ(f.m.mlock(f.pid, a, 4 * P).err, 0);
  EXPECT_EQ(f.st().vm_lck_kb, 0u);  // untouched lazy pages are not in RAM: not locked
  f.m.touch(f.pid, a, 1, true);
  EXPECT_EQ(f.st().vm_lck_kb, 4u);
  u64 b = f.map(4 * P);
  ASSERT_EQ(f.m.mlock(f.pid, b, 4 * P).err, 0);
  EXPECT_EQ(f.vma(b).rss_kb, 16u);               // initialised
  EXPECT_EQ(f.m.touch(f.pid, b, 1, false).minflt, 1u);  // statistics fault
  EXPECT_FALSE(f.m.page(f.pid, b).writable);            // PROT_WRITE is really PROT_READ
  EXPECT_EQ(f.m.touch(f.pid, b, 1, true).minflt, 1u);   // privatising write fault
  EXPECT_EQ(f.m.touch(f.pid, b, 1, true).minflt, 0u);
}

TEST(Qnx, LockedMemoryIsNeverPagedOut) {
  MachineConfig c = qcfg();
  c.ram_bytes = 64 * MiB;
  c.swap_bytes = 64 * MiB;
  Fixture f(c);
  u64 a = f.map(8 * MiB);
  f.m.mlock(f.pid, a, 8 * MiB);
  u64 b = f.map(8 * MiB);
  f.m.touch(f.pid, b, 8 * MiB, true);
  f.m.pressure(56 * MiB);
  EXPECT_EQ(f.m.count_pages(f.pid, a, 8 * MiB).swapped, 0u);
  EXPECT_GT(f.m.count_pages(f.pid, b, 8 * MiB).swapped, 0u);  // unlocked: paged out
  EXPECT_INV(f.m);
}

TEST(Qnx, SuperlockNeedsIoPrivilegeWhichRootHasByDefault) {
  Fixture f(qcfg());
  f.m.set_cap_ipc_lock(f.pid, false);  // not root: no PROCMGR_AID_IO
  EXPECT_EQ(f.m.thread_ctl_io(f.pid).err, err::PERM);
  EXPECT_EQ(f.m.procmgr_ability_io(f.pid, true).err, err::PERM);  // only root may allow
  f.m.set_cap_ipc_lock(f.pid, true);
  EXPECT_EQ(f.m.thread_ctl_io(f.pid).err, 0);  // root: no procmgr_ability() needed
  EXPECT_EQ(f.st().vm_lck_kb, f.st().vm_size_kb - lazy_unbacked_kb(f));
}

TEST(Qnx, SuperlockedProcessTakesNoFaultsAtAll) {
  Fixture f(qcfg());
  u64 old = f.map(8 * P);
  ASSERT_EQ(f.m.thread_ctl_io(f.pid).err, 0);
  // The whole address space but the untouched pages of the lazy stack.
  EXPECT_EQ(f.st().vm_lck_kb, f.st().vm_size_kb - lazy_unbacked_kb(f));
  EXPECT_EQ(f.m.touch(f.pid, old, 8 * P, true).minflt, 0u);
  u64 a = f.map(8 * P);
  OpResult r = f.m.touch(f.pid, a, 8 * P, true);
  EXPECT_EQ(r.minflt + r.majflt, 0u);
  EXPECT_EQ(f.m.touch(f.pid, f.lay.text, 4 * P, false).minflt, 0u);
  EXPECT_INV(f.m);
}

TEST(Qnx, MapLazyIsNotAllocatedUntilReferencedWhateverTheLevel) {
  Fixture f(qcfg(QnxProcnto::SuperlockAll));
  std::uint32_t free0 = f.m.frames_free();
  u64 a = u64(f.m.mmap(f.pid, 0, 4 * P, RW, ANON | mapf::LAZY, -1, 0).ret);
  EXPECT_EQ(f.m.frames_free(), free0);
  EXPECT_EQ(f.m.touch(f.pid, a, 4 * P, true).minflt, 4u);
  u64 b = f.map(4 * P);
  EXPECT_EQ(f.m.touch(f.pid, b, 4 * P, true).minflt, 0u);  // procnto -mL: superlocked
}

TEST(Qnx, ProcntoMlLocksEveryProcess) {
  Fixture f(qcfg(QnxProcnto::LockAll));
  EXPECT_EQ(f.st().vm_lck_kb, f.st().vm_size_kb - lazy_unbacked_kb(f));
  u64 a = f.map(4 * P);
  EXPECT_TRUE(f.vma(a).locked);
  EXPECT_EQ(f.m.touch(f.pid, a, 1, true).minflt, 1u);  // locked, not superlocked: faults
}

TEST(Qnx, LocksEndAtExecAndChildrenHaveNone) {
  Fixture f(qcfg());
  f.m.mlockall(f.pid, mcl::CURRENT | mcl::FUTURE);
  int c = int(f.m.fork(f.pid).ret);
  EXPECT_EQ(f.m.status(c).vm_lck_kb, 0u);
  f.m.exec(f.pid, ImageSpec{}, nullptr);
  EXPECT_EQ(f.st().vm_lck_kb, 0u);
  EXPECT_INV(f.m);
}

TEST(Qnx, LocksDoNotStackWithinAProcess) {
  Fixture f(qcfg());
  u64 a = f.map(4 * P);
  f.m.mlock(f.pid, a, 4 * P);
  f.m.mlock(f.pid, a, 4 * P);
  f.m.munlock(f.pid, a, 4 * P);
  EXPECT_EQ(f.st().vm_lck_kb, 0u);
}

TEST(Qnx, OverlappingLocksBySeveralProcessesHoldUntilAllUnlock) {
  MachineConfig c = qcfg();
  c.ram_bytes = 64 * MiB;
  Fixture f(c);
  int fd = int(f.m.open(f.pid, "/dev/shmem/ring", 64 * P).ret);
  u64 a = u64(f.m.mmap(f.pid, 0, 64 * P, RW, mapf::SHARED, fd, 0).ret);
  int child = int(f.m.fork(f.pid).ret);
  ASSERT_EQ(f.m.mlock(f.pid, a, 64 * P).err, 0);
  ASSERT_EQ(f.m.mlock(child, a, 64 * P).err, 0);
  f.m.munlock(f.pid, a, 64 * P);
  f.m.pressure(256 * MiB);
  f.m.pressure(0);
  EXPECT_EQ(f.m.count_pages(child, a, 64 * P).resident, 64u);  // the child still locks
  f.m.munlock(child, a, 64 * P);
  f.m.pressure(256 * MiB);
  f.m.pressure(0);
  EXPECT_LT(f.m.count_pages(child, a, 64 * P).resident, 64u);
  EXPECT_INV(f.m);
}

TEST(Qnx, LinuxPersonalityHasNoQnxCalls) {
  Fixture f;
  EXPECT_EQ(f.m.procmgr_ability_io(f.pid, true).err, err::NOSYS);
  EXPECT_EQ(f.m.thread_ctl_io(f.pid).err, err::NOSYS);
}

}  // namespace pp::test
