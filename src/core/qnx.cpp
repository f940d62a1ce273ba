// pinpages core — QNX Neutrino rules that Linux has no counterpart for (docs/QNX.md).
//
//   abilities        procmgr_ability(): root holds PROCMGR_AID_IO and _MEM_LOCK, non-root
//                    neither; only root may ALLOW, anyone may DENY, LOCK freezes them
//   procnto -ml/-mL  a system policy: every mapping locked (superlocked) from birth,
//                    whatever the program calls; munlock/munlockall cannot escape it
//   no OOM killer    memory is set aside when it is promised: a mapping or mlock that
//                    cannot be backed fails (ENOMEM / EAGAIN); a page that cannot be
//                    set up when referenced (lazy, or back from swap/file) raises SIGBUS
//   superlock+fork   the superlocked parent keeps its pages private and writable: the
//                    child gets its copies at fork instead of sharing them copy-on-write
#include <algorithm>

#include "core/costs.h"
#include "core/state.h"

namespace pp::detail {

namespace {
// <sys/procmgr.h> numbering.
constexpr std::uint32_t kAidMask = 0xffff, kAidEol = 0xffff, kAidMemLock = 20, kAidIo = 31;
constexpr std::uint32_t kAopDeny = 0x00010000, kAopAllow = 0x00020000, kAopLock = 0x00080000;
constexpr std::uint32_t kAdnRoot = 0x10000000, kAdnNonroot = 0x20000000;
constexpr u64 kLeafShift = kPageShift + kLeafBits;
constexpr u64 kReadaheadWindow = 32;  // pages, as fault.cpp reads them

std::uint8_t ability_bit(std::uint32_t aid) {
  return aid == kAidIo ? Sys::kAbIo : aid == kAidMemLock ? Sys::kAbMemLock : 0;
}
}  // namespace

OpResult& Sys::do_procmgr_ability(Proc& p, const std::vector<std::uint32_t>& words) {
  r.cost_us += costs::kSyscallUs;
  // procmgr_ability() returns the error number itself (EOK = 0), not -1.
  auto fail = [&](int e) -> OpResult& { r.ret = e; r.err = e; return r; };
  // Check the whole list first: procnto applies all of it or none.
  std::uint8_t named = 0;
  for (std::uint32_t w : words) {
    if ((w & kAopAllow) && (w & kAopDeny)) return fail(err::INVAL);
    if ((w & kAopAllow) && !p.cap) return fail(err::PERM);  // only root may grant
    std::uint32_t aid = w & kAidMask;
    std::uint8_t bit = aid == kAidEol ? std::uint8_t(kAbIo | kAbMemLock) : ability_bit(aid);
    if ((w & (kAopAllow | kAopDeny)) && (bit & p.qnx_ab_lock)) return fail(err::PERM);
    if (aid != kAidEol) named |= bit;
  }
  for (std::uint32_t w : words) {
    std::uint32_t aid = w & kAidMask;
    // PROCMGR_AID_EOL with operations applies them to every ability not named.
    std::uint8_t bits = aid == kAidEol ? std::uint8_t((kAbIo | kAbMemLock) & ~named) : ability_bit(aid);
    bits &= std::uint8_t(~p.qnx_ab_lock);
    // No domain given: the domain the caller is in now.
    bool root = (w & kAdnRoot) || (!(w & (kAdnRoot | kAdnNonroot)) && p.cap);
    bool user = (w & kAdnNonroot) || (!(w & (kAdnRoot | kAdnNonroot)) && !p.cap);
    for (std::uint8_t* dom : {root ? &p.qnx_ab_root : nullptr, user ? &p.qnx_ab_user : nullptr}) {
      if (!dom) continue;
      if (w & kAopAllow) *dom |= bits;
      if (w & kAopDeny) *dom &= std::uint8_t(~bits);
    }
    if (w & kAopLock) p.qnx_ab_lock |= bits;
  }
  r.ret = 0;
  return r;
}

OpResult& Sys::do_thread_ctl_io(Proc& p) {
  r.cost_us += costs::kSyscallUs;
  if (!qnx_has(p, kAbIo)) { r.ret = -1; r.err = err::PERM; return r; }
  if (!p.superlocked && !qnx_reserve(qnx_init_need(p, 0, kTaskSize, true))) {
    r.ret = -1; r.err = err::AGAIN; return r;
  }
  superlock(p);
  r.ret = 0;
  return r;
}

bool Sys::lock_by_default(const Proc& p) const { return p.def_locked || p.superlocked || qnx_policy(); }

u64 Sys::qnx_init_need(const Proc& p, u64 start, u64 end, bool privatise) const {
  u64 need = 0;
  for (const Vma& v : p.vmas) {
    if (v.end <= start || v.start >= end || v.lazy || v.prot == prot::NONE) continue;
    u64 a0 = std::max(start, v.start), a1 = std::min(end, v.end);
    const bool copy = privatise && !v.shared && (v.prot & prot::WRITE);
    const File* f = v.file >= 0 ? s.files[std::size_t(v.file)].get() : nullptr;
    bool reads = false;
    for (u64 a = a0; a < a1; a += kPageSize) {
      std::uint32_t e = p.pt.get(a >> kPageShift);
      std::uint32_t st = pte::st(e);
      if (!f) {
        need += st != pte::kFrame;
        continue;
      }
      if (st == pte::kFrame && !(e & pte::FILE)) continue;  // already a private copy
      u64 pi = (a - v.start + v.file_off) >> kPageShift;
      if (pi >= f->npages()) break;
      reads |= f->cache.get(pi) == 0;
      need += f->cache.get(pi) == 0;
      need += copy;
    }
    // Readahead reads whole aligned windows: up to one window more at each end.
    if (reads) need += 2 * (kReadaheadWindow - 1);
  }
  return need;
}

bool Sys::qnx_reserve(u64 frames) {
  if (frames > s.frames.n) return false;
  if (s.frames.nfree < frames) reclaim(frames - s.frames.nfree);
  return s.frames.nfree >= frames;
}

void Sys::qnx_settle(Proc& p, u64 start, u64 end) {
  if (!p.superlocked) { qnx_lock_init(p, start, end); return; }
  for (std::size_t k = 0; k < p.vmas.size() && p.alive; ++k) {
    const Vma& v = p.vmas[k];
    if (v.end <= start || v.start >= end || v.lazy || v.prot == prot::NONE) continue;
    if (!access(p, int(k), std::max(start, v.start), std::min(end, v.end), (v.prot & prot::WRITE) != 0, 2)) return;
  }
}

void Sys::qnx_policy_lock(Proc& p) {
  for (Vma& v : p.vmas)
    if (!v.locked) {
      v.locked = true;
      v.onfault = false;
      ev(EventKind::Lock, p.pid, v.start, v.pages());
    }
  merge_around(p, 0, kTaskSize);
  qnx_lock_init(p, 0, kTaskSize);
}

u64 Sys::qnx_fork_need(const Proc& parent) const {
  u64 need = 0;
  for (const Vma& v : parent.vmas) {
    if (v.shared || !(v.prot & prot::WRITE)) continue;
    for (u64 a = v.start; a < v.end; a += kPageSize) {
      std::uint32_t e = parent.pt.get(a >> kPageShift);
      if (pte::st(e) != pte::kFrame) continue;
      // The child's copy, and the parent's own when the frame is shared with others.
      need += 1 + (s.frames.get(pte::idx(e)) > 1);
    }
  }
  return need;
}

void Sys::qnx_fork_ready(Proc& parent, Proc& child) {
  u64 copied = 0;
  for (const Vma& v : parent.vmas) {
    if (v.shared || !(v.prot & prot::WRITE)) continue;
    for (u64 a = v.start; a < v.end; a += kPageSize) {
      const u64 key = a >> kLeafShift;
      const unsigned slot = unsigned(a >> kPageShift) & (kLeafPages - 1);
      std::uint32_t pe = parent.pt.get(a >> kPageShift);
      if (pte::st(pe) != pte::kFrame || !(pe & pte::COW)) continue;
      const std::uint32_t old = pte::idx(pe);
      std::uint32_t fc = alloc_frame(&parent);
      if (fc == kNoIdx) return;  // qnx_fork_need() reserved enough; never happens
      child.pt.mut(key, true)->e[slot] = pte::make(pte::kFrame, fc, pte::P | pte::W | pte::D | pte::A);
      ev(EventKind::CowCopy, child.pid, a, 1);
      s.frames.dec(old);
      std::uint32_t& e = parent.pt.mut(key, true)->e[slot];
      if (s.frames.get(old) == 1) {
        e = (e & ~pte::COW) | pte::W | pte::D;
      } else {  // still shared with someone else: the parent takes a copy of its own
        std::uint32_t fp = alloc_frame(&parent);
        if (fp == kNoIdx) return;
        s.frames.dec(old);
        e = pte::make(pte::kFrame, fp, pte::P | pte::W | pte::D | pte::A);
        ++copied;
      }
      ++copied;
    }
  }
  r.cost_us += double(copied) * costs::kCowCopyUs;
}

}  // namespace pp::detail
