// pinpages lang — the bytes of one interpreted process, kept sparse.
//
// The model (pp::Os) tracks *where* pages are; this store keeps *what* the program
// wrote, at the same addresses. A page is either a fill byte (never written with
// differing bytes: memset of 500 MB costs one entry per page, no buffers) or sixteen
// 256-byte segments, each a fill-byte page's bytes until written: a program that
// writes one byte per page (a touch loop, a malloc header) keeps 256 bytes of it, not
// 4 KiB. Segments and their table are shared copy-on-write with forked processes.
//
//   chunk number ──► shared_ptr<256 × { fill, shared_ptr<16 × shared_ptr<bytes[256]>> }>
//
// Chunks are shared copy-on-write too: copying a Memory (fork, a history checkpoint)
// copies one pointer per MiB of touched address space, and a write clones one chunk.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <unordered_map>

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
  struct Page {
    std::uint8_t fill = 0;
    std::shared_ptr<Segs> data;  // null: every byte is `fill`
    bool zero() const { return !data && fill == 0; }
  };
  static constexpr std::uint64_t kChunkPages = 256;
  using Chunk = std::array<Page, kChunkPages>;
  // Writable segment `si` of page p (table and segment unshared, created from the fill).
  Seg& writable(Page& p, std::uint64_t si);
  // Writes k bytes at offset off of page p: from `in`, or `byte` repeated when in is null.
  void put(Page& p, std::uint64_t off, const std::uint8_t* in, std::uint8_t byte, std::uint64_t k);
  const Page* find(std::uint64_t pg) const;
  Page& page_mut(std::uint64_t pg);  // the chunk created or unshared first
  // Sets page `pg` to `v`, keeping entries_ right.
  void set(Page& slot, Page v);
  std::unordered_map<std::uint64_t, std::shared_ptr<Chunk>> chunks_;
  std::size_t entries_ = 0;
};

}  // namespace pp::lang
