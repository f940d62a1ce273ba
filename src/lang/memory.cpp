// pinpages lang — sparse copy-on-write byte store (see memory.h).
#include "lang/memory.h"

#include <cstring>
#include <vector>

namespace pp::lang {

namespace { constexpr std::uint64_t kPage = 4096; }

Memory::Seg& Memory::writable(Page& p, std::uint64_t si) {
  if (!p.data) p.data = std::make_shared<Segs>();
  else if (p.data.use_count() > 1) p.data = std::make_shared<Segs>(*p.data);  // shared with a fork
  auto& seg = (*p.data)[si];
  if (!seg) {
    seg = std::make_shared<Seg>();
    seg->fill(p.fill);
  } else if (seg.use_count() > 1) {
    seg = std::make_shared<Seg>(*seg);  // copy on write
  }
  return *seg;
}

void Memory::put(Page& p, std::uint64_t off, const std::uint8_t* in, std::uint8_t byte, std::uint64_t k) {
  bool was_zero = p.zero();
  while (k) {
    std::uint64_t si = off / kSegBytes, so = off % kSegBytes, n = std::min(k, kSegBytes - so);
    // A fill over a whole untouched segment with the page's own fill byte changes nothing.
    bool noop = !in && byte == p.fill && (!p.data || !(*p.data)[si]);
    if (!noop) {
      Seg& s = writable(p, si);
      if (in) std::memcpy(s.data() + so, in, n);
      else std::memset(s.data() + so, byte, n);
    }
    if (in) in += n;
    off += n; k -= n;
  }
  entries_ += was_zero && !p.zero();
}

const Memory::Page* Memory::find(std::uint64_t pg) const {
  auto it = chunks_.find(pg / kChunkPages);
  return it == chunks_.end() ? nullptr : &(*it->second)[pg % kChunkPages];
}

Memory::Page& Memory::page_mut(std::uint64_t pg) {
  auto& c = chunks_[pg / kChunkPages];
  if (!c) c = std::make_shared<Chunk>();
  else if (c.use_count() > 1) c = std::make_shared<Chunk>(*c);  // shared with a copy
  return (*c)[pg % kChunkPages];
}

void Memory::set(Page& slot, Page v) {
  entries_ -= !slot.zero();
  entries_ += !v.zero();
  slot = std::move(v);
}

void Memory::read(std::uint64_t addr, void* out, std::uint64_t n) const {
  auto* o = static_cast<std::uint8_t*>(out);
  while (n) {
    std::uint64_t pg = addr / kPage, off = addr % kPage, k = std::min(n, kPage - off);
    const Page* p = find(pg);
    if (!p) std::memset(o, 0, k);
    else if (!p->data) std::memset(o, p->fill, k);
    else
      for (std::uint64_t at = off; at < off + k;) {
        std::uint64_t si = at / kSegBytes, so = at % kSegBytes, c = std::min(off + k - at, kSegBytes - so);
        const auto& seg = (*p->data)[si];
        if (seg) std::memcpy(o + (at - off), seg->data() + so, c);
        else std::memset(o + (at - off), p->fill, c);
        at += c;
      }
    o += k; addr += k; n -= k;
  }
}

void Memory::write(std::uint64_t addr, const void* in, std::uint64_t n) {
  auto* i = static_cast<const std::uint8_t*>(in);
  while (n) {
    std::uint64_t pg = addr / kPage, off = addr % kPage, k = std::min(n, kPage - off);
    const Page* cur = find(pg);
    std::uint8_t f = cur ? cur->fill : 0;
    bool same = !cur || !cur->data;
    for (std::uint64_t j = 0; same && j < k; j++) same = i[j] == f;
    if (!same) put(page_mut(pg), off, i, 0, k);
    i += k; addr += k; n -= k;
  }
}

void Memory::fill(std::uint64_t addr, std::uint8_t byte, std::uint64_t n) {
  while (n) {
    std::uint64_t pg = addr / kPage, off = addr % kPage, k = std::min(n, kPage - off);
    const Page* cur = find(pg);
    if (k == kPage) {
      bool already = cur ? !cur->data && cur->fill == byte : byte == 0;
      if (!already) set(page_mut(pg), Page{byte, nullptr});
    } else if (cur ? (cur->data || cur->fill != byte) : byte != 0) {
      put(page_mut(pg), off, nullptr, byte, k);
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
  for (auto& [k, c] : chunks_)
    for (const Page& p : *c) b += p.data != nullptr;
  return b;
}

}  // namespace pp::lang
