// pinpages core (internal) — copy-on-write chunked tables: the reason snapshots are cheap.
//
//   Machine copy A ──┐                  Machine copy B (after one write)
//                    ▼                                 ▼
//   chunks: [c0][c1][c2][c3]            chunks: [c0][c1'][c2][c3]
//            │   │   │   │                       │   │    │   │
//            ▼   ▼   ▼   ▼                       ▼   ▼    ▼   ▼   c1' is a private copy;
//          shared_ptr'd fixed-size arrays, shared by both copies   c0,c2,c3 still shared
//
// A chunk is cloned the first time it is written while shared (use_count() > 1), so
// writing one PTE of a 125,000-page process copies 2 KiB, not the whole table.
// Single-threaded by design (the WebAssembly build has no threads).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "core/cow_vec.h"
#include "core/os.h"

namespace pp::detail {

// A flat array of T split into chunks of N, each shared copy-on-write. The chunk
// pointers sit in groups of 64, shared the same way: a snapshot of a 24 GiB machine's
// frame table copies 24 group pointers, not 1,536 chunk pointers, so what a step costs
// does not grow with RAM.
template <class T, unsigned N>
struct CowArray {
  using Chunk = std::array<T, N>;
  static constexpr unsigned kGroup = 64;
  using Group = std::array<std::shared_ptr<Chunk>, kGroup>;
  std::vector<std::shared_ptr<Group>> groups;
  std::size_t size = 0;

  void resize(std::size_t n) {
    size = n;
    nchunks_ = (n + N - 1) / N;
    if (nchunks_ == 0) { groups.clear(); return; }
    // All fresh chunks share one zeroed array until first written: a 10 GiB machine
    // costs nothing until its frames are used.
    auto zero = std::make_shared<Chunk>();
    zero->fill(T{});
    auto g = std::make_shared<Group>();
    g->fill(zero);
    groups.assign((nchunks_ + kGroup - 1) / kGroup, g);
  }
  T get(std::size_t i) const { return chunk(i / N)[i % N]; }
  T* chunk_mut(std::size_t ci) {
    auto& g = groups[ci / kGroup];
    if (g.use_count() > 1) g = std::make_shared<Group>(*g);
    auto& p = (*g)[ci % kGroup];
    if (p.use_count() > 1) p = std::make_shared<Chunk>(*p);
    return p->data();
  }
  const T* chunk(std::size_t ci) const { return (*groups[ci / kGroup])[ci % kGroup]->data(); }
  T& at(std::size_t i) { return chunk_mut(i / N)[i % N]; }
  std::size_t nchunks() const { return nchunks_; }

  // ---- history accounting
  // f(identity, bytes) for the groups and every chunk (counted once across snapshots).
  template <class F>
  void each_block(F&& f) const {
    for (const auto& g : groups) {
      f(static_cast<const void*>(g.get()), sizeof(Group));
      for (const auto& c : *g) f(static_cast<const void*>(c.get()), sizeof(Chunk));
    }
  }
  // Bytes of groups and chunks this array holds that `prev` does not share.
  std::size_t bytes_beyond(const CowArray& prev) const {
    std::size_t b = groups.size() * 16;
    for (std::size_t gi = 0; gi < groups.size(); ++gi) {
      const Group* o = gi < prev.groups.size() ? prev.groups[gi].get() : nullptr;
      if (o == groups[gi].get()) continue;
      b += sizeof(Group);
      for (unsigned k = 0; k < kGroup; ++k)
        if (!o || (*o)[k] != (*groups[gi])[k]) b += sizeof(Chunk);
    }
    return b;
  }

