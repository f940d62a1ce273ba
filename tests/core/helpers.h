// Shared helpers for the core tests: a small machine with invariants on, and lookups.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "core/machine.h"

namespace pp::test {

constexpr u64 KiB = 1024, MiB = 1024 * 1024;
constexpr u64 P = kPageSize;
constexpr int RW = prot::READ | prot::WRITE;
constexpr int ANON = mapf::PRIVATE | mapf::ANONYMOUS;

inline MachineConfig cfg(u64 ram = 256 * MiB, u64 swap = 64 * MiB, OsKind os = OsKind::Linux) {
  MachineConfig c;
  c.ram_bytes = ram;
  c.swap_bytes = swap;
  c.os = os;
  c.check_invariants = true;
  return c;
}

struct Fixture {
  Machine m;
  int pid = 0;
  ImageLayout lay;
  explicit Fixture(MachineConfig c = cfg(), ImageSpec img = {}) : m(c) { pid = m.spawn(img, &lay); }
  ProcStatus st() const { return m.status(pid); }
  // smaps entry containing addr (empty entry if none).
  SmapsEntry vma(u64 addr) const {
    for (auto& e : m.smaps(pid))
      if (e.start <= addr && addr < e.end) return e;
    return {};
  }
  u64 map(u64 len, int prot = RW, int flags = ANON) {
    OpResult r = m.mmap(pid, 0, len, prot, flags, -1, 0);
    EXPECT_EQ(r.err, 0) << errno_name(r.err);
    return u64(r.ret);
  }
  std::size_t nvmas() const { return m.vmas(pid).size(); }
};

#define EXPECT_INV(m) EXPECT_EQ((m).check(), "")

}  // namespace pp::test
