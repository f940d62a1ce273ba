// pinpages lang — the bytes of one interpreted process, kept sparse.
//
// The model (pp::Os) tracks *where* pages are; this store keeps *what* the program
// wrote, at the same addresses. A page is either a fill byte (never written with
// differing bytes: memset of 500 MB costs one entry per page, no 4 KiB buffers) or
// a 4 KiB buffer shared copy-on-write with forked processes.
//
//   chunk number ──► shared_ptr<256 × { fill, shared_ptr<bytes[4096]> or null }>
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
  using Buf = std::array<std::uint8_t, 4096>;
  struct Page {
    std::uint8_t fill = 0;
    std::shared_ptr<Buf> data;  // null: every byte is `fill`
    bool zero() const { return !data && fill == 0; }
  };
  static constexpr std::uint64_t kChunkPages = 256;
  using Chunk = std::array<Page, kChunkPages>;
  Buf& writable(Page& p);
  const Page* find(std::uint64_t pg) const;
  Page& page_mut(std::uint64_t pg);  // the chunk created or unshared first
  // Sets page `pg` to `v`, keeping entries_ right.
  void set(Page& slot, Page v);
  std::unordered_map<std::uint64_t, std::shared_ptr<Chunk>> chunks_;
  std::size_t entries_ = 0;
};

}  // namespace pp::lang
