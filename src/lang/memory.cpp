// pinpages lang — sparse copy-on-write byte store (see memory.h).
#include "lang/memory.h"

#include <cstring>
#include <vector>

namespace pp::lang {

namespace { constexpr std::uint64_t kPage = 4096; }

Memory::Buf& Memory::writable(Page& p) {
  if (!p.data) {
    p.data = std::make_shared<Buf>();
    p.data->fill(p.fill);
  } else if (p.data.use_count() > 1) {
    p.data = std::make_shared<Buf>(*p.data);  // shared with a fork: copy on write
  }
  return *p.data;
}

void Memory::read(std::uint64_t addr, void* out, std::uint64_t n) const {
  auto* o = static_cast<std::uint8_t*>(out);
  while (n) {
    std::uint64_t pg = addr / kPage, off = addr % kPage, k = std::min(n, kPage - off);
    auto it = pages_.find(pg);
    if (it == pages_.end()) std::memset(o, 0, k);
    else if (!it->second.data) std::memset(o, it->second.fill, k);
    else std::memcpy(o, it->second.data->data() + off, k);
    o += k; addr += k; n -= k;
  }
}

void Memory::write(std::uint64_t addr, const void* in, std::uint64_t n) {
  auto* i = static_cast<const std::uint8_t*>(in);
  while (n) {
    std::uint64_t pg = addr / kPage, off = addr % kPage, k = std::min(n, kPage - off);
    Page& p = pages_[pg];
    bool same = !p.data;
    for (std::uint64_t j = 0; same && j < k; j++) same = i[j] == p.fill;
    if (!same) std::memcpy(writable(p).data() + off, i, k);
    i += k; addr += k; n -= k;
  }
}

void Memory::fill(std::uint64_t addr, std::uint8_t byte, std::uint64_t n) {
  while (n) {
    std::uint64_t pg = addr / kPage, off = addr % kPage, k = std::min(n, kPage - off);
    if (k == kPage) {
      if (byte == 0) pages_.erase(pg);
      else pages_[pg] = Page{byte, nullptr};
    } else {
      Page& p = pages_[pg];
      if (p.data || p.fill != byte) std::memset(writable(p).data() + off, byte, k);
    }
    addr += k; n -= k;
  }
}

void Memory::copy(std::uint64_t dst, std::uint64_t src, std::uint64_t n) {
  if (!n || dst == src) return;
  // Page-sized chunks through a bounce buffer keep memmove semantics and bounded memory.
  std::vector<std::uint8_t> buf(std::min<std::uint64_t>(n, 1 << 20));
  if (dst < src || dst >= src + n) {
    for (std::uint64_t d = 0; d < n;) {
      std::uint64_t k = std::min<std::uint64_t>(buf.size(), n - d);
      read(src + d, buf.data(), k);
      write(dst + d, buf.data(), k);
      d += k;
    }
  } else {
    for (std::uint64_t d = n; d > 0;) {
      std::uint64_t k = std::min<std::uint64_t>(buf.size(), d);
      d -= k;
      read(src + d, buf.data(), k);
      write(dst + d, buf.data(), k);
    }
  }
}

void Memory::drop(std::uint64_t addr, std::uint64_t n) { fill(addr, 0, n); }

std::size_t Memory::buffers() const {
  std::size_t b = 0;
  for (auto& [k, p] : pages_) if (p.data) b++;
  return b;
}

}  // namespace pp::lang
