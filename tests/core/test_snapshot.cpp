// Value semantics: a copy is an independent snapshot, and it is cheap.
#include "helpers.h"

namespace pp::test {

TEST(Snapshot, CopyIsIndependent) {
  Fixture f;
  u64 a = f.map(4 * P);
  Machine snap = f.m;
  f.m.touch(f.pid, a, 4 * P, true);
  f.m.mlock(f.pid, a, 4 * P);
  EXPECT_EQ(snap.status(f.pid).vm_lck_kb, 0u);
  EXPECT_EQ(snap.page(f.pid, a).state, PageState::None);
  EXPECT_EQ(f.m.page(f.pid, a).state, PageState::Frame);
  EXPECT_EQ(snap.check(), "");
  EXPECT_EQ(f.m.check(), "");
  // Mutating the snapshot does not touch the original either.
  snap.munmap(f.pid, a, 4 * P);
  EXPECT_EQ(f.m.page(f.pid, a).state, PageState::Frame);
}

TEST(Snapshot, TutorialScaleStateIsSmallAndHistorySharesChunks) {
  MachineConfig c = cfg(1024 * MiB, 512 * MiB);
  c.check_invariants = false;
  Machine m(c);
  int pid = m.spawn(ImageSpec{}, nullptr);
  m.malloc(pid, 1024);
  std::vector<Machine> hist;
  for (int i = 0; i < 500; ++i) {
    m.malloc(pid, 1024144);
    hist.push_back(m);
  }
  m.mlockall(pid, mcl::CURRENT | mcl::FUTURE);
  hist.push_back(m);
  EXPECT_LE(m.deep_bytes(), 2u * 1000 * 1000);
  std::vector<const void*> seen;
  std::size_t bytes = 0;
  for (const Machine& h : hist) h.collect_chunks(seen, bytes);
  EXPECT_LE(bytes, 64u * 1000 * 1000);
  EXPECT_EQ(m.check(), "");
}

// A step's snapshot holds what the step changed: a process holding thousands of heap
// chunks, mmapped chunks and page-table leaves pays about the same for one malloc(16)
// as a fresh process (chunks of the lists are shared with the snapshot before).
TEST(Snapshot, ASmallStepCostsTheSameHoweverMuchTheProcessHolds) {
  MachineConfig c = cfg(4096 * MiB, 1024 * MiB);
  c.check_invariants = false;
  auto step_cost = [&](int heap, int mapped, u64 touched) {
    Machine m(c);
    int pid = m.spawn(ImageSpec{}, nullptr);
    for (int i = 0; i < heap; ++i) m.malloc(pid, 16);
    for (int i = 0; i < mapped; ++i) m.malloc(pid, 256 * 1024);
    if (touched) m.touch(pid, u64(m.malloc(pid, touched).ret), touched, true);
    std::size_t most = 0;
    for (int i = 0; i < 20; ++i) {
      Machine before = m;
      m.malloc(pid, 16);
      most = std::max(most, m.bytes_beyond(before));
    }
    EXPECT_EQ(m.check(), "");
    return most;
  };
  std::size_t fresh = step_cost(0, 0, 0);
  // A leaf (2 KiB), a chunk of frame refcounts (8 KiB), the lists of chunks.
  EXPECT_LE(fresh, 24u * 1024);
  EXPECT_LE(step_cost(20000, 0, 0), fresh + 8 * 1024);
  EXPECT_LE(step_cost(0, 3000, 0), fresh + 8 * 1024);
  EXPECT_LE(step_cost(0, 0, 1024 * MiB), fresh + 8 * 1024);
}

}  // namespace pp::test
