// pinpages lang — the bytes of one interpreted process, kept sparse.
//
// The model (pp::Os) tracks *where* pages are; this store keeps *what* the program
// wrote, at the same addresses. A page is either a fill byte (never written with
// differing bytes: memset of 500 MB costs one entry per page, no 4 KiB buffers) or
// a 4 KiB buffer shared copy-on-write with forked processes.
//
//   page number ──► { fill, shared_ptr<bytes[4096]> or null }
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
  void clear() { pages_.clear(); }
  std::size_t buffers() const;      // pages holding a real 4 KiB buffer
  std::size_t entries() const { return pages_.size(); }

 private:
  using Buf = std::array<std::uint8_t, 4096>;
  struct Page {
    std::uint8_t fill = 0;
    std::shared_ptr<Buf> data;  // null: every byte is `fill`
  };
  Buf& writable(Page& p);
  std::unordered_map<std::uint64_t, Page> pages_;
};

}  // namespace pp::lang
