// pinpages core — VMAs: split, merge, mmap, munmap, mprotect, brk, madvise.
//
//   mlock of one page in the middle of a VMA:
//     before  [ A ─────────────────── ]
//     after   [ A ][ A' lo ][ A'' ]      split at both ends, flag the middle
//     munlock [ A ─────────────────── ]  flags equal again → merged back
#include <algorithm>

#include "core/costs.h"
#include "core/state.h"

namespace pp::detail {

int Sys::vma_at(const Proc& p, u64 addr) {
  auto it = std::upper_bound(p.vmas.begin(), p.vmas.end(), addr,
                             [](u64 a, const Vma& v) { return a < v.start; });
  if (it == p.vmas.begin()) return -1;
  --it;
  return addr < it->end ? int(it - p.vmas.begin()) : -1;
}

bool Sys::mergeable(const Vma& a, const Vma& b) {
  if (a.end != b.start) return false;
  if (a.kind != b.kind || a.prot != b.prot || a.shared != b.shared) return false;
  if (a.locked != b.locked || a.onfault != b.onfault || a.lazy != b.lazy) return false;
  if (a.name != b.name || a.file != b.file) return false;
  if (a.kind == VmaKind::Stack || a.kind == VmaKind::Vvar || a.kind == VmaKind::Vdso)
    return false;
  if (a.file >= 0 && a.file_off + (a.end - a.start) != b.file_off) return false;
  return true;
}

int Sys::split(Proc& p, u64 addr) {
  int i = vma_at(p, addr);
  if (i < 0) return -1;
  Vma& v = p.vmas[std::size_t(i)];
  if (v.start == addr) return i;
  Vma hi = v;
  hi.start = addr;
  if (hi.file >= 0) hi.file_off += addr - v.start;
  v.end = addr;
  p.vmas.insert(p.vmas.begin() + i + 1, hi);
  ev(EventKind::VmaSplit, p.pid, addr, 0);
  return i + 1;
}

void Sys::merge_around(Proc& p, u64 lo, u64 hi) {
  if (p.vmas.empty()) return;
  int i = vma_at(p, lo ? lo - 1 : 0);
  if (i < 0) i = vma_at(p, lo);
  if (i < 0) {
    auto it = std::lower_bound(p.vmas.begin(), p.vmas.end(), lo,
                               [](const Vma& v, u64 a) { return v.end <= a; });
    i = int(it - p.vmas.begin());
  }
  for (std::size_t k = std::size_t(std::max(i, 0)); k + 1 < p.vmas.size();) {
    if (p.vmas[k].start > hi) break;
    if (mergeable(p.vmas[k], p.vmas[k + 1])) {
      ev(EventKind::VmaMerge, p.pid, p.vmas[k].start, p.vmas[k + 1].pages());
      p.vmas[k].end = p.vmas[k + 1].end;
      p.vmas.erase(p.vmas.begin() + std::ptrdiff_t(k) + 1);
    } else {
      ++k;
    }
  }
}

bool Sys::range_mapped(const Proc& p, u64 start, u64 end) const {
  u64 a = start;
  while (a < end) {
    int i = vma_at(p, a);
    if (i < 0) return false;
    a = p.vmas[std::size_t(i)].end;
  }
  return true;
}

u64 Sys::find_gap(const Proc& p, u64 len, u64 hint) const {
  auto free_at = [&](u64 a) {
    if (a < kMmapMinAddr || a + len < a || a + len > kTaskSize) return false;
    for (const Vma& v : p.vmas)
      if (v.start < a + len && a < v.end) return false;
    return true;
  };
  if (hint && (hint & (kPageSize - 1)) == 0 && free_at(hint)) return hint;
  // Top-down from the mmap base, like unmapped_area_topdown().
  u64 floor = std::max<u64>(page_up(p.brk) + (1ull << 30) / 1024, kMmapMinAddr);
  u64 ceiling = kMmapBase;
  for (std::size_t k = p.vmas.size(); k-- > 0;) {
    const Vma& v = p.vmas[k];
    if (v.start >= ceiling) continue;
    u64 gap_lo = std::max(v.end, floor);
    if (ceiling >= gap_lo && ceiling - gap_lo >= len) return ceiling - len;
    ceiling = std::min(ceiling, v.start);
    if (ceiling <= floor) return 0;
  }
  if (ceiling > floor && ceiling - floor >= len) return ceiling - len;
  return 0;
}

void Sys::insert_vma(Proc& p, const Vma& v) {
  auto it = std::lower_bound(p.vmas.begin(), p.vmas.end(), v.start,
                             [](const Vma& a, u64 s) { return a.start < s; });
  p.vmas.insert(it, v);
}

void Sys::sync_dirty(Proc& p, u64 start, u64 end) {
  // Unmapping a written MAP_SHARED file page leaves the page-cache page dirty
  // (set_page_dirty): it must be written back before it can be dropped.
  for (const Vma& v : p.vmas) {
    if (!v.shared || v.file < 0 || v.end <= start || v.start >= end) continue;
    u64 a0 = std::max(start, v.start), a1 = std::min(end, v.end);
    for (u64 a = a0; a < a1;) {
      u64 key = a >> (kPageShift + kLeafBits);
      u64 lend = std::min(a1, (key + 1) << (kPageShift + kLeafBits));
      if (const Leaf* L = p.pt.find(key))
        for (u64 b = a; b < lend; b += kPageSize) {
          std::uint32_t e = L->e[(b >> kPageShift) & (kLeafPages - 1)];
          if (pte::st(e) != pte::kFrame || !(e & pte::FILE) || !(e & pte::D)) continue;
          u64 pi = (b - v.start + v.file_off) >> kPageShift;
          File& f = file_mut(v.file);
          if (pi < f.cache.size && f.cache.get(pi)) f.cache.at(pi) |= File::kDirty;
        }
      a = lend;
    }
  }
}

void Sys::unmap_range(Proc& p, u64 start, u64 end) {
  if (start >= end) return;
  split(p, start);
  split(p, end);
  sync_dirty(p, start, end);
  // Release every PTE in the range, one leaf at a time.
  u64 freed = 0;
  for (u64 va = start; va < end;) {
    u64 key = va >> (kPageShift + kLeafBits);
    u64 lend = std::min(end, (key + 1) << (kPageShift + kLeafBits));
    if (p.pt.find(key)) {
      Leaf* L = p.pt.mut(key, false);
      for (u64 a = va; a < lend; a += kPageSize) {
        std::uint32_t& e = L->e[(a >> kPageShift) & (kLeafPages - 1)];
        if (e) {
          if (pte::st(e) == pte::kFrame) ++freed;
          release_pte(e);
          e = 0;
        }
      }
    }
    va = lend;
  }
  if (freed) r.cost_us += double(freed) * costs::kFreePageUs;
  for (std::size_t k = 0; k < p.vmas.size();) {
    const Vma& v = p.vmas[k];
    if (v.start >= start && v.end <= end) {
      ev(EventKind::VmaRemove, p.pid, v.start, v.pages());
      p.vmas.erase(p.vmas.begin() + std::ptrdiff_t(k));
    } else {
      ++k;
    }
  }
  p.pt.prune();
}

OpResult& Sys::do_mmap(Proc& p, u64 addr, u64 len, int prot, int flags, int fd, u64 off) {
  r.cost_us += costs::kSyscallUs;
  auto fail = [&](int e) -> OpResult& { r.ret = i64(kMapFailed); r.err = e; return r; };
  int type = flags & 3;
  if (type == 0) return fail(err::INVAL);
  if (prot & ~(prot::READ | prot::WRITE | prot::EXEC)) return fail(err::INVAL);
  if (len == 0) return fail(err::INVAL);
  if (off & (kPageSize - 1)) return fail(err::INVAL);
  if (len > kTaskSize) return fail(err::NOMEM);
  len = page_up(len);
  const bool anon = flags & mapf::ANONYMOUS;
  const bool shared = type != 2;
  int fid = -1;
  if (!anon) {
    if (fd < 3 || std::size_t(fd - 3) >= p.fds.size() || p.fds[std::size_t(fd - 3)] < 0)
      return fail(err::BADF);
    fid = p.fds[std::size_t(fd - 3)];
    if (off + len < off) return fail(err::OVERFLOW_);
  }
  if ((flags & mapf::LOCKED) && !can_do_mlock(p)) return fail(err::PERM);
  bool locked = (flags & mapf::LOCKED) || lock_by_default(p);
  bool onfault = !(flags & mapf::LOCKED) && p.def_locked && p.def_onfault && !p.superlocked;
  if (locked && !p.cap && !qnx()) {
    u64 limit = p.rlim_cur == kRlimInfinity ? ~u64(0) : p.rlim_cur >> kPageShift;
    if ((len >> kPageShift) + locked_pages(p) > limit) return fail(err::AGAIN);
  }
  // Accounted mappings (private writable, and shared anonymous = shmem) larger than
  // RAM + swap are refused by the heuristic overcommit check.
  if (((!shared && (prot & prot::WRITE)) || (shared && anon)) && !(flags & mapf::NORESERVE) &&
      (len >> kPageShift) > overcommit_limit())
    return fail(err::NOMEM);
  if ((locked || (flags & mapf::POPULATE)) && (len >> kPageShift) > kPopulateCap)
    return fail(err::NOMEM);
  u64 start;
  if (flags & mapf::FIXED) {
    if (addr & (kPageSize - 1)) return fail(err::INVAL);
    if (addr + len < addr || addr + len > kTaskSize) return fail(err::NOMEM);
    if (addr < kMmapMinAddr) return fail(err::PERM);
    start = addr;
    unmap_range(p, start, start + len);
  } else {
    start = find_gap(p, len, page_down(addr));
    if (!start) return fail(err::NOMEM);
  }
  Vma v;
  v.start = start;
  v.end = start + len;
  v.prot = prot;
  v.shared = shared;
  v.locked = locked;
  v.onfault = locked && onfault;
  v.lazy = qnx() && (flags & mapf::LAZY);
  if (anon && !shared) {
    v.kind = VmaKind::Anon;
  } else if (anon) {
    // Shared anonymous memory is a shmem object: fork shares it, it has a page cache.
    fid = int(s.files.size());
    auto f = std::make_shared<File>();
    f->path = qnx() ? "/dev/shmem (anonymous)" : "/dev/zero (deleted)";
    f->size = len;
    f->shmem = true;
    f->cache.resize(len >> kPageShift);
    s.files.push_back(f);
    v.kind = VmaKind::File;
    v.file = fid;
    v.name = f->path;
  } else {
    v.kind = VmaKind::File;
    v.file = fid;
    v.file_off = off;
    v.name = s.files[std::size_t(fid)]->path;
  }
  insert_vma(p, v);
  ev(EventKind::VmaCreate, p.pid, start, len >> kPageShift);
  if (locked) ev(EventKind::Lock, p.pid, start, len >> kPageShift);
  merge_around(p, start, start + len);
  r.ret = i64(start);
  if (!after_map(p, start, start + len, (flags & mapf::POPULATE) != 0)) {
    unmap_range(p, start, start + len);  // QNX: the memory could not be set aside
    return fail(err::NOMEM);
  }
  return r;
}

OpResult& Sys::do_munmap(Proc& p, u64 addr, u64 len) {
  r.cost_us += costs::kSyscallUs;
  if ((addr & (kPageSize - 1)) || len == 0 || len > kTaskSize) { r.ret = -1; r.err = err::INVAL; return r; }
  len = page_up(len);
  if (addr + len < addr || addr + len > kTaskSize) { r.ret = -1; r.err = err::INVAL; return r; }
  unmap_range(p, addr, addr + len);
  r.ret = 0;
  return r;
}

// Present anonymous frames this process alone maps, and that no fork shares
// copy-on-write (PageAnonExclusive), get their write bit back.
void Sys::make_writable(Proc& p, u64 start, u64 end) {
  for (u64 a = start; a < end;) {
    const u64 key = a >> (kPageShift + kLeafBits);
    const u64 lend = std::min(end, (key + 1) << (kPageShift + kLeafBits));
    Leaf* L = p.pt.find(key) ? p.pt.mut(key, false) : nullptr;
    for (; L && a < lend; a += kPageSize) {
      std::uint32_t& e = L->e[(a >> kPageShift) & (kLeafPages - 1)];
      if (pte::st(e) == pte::kFrame && (e & pte::P) && !(e & (pte::FILE | pte::COW | pte::W)) &&
          s.frames.get(pte::idx(e)) == 1)
        e |= pte::W;
    }
    a = lend;
  }
}

OpResult& Sys::do_mprotect(Proc& p, u64 addr, u64 len, int prot) {
  r.cost_us += costs::kSyscallUs;
  auto fail = [&](int e) -> OpResult& { r.ret = -1; r.err = e; return r; };
  if (addr & (kPageSize - 1)) return fail(err::INVAL);
  if (prot & ~(prot::READ | prot::WRITE | prot::EXEC)) return fail(err::INVAL);
  if (len > kTaskSize) return fail(err::NOMEM);
  len = page_up(len);
  u64 end = addr + len;
  if (end < addr) return fail(err::NOMEM);
  if (len == 0) { r.ret = 0; return r; }
  if (!range_mapped(p, addr, end)) return fail(err::NOMEM);
  // A shared file mapping opened read-write may become writable; all ours are.
  split(p, addr);
  split(p, end);
  std::vector<std::pair<u64, u64>> repopulate;
  for (Vma& v : p.vmas) {
    if (v.end <= addr || v.start >= end) continue;
    if (v.kind == VmaKind::Vvar || v.kind == VmaKind::Vdso) continue;
    int old = v.prot;
    v.prot = prot;
    if ((old & prot::WRITE) && !(prot & prot::WRITE)) {
      // Write-protect the PTEs so the next write faults (and SIGSEGVs).
      for (u64 a = v.start; a < v.end; a += kPageSize) {
        Leaf* L = p.pt.mut(a >> (kPageShift + kLeafBits), false);
        if (!L) { a = (((a >> (kPageShift + kLeafBits)) + 1) << (kPageShift + kLeafBits)) - kPageSize; continue; }
        L->e[(a >> kPageShift) & (kLeafPages - 1)] &= ~pte::W;
      }
    }
    // change_protection() makes exclusive anonymous pages writable in place when a
    // private mapping becomes writable (no write fault later, none when populating).
    if (!(old & prot::WRITE) && (prot & prot::WRITE) && !v.shared && !qnx()) make_writable(p, v.start, v.end);
    // mprotect_fixup: a locked private mapping that becomes writable is populated
    // (COW broken) at once; the model also populates a locked PROT_NONE range that
    // becomes accessible so that locked pages stay resident.
    if (v.locked && !v.onfault && ((!(old & prot::WRITE) && (prot & prot::WRITE) && !v.shared) ||
                                   (old == prot::NONE && prot != prot::NONE)))
      repopulate.emplace_back(v.start, v.end);
  }
  merge_around(p, addr, end);
  // QNX sets the pages up at their level (no faults counted), not by populating.
  for (auto [a, b] : repopulate) {
    if (qnx()) qnx_settle(p, a, b);
    else populate(p, a, b);
  }
  r.ret = 0;
  return r;
}

bool Sys::do_brk(Proc& p, u64 newbrk) {
  if (newbrk < p.start_brk || newbrk > kTaskSize) return false;
  u64 oldend = page_up(p.brk), newend = page_up(newbrk);
  if (newend == oldend) { p.brk = newbrk; return true; }
  if (newend < oldend) {
    unmap_range(p, newend, oldend);
    p.brk = newbrk;
    return true;
  }
  u64 grow = newend - oldend;
  // Heuristic overcommit (vm.overcommit_memory = 0): refuse an obvious overcommit.
  if ((grow >> kPageShift) > overcommit_limit()) return false;
  // Collision with the next mapping (or the stack guard gap).
  for (const Vma& v : p.vmas)
    if (v.start < newend + (1ull << 20) && v.end > oldend) return false;
  if (newend > kTaskSize) return false;
  bool locked = lock_by_default(p);
  if (locked && (grow >> kPageShift) > kPopulateCap) return false;
  if (locked && !p.cap && !qnx()) {
    u64 limit = p.rlim_cur == kRlimInfinity ? ~u64(0) : p.rlim_cur >> kPageShift;
    if ((grow >> kPageShift) + locked_pages(p) > limit) return false;
  }
  // do_brk_flags: extend the last [heap] VMA when its flags match, else a new VMA.
  int last = oldend > p.start_brk ? vma_at(p, oldend - 1) : -1;
  bool onfault = locked && p.def_onfault && !p.superlocked;
  if (last >= 0 && p.vmas[std::size_t(last)].kind == VmaKind::Heap &&
      p.vmas[std::size_t(last)].locked == locked && p.vmas[std::size_t(last)].onfault == onfault) {
    p.vmas[std::size_t(last)].end = newend;
    ev(EventKind::VmaGrow, p.pid, oldend, grow >> kPageShift);
  } else {
    Vma v;
    v.start = oldend;
    v.end = newend;
    v.prot = prot::READ | prot::WRITE;
    v.kind = VmaKind::Heap;
    v.name = "[heap]";
    v.locked = locked;
    v.onfault = onfault;
    insert_vma(p, v);
    ev(EventKind::VmaCreate, p.pid, oldend, grow >> kPageShift);
  }
  if (locked) ev(EventKind::Lock, p.pid, oldend, grow >> kPageShift);
  if (!after_map(p, oldend, newend, false)) {
    unmap_range(p, oldend, newend);
    return false;
  }
  p.brk = newbrk;
  return p.alive;
}

// File frames of [start, end) mapped more than once, and which of them a locked VMA maps.
FrameMarks Sys::shared_file_frames_locked(const Proc& p, u64 start, u64 end) const {
  std::vector<std::uint32_t> cand;
  for (u64 a = start; a < end;) {
    const u64 key = a >> (kPageShift + kLeafBits);
    const u64 lend = std::min(end, (key + 1) << (kPageShift + kLeafBits));
    if (const Leaf* L = p.pt.find(key))
      for (u64 b = a; b < lend; b += kPageSize) {
        std::uint32_t e = L->e[(b >> kPageShift) & (kLeafPages - 1)];
        if (pte::st(e) == pte::kFrame && (e & pte::FILE) && s.frames.get(pte::idx(e)) > 2) cand.push_back(pte::idx(e));
      }
    a = lend;
  }
  return cand.empty() ? FrameMarks() : locked_among(s, cand);
}

OpResult& Sys::do_madvise(Proc& p, u64 addr, u64 len, int advice) {
  r.cost_us += costs::kSyscallUs;
  auto fail = [&](int e) -> OpResult& { r.ret = -1; r.err = e; return r; };
  if (addr & (kPageSize - 1)) return fail(err::INVAL);
  switch (advice) {
    case madv::NORMAL: case madv::RANDOM: case madv::SEQUENTIAL: case madv::WILLNEED:
    case madv::DONTNEED: case madv::FREE: case madv::COLD: case madv::PAGEOUT:
    case madv::DONTNEED_LOCKED: break;
    default: return fail(err::INVAL);
  }
  if (len > kTaskSize) return fail(err::INVAL);
  len = page_up(len);
  u64 end = addr + len;
  if (end < addr) return fail(err::INVAL);
  if (len == 0) { r.ret = 0; return r; }
  // DONTNEED_LOCKED (Linux 5.18) is DONTNEED that locked VMAs accept too: the pages go,
  // the VMA stays locked, and the next touch faults them back in (locked).
  const bool drop_locked = advice == madv::DONTNEED_LOCKED;
  if (drop_locked && qnx()) return fail(err::INVAL);
  bool destructive = advice == madv::DONTNEED || advice == madv::FREE ||
                     advice == madv::COLD || advice == madv::PAGEOUT || drop_locked;
  // Validate every VMA first: a locked (or special) one makes the call EINVAL.
  bool hole = !range_mapped(p, addr, end);
  for (const Vma& v : p.vmas) {
    if (v.end <= addr || v.start >= end) continue;
    if (destructive && ((v.locked && !drop_locked) || v.kind == VmaKind::Vvar || v.kind == VmaKind::Vdso))
      return fail(err::INVAL);
    if (advice == madv::FREE && (v.file >= 0 || v.shared)) return fail(err::INVAL);
  }
  // PAGEOUT cannot unmap a page that another locked mapping keeps mlocked.
  FrameMarks pinned;
  if (advice == madv::PAGEOUT && !qnx()) pinned = shared_file_frames_locked(p, addr, end);
  for (std::size_t k = 0; k < p.vmas.size() && p.alive; ++k) {
    const Vma v = p.vmas[k];
    if (v.end <= addr || v.start >= end) continue;
    u64 a0 = std::max(addr, v.start), a1 = std::min(end, v.end);
    if (advice == madv::WILLNEED && v.file >= 0) {
      for (u64 a = a0; a < a1; a += kPageSize) {
        u64 pi = (a - v.start + v.file_off) >> kPageShift;
        if (pi >= s.files[std::size_t(v.file)]->npages()) break;
        bool major = false;
        cache_page(v.file, pi, &p, major);
        if (!p.alive) break;
      }
      continue;
    }
    if (!destructive) continue;
    for (u64 a = a0; a < a1; a += kPageSize) {
      Leaf* L = p.pt.mut(a >> (kPageShift + kLeafBits), false);
      if (!L) continue;
      std::uint32_t& e = L->e[(a >> kPageShift) & (kLeafPages - 1)];
      if (!e) continue;
      if (advice == madv::COLD) { e &= ~pte::A; continue; }
      if (advice == madv::PAGEOUT) {
        if (!pinned.locked(pte::idx(e))) swap_out_pte(p, a, &e, true);
        continue;
      }
      // DONTNEED / FREE: drop the mapping; anonymous data is gone (zero-fill next time).
      if (pte::st(e) == pte::kFrame && (e & pte::FILE) && (e & pte::D) && v.file >= 0) {
        File& f = file_mut(v.file);
        u64 pi = (a - v.start + v.file_off) >> kPageShift;
        if (pi < f.cache.size && f.cache.get(pi)) f.cache.at(pi) |= File::kDirty;
      }
      if (pte::st(e) == pte::kFrame) ev(EventKind::FrameFree, p.pid, a, 1, pte::idx(e));
      release_pte(e);
      e = 0;
      r.cost_us += costs::kFreePageUs;
    }
  }
  if (hole) return fail(err::NOMEM);
  r.ret = 0;
  return r;
}

}  // namespace pp::detail
