// pinpages core — mremap(): resize a mapping, in place or by moving its page-table
// entries (mm/mremap.c). No page is copied: the frames stay where they are and only
// their virtual addresses change.
//
//   grow in place (the next range is free)     move (MREMAP_MAYMOVE, or MREMAP_FIXED)
//   [ A ──── ][ new ]                          [ A ──── ][ B ]      [ A ──── ][ new ]
//    addr      addr+old_len                      └──── PTEs ────────► dst
//
// A locked mapping (VM_LOCKED) keeps its lock wherever it goes, and the part that is
// new is populated at once (mm_populate at the end of the call); an on-fault lock
// (VM_LOCKONFAULT) is not populated. The pages that moved fault no more.
//
// Order of the kernel's checks, kept here because errno depends on it:
//   flags → EINVAL; addr unaligned → EINVAL; new_len 0 → EINVAL;
//   MREMAP_FIXED: new range bad or overlapping → EINVAL, then the new range is unmapped
//   and an old range longer than new_len is cut first;
//   shrink: unmap the tail (always succeeds);
//   no VMA at addr, or the range runs past its VMA → EFAULT; old_len 0 → EINVAL;
//   growing a locked VMA past RLIMIT_MEMLOCK without CAP_IPC_LOCK → EAGAIN;
//   cannot grow in place and no MREMAP_MAYMOVE → ENOMEM; no room to move → ENOMEM.
// MREMAP_DONTUNMAP is not modelled (EINVAL here; the interpreter says so by name).
#include <algorithm>

#include "core/costs.h"
#include "core/state.h"

namespace pp::detail {

// Moves the PTEs of [from, from + len) to [to, to + len), leaf by leaf. References
// (frame and swap refcounts) move with them: nothing is freed or taken.
void Sys::move_ptes(Proc& p, u64 from, u64 to, u64 len) {
  for (u64 off = 0; off < len;) {
    const u64 va = from + off;
    const u64 key = va >> (kPageShift + kLeafBits);
    const u64 lend = std::min(from + len, (key + 1) << (kPageShift + kLeafBits));
    if (p.pt.find(key)) {
      for (u64 a = va; a < lend; a += kPageSize) {
        Leaf* src = p.pt.mut(key, false);
        std::uint32_t& e = src->e[(a >> kPageShift) & (kLeafPages - 1)];
        if (!e) continue;
        const std::uint32_t moved = e;
        e = 0;
        const u64 d = to + (a - from);
        p.pt.mut(d >> (kPageShift + kLeafBits), true)->e[(d >> kPageShift) & (kLeafPages - 1)] = moved;
      }
    }
    off = lend - from;
  }
  p.pt.prune();
}

OpResult& Sys::do_mremap(Proc& p, u64 addr, u64 old_len, u64 new_len, int flags, u64 new_addr) {
  r.cost_us += costs::kSyscallUs;
  auto fail = [&](int e) -> OpResult& { r.ret = i64(kMapFailed); r.err = e; return r; };
  if (qnx()) return fail(err::NOSYS);  // a Linux call: QNX has no mremap
  if (flags & ~(mremapf::MAYMOVE | mremapf::FIXED)) return fail(err::INVAL);
  if ((flags & mremapf::FIXED) && !(flags & mremapf::MAYMOVE)) return fail(err::INVAL);
  if (addr & (kPageSize - 1)) return fail(err::INVAL);
  if (old_len > kTaskSize || new_len > kTaskSize) return fail(err::INVAL);
  old_len = page_up(old_len);
  new_len = page_up(new_len);
  if (new_len == 0) return fail(err::INVAL);
  const bool fixed = flags & mremapf::FIXED;
  if (fixed) {
    if ((new_addr & (kPageSize - 1)) || new_addr > kTaskSize - new_len) return fail(err::INVAL);
    if (new_addr < addr + old_len && addr < new_addr + new_len) return fail(err::INVAL);
    unmap_range(p, new_addr, new_addr + new_len);
    if (old_len > new_len) {
      unmap_range(p, addr + new_len, addr + old_len);
      old_len = new_len;
    }
  } else if (old_len >= new_len) {
    unmap_range(p, addr + new_len, addr + old_len);
    r.ret = i64(addr);
    return r;
  }
  const int vi = vma_at(p, addr);
  if (vi < 0) return fail(err::FAULT);
  const Vma v = p.vmas[std::size_t(vi)];
  if (old_len > v.end - addr) return fail(err::FAULT);
  if (old_len == 0) return fail(err::INVAL);  // the shared-mapping duplicate is not modelled
  const u64 grow = new_len - old_len;
  if (grow && (v.kind == VmaKind::Vvar || v.kind == VmaKind::Vdso)) return fail(err::FAULT);
  if (grow && v.locked && !p.cap) {
    const u64 limit = p.rlim_cur == kRlimInfinity ? ~u64(0) : p.rlim_cur >> kPageShift;
    if ((grow >> kPageShift) + locked_pages(p) > limit) return fail(err::AGAIN);
  }
  u64 dst = addr;
  const bool in_place = !fixed && addr + old_len == v.end && v.end + grow <= kTaskSize &&
                        [&] {
                          for (const Vma& o : p.vmas)
                            if (o.start < v.end + grow && v.end < o.end) return false;
                          return true;
                        }();
  if (in_place) {
    p.vmas[std::size_t(vi)].end += grow;  // vma_expand: the same VMA, the same flags
    ev(EventKind::VmaGrow, p.pid, v.end, grow >> kPageShift);
    merge_around(p, v.start, v.end + grow);
  } else {
    if (!(flags & mremapf::MAYMOVE)) return fail(err::NOMEM);
    dst = fixed ? new_addr : find_gap(p, new_len, 0);
    if (!dst) return fail(err::NOMEM);
    split(p, addr);
    split(p, addr + old_len);
    Vma nv = p.vmas[std::size_t(vma_at(p, addr))];
    nv.start = dst;
    nv.end = dst + new_len;
    insert_vma(p, nv);
    ev(EventKind::VmaCreate, p.pid, dst, new_len >> kPageShift);
    move_ptes(p, addr, dst, old_len);
    unmap_range(p, addr, addr + old_len);  // only the VMA is left there
    merge_around(p, dst, dst + new_len);
  }
  if (grow && v.locked) {
    ev(EventKind::Lock, p.pid, dst + old_len, grow >> kPageShift);
    if (!v.onfault) populate(p, dst + old_len, dst + new_len);
  }
  r.ret = p.alive ? i64(dst) : i64(kMapFailed);
  return r;
}

}  // namespace pp::detail
