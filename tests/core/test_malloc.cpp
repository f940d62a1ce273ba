// SEMANTICS "glibc malloc".
#include "helpers.h"

namespace pp::test {

namespace {
SmapsEntry heap(const Fixture& f) {
  for (auto& e : f.m.smaps(f.pid))
    if (e.name == "[heap]") return e;
  return {};
}
}  // namespace

TEST(Malloc, FirstMallocCreatesA132KiBHeap) {
  Fixture f;
  EXPECT_EQ(heap(f).size_kb, 0u);
  OpResult r = f.m.malloc(f.pid, 1);
  ASSERT_EQ(r.err, 0);
  SmapsEntry h = heap(f);
  EXPECT_EQ(h.size_kb, 132u);
  EXPECT_EQ(u64(r.ret), h.start + 0x2a0);  // after glibc 2.36's tcache block
  OpResult r2 = f.m.malloc(f.pid, 1);
  EXPECT_EQ(u64(r2.ret), h.start + 0x2c0);  // 32-byte minimum chunk
  EXPECT_EQ(heap(f).size_kb, 132u);
}

TEST(Malloc, LargeRequestGetsItsOwnMmapOnlyHeaderPageTouched) {
  Fixture f;
  f.m.malloc(f.pid, 1);
  u64 rss0 = f.st().vm_rss_kb;
  OpResult r = f.m.malloc(f.pid, 200000);
  ASSERT_EQ(r.err, 0);
  EXPECT_EQ(u64(r.ret) & (P - 1), 16u);  // chunk header at the page start
  EXPECT_EQ(f.st().vm_rss_kb - rss0, 4u);
  EXPECT_EQ(r.minflt, 1u);
  // request2size(200000) = 200016; + 8 → 49 pages
  EXPECT_EQ(f.m.count_pages(f.pid, u64(r.ret) - 16, 49 * P).pages, 49u);
}

TEST(Malloc, TutorialRecordsMergeIntoOne502012kBVma) {
  Fixture f(cfg(1024 * MiB, 0));
  std::vector<u64> p;
  for (int i = 0; i < 500; ++i) p.push_back(u64(f.m.malloc(f.pid, 1024144).ret));
  SmapsEntry e = f.vma(p[0]);
  EXPECT_EQ(e.size_kb, 502012u);  // 500 × 1004 kB + the 12 kB anonymous block it merged with
  EXPECT_EQ(f.vma(p[499]).start, e.start);
  EXPECT_EQ(e.rss_kb, 500u * 4 + 12);  // header pages only
  EXPECT_EQ(p[0] - p[1], 1028096u);    // 251 pages apart, placed top-down
}

TEST(Malloc, FreeOfAnMmapChunkUnmapsItAndRaisesTheThreshold) {
  Fixture f;
  u64 a = u64(f.m.malloc(f.pid, 1024144).ret);
  std::size_t n = f.nvmas();
  ASSERT_EQ(f.m.free(f.pid, a).err, 0);
  EXPECT_EQ(f.m.page(f.pid, a).state, PageState::None);
  EXPECT_LE(f.nvmas(), n);
  u64 b = u64(f.m.malloc(f.pid, 1024144).ret);
  SmapsEntry h = heap(f);
  EXPECT_TRUE(b >= h.start && b < h.end) << std::hex << b;  // now from the brk heap
}

TEST(Malloc, DynamicThresholdNeverExceeds32MiB) {
  Fixture f;
  u64 a = u64(f.m.malloc(f.pid, 40 * MiB).ret);
  f.m.free(f.pid, a);
  u64 b = u64(f.m.malloc(f.pid, 40 * MiB).ret);
  SmapsEntry h = heap(f);
  EXPECT_FALSE(b >= h.start && b < h.end);  // still an mmap
  EXPECT_EQ(b & (P - 1), 16u);
}

TEST(Malloc, FreeOfHeapChunksReturnsNothingBelowTheTrimThreshold) {
  Fixture f;
  std::vector<u64> v;
  for (int i = 0; i < 100; ++i) v.push_back(u64(f.m.malloc(f.pid, 1000).ret));
  u64 size = heap(f).size_kb;
  for (u64 p : v) f.m.free(f.pid, p);
  EXPECT_EQ(heap(f).size_kb, size);
  EXPECT_INV(f.m);
}

TEST(Malloc, CallocOfFreshMmapMemoryTouchesOnlyTheHeader) {
  Fixture f;
  f.m.malloc(f.pid, 1);
  u64 rss0 = f.st().vm_rss_kb;
  OpResult r = f.m.calloc(f.pid, 1000, 1000);
  ASSERT_EQ(r.err, 0);
  EXPECT_EQ(f.st().vm_rss_kb - rss0, 4u);
  EXPECT_EQ(f.m.calloc(f.pid, ~u64(0) / 2, 4).err, err::NOMEM);  // n*size overflows
}

TEST(Malloc, ReallocGrowsShrinksMovesAndFrees) {
  Fixture f;
  u64 a = u64(f.m.malloc(f.pid, 100).ret);
  EXPECT_EQ(u64(f.m.realloc(f.pid, a, 50).ret), a);    // shrink in place
  u64 b = u64(f.m.realloc(f.pid, a, 4000).ret);        // top chunk: grows in place
  EXPECT_EQ(b, a);
  u64 c = u64(f.m.malloc(f.pid, 16).ret);
  u64 d = u64(f.m.realloc(f.pid, b, 8000).ret);        // blocked by c: moves
  EXPECT_NE(d, b);
  EXPECT_NE(d, 0u);
  EXPECT_EQ(f.m.realloc(f.pid, 0, 10).err, 0);         // = malloc
  OpResult z = f.m.realloc(f.pid, c, 0);               // = free
  EXPECT_EQ(z.ret, 0);
  EXPECT_EQ(f.m.free(f.pid, c).err, err::INVAL);       // double free detected
  EXPECT_INV(f.m);
}

TEST(Malloc, SbrkAndBrk) {
  Fixture f;
  OpResult r0 = f.m.sbrk(f.pid, 0);
  u64 b0 = u64(r0.ret);
  EXPECT_EQ(u64(f.m.sbrk(f.pid, 8192).ret), b0);
  EXPECT_EQ(u64(f.m.sbrk(f.pid, 0).ret), b0 + 8192);
  EXPECT_EQ(heap(f).size_kb, 8u);
  EXPECT_EQ(f.m.sbrk(f.pid, -16384).err, err::NOMEM);  // below the start
  EXPECT_EQ(f.m.sbrk(f.pid, -8192).err, 0);
  EXPECT_EQ(heap(f).size_kb, 0u);
  EXPECT_EQ(f.m.brk(f.pid, b0 + 3 * P).err, 0);
  EXPECT_EQ(heap(f).size_kb, 12u);
  EXPECT_EQ(f.m.brk(f.pid, 0x7ffff0000000ull).err, err::NOMEM);  // into the mmap area
}

TEST(Malloc, MallocUnderFutureGrowsTheLockedHeap) {
  Fixture f;
  f.m.malloc(f.pid, 1);
  f.m.mlockall(f.pid, mcl::CURRENT | mcl::FUTURE);
  u64 lck0 = f.st().vm_lck_kb;
  f.m.malloc(f.pid, 100000);  // < threshold: from the heap's top chunk
  OpResult r = f.m.malloc(f.pid, 100000);  // the top is too small now: brk grows
  ASSERT_EQ(r.err, 0);
  SmapsEntry h = heap(f);
  EXPECT_TRUE(h.locked);
  EXPECT_EQ(h.rss_kb, h.size_kb);
  EXPECT_GT(f.st().vm_lck_kb, lck0);
  EXPECT_INV(f.m);
}

}  // namespace pp::test