 private:
  std::size_t nchunks_ = 0;
};

// ---- page-table entries: 32 bits each ------------------------------------------------
//
//   31                          8 7    6   5   4   3   2   1 0
//   ┌─────────────────────────────┬────┬───┬───┬───┬───┬───┬───┐
//   │ frame or swap slot (24 bit) │FILE│COW│ A │ D │ W │ P │st │
//   └─────────────────────────────┴────┴───┴───┴───┴───┴───┴───┘
//   st: 0 none, 1 zero page, 2 frame, 3 swap slot.  P: present (QNX may hold a
//   reserved frame without a present PTE).  FILE: the frame is a page-cache page.
namespace pte {
enum : std::uint32_t {
  kNone = 0, kZero = 1, kFrame = 2, kSwap = 3, kStateMask = 3,
  P = 1u << 2, W = 1u << 3, D = 1u << 4, A = 1u << 5, COW = 1u << 6, FILE = 1u << 7,
};
constexpr std::uint32_t kIdxShift = 8;
constexpr std::uint32_t kMaxIdx = (1u << 24) - 1;
inline std::uint32_t st(std::uint32_t e) { return e & kStateMask; }
inline std::uint32_t idx(std::uint32_t e) { return e >> kIdxShift; }
inline std::uint32_t make(std::uint32_t state, std::uint32_t index, std::uint32_t flags) {
  return state | flags | (index << kIdxShift);
}
}  // namespace pte

constexpr unsigned kLeafBits = 9;
constexpr unsigned kLeafPages = 1u << kLeafBits;  // 512 PTEs = 2 MiB of address space
// What a leaf's entries hold, by kind: the per-process counters /proc/PID/status reports.
struct LeafSum {
  u64 anon = 0, file = 0, swap = 0;  // resident anonymous / page-cache frames, swap slots
  void add(const LeafSum& o) { anon += o.anon; file += o.file; swap += o.swap; }
  void sub(const LeafSum& o) { anon -= o.anon; file -= o.file; swap -= o.swap; }
};
struct Leaf {
  std::uint32_t e[kLeafPages] = {};
  // Valid while the leaf is clean in every page table holding it (PageTable::totals).
  mutable LeafSum sum;
  LeafSum count() const {
    LeafSum c;
    for (std::uint32_t v : e) {
      if (pte::st(v) == pte::kFrame) ++((v & pte::FILE) ? c.file : c.anon);
      else if (pte::st(v) == pte::kSwap) ++c.swap;
    }
    return c;
  }
};

// A radix page table flattened to its last level: sorted (leaf number, leaf) pairs.
// Leaf number = vaddr >> 21.
//
// It also keeps the process's resident/swap totals so that a report per step costs what
// the step changed, not what the process maps: `clean_` sums the leaves not written
// since the last totals(), `dirty_` names those written (every write goes through
// mut()), and totals() recounts only those. Leaves are shared between snapshots; a
// leaf's `sum` is a pure function of its entries, so recounting a shared one is safe.
struct PageTable {
  // Leaves in key order, shared copy-on-write in chunks of 64: a snapshot of a process
  // mapping 1 TiB shares every chunk its step did not touch, so a step costs one chunk
  // and the chunk list, not a copy of every leaf pointer.
  using Entry = std::pair<u64, std::shared_ptr<Leaf>>;
  CowVec<Entry, 64> leaves;

  std::size_t lower(u64 key) const {
    return leaves.lower_bound(key, [](const Entry& a, u64 k) { return a.first < k; });
  }
  const Leaf* find(u64 key) const {
    std::size_t i = lower(key);
    if (i >= leaves.size()) return nullptr;
    const Entry& e = leaves[i];
    return e.first == key ? e.second.get() : nullptr;
  }
  // Writable leaf, cloned if shared with a snapshot; created (empty) if `create`.
  Leaf* mut(u64 key, bool create) {
    std::size_t i = lower(key);
    if (i < leaves.size() && leaves[i].first == key) {
      auto& p = leaves.mut(i).second;
      if (mark_dirty(key)) clean_.sub(p->sum);
      if (p.use_count() > 1) p = std::make_shared<Leaf>(*p);
      return p.get();
    }
    if (!create) return nullptr;
    mark_dirty(key);
    auto leaf = std::make_shared<Leaf>();
    Leaf* out = leaf.get();
    leaves.insert(i, {key, std::move(leaf)});
    return out;
  }
  // Appends a leaf above every other one (fork builds the child's table in order).
  void append(u64 key, std::shared_ptr<Leaf> leaf) {
    mark_dirty(key);
    leaves.push_back({key, std::move(leaf)});
  }
  void clear() { leaves.clear(); dirty_.clear(); clean_ = {}; }
  std::uint32_t get(u64 vpn) const {
    const Leaf* l = find(vpn >> kLeafBits);
    return l ? l->e[vpn & (kLeafPages - 1)] : 0;
  }
  // Resident anonymous / file frames and swap slots of the whole table.
  LeafSum totals() const {
    for (u64 key : dirty_) {
      std::size_t i = lower(key);
      if (i == leaves.size() || leaves[i].first != key) continue;  // pruned since
      const Leaf& l = *leaves[i].second;
      l.sum = l.count();
      clean_.add(l.sum);
    }
    dirty_.clear();
    return clean_;
  }
  // Drops leaves that hold no entry at all (after munmap/exit) so snapshots stay small.
  // An empty clean leaf adds nothing to the totals, so none need changing.
  void prune() {
    leaves.remove_if([](const Entry& p) {
      for (std::uint32_t v : p.second->e)
        if (v) return false;
      return true;
    });
  }

 private:
  // Adds key to the written set; true when it was clean (its sum is in clean_).
  bool mark_dirty(u64 key) {
    if (!dirty_.empty() && dirty_.back() == key) return false;
    auto it = std::lower_bound(dirty_.begin(), dirty_.end(), key);
    if (it != dirty_.end() && *it == key) return false;
    dirty_.insert(it, key);
    return true;
  }
  mutable LeafSum clean_;
  mutable std::vector<u64> dirty_;  // sorted
};

}  // namespace pp::detail
