// pinpages core — glibc 2.36 malloc, as far as memory locking can see it.
//
//   heap (brk), created by the first malloc of any size: 132 KiB
//   ┌──────────────┬──────────┬──────────┬─────── top chunk ───────┐ ← brk
//   │ tcache 0x290 │ chunk    │ chunk    │                          │
//   └──────────────┴──────────┴──────────┴──────────────────────────┘
//   heap_start     +0x2a0 = first malloc's pointer (chunk header 16 bytes before it)
//
//   n ≥ mmap threshold (128 KiB, raised by free() of an mmapped chunk, max 32 MiB):
//   own anonymous mmap of round_up(request2size(n) + 8, 4096); only the header page is
//   written, and neighbouring mmaps merge into one VMA.
//
//   mallopt(M_TRIM_THRESHOLD / M_TOP_PAD / M_MMAP_THRESHOLD / M_MMAP_MAX) sets the value and
//   freezes the dynamic threshold; M_MMAP_MAX 0 sends every request to the heap, and a
//   trim threshold of -1 (SIZE_MAX) means free() never gives heap memory back. glibc 2.36
//   accepts any mmap threshold (1 GiB, -1): every request then comes from the heap.
//   malloc_trim(pad): MADV_DONTNEED on the whole pages inside free chunks, then trims top.
#include <algorithm>

#include "core/costs.h"
#include "core/state.h"

