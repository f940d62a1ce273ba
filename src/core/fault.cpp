// pinpages core — page faults: what one access to one page does.
//
//   PTE before         read access                write access
//   ─────────────      ─────────────────────      ─────────────────────────────────
//   none (anon)        zero page   (minor)        new frame          (minor)
//                      (zero_page off: new frame, writable if the VMA is)
//   none (file)        cache page  (minor/major)  shared: cache page, dirty (minor)
//                                                 private: copy      (minor/major)
//   zero page          —                          new frame          (minor)
//   frame, read-only   —                          refcount 1: reuse  (minor)
//                                                 shared: COW copy   (minor)
//   swap slot          swap-in     (major)        swap-in            (major)
//                      + readahead of the slot's neighbours (page-cluster)
//   read ahead, or     map it      (minor)        map it writable    (minor)
//   QNX reserved
#include <algorithm>

#include "core/costs.h"
#include "core/state.h"

namespace pp::detail {

namespace {
constexpr u64 kLeafShift = kPageShift + kLeafBits;
constexpr u64 kReadaheadPages = 32;    // read_ahead_kb = 128
constexpr u64 kFaultAroundPages = 16;  // fault_around_bytes = 64 KiB
constexpr u64 kSwapClusterPages = 8;   // vm.page-cluster = 3: 2^3 pages per swap read
}  // namespace

// Swap readahead (swap_vma_readahead): the read that brings in the faulting page
// also brings the swapped-out neighbours of its aligned cluster, in the same VMA,
// into RAM. They are not mapped yet: the PTE holds the frame without the present
// bit, so the first touch is a minor fault (do_swap_page finds the page in the swap
// cache and counts PGMAJFAULT only on a miss). Only free frames are used: readahead
// never makes the kernel reclaim.
u64 Sys::swap_readahead(Proc& p, const Vma& v, u64 va) {
  const u64 span = kSwapClusterPages << kPageShift;
  const u64 w0 = std::max(v.start, va & ~(span - 1));
  const u64 w1 = std::min(v.end, (va & ~(span - 1)) + span);
  u64 got = 0;
  for (u64 a = w0; a < w1; a += kPageSize) {
    if (a == va) continue;
    Leaf* L = p.pt.mut(a >> kLeafShift, false);
    if (!L) continue;
    std::uint32_t& e = L->e[(a >> kPageShift) & (kLeafPages - 1)];
    if (pte::st(e) != pte::kSwap || s.swap.get(pte::idx(e)) != 1) continue;
    std::uint32_t f = s.frames.alloc();
    if (f == kNoIdx) break;
    ev(EventKind::SwapIn, p.pid, a, 1, pte::idx(e));
    s.swap.dec(pte::idx(e));
    e = pte::make(pte::kFrame, f, 0);
    ++got;
  }
  return got;
}

Proc* Sys::find(int pid) const {
  for (const auto& p : s.procs)
    if (p->pid == pid) return p.get();
  return nullptr;
}

Proc* Sys::live(int pid) {
  for (auto& p : s.procs)
    if (p->pid == pid) {
      if (!p->alive) return nullptr;
      if (p.use_count() > 1) p = std::make_shared<Proc>(*p);
      return p.get();
    }
  return nullptr;
}

File& Sys::file_mut(int id) {
  auto& f = s.files[std::size_t(id)];
  if (f.use_count() > 1) f = std::make_shared<File>(*f);
  return *f;
}

void Sys::ev(EventKind k, int pid, u64 va, u64 n, std::int64_t aux) {
  if (!r.events.empty()) {
    Event& b = r.events.back();
    if (b.kind == k && b.pid == pid && b.aux == aux && n && b.npages &&
        b.vaddr + (b.npages << kPageShift) == va) {
      b.npages += n;
      return;
    }
  }
  // Bound the list: a pathological op must not produce millions of events. Past the
  // bound, pages still count (so per-kind totals match the fault counters): they go
  // to one overflow event per kind and process, with no address (vaddr 0).
  constexpr std::size_t kMaxEvents = 4096;
  if (r.events.size() >= kMaxEvents) {
    for (std::size_t i = kMaxEvents; i < r.events.size(); ++i) {
      Event& o = r.events[i];
      if (o.kind == k && o.pid == pid) {
        o.npages += n ? n : 1;
        return;
      }
    }
    r.events.push_back(Event{k, pid, 0, n ? n : 1, 0});
    return;
  }
  r.events.push_back(Event{k, pid, va, n, aux});
}

void Sys::fault_count(Proc& p, bool major) {
  if (major) {
    ++p.majflt;
    if (p.pid == caller) ++r.majflt;
  } else {
    ++p.minflt;
    if (p.pid == caller) ++r.minflt;
  }
}

std::uint32_t Sys::alloc_frame(Proc* p) {
  for (int attempt = 0; attempt < 64; ++attempt) {
    std::uint32_t f = s.frames.alloc();
    if (f != kNoIdx) return f;
    if (reclaim(32)) continue;
    if (qnx()) return kNoIdx;  // no OOM killer: the caller fails (ENOMEM) or raises SIGBUS
    if (!oom_kill(p)) return kNoIdx;
    if (p && !p->alive) return kNoIdx;
  }
  return kNoIdx;
}

void Sys::release_pte(std::uint32_t e) {
  switch (pte::st(e)) {
    case pte::kFrame: s.frames.dec(pte::idx(e)); break;
    case pte::kSwap: s.swap.dec(pte::idx(e)); break;
    default: break;
  }
}

void Sys::kill(Proc& p, int sig) {
  if (!p.alive) return;
  ev(EventKind::Signal, p.pid, 0, 0, sig);
  release_all(p);
  p.alive = false;
  p.exit_code = 128 + sig;
  ev(EventKind::ProcessExit, p.pid, 0, 0, p.exit_code);
}

std::uint32_t Sys::cache_page(int fid, u64 idx, Proc* p, bool& major) {
  {
    const File& f = *s.files[std::size_t(fid)];
    if (idx >= f.cache.size) return kNoIdx;
    std::uint32_t c = f.cache.get(idx);
    if (c) return (c & ~File::kDirty) - 1;
    major = !f.shmem;
  }
  if (major) {
    // Readahead: the rest of the aligned window first, the wanted page last, so that
    // nothing is allocated between reading the wanted page and mapping it.
    u64 w0 = idx & ~(kReadaheadPages - 1);
    u64 w1 = std::min<u64>(w0 + kReadaheadPages, s.files[std::size_t(fid)]->cache.size);
    u64 got = 0;
    for (u64 i = w0; i < w1; ++i) {
      if (i == idx || s.files[std::size_t(fid)]->cache.get(i)) continue;
      std::uint32_t f = alloc_frame(p);
      if (f == kNoIdx) return kNoIdx;
      if (p && !p->alive) { s.frames.dec(f); return kNoIdx; }
      file_mut(fid).cache.at(i) = f + 1;
      ++got;
    }
    ev(EventKind::FileRead, p ? p->pid : 0, 0, got + 1, fid);
  }
  std::uint32_t f = alloc_frame(p);
  if (f == kNoIdx) return kNoIdx;
  if (p && !p->alive) { s.frames.dec(f); return kNoIdx; }
  file_mut(fid).cache.at(idx) = f + 1;
  return f;
}

int Sys::fault_one(Proc& p, int vi, u64 va, bool write, int mode) {
  const bool q = qnx();
  const u64 key = va >> kLeafShift;
  const unsigned slot = unsigned(va >> kPageShift) & (kLeafPages - 1);
  const bool counts = mode != 2;
  std::uint32_t nf = kNoIdx;  // a frame allocated ahead of need (then re-evaluated)
  bool counted = false;
  auto done = [&](int rc) {
    if (nf != kNoIdx) s.frames.dec(nf);
    return rc;
  };
  auto minor = [&](double us) {
    if (counted) return;
    counted = true;
    if (counts) fault_count(p, false);
    r.cost_us += mode == 0 ? us : costs::kPopulatePerPageUs;
    if (counts) ev(mode == 1 ? EventKind::Populate : EventKind::MinorFault, p.pid, va, 1);
  };
  // No frame: on Linux the OOM killer has run (1 = dead, or give up); on QNX the page
  // cannot be initialised and the thread gets SIGBUS (2).
  auto no_frame = [&]() { return done(q && p.alive ? 2 : 1); };
  auto major = [&](double us) {
    counted = true;
    if (counts) fault_count(p, true);
    r.cost_us += us;
    if (counts) ev(EventKind::MajorFault, p.pid, va, 1);
  };
  for (int guard = 0; guard < 16; ++guard) {
    if (!p.alive) return done(1);
    const Vma& v = p.vmas[std::size_t(vi)];
    const bool fileb = v.file >= 0, shared = v.shared;
    const bool writable = v.prot & prot::WRITE;
    std::uint32_t& e = p.pt.mut(key, true)->e[slot];
    const std::uint32_t st = pte::st(e);
    auto need = [&]() {
      nf = alloc_frame(&p);
      return nf != kNoIdx && p.alive;
    };
    if (st == pte::kFrame && !(e & pte::P)) {  // read ahead (Linux) or reserved (QNX)
      minor(costs::kMinorFaultUs);
      e |= pte::P | pte::A;
      if (!write) return done(0);
    }
    if (st == pte::kFrame) {
      if (!write) { e |= pte::A; return done(0); }
      if (e & pte::W) { e |= pte::A | pte::D; return done(0); }
      const std::uint32_t old = pte::idx(e);
      if ((e & pte::FILE) && shared) {  // dirty tracking of a shared file page
        minor(costs::kMinorFaultUs);
        e |= pte::W | pte::D | pte::A;
        File& f = file_mut(v.file);
        u64 pi = (va - v.start + v.file_off) >> kPageShift;
        if (pi < f.cache.size && f.cache.get(pi)) f.cache.at(pi) |= File::kDirty;
        return done(0);
      }
      if (!(e & pte::FILE) && s.frames.get(old) == 1) {  // sole owner: reuse
        minor(costs::kMinorFaultUs);
        e = (e & ~pte::COW) | pte::W | pte::D | pte::A;
        return done(0);
      }
      if (nf == kNoIdx) {
        if (!need()) return no_frame();
        continue;  // the allocation may have reclaimed: look again
      }
      minor(costs::kMinorFaultUs + costs::kCowCopyUs);
      ev(EventKind::CowCopy, p.pid, va, 1, nf);
      s.frames.dec(old);
      e = pte::make(pte::kFrame, nf, pte::P | pte::W | pte::D | pte::A);
      nf = kNoIdx;
      return done(0);
    }
    if (st == pte::kZero) {
      if (!write) return done(0);
      if (nf == kNoIdx) {
        if (!need()) return no_frame();
        continue;
      }
      minor(costs::kMinorFaultUs);
      ev(EventKind::FrameAlloc, p.pid, va, 1);
      e = pte::make(pte::kFrame, nf, pte::P | pte::W | pte::D | pte::A);
      nf = kNoIdx;
      return done(0);
    }
    if (st == pte::kSwap) {
      if (nf == kNoIdx) {
        if (!need()) return no_frame();
        continue;
      }
      std::uint32_t sl = pte::idx(e);
      major(costs::kMajorFaultSwapUs);
      ev(EventKind::SwapIn, p.pid, va, 1, sl);
      s.swap.dec(sl);
      e = pte::make(pte::kFrame, nf, pte::P | pte::A | (write ? pte::W | pte::D : 0u));
      nf = kNoIdx;
      if (!q) swap_readahead(p, p.vmas[std::size_t(vi)], va);
      return done(0);
    }
    // st == none
    if (!fileb) {
      if (!write && !q && s.cfg.zero_page) {
        minor(costs::kZeroMapFaultUs);
        ev(EventKind::ZeroMap, p.pid, va, 1);
        e = pte::kZero | pte::P;
        return done(0);
      }
      if (nf == kNoIdx) {
        if (!need()) return no_frame();
        continue;
      }
      minor(costs::kMinorFaultUs);
      ev(EventKind::FrameAlloc, p.pid, va, 1);
      // Without the zero page the kernel maps the new frame writable (and dirty) when the
      // VMA is, so the first write after a read takes no second fault.
      bool w = write || (writable && (mode == 2 || (!q && !s.cfg.zero_page)));
      e = pte::make(pte::kFrame, nf, pte::P | pte::A | (w ? pte::W | pte::D : 0u));
      nf = kNoIdx;
      return done(0);
    }
    // File-backed (or shmem) page not mapped.
    const u64 pi = (va - v.start + v.file_off) >> kPageShift;
    if (pi >= s.files[std::size_t(v.file)]->npages()) return done(2);  // past EOF: SIGBUS
    const bool private_write = write && !shared;
    if (private_write && nf == kNoIdx) {  // the copy's frame first (see cache_page)
      if (!need()) return no_frame();
      continue;
    }
    bool maj = false;
    const int fid = v.file;
    std::uint32_t cf = cache_page(fid, pi, &p, maj);
    if (cf == kNoIdx || !p.alive) return done(p.alive ? 2 : 1);
    std::uint32_t& e2 = p.pt.mut(key, true)->e[slot];
    if (pte::st(e2) != pte::kNone) continue;  // changed under us (cannot, but be safe)
    if (maj) major(costs::kMajorFaultFileUs);
    else minor(costs::kMinorFaultUs);
    const Vma& v2 = p.vmas[std::size_t(vi)];
    if (private_write) {
      ev(EventKind::CowCopy, p.pid, va, 1, nf);
      e2 = pte::make(pte::kFrame, nf, pte::P | pte::W | pte::D | pte::A);
      nf = kNoIdx;
    } else {
      s.frames.inc(cf);
      bool w = write && writable;
      e2 = pte::make(pte::kFrame, cf,
                     pte::FILE | pte::P | pte::A | (shared ? 0u : pte::COW) | (w ? pte::W | pte::D : 0u));
      if (w) file_mut(fid).cache.at(pi) |= File::kDirty;
      // Fault-around: map the neighbours already in the page cache, without faults.
      // mlock and MAP_POPULATE fault through the same path, so they get it too.
      if (mode != 2 && !write) {
        u64 w0 = std::max(v2.start, va & ~((kFaultAroundPages << kPageShift) - 1));
        u64 w1 = std::min(v2.end, w0 + (kFaultAroundPages << kPageShift));
        const File& f = *s.files[std::size_t(fid)];
        for (u64 a = w0; a < w1; a += kPageSize) {
          if (a == va) continue;
          u64 pj = (a - v2.start + v2.file_off) >> kPageShift;
          if (pj >= f.cache.size) break;
          std::uint32_t c = f.cache.get(pj);
          if (!c) continue;
          Leaf* L = p.pt.mut(a >> kLeafShift, true);
          std::uint32_t& n = L->e[(a >> kPageShift) & (kLeafPages - 1)];
          if (n) continue;
          std::uint32_t fr = (c & ~File::kDirty) - 1;
          s.frames.inc(fr);
          n = pte::make(pte::kFrame, fr, pte::FILE | pte::P | (shared ? 0u : pte::COW));
        }
      }
    }
    return done(0);
  }
  return done(0);
}

bool Sys::access(Proc& p, int vi, u64 start, u64 end, bool write, int mode) {
  const Vma& v0 = p.vmas[std::size_t(vi)];
  // QNX superlock: the first reference to a lazy page sets it up completely (private,
  // writable), so a read is not followed by a second fault on the first write.
  if (qnx() && p.superlocked && v0.lazy && (v0.prot & prot::WRITE)) write = true;
  const bool anon_priv = v0.file < 0 && !v0.shared;
  const bool fast_anon = anon_priv && !qnx();
  const bool zero_read = s.cfg.zero_page;  // read faults map the zero page
  const std::uint32_t new_bits =
      pte::P | pte::A | (write || (v0.prot & prot::WRITE) ? pte::W | pte::D : 0u);
  const int pid = p.pid;
  u64 nzero = 0, nalloc = 0, nres = 0;
  // Events are ranges: consecutive pages of one kind become one event (a fault plus
  // a frame allocation, or a fault plus a zero-page mapping).
  struct Run { u64 start = 0, n = 0; };
  Run ralloc, rzero;
  const EventKind fault_kind = mode == 1 ? EventKind::Populate : EventKind::MinorFault;
  auto emit = [&](Run& run, EventKind k) {
    if (!run.n) return;
    if (mode != 2) ev(fault_kind, pid, run.start, run.n);
    ev(k, pid, run.start, run.n);
    run.n = 0;
  };
  auto add = [&](Run& run, EventKind k, u64 va) {
    if (run.n && run.start + (run.n << kPageShift) == va) { ++run.n; return; }
    emit(run, k);
    run.start = va;
    run.n = 1;
  };
  auto flush = [&]() {
    if (mode != 2) {
      p.minflt += nzero + nalloc;
      if (pid == caller) r.minflt += nzero + nalloc;
    }
    emit(ralloc, EventKind::FrameAlloc);
    emit(rzero, EventKind::ZeroMap);
    if (mode == 0)
      r.cost_us += double(nalloc) * costs::kMinorFaultUs + double(nzero) * costs::kZeroMapFaultUs +
                   double(nres) * costs::kTouchResidentUs;
    else
      r.cost_us += double(nalloc + nzero) * costs::kPopulatePerPageUs;
    nzero = nalloc = nres = 0;
  };
  // A page needs no change when it is mapped with the access bits already set: a leaf
  // of such pages is not written at all (so a snapshot keeps sharing it).
  const std::uint32_t need_bits = pte::P | pte::A | (write ? pte::W | pte::D : 0u);
  auto settled = [&](std::uint32_t e) {
    std::uint32_t st = e & pte::kStateMask;
    return (st == pte::kFrame && (e & need_bits) == need_bits) || (st == pte::kZero && !write);
  };
  constexpr std::uint32_t kBatch = kLeafPages;
  std::uint32_t batch[kBatch];
  std::uint32_t batch_i = 0, batch_n = 0;
  // Frames taken in a batch but not used (the run ended early) go back.
  auto give_back = [&]() {
    for (; batch_i < batch_n; ++batch_i) s.frames.dec(batch[batch_i]);
    batch_i = batch_n = 0;
  };
  for (u64 va = start; va < end;) {
    const u64 key = va >> kLeafShift;
    const u64 lend = std::min(end, (key + 1) << kLeafShift);
    give_back();
    if (const Leaf* CL = p.pt.find(key)) {
      bool all = true;
      for (u64 a = va; a < lend && all; a += kPageSize) all = settled(CL->e[(a >> kPageShift) & (kLeafPages - 1)]);
      if (all) {
        nres += (lend - va) >> kPageShift;
        va = lend;
        continue;
      }
    }
    Leaf* L = p.pt.mut(key, true);
    for (; va < lend; va += kPageSize) {
      std::uint32_t& e = L->e[(va >> kPageShift) & (kLeafPages - 1)];
      const std::uint32_t st = e & pte::kStateMask;
      if (st == pte::kFrame && (e & pte::P)) {
        if (!write) { e |= pte::A; ++nres; continue; }
        if (e & pte::W) { e |= pte::A | pte::D; ++nres; continue; }
      } else if (st == pte::kZero) {
        if (!write) { ++nres; continue; }
      } else if (st == pte::kNone && fast_anon) {
        if (!write && zero_read) {
          e = pte::kZero | pte::P;
          ++nzero;
          add(rzero, EventKind::ZeroMap, va);
          continue;
        }
        // A run of empty PTEs: allocate its frames in one pass over the refcounts.
        if (batch_i == batch_n) {
          std::uint32_t run = 0;
          for (u64 a = va; a < lend && run < kBatch; a += kPageSize, ++run)
            if (L->e[(a >> kPageShift) & (kLeafPages - 1)]) break;
          batch_i = 0;
          batch_n = s.frames.alloc_many(batch, std::max<std::uint32_t>(run, 1));
        }
        if (batch_i < batch_n) {
          e = pte::make(pte::kFrame, batch[batch_i++], new_bits);
          ++nalloc;
          add(ralloc, EventKind::FrameAlloc, va);
          continue;
        }
      }
      give_back();
      flush();
      int rc = fault_one(p, vi, va, write, mode);
      // Populating past the end of a file is an error for the caller, not a signal:
      // SIGBUS comes only when the program itself touches the page.
      if (rc == 2 && mode == 1 && !qnx()) return false;
      if (rc == 2) { kill(p, 7); r.err = err::FAULT; }
      if (rc || !p.alive) return false;
      L = p.pt.mut(key, true);
    }
  }
  give_back();
  flush();
  return p.alive;
}

int Sys::grow_stack(Proc& p, u64 addr) {
  int si = -1;
  for (std::size_t k = 0; k < p.vmas.size(); ++k)
    if (p.vmas[k].kind == VmaKind::Stack) si = int(k);
  if (si < 0) return -1;
  Vma& st = p.vmas[std::size_t(si)];
  if (addr >= st.start || addr < kStackTop - kStackMax) return -1;
  u64 ns = page_down(addr);
  // stack_guard_gap: 256 pages between the stack and the mapping below it.
  if (si > 0 && p.vmas[std::size_t(si - 1)].end + (256ull << kPageShift) > ns) return -1;
  u64 grow = (st.start - ns) >> kPageShift;
  if (st.locked && !p.cap && !qnx()) {
    u64 limit = p.rlim_cur == kRlimInfinity ? ~u64(0) : p.rlim_cur >> kPageShift;
    if (locked_pages(p) + grow > limit) return -1;
  }
  ev(EventKind::VmaGrow, p.pid, ns, grow);
  st.start = ns;
  return si;
}

bool Sys::touch_range(Proc& p, u64 addr, u64 len, bool write) {
  if (len == 0) return true;
  r.cost_us += double(len) * costs::kTouchPerByteUs;
  u64 end = addr + len;
  if (end < addr) end = ~u64(0);
  u64 a = page_down(addr);
  while (a < end && p.alive) {
    int vi = vma_at(p, a);
    if (vi < 0) vi = grow_stack(p, a);
    bool bad = vi < 0;
    if (!bad) {
      const Vma& v = p.vmas[std::size_t(vi)];
      bad = write ? !(v.prot & prot::WRITE) : v.prot == prot::NONE;
    }
    if (bad) {
      kill(p, 11);
      r.err = err::FAULT;
      r.ret = -1;
      return false;
    }
    const Vma& v = p.vmas[std::size_t(vi)];
    u64 b = end >= v.end ? v.end : page_up(end);
    if (v.kind == VmaKind::Vvar || v.kind == VmaKind::Vdso) { a = b; continue; }
    if (!access(p, vi, a, b, write, 0)) {
      if (r.err == err::OK) { r.err = err::FAULT; r.ret = -1; }
      return false;
    }
    a = b;
  }
  return p.alive;
}

bool Sys::populate(Proc& p, u64 start, u64 end, bool stop_on_error) {
  bool complete = true;
  for (std::size_t k = 0; k < p.vmas.size() && p.alive; ++k) {
    const Vma& v = p.vmas[k];
    if (v.end <= start || v.start >= end) continue;
    if (v.kind == VmaKind::Vvar || v.kind == VmaKind::Vdso) continue;
    if (v.locked && v.onfault) continue;
    if (v.lazy) continue;
    if (v.prot == prot::NONE) {  // get_user_pages refuses it (-EFAULT)
      complete = false;
      if (stop_on_error) return false;
      continue;
    }
    bool write = (v.prot & prot::WRITE) && !v.shared;
    u64 a = std::max(start, v.start), b = std::min(end, v.end);
    if (!access(p, int(k), a, b, write, 1)) {
      if (!p.alive) return false;
      complete = false;  // past the end of the file
      if (stop_on_error) return false;
    }
  }
  return complete;
}

}  // namespace pp::detail
