// used_frames() / used_swap(): the physical-memory window's report, checked against an
// account built here from what every process maps (vmas + page_range, page by page) and
// from the machine's free counters, never from the report itself.
#include <map>
#include <set>

#include "helpers.h"

namespace pp::test {
namespace {

struct Expected {
  std::map<std::uint32_t, FrameOwner> frames, slots;  // entries some mapping reaches
  std::map<std::uint32_t, unsigned> frame_ptes, slot_ptes;
  std::set<std::uint32_t> cached;  // page-cache frames some file mapping covers
};

// Walks every page of every VMA of every process, in creation order (the first mapper
// found names the owner). `superlocked`: processes whose every mapping is locked.
Expected walk(const Machine& m, const std::set<int>& superlocked = {}) {
  Expected x;
  for (int pid : m.pids()) {
    const std::vector<Vma> vmas = m.vmas(pid);
    for (const Vma& v : vmas) {
      std::vector<PageInfo> pages(v.pages());
      m.page_range(pid, v.start, v.pages(), pages.data());
      bool locked = v.locked || superlocked.count(pid);
      for (u64 k = 0; k < pages.size(); ++k) {
        const PageInfo& pi = pages[k];
        u64 va = v.start + k * P;
        if (pi.state == PageState::Frame || pi.state == PageState::Swap) {
          bool frame = pi.state == PageState::Frame;
          FrameOwner& o = (frame ? x.frames : x.slots)[pi.index];
          ++(frame ? x.frame_ptes : x.slot_ptes)[pi.index];
          if (o.pid == 0) { o.pid = pid; o.vaddr = va; }
          if (frame && locked) o.locked = true;
        }
        if (pi.cache_frame >= 0) {
          auto cf = static_cast<std::uint32_t>(pi.cache_frame);
          x.cached.insert(cf);
          x.frames[cf].file = true;
          if (locked && !v.onfault) x.frames[cf].locked = true;
        }
      }
    }
  }
  return x;
}

std::string show(std::uint32_t i, const FrameOwner& o) {
  return "#" + std::to_string(i) + " pid " + std::to_string(o.pid) + " va " + std::to_string(o.vaddr) +
         " refs " + std::to_string(o.refs) + (o.locked ? " locked" : "") + (o.file ? " file" : "");
}

void expect_sorted_used(const std::vector<UsedFrame>& v, std::uint32_t n) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    EXPECT_LT(v[i].index, n);
    EXPECT_GT(v[i].owner.refs, 0u) << show(v[i].index, v[i].owner);
    if (i) EXPECT_LT(v[i - 1].index, v[i].index);
  }
}

// The whole comparison: every used entry is listed once, mapped ones as the walk saw
// them, the rest are unmapped page cache (refs 1) or the hog's (pid -1, refs 1).
void expect_matches(const Machine& m, const std::set<int>& superlocked = {}) {
  ASSERT_EQ(m.check(), "");
  Expected x = walk(m, superlocked);
  auto used = m.used_frames();
  expect_sorted_used(used, m.frame_count());
  EXPECT_EQ(used.size(), m.frame_count() - m.frames_free());
  std::size_t seen = 0, hog = 0;
  for (const UsedFrame& u : used) {
    const FrameOwner& o = u.owner;
    auto it = x.frames.find(u.index);
    if (it == x.frames.end()) {
      EXPECT_FALSE(o.locked) << show(u.index, o);
      EXPECT_EQ(o.refs, 1u) << show(u.index, o);
      if (o.pid == -1) { ++hog; EXPECT_FALSE(o.file) << show(u.index, o); }
      else EXPECT_TRUE(o.pid == 0 && o.file) << show(u.index, o);
      continue;
    }
    ++seen;
    const FrameOwner& e = it->second;
    EXPECT_EQ(o.pid, e.pid) << show(u.index, o);
    EXPECT_EQ(o.vaddr, e.vaddr) << show(u.index, o);
    EXPECT_EQ(o.locked, e.locked) << show(u.index, o);
    EXPECT_EQ(o.file, e.file) << show(u.index, o);
    EXPECT_EQ(o.refs, x.frame_ptes[u.index] + x.cached.count(u.index)) << show(u.index, o);
  }
  EXPECT_EQ(seen, x.frames.size());
  EXPECT_EQ(hog, m.pressure_bytes() / P);

  auto slots = m.used_swap();
  expect_sorted_used(slots, m.swap_slots());
  EXPECT_EQ(slots.size(), m.swap_slots() - m.swap_free());
  ASSERT_EQ(slots.size(), x.slots.size());
  for (const UsedFrame& u : slots) {
    auto it = x.slots.find(u.index);
    ASSERT_NE(it, x.slots.end()) << show(u.index, u.owner);
    EXPECT_EQ(u.owner.pid, it->second.pid);
    EXPECT_EQ(u.owner.vaddr, it->second.vaddr);
    EXPECT_EQ(u.owner.refs, x.slot_ptes[u.index]);
    EXPECT_FALSE(u.owner.locked || u.owner.file);
  }
}

