// pinpages interpreter — an ordered map address → size for a process's malloc/mmap
// blocks, shared copy-on-write between the running VM and the history's checkpoints.
//
// The entries live in sorted chunks of at most kChunk entries; the map holds a shared
// list of shared chunks. Copying a map copies one pointer; the first write after a copy
// copies the list (one pointer per chunk) and the one chunk it changes. A program that
// holds 100,000 blocks and mallocs one more between two checkpoints makes the
// checkpoint cost about 400 pointers and one chunk, not 100,000 tree nodes.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace pp::lang {

class BlockMap {
 public:
  using u64 = std::uint64_t;
  using Entry = std::pair<u64, u64>;  // start address, bytes

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear() { list_.reset(); size_ = 0; }

  // The size of the block at `key`, or nullptr.
  const u64* find(u64 key) const {
    const Chunk* c = chunk_for(key);
    if (!c) return nullptr;
    auto it = lower(*c, key);
    return it != c->end() && it->first == key ? &it->second : nullptr;
  }
  // The entry with the greatest key <= v (the block a pointer may point into).
  bool floor(u64 v, Entry& out) const {
    const Chunk* c = chunk_for(v);
    if (!c) return false;
    auto it = std::upper_bound(c->begin(), c->end(), v, [](u64 k, const Entry& e) { return k < e.first; });
    if (it == c->begin()) return false;  // v is below the first key of the first chunk
    out = *std::prev(it);
    return true;
  }

  void set(u64 key, u64 bytes) {
    if (!list_ || list_->empty()) {
      list_ = std::make_shared<List>(1, std::make_shared<Chunk>(1, Entry{key, bytes}));
      size_ = 1;
      return;
    }
    std::size_t i = index_for(key);
    Chunk& c = own(i);
    auto it = lower(c, key);
    if (it != c.end() && it->first == key) { it->second = bytes; return; }
    c.insert(it, Entry{key, bytes});
    ++size_;
    if (c.size() > kChunk) {  // split in halves
      auto hi = std::make_shared<Chunk>(c.begin() + c.size() / 2, c.end());
      c.resize(c.size() / 2);
      list_->insert(list_->begin() + std::ptrdiff_t(i) + 1, std::move(hi));
    }
  }

  bool erase(u64 key) {
    const Chunk* cc = chunk_for(key);
    if (!cc) return false;
    auto found = lower(*cc, key);
    if (found == cc->end() || found->first != key) return false;
    std::size_t i = index_for(key);
    Chunk& c = own(i);
    c.erase(lower(c, key));
    --size_;
    if (c.empty()) list_->erase(list_->begin() + std::ptrdiff_t(i));
    return true;
  }

  // Removes every block that starts in [lo, lo + len) (munmap).
  void erase_range(u64 lo, u64 len) {
    std::vector<u64> keys;
    for_each([&](u64 k, u64) { if (k >= lo && k - lo < len) keys.push_back(k); });
    for (u64 k : keys) erase(k);
  }

  template <class F>
  void for_each(F&& f) const {
    if (!list_) return;
    for (const auto& c : *list_)
      for (const Entry& e : *c) f(e.first, e.second);
  }

 private:
  static constexpr std::size_t kChunk = 256;
  using Chunk = std::vector<Entry>;
  using List = std::vector<std::shared_ptr<Chunk>>;  // chunks never empty, in key order

  static Chunk::const_iterator lower(const Chunk& c, u64 key) {
    return std::lower_bound(c.begin(), c.end(), key, [](const Entry& e, u64 k) { return e.first < k; });
  }
  static Chunk::iterator lower(Chunk& c, u64 key) {
    return std::lower_bound(c.begin(), c.end(), key, [](const Entry& e, u64 k) { return e.first < k; });
  }
  // The last chunk whose first key is <= key (the first chunk for smaller keys).
  std::size_t index_for(u64 key) const {
    auto it = std::upper_bound(list_->begin(), list_->end(), key,
                               [](u64 k, const std::shared_ptr<Chunk>& c) { return k < c->front().first; });
    return it == list_->begin() ? 0 : std::size_t(it - list_->begin()) - 1;
  }
  const Chunk* chunk_for(u64 key) const {
    if (!list_ || list_->empty()) return nullptr;
    return (*list_)[index_for(key)].get();
  }
  // Chunk i, made this map's own (the list too) before a write.
  Chunk& own(std::size_t i) {
    if (list_.use_count() > 1) list_ = std::make_shared<List>(*list_);
    auto& c = (*list_)[i];
    if (c.use_count() > 1) c = std::make_shared<Chunk>(*c);
    return *c;
  }

  std::shared_ptr<List> list_;
  std::size_t size_ = 0;
};

}  // namespace pp::lang
