// Extreme and invalid arguments: every call returns the kernel's errno, never crashes.
#include "helpers.h"

namespace pp::test {

TEST(BadArgs, UnknownOrDeadPidIsESRCH) {
  Fixture f;
  for (int pid : {0, -1, 999999, f.pid + 1}) {
    EXPECT_EQ(f.m.mlock(pid, 0, P).err, err::SRCH);
    EXPECT_EQ(f.m.malloc(pid, 1).err, err::SRCH);
    EXPECT_EQ(f.m.touch(pid, 0, 1, true).err, err::SRCH);
    EXPECT_EQ(f.m.fork(pid).err, err::SRCH);
    EXPECT_EQ(f.m.mlock2(pid, 0, P, 7).err, err::SRCH);
    EXPECT_FALSE(f.m.status(pid).alive);
    EXPECT_TRUE(f.m.smaps(pid).empty());
    EXPECT_TRUE(f.m.vmas(pid).empty());
    EXPECT_EQ(f.m.count_pages(pid, 0, P).pages, 0u);
  }
  f.m.exit(f.pid, 0);
  EXPECT_EQ(f.m.mlockall(f.pid, mcl::CURRENT).err, err::SRCH);
}

TEST(BadArgs, ExtremeRangesForLockingCalls) {
  Fixture f;
  const u64 vals[] = {0, 1, P - 1, P, ~u64(0), ~u64(0) - P, u64(1) << 47, u64(1) << 63, 0x7ffffffff000ull};
  for (u64 a : vals)
    for (u64 l : vals) {
      int e1 = f.m.mlock(f.pid, a, l).err;
      EXPECT_TRUE(e1 == 0 || e1 == err::NOMEM || e1 == err::INVAL) << a << " " << l;
      int e2 = f.m.munlock(f.pid, a, l).err;
      EXPECT_TRUE(e2 == 0 || e2 == err::NOMEM || e2 == err::INVAL);
      f.m.mlock2(f.pid, a, l, kMlockOnfault);
      f.m.madvise(f.pid, a, l, madv::DONTNEED);
      f.m.mprotect(f.pid, a, l, prot::READ);
      f.m.munmap(f.pid, a, l);
      int e;
      f.m.mincore(f.pid, a, l, &e);
      f.m.count_pages(f.pid, a, l);
    }
  EXPECT_INV(f.m);
}

TEST(BadArgs, MlockOverflowingRangeIsEINVAL) {
  Fixture f;
  EXPECT_EQ(f.m.mlock(f.pid, 0x7ffff000ull, ~u64(0) - 0x1000).err, err::INVAL);
  EXPECT_EQ(f.m.munlock(f.pid, 0x7ffff000ull, ~u64(0) - 0x1000).err, err::INVAL);
}

TEST(BadArgs, MmapArguments) {
  Fixture f;
  EXPECT_EQ(f.m.mmap(f.pid, 0, 0, RW, ANON, -1, 0).err, err::INVAL);
  EXPECT_EQ(f.m.mmap(f.pid, 0, P, RW, mapf::ANONYMOUS, -1, 0).err, err::INVAL);  // no type
  EXPECT_EQ(f.m.mmap(f.pid, 0, P, 0x100, ANON, -1, 0).err, err::INVAL);
  EXPECT_EQ(f.m.mmap(f.pid, 0, P, RW, mapf::PRIVATE, 77, 0).err, err::BADF);
  EXPECT_EQ(f.m.mmap(f.pid, 0, P, RW, ANON, -1, 123).err, err::INVAL);
  EXPECT_EQ(f.m.mmap(f.pid, 0x10001, P, RW, ANON | mapf::FIXED, -1, 0).err, err::INVAL);
  EXPECT_EQ(f.m.mmap(f.pid, 0x1000, P, RW, ANON | mapf::FIXED, -1, 0).err, err::PERM);
  EXPECT_EQ(f.m.mmap(f.pid, 0, ~u64(0), RW, ANON, -1, 0).err, err::NOMEM);
  EXPECT_EQ(f.m.mmap(f.pid, 0, u64(1) << 46, RW, ANON, -1, 0).err, err::NOMEM);
  EXPECT_EQ(f.m.mmap(f.pid, ~u64(0) & ~(P - 1), P, RW, ANON | mapf::FIXED, -1, 0).err, err::NOMEM);
  EXPECT_EQ(f.m.munmap(f.pid, 0x10001, P).err, err::INVAL);
  EXPECT_EQ(f.m.munmap(f.pid, 0x10000, 0).err, err::INVAL);
  EXPECT_EQ(f.m.mprotect(f.pid, 0x10001, P, prot::READ).err, err::INVAL);
  EXPECT_EQ(f.m.mprotect(f.pid, 0x10000, P, prot::READ).err, err::NOMEM);
  EXPECT_EQ(f.m.madvise(f.pid, 0x10000, P, 999).err, err::INVAL);
  EXPECT_EQ(f.m.madvise(f.pid, 0x10000, P, madv::DONTNEED).err, err::NOMEM);
  EXPECT_EQ(f.m.open(f.pid, "", 0).err, err::NOENT);
  EXPECT_INV(f.m);
}

TEST(BadArgs, MallocFreeSbrkExtremes) {
  Fixture f;
  EXPECT_EQ(f.m.malloc(f.pid, ~u64(0)).err, err::NOMEM);
  EXPECT_EQ(f.m.malloc(f.pid, u64(1) << 62).err, err::NOMEM);
  EXPECT_EQ(f.m.calloc(f.pid, ~u64(0), ~u64(0)).err, err::NOMEM);
  EXPECT_EQ(f.m.free(f.pid, 0).err, 0);
  EXPECT_EQ(f.m.free(f.pid, 12345).err, err::INVAL);
  EXPECT_EQ(f.m.free(f.pid, ~u64(0)).err, err::INVAL);
  EXPECT_EQ(f.m.realloc(f.pid, 12345, 10).err, err::INVAL);
  EXPECT_EQ(f.m.sbrk(f.pid, INT64_MIN).err, err::NOMEM);
  EXPECT_EQ(f.m.sbrk(f.pid, INT64_MAX).err, err::NOMEM);
  EXPECT_EQ(f.m.brk(f.pid, ~u64(0)).err, err::NOMEM);
  EXPECT_EQ(f.m.setrlimit_memlock(f.pid, ~u64(0), ~u64(0)).err, 0);
  EXPECT_EQ(f.m.pressure(~u64(0)).err, err::NOMEM);
  f.m.pressure(0);
  EXPECT_INV(f.m);
}

TEST(BadArgs, TouchOfUnmappedOrProtectedMemoryIsSigsegv) {
  {
    Fixture f;
    OpResult r = f.m.touch(f.pid, 0, 1, false);  // NULL dereference
    EXPECT_EQ(r.err, err::FAULT);
    EXPECT_EQ(f.st().exit_code, 139);
    EXPECT_EQ(f.m.touch(f.pid, 0, 1, false).err, err::SRCH);
  }
  {
    Fixture f;
    u64 a = f.map(P, prot::READ);
    EXPECT_EQ(f.m.touch(f.pid, a, 1, true).err, err::FAULT);
    EXPECT_FALSE(f.st().alive);
  }
  {
    Fixture f;
    EXPECT_EQ(f.m.touch(f.pid, ~u64(0) - 5, 100, true).err, err::FAULT);
    EXPECT_INV(f.m);
  }
}

TEST(BadArgs, TinyAndHugeMachines) {
  MachineConfig c;
  c.ram_bytes = 0;
  c.swap_bytes = ~u64(0);
  c.check_invariants = true;
  Machine m(c);
  int pid = m.spawn(ImageSpec{}, nullptr);
  m.touch(pid, 0x555555554000ull, 1, false);
  EXPECT_EQ(m.check(), "");
  ImageSpec huge;
  huge.text_bytes = ~u64(0);
  huge.bss_bytes = ~u64(0);
  Machine m2(cfg());
  int p2 = m2.spawn(huge, nullptr);
  EXPECT_GT(p2, 0);
  EXPECT_EQ(m2.check(), "");
}

}  // namespace pp::test
