// QNX Neutrino rules pinned one by one against docs/QNX.md (privileges, SIGBUS instead
// of an OOM killer, a superlock that never faults, MAP_LAZY, procnto -ml, the image).
#include <algorithm>

#include "helpers.h"

namespace pp::test {

namespace {
MachineConfig qcfg(QnxProcnto mode = QnxProcnto::Default, u64 ram = 256 * MiB) {
  MachineConfig c = cfg(ram, 0, OsKind::Qnx);
  c.procnto = mode;
  return c;
}
// <sys/procmgr.h> values.
constexpr std::uint32_t kAidMemLock = 20, kAidIo = 31, kEol = 0xffff;
constexpr std::uint32_t kDeny = 0x00010000, kAllow = 0x00020000, kLock = 0x00080000;
constexpr std::uint32_t kRoot = 0x10000000, kNonroot = 0x20000000;

bool has_event(const OpResult& r, EventKind k) {
  return std::any_of(r.events.begin(), r.events.end(), [&](const Event& e) { return e.kind == k; });
}
SmapsEntry region(const Fixture& f, VmaKind kind) {
  for (const Vma& v : f.m.vmas(f.pid))
    if (v.kind == kind) return f.vma(v.start);
  return {};
}
}  // namespace

// ---- privileges

TEST(QnxRules, RootMayGrantANonRootAbilityBeforeDroppingRoot) {
  Fixture f(qcfg());
  ASSERT_EQ(f.m.procmgr_ability(f.pid, {kNonroot | kAllow | kAidIo, kEol}).err, 0);
  f.m.set_cap_ipc_lock(f.pid, false);
  EXPECT_EQ(f.m.thread_ctl_io(f.pid).err, 0);
}

TEST(QnxRules, DeniedOrLockedAbilitiesCannotBeUsedOrRegained) {
  Fixture f(qcfg());
  ASSERT_EQ(f.m.procmgr_ability(f.pid, {kRoot | kDeny | kLock | kAidIo, kEol}).err, 0);
  EXPECT_EQ(f.m.thread_ctl_io(f.pid).err, err::PERM);
  EXPECT_EQ(f.m.procmgr_ability(f.pid, {kRoot | kAllow | kAidIo, kEol}).err, err::PERM);
  // EOL with an operation applies it to every ability not named: memory locking too.
  Fixture g(qcfg());
  ASSERT_EQ(g.m.procmgr_ability(g.pid, {kRoot | kAllow | kAidIo, kRoot | kDeny | kEol}).err, 0);
  EXPECT_EQ(g.m.mlockall(g.pid, mcl::CURRENT).err, err::PERM);
  EXPECT_EQ(g.m.thread_ctl_io(g.pid).err, 0);
}

TEST(QnxRules, MemoryLockingNeedsTheMemLockAbilityNotRlimitMemlock) {
  Fixture f(qcfg());
  u64 a = f.map(4 * P);
  f.m.setrlimit_memlock(f.pid, 0, 0);
  EXPECT_EQ(f.m.mlock(f.pid, a, 4 * P).err, 0);  // root: the limit does not apply
  f.m.set_cap_ipc_lock(f.pid, false);
  f.m.setrlimit_memlock(f.pid, 0, 0);
  Fixture g(qcfg());
  u64 b = g.map(4 * P);
  g.m.set_cap_ipc_lock(g.pid, false);  // non-root with a generous limit: still EPERM
  EXPECT_EQ(g.m.mlock(g.pid, b, 4 * P).err, err::PERM);
  EXPECT_EQ(g.m.mlockall(g.pid, mcl::CURRENT).err, err::PERM);
  Fixture h(qcfg());
  ASSERT_EQ(h.m.procmgr_ability(h.pid, {kNonroot | kAllow | kAidMemLock, kEol}).err, 0);
  h.m.set_cap_ipc_lock(h.pid, false);
  u64 c = h.map(4 * P);
  EXPECT_EQ(h.m.mlock(h.pid, c, 4 * P).err, 0);
}

// ---- failure: no OOM killer

TEST(QnxRules, AMappingThatCannotBeBackedFailsWithEnomem) {
  Fixture f(qcfg(QnxProcnto::Default, 32 * MiB));
  f.map(20 * MiB);  // set aside now
  std::size_t n = f.nvmas();
  OpResult r = f.m.mmap(f.pid, 0, 20 * MiB, RW, ANON, -1, 0);  // 12 MiB are left
  EXPECT_EQ(r.err, err::NOMEM);
  EXPECT_FALSE(has_event(r, EventKind::OomKill));
  EXPECT_TRUE(f.st().alive);
  EXPECT_EQ(f.nvmas(), n);
  // MAP_LAZY promises nothing yet: it succeeds.
  EXPECT_EQ(f.m.mmap(f.pid, 0, 20 * MiB, RW, ANON | mapf::LAZY, -1, 0).err, 0);
  EXPECT_INV(f.m);
}

TEST(QnxRules, MlockThatCannotBeBackedFailsWithEagainAndChangesNothing) {
  Fixture f(qcfg(QnxProcnto::Default, 32 * MiB));
  int fd = int(f.m.open(f.pid, "/data/table", 8 * MiB).ret);
  u64 a = u64(f.m.mmap(f.pid, 0, 8 * MiB, prot::READ, mapf::PRIVATE, fd, 0).ret);  // not read yet
  f.m.pressure(64 * MiB);  // the outside hog takes every free frame
  OpResult r = f.m.mlock(f.pid, a, 8 * MiB);
  EXPECT_EQ(r.err, err::AGAIN);
  EXPECT_FALSE(f.vma(a).locked);
  EXPECT_EQ(f.st().vm_lck_kb, 0u);
  EXPECT_TRUE(f.st().alive);
  EXPECT_INV(f.m);
}

TEST(QnxRules, ALazyPageThatCannotBeInitialisedRaisesSigbusNotAnOomKill) {
  Fixture f(qcfg(QnxProcnto::Default, 32 * MiB));
  u64 a = u64(f.m.mmap(f.pid, 0, 16 * MiB, RW, ANON | mapf::LAZY, -1, 0).ret);
  f.m.pressure(64 * MiB);  // the outside hog takes every free frame
  OpResult r = f.m.touch(f.pid, a, 16 * MiB, true);
  EXPECT_NE(r.err, 0);
  EXPECT_FALSE(f.st().alive);
  EXPECT_EQ(f.st().exit_code, 128 + 7);  // SIGBUS
  EXPECT_FALSE(has_event(r, EventKind::OomKill));
  bool sigbus = false;
  for (const Event& e : r.events) sigbus |= e.kind == EventKind::Signal && e.aux == 7;
  EXPECT_TRUE(sigbus);
  EXPECT_INV(f.m);
}

TEST(QnxRules, AnUnlockedPageThatCannotComeBackFromSwapRaisesSigbus) {
  MachineConfig c = qcfg(QnxProcnto::Default, 32 * MiB);
  c.swap_bytes = 8 * MiB;
  Fixture f(c);
  u64 a = f.map(12 * MiB);
  f.m.touch(f.pid, a, 12 * MiB, true);
  f.m.pressure(64 * MiB);  // pages go to swap until it is full; the hog keeps the RAM
  ASSERT_GT(f.m.count_pages(f.pid, a, 12 * MiB).swapped, 0u);
  OpResult r = f.m.touch(f.pid, a, 12 * MiB, true);
  EXPECT_FALSE(f.st().alive);
  EXPECT_EQ(f.st().exit_code, 128 + 7);
  EXPECT_FALSE(has_event(r, EventKind::OomKill));
  EXPECT_INV(f.m);
}

// ---- superlock: no faults at all

TEST(QnxRules, TheStackIsLazyByDesignAndEachNewStackPageFaultsOnce) {
  Fixture f(qcfg(QnxProcnto::SuperlockAll));
  EXPECT_EQ(region(f, VmaKind::Stack).level, LockLevel::Lazy);
  // A 64 KiB local array below the pages start-up used: one fault per new page, and
  // the first read leaves the page writable (no second fault on the write).
  u64 lo = f.lay.stack_top - 80 * KiB;
  OpResult rd = f.m.touch(f.pid, lo, 64 * KiB, false);
  EXPECT_EQ(rd.minflt, 16u);
  EXPECT_EQ(f.m.touch(f.pid, lo, 64 * KiB, true).minflt, 0u);
  EXPECT_INV(f.m);
}

TEST(QnxRules, ASuperlockedParentKeepsItsPagesReadyAcrossFork) {
  Fixture f(qcfg());
  u64 a = f.map(8 * P);
  ASSERT_EQ(f.m.thread_ctl_io(f.pid).err, 0);
  OpResult fr = f.m.fork(f.pid);
  ASSERT_EQ(fr.err, 0);
  int child = int(fr.ret);
  EXPECT_TRUE(f.m.page(f.pid, a).writable);
  EXPECT_NE(f.m.page(f.pid, a).index, f.m.page(child, a).index);  // the child has its copy
  EXPECT_EQ(f.m.touch(f.pid, a, 8 * P, true).minflt, 0u);
  EXPECT_EQ(f.m.touch(child, a, 8 * P, true).minflt, 0u);  // and its copy is writable
  f.m.exit(child, 0);
  f.m.wait(f.pid, child);
  EXPECT_EQ(f.m.touch(f.pid, a, 8 * P, true).minflt, 0u);
  EXPECT_EQ(f.m.touch(f.pid, f.lay.data, P, true).minflt, 0u);
  EXPECT_INV(f.m);
}

TEST(QnxRules, ForkOfASuperlockedParentFailsWhenTheCopiesDoNotFit) {
  Fixture f(qcfg(QnxProcnto::Default, 32 * MiB));
  ASSERT_EQ(f.m.thread_ctl_io(f.pid).err, 0);
  f.map(12 * MiB);
  f.m.pressure(64 * MiB);
  OpResult r = f.m.fork(f.pid);
  EXPECT_EQ(r.err, err::NOMEM);
  EXPECT_EQ(f.m.pids().size(), 1u);
  EXPECT_INV(f.m);
}

TEST(QnxRules, MprotectInASuperlockedProcessSetsPermissionsWithoutFaults) {
  Fixture f(qcfg());
  ASSERT_EQ(f.m.thread_ctl_io(f.pid).err, 0);
  u64 a = f.map(8 * P, prot::READ);
  OpResult r = f.m.mprotect(f.pid, a, 8 * P, RW);
  EXPECT_EQ(r.minflt + r.majflt, 0u);
  EXPECT_FALSE(has_event(r, EventKind::Populate));
  EXPECT_EQ(f.m.touch(f.pid, a, 8 * P, true).minflt, 0u);
  EXPECT_INV(f.m);
}

TEST(QnxRules, UnderSuperlockTheFirstReferenceToALazyPageSetsItUpCompletely) {
  Fixture f(qcfg());
  ASSERT_EQ(f.m.thread_ctl_io(f.pid).err, 0);
  u64 a = u64(f.m.mmap(f.pid, 0, 4 * P, RW, ANON | mapf::LAZY, -1, 0).ret);
  EXPECT_EQ(f.m.count_pages(f.pid, a, 4 * P).locked, 0u);  // not in RAM: not locked
  EXPECT_EQ(f.vma(a).level, LockLevel::Lazy);
  EXPECT_EQ(f.m.touch(f.pid, a, 4 * P, false).minflt, 4u);
  EXPECT_EQ(f.m.touch(f.pid, a, 4 * P, true).minflt, 0u);  // no second fault on write
  EXPECT_EQ(f.m.count_pages(f.pid, a, 4 * P).locked, 4u);
  EXPECT_INV(f.m);
}

TEST(QnxRules, MunlockDoesNotUndoASuperlock) {
  Fixture f(qcfg());
  u64 a = f.map(8 * P);
  ASSERT_EQ(f.m.thread_ctl_io(f.pid).err, 0);
  u64 lck = f.st().vm_lck_kb;
  OpResult r = f.m.munlock(f.pid, a, 8 * P);
  EXPECT_EQ(r.err, 0);
  EXPECT_FALSE(has_event(r, EventKind::Unlock));
  r = f.m.munlockall(f.pid);
  EXPECT_FALSE(has_event(r, EventKind::Unlock));
  EXPECT_EQ(f.st().vm_lck_kb, lck);
  EXPECT_EQ(f.vma(a).level, LockLevel::Superlocked);
  u64 b = f.map(4 * P);
  EXPECT_EQ(f.m.touch(f.pid, b, 4 * P, true).minflt, 0u);
  EXPECT_INV(f.m);
}

// ---- procnto -ml: a system policy

TEST(QnxRules, ProcntoMlInitialisesEveryPageShowsNoMclFlagsAndCannotBeEscaped) {
  Fixture f(qcfg(QnxProcnto::LockAll));
  EXPECT_EQ(f.st().mcl, 0);  // the program never called mlockall
  u64 a = f.map(8 * P);
  EXPECT_EQ(f.vma(a).rss_kb, 32u);          // initialised at map time...
  EXPECT_FALSE(f.m.page(f.pid, a).writable);  // ...but read-only until the first write
  EXPECT_EQ(f.vma(a).level, LockLevel::Locked);
  EXPECT_EQ(region(f, VmaKind::Stack).level, LockLevel::Lazy);
  u64 lck = f.st().vm_lck_kb;
  OpResult r = f.m.munlockall(f.pid);
  EXPECT_EQ(r.err, 0);
  EXPECT_EQ(f.st().vm_lck_kb, lck);
  EXPECT_EQ(f.m.munlock(f.pid, a, 8 * P).err, 0);
  EXPECT_TRUE(f.vma(a).locked);
  EXPECT_TRUE(f.vma(f.map(4 * P)).locked);  // later mappings too
  int child = int(f.m.fork(f.pid).ret);
  EXPECT_EQ(f.m.status(child).mcl, 0);
  EXPECT_GT(f.m.status(child).vm_lck_kb, 0u);  // the policy covers the child as well
  EXPECT_INV(f.m);
}

// ---- a QNX process image

TEST(QnxRules, TheAddressSpaceShowsQnxsImageAndNoLinuxNames) {
  Fixture f(qcfg());
  int fd = int(f.m.open(f.pid, "/dev/shmem/ring", 4 * P).ret);
  f.m.mmap(f.pid, 0, 4 * P, RW, mapf::SHARED, fd, 0);
  u64 s = u64(f.m.mmap(f.pid, 0, 4 * P, RW, mapf::SHARED | mapf::ANONYMOUS, -1, 0).ret);
  bool ld = false, libc = false;
  for (const SmapsEntry& e : f.m.smaps(f.pid)) {
    for (const char* linux_name : {"ld-linux", "libc.so.6", "[vdso]", "[vvar", "/dev/zero", "x86_64-linux-gnu"})
      EXPECT_EQ(e.name.find(linux_name), std::string::npos) << e.name;
    ld |= e.name.find("ldqnx-64.so.2") != std::string::npos;
    libc |= e.name.find("libc.so.5") != std::string::npos;
  }
  EXPECT_TRUE(ld);
  EXPECT_TRUE(libc);
  EXPECT_EQ(f.vma(s).name.rfind("/dev/shmem", 0), 0u);
}

TEST(QnxRules, LinuxOnlyLockingCallsAndFlagsAreRefused) {
  Fixture f(qcfg());
  u64 a = f.map(4 * P);
  EXPECT_EQ(f.m.mlock2(f.pid, a, 4 * P, kMlockOnfault).err, err::NOSYS);
  EXPECT_EQ(f.m.mlock2(f.pid, a, 4 * P, 0).err, err::NOSYS);
  EXPECT_EQ(f.m.mlockall(f.pid, mcl::CURRENT | mcl::ONFAULT).err, err::INVAL);
  EXPECT_EQ(f.st().vm_lck_kb, 0u);
}

TEST(QnxRules, EachRegionReportsItsLockingLevel) {
  Fixture f(qcfg());
  u64 plain = f.map(4 * P), pinned = f.map(4 * P);
  u64 lazy = u64(f.m.mmap(f.pid, 0, 4 * P, RW, ANON | mapf::LAZY, -1, 0).ret);
  f.m.mlock(f.pid, pinned, 4 * P);
  EXPECT_EQ(f.vma(plain).level, LockLevel::Unlocked);
  EXPECT_EQ(f.vma(pinned).level, LockLevel::Locked);
  EXPECT_EQ(f.vma(lazy).level, LockLevel::Lazy);
  ASSERT_EQ(f.m.thread_ctl_io(f.pid).err, 0);
  EXPECT_EQ(f.vma(plain).level, LockLevel::Superlocked);
  EXPECT_STREQ(lock_level_name(f.vma(plain).level), "superlocked");
  // The per-VMA accessor the figure uses agrees with smaps, region by region.
  std::vector<LockLevel> lv = f.m.lock_levels(f.pid);
  std::vector<SmapsEntry> sm = f.m.smaps(f.pid);
  ASSERT_EQ(lv.size(), sm.size());
  for (std::size_t i = 0; i < lv.size(); ++i) EXPECT_EQ(lv[i], sm[i].level) << sm[i].name;
  Fixture l;  // Linux: unlocked, locked, on fault
  u64 b = l.map(4 * P);
  l.m.mlock2(l.pid, b, 4 * P, kMlockOnfault);
  EXPECT_EQ(l.vma(b).level, LockLevel::OnFault);
}

}  // namespace pp::test
