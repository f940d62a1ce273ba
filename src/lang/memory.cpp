// pinpages lang — sparse copy-on-write byte store (see memory.h).
#include "lang/memory.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace pp::lang {

namespace { constexpr std::uint64_t kPage = 4096; }

const Memory::Segs* Memory::Chunk::segs(unsigned i) const {
  auto it = std::lower_bound(data.begin(), data.end(), i, [](const auto& d, unsigned k) { return d.first < k; });
  return it != data.end() && it->first == i ? it->second.get() : nullptr;
}

std::shared_ptr<Memory::Segs>* Memory::Chunk::slot(unsigned i, bool create) {
  auto it = std::lower_bound(data.begin(), data.end(), i, [](const auto& d, unsigned k) { return d.first < k; });
  if (it != data.end() && it->first == i) return &it->second;
  if (!create) return nullptr;
  return &data.insert(it, {std::uint16_t(i), std::make_shared<Segs>()})->second;
}

void Memory::Chunk::forget(unsigned i) {
  auto it = std::lower_bound(data.begin(), data.end(), i, [](const auto& d, unsigned k) { return d.first < k; });
  if (it != data.end() && it->first == i) data.erase(it);
}

Memory::Seg& Memory::writable(PageRef p, std::uint64_t si) {
  std::shared_ptr<Segs>& t = *p.c->slot(p.i, true);
  if (t.use_count() > 1) t = std::make_shared<Segs>(*t);  // shared with a fork
  auto& seg = (*t)[si];
  if (!seg) {
    seg = std::make_shared<Seg>();
    seg->fill(p.c->fill[p.i]);
  } else if (seg.use_count() > 1) {
    seg = std::make_shared<Seg>(*seg);  // copy on write
  }
  return *seg;
}

void Memory::put(PageRef p, std::uint64_t off, const std::uint8_t* in, std::uint8_t byte, std::uint64_t k) {
  bool was_zero = p.c->zero(p.i);
  while (k) {
    std::uint64_t si = off / kSegBytes, so = off % kSegBytes, n = std::min(k, kSegBytes - so);
    // A fill over a whole untouched segment with the page's own fill byte changes nothing.
    const Segs* t = p.c->segs(p.i);
    bool noop = !in && byte == p.c->fill[p.i] && (!t || !(*t)[si]);
    if (!noop) {
      Seg& s = writable(p, si);
      if (in) std::memcpy(s.data() + so, in, n);
      else std::memset(s.data() + so, byte, n);
    }
    if (in) in += n;
    off += n; k -= n;
  }
  entries_ += was_zero && !p.c->zero(p.i);
}

const Memory::Chunk* Memory::find(std::uint64_t pg) const {
  auto it = chunks_.find(pg / kChunkPages);
  return it == chunks_.end() ? nullptr : it->second.get();
}

Memory::PageRef Memory::page_mut(std::uint64_t pg) {
  auto& c = chunks_[pg / kChunkPages];
  if (!c) c = std::make_shared<Chunk>();
  else if (c.use_count() > 1) c = std::make_shared<Chunk>(*c);  // shared with a copy
  return {c.get(), unsigned(pg % kChunkPages)};
}

void Memory::read(std::uint64_t addr, void* out, std::uint64_t n) const {
  auto* o = static_cast<std::uint8_t*>(out);
  while (n) {
    std::uint64_t pg = addr / kPage, off = addr % kPage, k = std::min(n, kPage - off);
    const Chunk* c = find(pg);
    unsigned i = unsigned(pg % kChunkPages);
    const Segs* t = c ? c->segs(i) : nullptr;
    if (!c) std::memset(o, 0, k);
    else if (!t) std::memset(o, c->fill[i], k);
    else
      for (std::uint64_t at = off; at < off + k;) {
        std::uint64_t si = at / kSegBytes, so = at % kSegBytes, m = std::min(off + k - at, kSegBytes - so);
        const auto& seg = (*t)[si];
        if (seg) std::memcpy(o + (at - off), seg->data() + so, m);
        else std::memset(o + (at - off), c->fill[i], m);
        at += m;
      }
    o += k; addr += k; n -= k;
  }
}

void Memory::write(std::uint64_t addr, const void* in, std::uint64_t n) {
  auto* i = static_cast<const std::uint8_t*>(in);
  while (n) {
    std::uint64_t pg = addr / kPage, off = addr % kPage, k = std::min(n, kPage - off);
    const Chunk* c = find(pg);
    unsigned pi = unsigned(pg % kChunkPages);
    std::uint8_t f = c ? c->fill[pi] : 0;
    bool same = !c || !c->segs(pi);
    for (std::uint64_t j = 0; same && j < k; j++) same = i[j] == f;
    if (!same) put(page_mut(pg), off, i, 0, k);
    i += k; addr += k; n -= k;
  }
}

void Memory::fill(std::uint64_t addr, std::uint8_t byte, std::uint64_t n) {
  while (n) {
    std::uint64_t pg = addr / kPage, off = addr % kPage, k = std::min(n, kPage - off);
    const Chunk* c = find(pg);
    unsigned pi = unsigned(pg % kChunkPages);
    bool plain = c && !c->segs(pi);
    if (k == kPage) {
      bool already = c ? plain && c->fill[pi] == byte : byte == 0;
      if (!already) {
        PageRef p = page_mut(pg);
        entries_ -= !p.c->zero(p.i);
        p.c->forget(p.i);
        p.c->fill[p.i] = byte;
        entries_ += byte != 0;
      }
    } else if (c ? (!plain || c->fill[pi] != byte) : byte != 0) {
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
  for (auto& [k, c] : chunks_) b += c->data.size();
  return b;
}

}  // namespace pp::lang
