// pinpages core — a vector shared copy-on-write in chunks: a snapshot copies one pointer,
// and the first write after it copies the chunk list and the one chunk it changes.
//
//   CowVec A ──► list [c0 c1 c2 c3] (+ first index of each)      after A.insert(i, x):
//   CowVec B ──┘        │  │  │  │                                A ──► list' [c0 c1' c2 c3]
//                       ▼  ▼  ▼  ▼                                B ──► list  [c0 c1  c2 c3]
//              chunks of at most N elements, each shared           only c1' is new
//
// For tables a process holds for good and a step changes a little of: page-table leaves,
// glibc's chunk lists. A step that mallocs 16 bytes in a process holding 100,000 chunks
// costs a list of ~1,600 pointers and one chunk of history, not 100,000 elements.
// Indices are positions in the whole sequence; the list keeps each chunk's first index,
// so operator[] is a binary search over chunks. Single-threaded, like the model.
#pragma once

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <memory>
#include <utility>
#include <vector>

namespace pp {

template <class T, unsigned N = 64>
class CowVec {
  using Chunk = std::vector<T>;
  struct List {
    std::vector<std::shared_ptr<Chunk>> c;  // never empty chunks
    std::vector<std::size_t> first;         // index of each chunk's first element
  };

 public:
  using value_type = T;
  static constexpr unsigned kChunk = N;

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear() { list_.reset(); size_ = 0; }

  const T& operator[](std::size_t i) const {
    auto [ci, off] = locate(i);
    return (*list_->c[ci])[off];
  }
  const T& front() const { return (*list_->c.front())[0]; }
  const T& back() const { return list_->c.back()->back(); }
  // Element i, writable: its chunk (and the list) become this vector's own first.
  T& mut(std::size_t i) {
    auto [ci, off] = locate(i);
    return own(ci)[off];
  }

  void insert(std::size_t i, T v) {
    if (!list_ || list_->c.empty()) {
      list_ = std::make_shared<List>();
      list_->c.push_back(std::make_shared<Chunk>(1, std::move(v)));
      list_->first.push_back(0);
      size_ = 1;
      return;
    }
    std::size_t ci, off;
    if (i >= size_) {
      ci = list_->c.size() - 1;
      off = list_->c[ci]->size();
    } else {
      std::tie(ci, off) = locate(i);
    }
    Chunk& c = own(ci);
    c.insert(c.begin() + std::ptrdiff_t(off), std::move(v));
    ++size_;
    for (std::size_t k = ci + 1; k < list_->first.size(); ++k) ++list_->first[k];
    if (c.size() > N) {
      // Split in halves, except at either end of the whole vector: appending (and
      // mmap's top-down inserts at the front) then leave full chunks behind.
      std::size_t half = c.size() / 2;
      if (ci + 1 == list_->c.size() && off + 1 == c.size()) half = c.size() - 1;
      if (ci == 0 && off == 0) half = 1;
      auto hi = std::make_shared<Chunk>(std::make_move_iterator(c.begin() + std::ptrdiff_t(half)),
                                        std::make_move_iterator(c.end()));
      c.resize(half);
      list_->c.insert(list_->c.begin() + std::ptrdiff_t(ci) + 1, std::move(hi));
      list_->first.insert(list_->first.begin() + std::ptrdiff_t(ci) + 1, list_->first[ci] + half);
    }
  }
  void push_back(T v) { insert(size_, std::move(v)); }

  void erase(std::size_t i) {
    auto [ci, off] = locate(i);
    Chunk& c = own(ci);
    c.erase(c.begin() + std::ptrdiff_t(off));
    --size_;
    for (std::size_t k = ci + 1; k < list_->first.size(); ++k) --list_->first[k];
    if (c.empty()) {
      list_->c.erase(list_->c.begin() + std::ptrdiff_t(ci));
      list_->first.erase(list_->first.begin() + std::ptrdiff_t(ci));
    } else if (ci + 1 < list_->c.size() && c.size() + list_->c[ci + 1]->size() <= N / 2) {
      // Two small neighbours become one, so erasing keeps the list short.
      const Chunk& next = *list_->c[ci + 1];
      c.insert(c.end(), next.begin(), next.end());
      list_->c.erase(list_->c.begin() + std::ptrdiff_t(ci) + 1);
      list_->first.erase(list_->first.begin() + std::ptrdiff_t(ci) + 1);
    }
  }

