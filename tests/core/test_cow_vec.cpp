// CowVec: every operation agrees with a std::vector doing the same, every copy taken on
// the way keeps its contents whatever the original does next, and a write after a copy
// costs a chunk, not the whole vector.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "core/cow_vec.h"

namespace {

using V = pp::CowVec<int, 8>;  // small chunks: many splits, merges and empty chunks

std::vector<int> flat(const V& v) { return std::vector<int>(v.begin(), v.end()); }

TEST(CowVec, AgreesWithAVectorAndCopiesStayAsTheyWere) {
  std::mt19937 rng(7);
  V v;
  std::vector<int> ref;
  std::vector<std::pair<V, std::vector<int>>> snaps;
  for (int op = 0; op < 20000; ++op) {
    int what = int(rng() % 10);
    if (what < 5 || ref.empty()) {
      std::size_t i = rng() % (ref.size() + 1);
      int x = int(rng() % 1000);
      v.insert(i, x);
      ref.insert(ref.begin() + std::ptrdiff_t(i), x);
    } else if (what < 8) {
      std::size_t i = rng() % ref.size();
      v.erase(i);
      ref.erase(ref.begin() + std::ptrdiff_t(i));
    } else if (what < 9) {
      std::size_t i = rng() % ref.size();
      v.mut(i) += 1;
      ref[i] += 1;
    } else {
      int cut = int(rng() % 1000);
      v.remove_if([&](int x) { return x == cut; });
      std::erase(ref, cut);
    }
    ASSERT_EQ(v.size(), ref.size());
    if (op % 97 == 0) {
      ASSERT_EQ(flat(v), ref) << "op " << op;
      for (std::size_t i = 0; i < ref.size(); i += 7) ASSERT_EQ(v[i], ref[i]);
      snaps.emplace_back(v, ref);
    }
  }
  for (const auto& [s, want] : snaps) EXPECT_EQ(flat(s), want);
}

TEST(CowVec, LowerBoundFindsTheFirstNotLess) {
  V v;
  std::vector<int> ref;
  for (int x = 0; x < 500; x += 3) {
    v.push_back(x);
    ref.push_back(x);
  }
  auto less = [](int a, int k) { return a < k; };
  for (int k = -1; k < 505; ++k)
    EXPECT_EQ(v.lower_bound(k, less), std::size_t(std::lower_bound(ref.begin(), ref.end(), k) - ref.begin())) << k;
}

TEST(CowVec, AWriteAfterACopyCostsOneChunkAndTheList) {
  pp::CowVec<long, 64> v;
  for (long i = 0; i < 100000; ++i) v.push_back(i);
  pp::CowVec<long, 64> snap = v;
  EXPECT_EQ(v.bytes_beyond(snap), 0u);
  v.insert(50000, -1);
  // The list (a pointer and an index per chunk) and at most two chunks of 64 elements
  // (the written one split in halves).
  std::size_t list = v.chunks() * (16 + sizeof(std::size_t)) + 64;
  EXPECT_LE(v.bytes_beyond(snap), list + 2 * (64 * sizeof(long) + 64));
  EXPECT_LT(v.bytes_beyond(snap), 100000 * sizeof(long) / 10);  // appending left full chunks
  EXPECT_EQ(snap[50000], 50000);
  EXPECT_EQ(v[50000], -1);
  EXPECT_EQ(v[50001], 50000);
}

}  // namespace
