// pinpages core — mlock, mlock2, munlock, mlockall, munlockall; the QNX lock levels.
//
//   Linux                                   QNX Neutrino
//   ─────                                   ────────────
//   mlock:   lo on the VMAs, populate       locked: pages initialised now, PTEs made on
//            (write-fault private pages,            first access (a fault), PROT_WRITE
//            zero page for read-only ones)          private pages read-only until written
//   onfault: lo lf, nothing populated       superlocked: every page initialised,
//   limit:   RLIMIT_MEMLOCK unless               privatised and mapped now — no faults
//            CAP_IPC_LOCK                   MAP_LAZY: nothing until first touch, always
#include <algorithm>

#include "core/costs.h"
#include "core/state.h"

namespace pp::detail {

// QNX: the PROCMGR_AID_MEM_LOCK ability (root's by default), not RLIMIT_MEMLOCK.
bool Sys::can_do_mlock(const Proc& p) const {
  return qnx() ? qnx_has(p, kAbMemLock) : p.cap || p.rlim_cur != 0;
}

u64 Sys::populate_pages(const Proc& p, u64 start, u64 end) const {
  u64 n = 0;
  for (const Vma& v : p.vmas) {
    if (v.end <= start || v.start >= end || v.prot == prot::NONE) continue;
    n += (std::min(end, v.end) - std::max(start, v.start)) >> kPageShift;
  }
  return n;
}

u64 Sys::locked_pages(const Proc& p) {
  u64 n = 0;
  for (const Vma& v : p.vmas)
    if (v.locked) n += v.pages();
  return n;
}

u64 Sys::total_pages(const Proc& p) {
  u64 n = 0;
  for (const Vma& v : p.vmas) n += v.pages();
  return n;
}

void Sys::set_lock_flags(Proc& p, u64 start, u64 end, bool lock, bool onfault) {
  if (start >= end) return;
  split(p, start);
  split(p, end);
  for (Vma& v : p.vmas) {
    if (v.end <= start || v.start >= end) continue;
    // VM_SPECIAL mappings ([vvar], [vdso]) are skipped by mlock_fixup().
    if (v.kind == VmaKind::Vvar || v.kind == VmaKind::Vdso) continue;
    bool nl = lock, no = lock && onfault;
    if (v.locked == nl && v.onfault == no) continue;
    v.locked = nl;
    v.onfault = no;
    ev(lock ? EventKind::Lock : EventKind::Unlock, p.pid, v.start, v.pages());
  }
  merge_around(p, start, end);
}

void Sys::qnx_lock_init(Proc& p, u64 start, u64 end) {
  // Initialise every page (anonymous: a frame, zero-filled; file: into the cache),
  // but make no PTE present: the first access still faults (statistics).
  for (std::size_t k = 0; k < p.vmas.size() && p.alive; ++k) {
    const Vma v = p.vmas[k];
    if (v.end <= start || v.start >= end || v.lazy) continue;
    if (v.kind == VmaKind::Vvar || v.kind == VmaKind::Vdso || v.prot == prot::NONE) continue;
    u64 a0 = std::max(start, v.start), a1 = std::min(end, v.end);
    // Swapped-out pages come back now (a locked page is in memory).
    const auto leaves = p.pt.leaves;  // a snapshot (one pointer): faults below add leaves
    for (const auto& [key, leaf] : leaves) {
      u64 lo = std::max(a0, key << (kPageShift + kLeafBits));
      u64 hi = std::min(a1, (key + 1) << (kPageShift + kLeafBits));
      for (u64 a = lo; a < hi && p.alive; a += kPageSize)
        if (pte::st(p.pt.get(a >> kPageShift)) == pte::kSwap) fault_one(p, int(k), a, false, 2);
    }
    if (!p.alive) return;
    if (v.file >= 0) {
      for (u64 a = a0; a < a1 && p.alive; a += kPageSize) {
        u64 pi = (a - v.start + v.file_off) >> kPageShift;
        if (pi >= s.files[std::size_t(v.file)]->npages()) break;
        bool maj = false;
        cache_page(v.file, pi, &p, maj);
      }
      continue;
    }
    for (u64 a = a0; a < a1 && p.alive; a += kPageSize) {
      u64 key = a >> (kPageShift + kLeafBits);
      std::uint32_t e = p.pt.get(a >> kPageShift);
      if (pte::st(e) != pte::kNone) continue;
      std::uint32_t f = alloc_frame(&p);
      if (f == kNoIdx || !p.alive) return;
      p.pt.mut(key, true)->e[(a >> kPageShift) & (kLeafPages - 1)] =
          pte::make(pte::kFrame, f, 0);
      ev(EventKind::FrameAlloc, p.pid, a, 1);
      r.cost_us += costs::kPopulatePerPageUs;
    }
  }
}

void Sys::superlock(Proc& p) {
  p.superlocked = true;
  for (Vma& v : p.vmas)
    if (v.kind != VmaKind::Vvar && v.kind != VmaKind::Vdso && !v.locked) {
      v.locked = true;
      v.onfault = false;
      ev(EventKind::Lock, p.pid, v.start, v.pages());
    }
  merge_around(p, 0, kTaskSize);
  for (std::size_t k = 0; k < p.vmas.size() && p.alive; ++k) {
    const Vma v = p.vmas[k];
    if (v.prot == prot::NONE || v.kind == VmaKind::Vvar || v.kind == VmaKind::Vdso) continue;
    const bool w = (v.prot & prot::WRITE) != 0;
    if (!v.lazy) {
      if (!access(p, int(k), v.start, v.end, w, 2)) return;
      continue;
    }
    // A lazy region stays lazy, but the pages it already has obey the new level.
    for (u64 a = v.start; a < v.end && p.alive; a += kPageSize)
      if (pte::st(p.pt.get(a >> kPageShift)) == pte::kFrame) access(p, int(k), a, a + kPageSize, w, 2);
  }
}

void Sys::apply_def_flags(Proc& p, Vma& v) {
  if (lock_by_default(p)) {
    v.locked = true;
    v.onfault = p.def_locked && p.def_onfault && !p.superlocked;
  }
}

bool Sys::after_map(Proc& p, u64 start, u64 end, bool populate_req) {
  if (!qnx()) {
    bool any_locked = false;
    for (const Vma& v : p.vmas)
      if (v.start < end && v.end > start && v.locked && !v.onfault) any_locked = true;
    if (populate_req || any_locked) populate(p, start, end);
    return true;
  }
  // QNX has no OOM killer: what the mapping promises is set aside now, or it fails.
  u64 need = 0;
  for (const Vma& v : p.vmas) {
    if (v.end <= start || v.start >= end) continue;
    if (p.superlocked || v.locked || populate_req || (v.file < 0 && !v.shared))
      need += qnx_init_need(p, std::max(start, v.start), std::min(end, v.end), p.superlocked);
  }
  if (!qnx_reserve(need)) return false;
  for (std::size_t k = 0; k < p.vmas.size() && p.alive; ++k) {
    const Vma v = p.vmas[k];
    if (v.end <= start || v.start >= end || v.lazy) continue;
    if (v.kind == VmaKind::Vvar || v.kind == VmaKind::Vdso || v.prot == prot::NONE) continue;
    u64 a0 = std::max(start, v.start), a1 = std::min(end, v.end);
    if (p.superlocked) {
      access(p, int(k), a0, a1, (v.prot & prot::WRITE) != 0, 2);
    } else if (v.locked || populate_req || (v.file < 0 && !v.shared)) {
      // Locked: initialised now. Unlocked anonymous: "allocated when mapped" — the
      // frames are reserved now; either way no PTE until the first access.
      qnx_lock_init(p, a0, a1);
    }
  }
  return true;
}

OpResult& Sys::do_mlock(Proc& p, u64 addr, u64 len, bool onfault) {
  r.cost_us += costs::kSyscallUs;
  auto fail = [&](int e) -> OpResult& { r.ret = -1; r.err = e; return r; };
  if (!can_do_mlock(p)) return fail(err::PERM);
  u64 start = page_down(addr);
  u64 L = len + (addr & (kPageSize - 1));  // wraps like the kernel's arithmetic
  L = (L + kPageSize - 1) & ~(kPageSize - 1);
  u64 end = start + L;
  if (end < start) return fail(err::INVAL);
  if (end == start) { r.ret = 0; return r; }
  if (!p.cap && !qnx()) {
    u64 limit = p.rlim_cur == kRlimInfinity ? ~u64(0) : p.rlim_cur >> kPageShift;
    u64 locked = (L >> kPageShift) + locked_pages(p);
    if (locked > limit) {
      // Pages already locked inside the range are not counted twice.
      for (const Vma& v : p.vmas)
        if (v.locked && v.end > start && v.start < end)
          locked -= (std::min(end, v.end) - std::max(start, v.start)) >> kPageShift;
      if (locked > limit) return fail(err::NOMEM);
    }
  }
  if (!qnx()) {
    // apply_vma_lock_flags() walks the VMAs from `start` and locks each one until it
    // meets a hole: the part before the hole stays locked (not populated) and the call
    // fails. Populating stops at a VMA it cannot fault in (PROT_NONE, past the end of
    // the file): the flag stays, the call fails, the process lives.
    u64 run = mapped_run_end(p, start, end);
    if (run == start) return fail(err::NOMEM);
    if (!onfault && populate_pages(p, start, run) > kPopulateCap) return fail(err::NOMEM);
    set_lock_flags(p, start, run, true, onfault);
    if (run < end) return fail(err::NOMEM);
    if (!populate(p, start, end, true) && p.alive) return fail(err::NOMEM);
    r.ret = 0;
    return r;
  }
  if (end > kTaskSize || !range_mapped(p, start, end)) return fail(err::NOMEM);
  if (!onfault && populate_pages(p, start, end) > kPopulateCap) return fail(err::NOMEM);
  // QNX: "some or all of the memory couldn't be locked" — nothing is changed.
  if (qnx() && !p.superlocked && !qnx_reserve(qnx_init_need(p, start, end, false))) return fail(err::AGAIN);
  set_lock_flags(p, start, end, true, onfault);
  if (!onfault && !p.superlocked) qnx_lock_init(p, start, end);
  r.ret = 0;
  return r;
}

// End of the run of VMAs that starts at `start` without a hole, at most `end`;
// `start` when nothing is mapped there.
u64 Sys::mapped_run_end(const Proc& p, u64 start, u64 end) {
  u64 a = start;
  end = std::min(end, kTaskSize);
  while (a < end) {
    int i = vma_at(p, a);
    if (i < 0) break;
    a = p.vmas[std::size_t(i)].end;
  }
  return std::min(a, end);
}

OpResult& Sys::do_munlock(Proc& p, u64 addr, u64 len) {
  r.cost_us += costs::kSyscallUs;
  auto fail = [&](int e) -> OpResult& { r.ret = -1; r.err = e; return r; };
  u64 start = page_down(addr);
  u64 L = len + (addr & (kPageSize - 1));
  L = (L + kPageSize - 1) & ~(kPageSize - 1);
  u64 end = start + L;
  if (end < start) return fail(err::INVAL);
  if (end == start) { r.ret = 0; return r; }
  if (!qnx()) {  // like mlock: unlocks up to the first hole, then fails
    u64 run = mapped_run_end(p, start, end);
    set_lock_flags(p, start, run, false, false);
    if (run < end) return fail(err::NOMEM);
    r.ret = 0;
    return r;
  }
  if (end > kTaskSize || !range_mapped(p, start, end)) return fail(err::NOMEM);
  // QNX: superlocked, or locked by procnto's policy, the memory stays at its level.
  if (qnx() && (p.superlocked || qnx_policy())) { r.ret = 0; return r; }
  set_lock_flags(p, start, end, false, false);
  r.ret = 0;
  return r;
}

OpResult& Sys::do_mlockall(Proc& p, int flags) {
  r.cost_us += costs::kSyscallUs;
  auto fail = [&](int e) -> OpResult& { r.ret = -1; r.err = e; return r; };
  if (!flags || (flags & ~(mcl::CURRENT | mcl::FUTURE | mcl::ONFAULT)) || flags == mcl::ONFAULT)
    return fail(err::INVAL);
  if (qnx() && (flags & mcl::ONFAULT)) return fail(err::INVAL);  // Linux-only flag
  if (!can_do_mlock(p)) return fail(err::PERM);
  if ((flags & mcl::CURRENT) && !p.cap && !qnx()) {
    // The whole VmSize is compared with the limit (mm->total_vm).
    u64 limit = p.rlim_cur == kRlimInfinity ? ~u64(0) : p.rlim_cur >> kPageShift;
    if (total_pages(p) > limit) return fail(err::NOMEM);
  }
  if ((flags & mcl::CURRENT) && !(flags & mcl::ONFAULT) && populate_pages(p, 0, kTaskSize) > kPopulateCap)
    return fail(err::NOMEM);
  if (qnx() && (flags & mcl::CURRENT) && !p.superlocked && !qnx_reserve(qnx_init_need(p, 0, kTaskSize, false)))
    return fail(err::AGAIN);
  p.def_locked = flags & mcl::FUTURE;
  p.def_onfault = (flags & mcl::FUTURE) && (flags & mcl::ONFAULT);
  p.mcl = flags;
  if (flags & mcl::CURRENT) {
    bool onfault = flags & mcl::ONFAULT;
    for (Vma& v : p.vmas) {
      if (v.kind == VmaKind::Vvar || v.kind == VmaKind::Vdso) continue;
      if (v.locked && v.onfault == onfault) continue;
      v.locked = true;
      v.onfault = onfault;
      ev(EventKind::Lock, p.pid, v.start, v.pages());
    }
    merge_around(p, 0, kTaskSize);
    if (qnx()) {
      if (!onfault && !p.superlocked) qnx_lock_init(p, 0, kTaskSize);
    } else {
      populate(p, 0, kTaskSize);
    }
  }
  r.ret = 0;
  return r;
}

OpResult& Sys::do_munlockall(Proc& p) {
  r.cost_us += costs::kSyscallUs;
  p.def_locked = p.def_onfault = false;
  p.mcl = 0;
  if (qnx() && (p.superlocked || qnx_policy())) { r.ret = 0; return r; }  // see do_munlock
  for (Vma& v : p.vmas) {
    if (!v.locked) continue;
    v.locked = v.onfault = false;
    ev(EventKind::Unlock, p.pid, v.start, v.pages());
  }
  merge_around(p, 0, kTaskSize);
  r.ret = 0;
  return r;
}

}  // namespace pp::detail