int fork_of(Machine& m, int pid) {
  OpResult r = m.fork(pid);
  EXPECT_GT(r.ret, 0) << errno_name(r.err);
  return int(r.ret);
}

}  // namespace

TEST(UsedFrames, ForkCowAndFileMappingsLockedAndNot) {
  Fixture f;
  u64 a = f.map(8 * P);
  ASSERT_EQ(f.m.touch(f.pid, a, 8 * P, true).err, 0);
  int fd = int(f.m.open(f.pid, "/data/shared.bin", 8 * P).ret);
  u64 sh = u64(f.m.mmap(f.pid, 0, 8 * P, RW, mapf::SHARED, fd, 0).ret);
  u64 pv = u64(f.m.mmap(f.pid, 0, 8 * P, RW, mapf::PRIVATE, fd, 0).ret);
  f.m.touch(f.pid, sh, 4 * P, true);
  f.m.touch(f.pid, pv, 6 * P, false);
  f.m.touch(f.pid, pv, 2 * P, true);  // private copies of two cached pages
  expect_matches(f.m);
  int child = fork_of(f.m, f.pid);
  f.m.touch(child, a, 3 * P, true);    // COW: the child gets three copies
  ASSERT_EQ(f.m.mlock(f.pid, a + 4 * P, 2 * P).err, 0);
  ASSERT_EQ(f.m.mlock(child, sh, 8 * P).err, 0);  // locks cached pages it never touched
  expect_matches(f.m);
  ASSERT_EQ(f.m.exit(child, 0).err, 0);
  expect_matches(f.m);
}

TEST(UsedFrames, SwapInUseAndTheHog) {
  Fixture f(cfg(16 * MiB, 64 * MiB));
  u64 a = f.map(24 * MiB);
  f.m.touch(f.pid, a, 24 * MiB, true);  // more than RAM: part of it is in swap
  int child = fork_of(f.m, f.pid);      // swap slots shared by two PTEs
  f.m.touch(child, a, 64 * P, true);
  ASSERT_GT(f.m.swap_slots() - f.m.swap_free(), 0u);
  expect_matches(f.m);
  f.m.pressure(4 * MiB);
  ASSERT_GT(f.m.pressure_bytes(), 0u);
  expect_matches(f.m);
}

TEST(UsedFrames, QnxSuperlockedProcess) {
  MachineConfig c = cfg(64 * MiB, 0, OsKind::Qnx);
  Fixture f(c);
  u64 a = f.map(8 * P);
  int fd = int(f.m.open(f.pid, "/data/q.bin", 4 * P).ret);
  f.m.mmap(f.pid, 0, 4 * P, RW, mapf::SHARED, fd, 0);
  int other = fork_of(f.m, f.pid);
  ASSERT_EQ(f.m.thread_ctl_io(f.pid).err, 0);
  f.m.touch(f.pid, a, 2 * P, true);
  expect_matches(f.m, {f.pid});
  auto used = f.m.used_frames();
  bool some_locked = false, some_not = false;
  for (const UsedFrame& u : used) {
    if (u.owner.pid == f.pid) some_locked |= u.owner.locked;
    if (u.owner.pid == other) some_not |= !u.owner.locked;
  }
  EXPECT_TRUE(some_locked);
  EXPECT_TRUE(some_not);
}

// A 24 GiB machine running what a 1 GiB one runs reports the same few used frames: the
// list follows what is used, not what RAM holds.
TEST(UsedFrames, SameProgramOn24GiBListsWhatIsUsedOnly) {
  auto run = [](u64 ram) {
    Machine m(cfg(ram, 64 * MiB));
    int pid = m.spawn({}, nullptr);
    u64 a = u64(m.mmap(pid, 0, 64 * P, RW, ANON, -1, 0).ret);
    m.touch(pid, a, 64 * P, true);
    m.mlock(pid, a, 16 * P);
    fork_of(m, pid);
    return m;
  };
  Machine small = run(1024 * MiB), big = run(24576 * MiB);
  expect_matches(big);
  auto s = small.used_frames(), b = big.used_frames();
  EXPECT_EQ(b.size(), big.frame_count() - big.frames_free());
  EXPECT_LT(b.size(), 1000u);
  ASSERT_EQ(s.size(), b.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    EXPECT_EQ(s[i].owner.pid, b[i].owner.pid);
    EXPECT_EQ(s[i].owner.vaddr, b[i].owner.vaddr);
    EXPECT_EQ(s[i].owner.refs, b[i].owner.refs);
    EXPECT_EQ(s[i].owner.locked, b[i].owner.locked);
    EXPECT_EQ(s[i].owner.file, b[i].owner.file);
  }
}

}  // namespace pp::test