namespace pp::detail {

namespace {
constexpr u64 kMinSize = 32, kSizeSz = 8, kTcache = 0x290;
constexpr u64 kMmapThresholdMax = 32ull << 20;
constexpr u64 kConsolidate = 64 * 1024;  // FASTBIN_CONSOLIDATION_THRESHOLD
inline bool req2size(u64 n, u64& nb) {
  if (n > (u64(1) << 62)) return false;
  nb = std::max<u64>(kMinSize, (n + kSizeSz + 15) & ~u64(15));
  return true;
}
Arena& arena_mut(Proc& p) {
  if (!p.arena) p.arena = std::make_shared<Arena>();
  if (p.arena.use_count() > 1) p.arena = std::make_shared<Arena>(*p.arena);
  return *p.arena;
}
}  // namespace

bool Sys::heap_extend(Proc& p, u64 nb) {
  Arena& A = arena_mut(p);
  u64 top_size = p.brk > A.top ? p.brk - A.top : 0;
  u64 size = page_up(nb + A.top_pad + kMinSize - std::min(top_size, nb + A.top_pad + kMinSize));
  if (p.brk + size < p.brk) return false;
  return do_brk(p, p.brk + size);
}

bool Sys::heap_init(Proc& p) {
  if (p.arena && p.arena->init) return true;
  u64 base = p.brk;
  u64 size = page_up(kTcache + 128 * 1024 + kMinSize);  // sysmalloc: nb + top_pad + MINSIZE
  if (!do_brk(p, base + size)) {
    // Measured (glibc 2.36): when the very first heap cannot be made, glibc's failure
    // path still leaves one anonymous 4 KiB page mapped, once per process — locked
    // and faulted in under MCL_FUTURE (VmLck 4 kB, one minor fault).
    if (!qnx() && !arena_mut(p).init_failed) {
      arena_mut(p).init_failed = true;
      const i64 ret = r.ret;
      const int e = r.err;
      do_mmap(p, 0, kPageSize, prot::READ | prot::WRITE, mapf::PRIVATE | mapf::ANONYMOUS, -1, 0);
      r.ret = ret;
      r.err = e;
    }
    return false;
  }
  Arena& A = arena_mut(p);
  A.init = true;
  A.chunks.clear();
  A.chunks.push_back(Chunk{base, kTcache, true});
  A.top = base + kTcache;
  A.hwm = A.top;
  touch_range(p, base, kTcache, true);  // tcache_init() zeroes its struct
  return p.alive;
}

namespace {
// The user-visible part of malloc(): returns the pointer or 0.
struct Mal {
  Sys& k;
  Proc& p;
  u64 run(u64 n, bool zero) {
    u64 nb;
    if (!req2size(n, nb)) return 0;
    if (!k.heap_init(p)) return 0;
    Arena* A = &arena_mut(p);
    if (nb >= A->mmap_threshold && A->mmaps.size() < A->mmap_max) {
      u64 len = page_up(nb + kSizeSz);
      i64 saved = k.r.ret;
      k.do_mmap(p, 0, len, prot::READ | prot::WRITE, mapf::PRIVATE | mapf::ANONYMOUS, -1, 0);
      i64 got = k.r.ret;
      k.r.ret = saved;
      if (k.r.err == err::OK && p.alive) {
        A = &arena_mut(p);
        u64 a = u64(got);
        A->mmaps.insert(A->mmap_at(a), MmapChunk{a, len});
        k.touch_range(p, a, 16, true);  // set_head(): only the header page is written
        return p.alive ? a + 16 : 0;
      }
      if (!p.alive) return 0;
      k.r.err = err::OK;  // glibc falls back to the heap
      A = &arena_mut(p);
    }
    // Best fit among free chunks (glibc's bins give nearly this).
    std::size_t best = A->chunks.size(), i = 0;
    u64 best_size = 0;
    if (A->maybe_free)
      for (const Chunk& c : A->chunks) {
        if (!c.used && c.size >= nb && (best == A->chunks.size() || c.size < best_size)) {
          best = i;
          best_size = c.size;
        }
        ++i;
      }
    if (best == A->chunks.size() && A->maybe_free) {
      bool any = false;
      for (const Chunk& c : A->chunks) any |= !c.used;
      A->maybe_free = any;
    }
    u64 addr;
    if (best < A->chunks.size()) {
      Chunk& c = A->chunks.mut(best);
      addr = c.addr;
      c.used = true;
      if (c.size - nb >= kMinSize) {
        Chunk rest{c.addr + nb, c.size - nb, false};
        c.size = nb;
        A->chunks.insert(best + 1, rest);
        A->maybe_free = true;
        k.touch_range(p, rest.addr + 8, 8, true);
      }
    } else {
      u64 top_size = p.brk > A->top ? p.brk - A->top : 0;
      if (top_size < nb + kMinSize) {
        if (!k.heap_extend(p, nb) || !p.alive) return 0;
        A = &arena_mut(p);
      }
      addr = A->top;
      A->chunks.push_back(Chunk{addr, nb, true});
      A->top += nb;
      k.touch_range(p, A->top + 8, 8, true);  // new top chunk's size field
      A = &arena_mut(p);
    }
    if (!p.alive) return 0;
    k.touch_range(p, addr + 8, 8, true);  // this chunk's size field
    if (zero && p.alive) {
      // calloc: memory above the high-water mark is fresh from sbrk, already zero.
      A = &arena_mut(p);
      u64 u0 = addr + 16, u1 = addr + 16 + n;
      u64 lim = std::min(u1, A->hwm);
      if (lim > u0) k.touch_range(p, u0, lim - u0, true);
    }
    if (!p.alive) return 0;
    A = &arena_mut(p);
    A->hwm = std::max(A->hwm, addr + nb);
    return addr + 16;
  }
};
}  // namespace

OpResult& Sys::do_malloc(Proc& p, u64 n, bool zero) {
  r.cost_us += costs::kMallocUs;
  u64 a = Mal{*this, p}.run(n, zero);
  if (!p.alive) return r;
  if (!a) { r.ret = 0; r.err = err::NOMEM; return r; }
  r.ret = i64(a);
  r.err = err::OK;
  return r;
}

OpResult& Sys::do_free(Proc& p, u64 ptr) {
  r.cost_us += costs::kMallocUs;
  r.ret = 0;
  if (ptr == 0) return r;
  if (!p.arena || ptr < 16) { r.ret = -1; r.err = err::INVAL; return r; }
  Arena& A = arena_mut(p);
  A.maybe_free = true;  // recounted by the next malloc that finds none
  u64 c = ptr - 16;
  // Sorted by address: a lookup, not a walk over every mmapped chunk.
  std::size_t mi = A.mmap_at(c);
  if (mi < A.mmaps.size() && A.mmaps[mi].addr == c) {
    u64 len = A.mmaps[mi].len;
    A.mmaps.erase(mi);
    if (!A.no_dyn_threshold && len > A.mmap_threshold && len <= kMmapThresholdMax) {
      A.mmap_threshold = len;          // dynamic threshold (malloc.c: free())
      A.trim_threshold = 2 * len;
    }
    do_munmap(p, c, len);
    r.ret = 0;
    return r;
  }
  std::size_t i = A.chunk_at(c);
  if (i == A.chunks.size() || A.chunks[i].addr != c || !A.chunks[i].used || c == 0 ||
      (i == 0 && A.chunks[0].size == kTcache)) {
    // glibc would abort ("free(): invalid pointer"); the model reports EINVAL instead.
    r.ret = -1;
    r.err = err::INVAL;
    return r;
  }
  A.chunks.mut(i).used = false;
  if (i + 1 < A.chunks.size() && !A.chunks[i + 1].used) {
    A.chunks.mut(i).size += A.chunks[i + 1].size;
    A.chunks.erase(i + 1);
  }
  if (i > 0 && !A.chunks[i - 1].used) {
    A.chunks.mut(i - 1).size += A.chunks[i].size;
    A.chunks.erase(i);
    --i;
  }
  u64 merged = A.chunks[i].size;
  if (A.chunks[i].addr + A.chunks[i].size == A.top) {  // merge into top
    A.top = A.chunks[i].addr;
    A.chunks.erase(i);
  }
  u64 top_size = p.brk > A.top ? p.brk - A.top : 0;
  if (merged >= kConsolidate && top_size >= A.trim_threshold) systrim(p, A.top_pad);
  r.ret = 0;
  r.err = err::OK;
  return r;
}

bool Sys::systrim(Proc& p, u64 pad) {
  // Whole pages above top + pad go back to the kernel.
  const Arena& A = *p.arena;
  u64 top_size = p.brk > A.top ? p.brk - A.top : 0;
  if (top_size <= kMinSize + 1) return false;
  u64 area = top_size - kMinSize - 1;
  if (area <= pad) return false;
  u64 extra = (area - pad) & ~(kPageSize - 1);
  if (!extra) return false;
  return do_brk(p, p.brk - extra);
}

OpResult& Sys::do_mallopt(Proc& p, int param, int value) {
  r.cost_us += costs::kMallocUs;
  r.ret = 1;
  Arena& A = arena_mut(p);
  u64 v = u64(i64(value));  // glibc passes the int on as a size_t: -1 is SIZE_MAX
  switch (param) {
    case -1: A.trim_threshold = v; A.no_dyn_threshold = true; break;  // M_TRIM_THRESHOLD
    case -2: A.top_pad = v; A.no_dyn_threshold = true; break;         // M_TOP_PAD
    case -3: A.mmap_threshold = v; A.no_dyn_threshold = true; break;  // M_MMAP_THRESHOLD, any size

    case -4: A.mmap_max = value < 0 ? 0 : u64(value); A.no_dyn_threshold = true; break;  // M_MMAP_MAX
    case 1: r.ret = v <= 160 ? 1 : 0; break;                           // M_MXFAST (no page effect)
    default: break;  // M_ARENA_MAX, M_ARENA_TEST, M_PERTURB, M_CHECK_ACTION, unknown: 1
  }
  return r;
}

OpResult& Sys::do_malloc_trim(Proc& p, u64 pad) {
  r.cost_us += costs::kMallocUs;
  r.ret = 0;
  if (!p.arena || !p.arena->init) return r;
  // mtrim(): every free chunk with at least one whole page past its malloc_chunk header.
  constexpr u64 kChunkHdr = 48;  // sizeof(struct malloc_chunk)
  std::vector<std::pair<u64, u64>> ranges;
  for (const Chunk& c : p.arena->chunks) {
    if (c.used || c.size <= kPageSize - 1 + kChunkHdr) continue;
    u64 aligned = (c.addr + kChunkHdr + kPageSize - 1) & ~(kPageSize - 1);
    u64 size = c.size - (aligned - c.addr);
    if (size > kPageSize - 1) ranges.push_back({aligned, size & ~(kPageSize - 1)});
  }
  bool released = false;
  for (const auto& [a, n] : ranges) {
    do_madvise(p, a, n, 4);  // MADV_DONTNEED
    if (!p.alive) return r;
    released = true;
  }
  if (systrim(p, pad)) released = true;
  r.ret = released ? 1 : 0;
  r.err = err::OK;
  return r;
}

namespace {
// glibc 2.36 mremap_chunk(): mremap(block, total_size, new_size, MREMAP_MAYMOVE) of the
// anonymous mapping glibc gave one chunk. Returns the new address, or 0 when the kernel
// refused (glibc then copies: malloc, memcpy, free). The kernel's errno is not kept:
// realloc's caller sees only what the fallback does.
u64 mremap_chunk(Sys& k, Proc& p, u64 addr, u64 len, u64 new_len) {
  const i64 saved = k.r.ret;
  k.do_mremap(p, addr, len, new_len, mremapf::MAYMOVE, 0);
  const u64 dst = u64(k.r.ret);
  k.r.ret = saved;
  if (k.r.err != err::OK || !p.alive) { k.r.err = err::OK; return 0; }
  Arena& A = arena_mut(p);
  std::size_t i = A.mmap_at(addr);
  if (i < A.mmaps.size() && A.mmaps[i].addr == addr) A.mmaps.erase(i);
  A.mmaps.insert(A.mmap_at(dst), MmapChunk{dst, new_len});
  return dst;
}
}  // namespace

OpResult& Sys::do_realloc(Proc& p, u64 ptr, u64 n) {
  if (ptr == 0) return do_malloc(p, n, false);
  if (n == 0) { do_free(p, ptr); if (r.err == err::OK) r.ret = 0; return r; }
  u64 nb;
  if (!req2size(n, nb)) { r.ret = 0; r.err = err::NOMEM; return r; }
  if (!p.arena || ptr < 16) { r.ret = 0; r.err = err::INVAL; return r; }
  const Arena& A0 = *p.arena;
  u64 c = ptr - 16, old_usable = 0;
  bool is_mmap = false;
  std::size_t mi = A0.mmap_at(c);
  if (mi < A0.mmaps.size() && A0.mmaps[mi].addr == c) { is_mmap = true; old_usable = A0.mmaps[mi].len - 16; }
  if (!is_mmap) {
    std::size_t i = A0.chunk_at(c);
    if (i == A0.chunks.size() || A0.chunks[i].addr != c || !A0.chunks[i].used) { r.ret = 0; r.err = err::INVAL; return r; }
    old_usable = A0.chunks[i].size - kSizeSz;
    Arena& A = arena_mut(p);
    A.maybe_free = true;
    Chunk& ch = A.chunks.mut(i);
    if (nb <= ch.size) {  // shrink in place
      if (ch.size - nb >= kMinSize) {
        Chunk rest{ch.addr + nb, ch.size - nb, false};
        ch.size = nb;
        A.chunks.insert(i + 1, rest);
        if (i + 2 < A.chunks.size() && !A.chunks[i + 2].used) {
          A.chunks.mut(i + 1).size += A.chunks[i + 2].size;
          A.chunks.erase(i + 2);
        }
        if (A.chunks[i + 1].addr + A.chunks[i + 1].size == A.top) {  // remainder joins top
          A.top = A.chunks[i + 1].addr;
          A.chunks.erase(i + 1);
        }
      }
      r.ret = i64(ptr);
      return r;
    }
    u64 top_size = p.brk > A.top ? p.brk - A.top : 0;
    if (ch.addr + ch.size == A.top && top_size + ch.size >= nb + kMinSize) {  // grow into top
      A.top = ch.addr + nb;
      ch.size = nb;
      A.hwm = std::max(A.hwm, A.top);
      touch_range(p, A.top + 8, 8, true);
      r.ret = p.alive ? i64(ptr) : 0;
      return r;
    }
    if (i + 1 < A.chunks.size() && !A.chunks[i + 1].used && ch.size + A.chunks[i + 1].size >= nb) {
      ch.size += A.chunks[i + 1].size;
      A.chunks.erase(i + 1);
      Chunk& c2 = A.chunks.mut(i);  // erase may have moved the chunk
      if (c2.size - nb >= kMinSize) {
        Chunk rest{c2.addr + nb, c2.size - nb, false};
        c2.size = nb;
        A.chunks.insert(i + 1, rest);
      }
      r.ret = i64(ptr);
      return r;
    }
  } else if (page_up(nb + kSizeSz) == old_usable + 16) {
    r.ret = i64(ptr);
    return r;
  } else if (!qnx()) {
    // glibc's mremap_chunk(): the kernel resizes the mapping, moving its page-table
    // entries if it cannot grow in place. No page is copied or touched.
    if (u64 na = mremap_chunk(*this, p, c, old_usable + 16, page_up(nb + kSizeSz))) {
      r.ret = p.alive ? i64(na + 16) : 0;
      return r;
    }
    if (!p.alive) return r;
  }
  // Move: malloc, copy, free.
  u64 na = Mal{*this, p}.run(n, false);
  if (!p.alive) return r;
  if (!na) { r.ret = 0; r.err = err::NOMEM; return r; }
  u64 cp = std::min(old_usable, n);
  touch_range(p, ptr, cp, false);
  if (p.alive) touch_range(p, na, cp, true);
  if (!p.alive) return r;
  do_free(p, ptr);
  r.ret = i64(na);
  r.err = err::OK;
  return r;
}

OpResult& Sys::do_sbrk(Proc& p, i64 incr) {
  r.cost_us += costs::kSyscallUs;
  u64 old = p.brk;
  if (incr == 0) { r.ret = i64(old); return r; }
  u64 nb = old + u64(incr);
  bool bad = (incr > 0 && nb < old) || (incr < 0 && (u64(-(incr + 1)) + 1 > old - p.start_brk));
  if (bad || !do_brk(p, nb)) {
    if (!p.alive) return r;
    r.ret = -1;
    r.err = err::NOMEM;
    return r;
  }
  r.ret = i64(old);
  return r;
}

}  // namespace pp::detail