  // First index whose element is not less than key: less(element, key).
  template <class K, class Less>
  std::size_t lower_bound(const K& key, Less less) const {
    if (!list_) return 0;
    const auto& c = list_->c;
    // The first chunk whose last element is not less than key holds the answer.
    auto it = std::partition_point(c.begin(), c.end(), [&](const std::shared_ptr<Chunk>& ch) { return less(ch->back(), key); });
    if (it == c.end()) return size_;
    std::size_t ci = std::size_t(it - c.begin());
    auto in = std::partition_point((*it)->begin(), (*it)->end(), [&](const T& e) { return less(e, key); });
    return list_->first[ci] + std::size_t(in - (*it)->begin());
  }

  // Removes every element pred(element) holds for; untouched chunks stay shared.
  template <class Pred>
  void remove_if(Pred pred) {
    if (!list_) return;
    auto fresh = std::make_shared<List>();
    std::size_t n = 0;
    for (const auto& ch : list_->c) {
      if (std::none_of(ch->begin(), ch->end(), pred)) {
        fresh->c.push_back(ch);
      } else {
        auto kept = std::make_shared<Chunk>();
        for (const T& e : *ch)
          if (!pred(e)) kept->push_back(e);
        if (kept->empty()) continue;
        fresh->c.push_back(std::move(kept));
      }
      fresh->first.push_back(n);
      n += fresh->c.back()->size();
    }
    list_ = std::move(fresh);
    size_ = n;
  }

  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = const T*;
    using reference = const T&;
    const_iterator() = default;
    const_iterator(const List* l, std::size_t ci, std::size_t off) : l_(l), ci_(ci), off_(off) {}
    const T& operator*() const { return (*l_->c[ci_])[off_]; }
    const T* operator->() const { return &**this; }
    const_iterator& operator++() {
      if (++off_ == l_->c[ci_]->size()) { ++ci_; off_ = 0; }
      return *this;
    }
    const_iterator operator++(int) { const_iterator t = *this; ++*this; return t; }
    bool operator==(const const_iterator& o) const { return ci_ == o.ci_ && off_ == o.off_; }
    bool operator!=(const const_iterator& o) const { return !(*this == o); }

   private:
    const List* l_ = nullptr;
    std::size_t ci_ = 0, off_ = 0;
  };
  const_iterator begin() const { return {list_.get(), 0, 0}; }
  const_iterator end() const { return {list_.get(), list_ ? list_->c.size() : 0, 0}; }

  // ---- history accounting: what holding this costs, and what it adds to another copy
  std::size_t chunks() const { return list_ ? list_->c.size() : 0; }
  // Bytes of the list and every chunk.
  std::size_t deep_bytes() const {
    return list_ ? sizeof(List) + list_->c.size() * (16 + sizeof(std::size_t)) + size_ * sizeof(T) +
                       list_->c.size() * sizeof(Chunk)
                 : 0;
  }
  // Bytes this vector holds that `prev` does not share (0 when it is the same list).
  std::size_t bytes_beyond(const CowVec& prev) const {
    if (!list_ || list_ == prev.list_) return 0;
    std::size_t b = sizeof(List) + list_->c.size() * (16 + sizeof(std::size_t));
    std::vector<const Chunk*> had;
    if (prev.list_)
      for (const auto& ch : prev.list_->c) had.push_back(ch.get());
    std::sort(had.begin(), had.end());
    for (const auto& ch : list_->c)
      if (!std::binary_search(had.begin(), had.end(), ch.get())) b += sizeof(Chunk) + ch->size() * sizeof(T);
    return b;
  }
  // f(identity, bytes) for each chunk (distinct chunks across snapshots are counted once).
  template <class F>
  void each_chunk(F&& f) const {
    if (!list_) return;
    for (const auto& ch : list_->c) f(static_cast<const void*>(ch.get()), sizeof(Chunk) + ch->size() * sizeof(T));
  }
  const void* list_id() const { return list_.get(); }
  std::size_t list_bytes() const { return list_ ? sizeof(List) + list_->c.size() * (16 + sizeof(std::size_t)) : 0; }

 private:
  std::pair<std::size_t, std::size_t> locate(std::size_t i) const {
    const auto& f = list_->first;
    std::size_t ci = std::size_t(std::upper_bound(f.begin(), f.end(), i) - f.begin()) - 1;
    return {ci, i - f[ci]};
  }
  Chunk& own(std::size_t ci) {
    if (list_.use_count() > 1) list_ = std::make_shared<List>(*list_);
    auto& c = list_->c[ci];
    if (c.use_count() > 1) c = std::make_shared<Chunk>(*c);
    return *c;
  }

  std::shared_ptr<List> list_;
  std::size_t size_ = 0;
};

}  // namespace pp
