// pinpages core — reclaim under memory pressure, swap-out, and the OOM killer.
//
//   need a frame, none free
//        │
//        ▼
//   1. page cache sweep: unmapped clean file pages are dropped (dirty: written back first)
//   2. clock over every process's PTEs (hand kept in State):
//        locked VMA ............ skip (unevictable; also frames a locked mapping shares)
//        accessed bit set ...... clear it, second chance
//        anon page ............. to a swap slot (if swap has room; else unreclaimable)
//        file page ............. unmap; step 1 frees it next sweep
//   3. still nothing: OOM-kill the process with the largest footprint
#include <algorithm>

#include "core/costs.h"
#include "core/state.h"

namespace pp::detail {

namespace {
constexpr u64 kLeafShift = kPageShift + kLeafBits;

// Frames mapped by at least one locked VMA anywhere (they must not be evicted even
// through an unlocked mapping of another process).
std::vector<std::uint8_t> pinned_frames(const State& s) {
  std::vector<std::uint8_t> pin(s.frames.n, 0);
  for (const auto& pp : s.procs) {
    const Proc& p = *pp;
    if (!p.alive) continue;
    for (const Vma& v : p.vmas) {
      if (!v.locked && !p.superlocked) continue;
      for (u64 a = v.start; a < v.end;) {
        u64 key = a >> kLeafShift;
        u64 lend = std::min(v.end, (key + 1) << kLeafShift);
        if (const Leaf* L = p.pt.find(key)) {
          for (u64 b = a; b < lend; b += kPageSize) {
            std::uint32_t e = L->e[(b >> kPageShift) & (kLeafPages - 1)];
            if (pte::st(e) == pte::kFrame) pin[pte::idx(e)] = 1;
          }
        }
        a = lend;
      }
    }
  }
  return pin;
}
}  // namespace

u64 Sys::swap_out_pte(Proc& p, u64 va, std::uint32_t* e, bool force) {
  if (pte::st(*e) != pte::kFrame) return 0;
  const std::uint32_t f = pte::idx(*e);
  if (*e & pte::FILE) {
    int vi = vma_at(p, va);
    if (vi < 0) return 0;
    const Vma& v = p.vmas[std::size_t(vi)];
    if (s.files[std::size_t(v.file)]->shmem) return 0;  // shmem: not reclaimed (model)
    u64 pi = (va - v.start + v.file_off) >> kPageShift;
    File& fl = file_mut(v.file);
    if (*e & pte::D) fl.cache.at(pi) |= File::kDirty;
    *e = 0;
    s.frames.dec(f);
    // MADV_PAGEOUT drops a clean page now. Reclaim outside kswapd never writes file
    // pages back, so a dirty one stays in the page cache, dirty (mincore: resident).
    if (force && s.frames.get(f) == 1 && fl.cache.get(pi) && !(fl.cache.get(pi) & File::kDirty)) {
      fl.cache.at(pi) = 0;
      s.frames.dec(f);
      ev(EventKind::FileDrop, p.pid, va, 1);
      return 1;
    }
    return 0;
  }
  if (s.swap.n == 0 || s.swap.nfree == 0) return 0;
  if (force && s.frames.get(f) > 1) return 0;  // MADV_PAGEOUT: exclusive pages only
  std::uint32_t slot = s.swap.alloc();
  if (slot == kNoIdx) return 0;
  *e = pte::make(pte::kSwap, slot, 0);
  bool freed = s.frames.dec(f);
  ev(EventKind::SwapOut, p.pid, va, 1);
  r.cost_us += costs::kWritePageUs;
  return freed ? 1 : 0;
}

u64 Sys::reclaim(u64 want) {
  if (want == 0) return 0;
  // Reclaim in big batches: the scan has a fixed cost per call.
  want = std::max<u64>({want, 256, s.frames.n / 128});
  const u64 free0 = s.frames.nfree;
  auto got = [&]() { return u64(s.frames.nfree) - free0; };
  std::vector<std::uint8_t> pin;
  bool pin_built = false;

  // Page-cache pages inside a locked file VMA stay (QNX locks file pages without PTEs;
  // Linux on-fault or partly populated locked file ranges likewise).
  struct LockedRange { int fid; u64 lo, hi; };
  std::vector<LockedRange> locked_ranges;
  for (const auto& sp : s.procs)
    if (sp->alive)
      for (const Vma& v : sp->vmas)
        if (v.file >= 0 && (v.locked || sp->superlocked))
          locked_ranges.push_back({v.file, v.file_off >> kPageShift, (v.file_off >> kPageShift) + v.pages()});
  auto cache_locked = [&](int fid, u64 i) {
    for (const LockedRange& l : locked_ranges)
      if (l.fid == fid && i >= l.lo && i < l.hi) return true;
    return false;
  };
  auto cache_sweep = [&]() {
    for (std::size_t fid = 0; fid < s.files.size() && got() < want; ++fid) {
      if (s.files[fid]->shmem) continue;
      const File& cf = *s.files[fid];
      for (u64 i = 0; i < cf.cache.size && got() < want; ++i) {
        std::uint32_t c = s.files[fid]->cache.get(i);
        if (!c) continue;
        std::uint32_t f = (c & ~File::kDirty) - 1;
        if (s.frames.get(f) != 1) continue;  // still mapped somewhere
        if (!locked_ranges.empty() && cache_locked(int(fid), i)) continue;
        File& fl = file_mut(int(fid));
        if (c & File::kDirty) {
          ev(EventKind::Writeback, 0, 0, 1, std::int64_t(fid));
          r.cost_us += costs::kWritePageUs;
        }
        fl.cache.at(i) = 0;
        s.frames.dec(f);
        ev(EventKind::FileDrop, 0, 0, 1, std::int64_t(fid));
        r.cost_us += costs::kReclaimScanUs;
      }
    }
  };

  u64 cleared = 0;  // accessed bits cleared in this pass (second chances given)
  for (int pass = 0; pass < 3 && got() < want; ++pass) {
    const u64 got0 = got();
    cleared = 0;
    cache_sweep();
    if (got() >= want) break;
    const std::size_t np = s.procs.size();
    if (np == 0) break;
    for (std::size_t k = 0; k <= np && got() < want; ++k) {
      std::size_t pi = (s.clock_proc + k) % np;
      if (!s.procs[pi]->alive || s.procs[pi]->superlocked) continue;
      Proc& p = *[&]() -> Proc* {
        auto& sp = s.procs[pi];
        if (sp.use_count() > 1) sp = std::make_shared<Proc>(*sp);
        return sp.get();
      }();
      u64 from = (k == 0) ? s.clock_va : 0;
      for (std::size_t vi = 0; vi < p.vmas.size() && got() < want; ++vi) {
        const Vma v = p.vmas[vi];
        if (v.locked || v.end <= from) continue;
        if (v.kind == VmaKind::Vvar || v.kind == VmaKind::Vdso) continue;
        for (u64 a = std::max(from, v.start); a < v.end && got() < want;) {
          u64 key = a >> kLeafShift;
          u64 lend = std::min(v.end, (key + 1) << kLeafShift);
          if (p.pt.find(key)) {
            Leaf* L = p.pt.mut(key, false);
            for (; a < lend && got() < want; a += kPageSize) {
              std::uint32_t& e = L->e[(a >> kPageShift) & (kLeafPages - 1)];
              if (pte::st(e) != pte::kFrame) continue;
              r.cost_us += costs::kReclaimScanUs;
              if (e & pte::A) { e &= ~pte::A; ++cleared; continue; }
              std::uint32_t f = pte::idx(e);
              if (s.frames.get(f) > 1) {
                if (!pin_built) { pin = pinned_frames(s); pin_built = true; }
                if (pin[f]) continue;
              }
              swap_out_pte(p, a, &e, false);
            }
          }
          a = lend;
          s.clock_proc = pi;
          s.clock_va = a;
        }
      }
      if (got() < want) { s.clock_proc = (pi + 1) % np; s.clock_va = 0; }
      // No prune() here: a caller up the stack may hold a pointer to one of p's leaves.
    }
    cache_sweep();
    // Nothing freed and no second chance given: another pass would see the same.
    if (got() == got0 && cleared == 0) break;
  }
  return got();
}

bool Sys::oom_kill(Proc* requester) {
  Proc* victim = nullptr;
  u64 best = 0;
  for (auto& sp : s.procs) {
    if (!sp->alive) continue;
    u64 score = 0;
    for (const auto& [key, leaf] : sp->pt.leaves)
      for (std::uint32_t e : leaf->e) {
        std::uint32_t st = pte::st(e);
        if ((st == pte::kFrame && !(e & pte::FILE)) || st == pte::kSwap) ++score;
      }
    if (score > best) { best = score; victim = sp.get(); }
  }
  u64 hog = s.hog ? s.hog->size() : 0;
  if (!requester && hog > best) {
    // The outside hog is the biggest: the OOM killer kills it.
    ev(EventKind::OomKill, -1, 0, hog);
    for (std::uint32_t f : *s.hog) s.frames.dec(f);
    s.hog = std::make_shared<std::vector<std::uint32_t>>();
    return false;
  }
  if (!victim) {
    if (requester && requester->alive) victim = requester;
    else return false;
  }
  Proc& v = *live(victim->pid);
  ev(EventKind::OomKill, v.pid, 0, best);
  kill(v, 9);
  return true;
}

}  // namespace pp::detail
