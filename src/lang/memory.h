// pinpages lang — the bytes of one interpreted process, kept sparse.
//
// The model (pp::Os) tracks *where* pages are; this store keeps *what* the program
// wrote, at the same addresses. A page is either a fill byte (never written with
// differing bytes: memset of 500 MB costs one byte per page, no buffers) or sixteen
// 256-byte segments, each a fill-byte page's bytes until written: a program that
// writes one byte per page (a touch loop, a malloc header) keeps 256 bytes of it, not
// 4 KiB. A chunk (1 MiB) holds its 256 fill bytes and a short list of the pages that
// have segments, so 5 GB of memset records costs 1.3 MB, not one pointer per page.
//
//   chunk number ──► shared_ptr<{ fill[256], [(page, shared_ptr<16 × shared_ptr<bytes[256]>>)] }>
//
// Chunks, segment tables and segments are shared copy-on-write: copying a Memory (fork,
// a history checkpoint) copies one pointer per MiB of touched address space, and a
// write clones one chunk.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

namespace pp::lang {

class Memory {
 public:
  void read(std::uint64_t addr, void* out, std::uint64_t n) const;
  void write(std::uint64_t addr, const void* in, std::uint64_t n);
  void fill(std::uint64_t addr, std::uint8_t byte, std::uint64_t n);
  void copy(std::uint64_t dst, std::uint64_t src, std::uint64_t n);  // memmove semantics
  void drop(std::uint64_t addr, std::uint64_t n);  // munmap: bytes read as 0 again
  void clear() { chunks_.clear(); entries_ = 0; }
  std::size_t buffers() const;      // pages holding a real 4 KiB buffer
  std::size_t entries() const { return entries_; }  // pages that do not read as zero
  std::size_t chunks() const { return chunks_.size(); }

 private:
  static constexpr std::uint64_t kSegBytes = 256, kSegs = 4096 / kSegBytes;
  using Seg = std::array<std::uint8_t, kSegBytes>;
  using Segs = std::array<std::shared_ptr<Seg>, kSegs>;  // null: every byte is the page's fill
  static constexpr std::uint64_t kChunkPages = 256;
  struct Chunk {
    std::array<std::uint8_t, kChunkPages> fill{};
    std::vector<std::pair<std::uint16_t, std::shared_ptr<Segs>>> data;  // sorted by page
    const Segs* segs(unsigned i) const;
    std::shared_ptr<Segs>* slot(unsigned i, bool create);  // null when absent and !create
    void forget(unsigned i);                               // the page is its fill again
    bool zero(unsigned i) const { return fill[i] == 0 && !segs(i); }
  };
  struct PageRef { Chunk* c; unsigned i; };
  // Writable segment `si` of a page (table and segment unshared, created from the fill).
  Seg& writable(PageRef p, std::uint64_t si);
  // Writes k bytes at offset off of a page: from `in`, or `byte` repeated when in is null.
  void put(PageRef p, std::uint64_t off, const std::uint8_t* in, std::uint8_t byte, std::uint64_t k);
  const Chunk* find(std::uint64_t pg) const;
  PageRef page_mut(std::uint64_t pg);  // the chunk created or unshared first
  std::unordered_map<std::uint64_t, std::shared_ptr<Chunk>> chunks_;
  std::size_t entries_ = 0;
};

}  // namespace pp::lang
