// pinpages core — what the kernel reports, computed the way the kernel computes it.
//
//   /proc/PID/status  VmSize = Σ VMA sizes        VmLck = Σ sizes of VMAs with VM_LOCKED
//                     VmRSS  = PTEs → frames      (the zero page is not counted)
//   /proc/PID/smaps   Pss    = Σ 4096 / mapcount  Locked = Pss of a VM_LOCKED VMA, else 0
//   mincore           1 for frames, zero page, and file pages in the page cache
//   pagemap           present / swapped / exclusive (mapcount 1)
//
// QNX personality: the same numbers, where Rss counts frames allocated to the process
// even before their PTE exists (QNX allocates at map time), and a superlocked process
// shows every VMA as locked. A lazy region (MAP_LAZY, the stack) counts as locked only
// for the pages it has been given: an untouched lazy page is not in RAM.
#include <algorithm>
#include <map>
#include <tuple>

#include "core/state.h"

namespace pp {

using namespace detail;

namespace {
constexpr u64 kLeafShift = kPageShift + kLeafBits;

const Proc* proc_of(const State& s, int pid) {
  for (const auto& p : s.procs)
    if (p->pid == pid) return p.get();
  return nullptr;
}

// Visits every PTE of [a, b) (page aligned): f(vaddr, entry). Missing leaves read as 0.
// With all = false only non-empty entries are visited, and missing leaves are skipped
// in one step (a 40 TB heap costs nothing to report).
template <class F>
void each_pte(const Proc& p, u64 a, u64 b, F&& f, bool all = false) {
  if (!all) {
    std::size_t i = p.pt.lower(a >> kLeafShift);
    for (; i < p.pt.leaves.size(); ++i) {
      u64 key = p.pt.leaves[i].first;
      u64 lo = std::max(a, key << kLeafShift), hi = std::min(b, (key + 1) << kLeafShift);
      if (lo >= b) break;
      const Leaf* L = p.pt.leaves[i].second.get();
      for (u64 va = lo; va < hi; va += kPageSize)
        if (std::uint32_t e = L->e[(va >> kPageShift) & (kLeafPages - 1)]) f(va, e);
    }
    return;
  }
  for (u64 va = a; va < b;) {
    u64 key = va >> kLeafShift;
    u64 lend = std::min(b, (key + 1) << kLeafShift);
    const Leaf* L = p.pt.find(key);
    for (; va < lend; va += kPageSize) f(va, L ? L->e[(va >> kPageShift) & (kLeafPages - 1)] : 0u);
  }
}

// Pages of a lazy (QNX) region that have memory behind them.
u64 lazy_backed(const Proc& p, u64 a, u64 b) {
  u64 n = 0;
  each_pte(p, a, b, [&](u64, std::uint32_t e) { n += pte::st(e) == pte::kFrame; });
  return n;
}

LockLevel level_of(const Proc& p, const Vma& v) {
  if (v.lazy) return LockLevel::Lazy;
  if (p.superlocked) return LockLevel::Superlocked;
  if (!v.locked) return LockLevel::Unlocked;
  return v.onfault ? LockLevel::OnFault : LockLevel::Locked;
}

u64 mapcount(const State& s, std::uint32_t e) {
  u64 refs = s.frames.get(pte::idx(e));
  if (e & pte::FILE) refs = refs > 1 ? refs - 1 : 1;  // minus the page cache's reference
  return refs ? refs : 1;
}

bool file_cached(const State& s, const Vma& v, u64 va) {
  if (v.file < 0) return false;
  const File& f = *s.files[std::size_t(v.file)];
  u64 pi = (va - v.start + v.file_off) >> kPageShift;
  return pi < f.cache.size && f.cache.get(pi) != 0;
}

std::string flags_of(const Vma& v) {
  std::string out;
  auto add = [&](const char* m) {
    if (!out.empty()) out += ' ';
    out += m;
  };
  const bool special = v.kind == VmaKind::Vvar || v.kind == VmaKind::Vdso;
  if (v.prot & prot::READ) add("rd");
  if (v.prot & prot::WRITE) add("wr");
  if (v.prot & prot::EXEC) add("ex");
  if (v.shared) add("sh");
  add("mr");
  if (v.kind != VmaKind::Vvar) { add("mw"); add("me"); }
  if (v.shared) add("ms");
  if (v.kind == VmaKind::Stack) add("gd");
  if (v.kind == VmaKind::Vvar) add("pf");
  if (v.locked) add("lo");
  if (v.kind == VmaKind::Vvar) add("io");
  if (special) add("de");
  if (v.locked && v.onfault) add("lf");
  if (!v.shared && (v.prot & prot::WRITE) && !special) add("ac");
  if (v.kind == VmaKind::Vvar) add("dd");
  return out;
}
}  // namespace

std::vector<LockLevel> Machine::lock_levels(int pid) const {
  std::vector<LockLevel> out;
  if (const Proc* p = proc_of(*s_, pid))
    for (const Vma& v : p->vmas) out.push_back(level_of(*p, v));
  return out;
}

namespace detail {
// Which of `frames` a locked VMA maps somewhere: a second mapping of the
// same file or shared memory in the same process, or a process sharing the frame
// copy-on-write. The kernel keeps PG_mlocked set while at least one mapping is
// locked. Only locked VMAs are walked, so this costs nothing when nobody locks.
FrameMarks locked_among(const State& s, const std::vector<std::uint32_t>& frames) {
  FrameMarks mark;
  for (std::uint32_t f : frames) mark.ask(f);
  std::size_t left = mark.size();
  for (const auto& pp : s.procs) {
    if (!pp->alive || left == 0) continue;
    for (const Vma& v : pp->vmas) {
      if ((!v.locked && !pp->superlocked) || left == 0) continue;
      each_pte(*pp, v.start, v.end, [&](u64, std::uint32_t e) {
        if (pte::st(e) == pte::kFrame && (e & pte::P) && mark.mark(pte::idx(e))) --left;
      });
    }
  }
  return mark;
}
}  // namespace detail

ProcStatus Machine::status(int pid) const {
  ProcStatus st;
  st.pid = pid;
  const Proc* p = proc_of(*s_, pid);
  if (!p) { st.alive = false; return st; }
  st.ppid = p->ppid;
  st.alive = p->alive;
  st.exit_code = p->exit_code;
  u64 size = 0, lck = 0;
  for (const Vma& v : p->vmas) {
    size += v.pages();
    if (v.locked) lck += v.lazy ? lazy_backed(*p, v.start, v.end) : v.pages();
  }
  // Every PTE lies inside a VMA, so the table's running totals are the VMAs' sums
  // (check() verifies both): a step's report costs what the step wrote.
  const LeafSum t = p->pt.totals();
  const u64 anon = t.anon, file = t.file, swp = t.swap;
  st.vm_size_kb = size * 4;
  st.vm_lck_kb = lck * 4;
  st.rss_anon_kb = anon * 4;
  st.rss_file_kb = file * 4;
  st.vm_rss_kb = (anon + file) * 4;
  st.vm_swap_kb = swp * 4;
  st.minflt = p->minflt;
  st.majflt = p->majflt;
  st.mcl = p->mcl;
  st.rlim_memlock_cur = p->rlim_cur;
  st.rlim_memlock_max = p->rlim_max;
  st.cap_ipc_lock = p->cap;
  return st;
}

std::vector<SmapsEntry> Machine::smaps(int pid) const {
  std::vector<SmapsEntry> out;
  const Proc* p = proc_of(*s_, pid);
  if (!p) return out;
  constexpr unsigned kPssShift = 12;
  for (const Vma& v : p->vmas) {
    SmapsEntry e;
    e.start = v.start;
    e.end = v.end;
    e.perms = std::string() + ((v.prot & prot::READ) ? 'r' : '-') + ((v.prot & prot::WRITE) ? 'w' : '-') +
              ((v.prot & prot::EXEC) ? 'x' : '-') + (v.shared ? 's' : 'p');
    e.name = v.name;
    e.size_kb = v.pages() * 4;
    u64 rss = 0, anon = 0, swp = 0, pss = 0;
    each_pte(*p, v.start, v.end, [&](u64, std::uint32_t x) {
      if (pte::st(x) == pte::kFrame) {
        ++rss;
        if (!(x & pte::FILE)) ++anon;
        pss += (u64(kPageSize) << kPssShift) / mapcount(*s_, x);
      } else if (pte::st(x) == pte::kSwap) {
        ++swp;
      }
    });
    e.rss_kb = rss * 4;
    e.anon_kb = anon * 4;
    e.swap_kb = swp * 4;
    e.pss_kb = (pss >> kPssShift) >> 10;
    e.locked_kb = v.locked ? e.pss_kb : 0;
    e.vmflags = flags_of(v);
    e.locked = v.locked;
    e.onfault = v.onfault;
    e.level = level_of(*p, v);
    out.push_back(std::move(e));
  }
  return out;
}

PageCounts Machine::count_pages(int pid, u64 addr, u64 len) const {
  PageCounts c;
  const Proc* p = proc_of(*s_, pid);
  if (!p || len == 0) return c;
  u64 last = addr + len - 1 < addr ? ~u64(0) : addr + len - 1;
  u64 first_pg = addr >> kPageShift, last_pg = last >> kPageShift;
  c.pages = last_pg - first_pg + 1;
  u64 a = first_pg << kPageShift, b = last_pg >= (kTaskSize >> kPageShift) ? kTaskSize : (last_pg + 1) << kPageShift;
  std::vector<std::uint32_t> maybe_locked_elsewhere;  // frames of unlocked VMAs mapped more than once
  for (const Vma& v : p->vmas) {
    if (v.end <= a || v.start >= b) continue;
    u64 lo = std::max(a, v.start), hi = std::min(b, v.end);
    const bool q = s_->cfg.os == OsKind::Qnx;
    if (q && v.locked && !v.onfault) c.locked += v.lazy ? lazy_backed(*p, lo, hi) : (hi - lo) >> kPageShift;
    auto visit = [&](u64 va, std::uint32_t e) {
      std::uint32_t st = pte::st(e);
      bool res = st == pte::kFrame || st == pte::kZero || (st == pte::kNone && file_cached(*s_, v, va));
      c.resident += res;
      c.swapped += st == pte::kSwap;
      if (q) { c.locked += v.locked && v.onfault && st == pte::kFrame; return; }
      // Linux: PG_mlocked is a property of a present frame (never of the zero page or
      // an untouched page), set while any mapping of it, anywhere, is locked.
      if (st != pte::kFrame || !(e & pte::P)) return;
      if (v.locked || p->superlocked) ++c.locked;
      else if (mapcount(*s_, e) > 1) maybe_locked_elsewhere.push_back(pte::idx(e));
    };
    // Empty PTEs matter only for file pages inside the file (page-cache residency).
    u64 split = lo;
    if (v.file >= 0) {
      u64 fpages = s_->files[std::size_t(v.file)]->npages(), off = v.file_off >> kPageShift;
      u64 fend = fpages > off ? v.start + std::min(v.pages(), fpages - off) * kPageSize : v.start;
      split = std::clamp(fend, lo, hi);
      each_pte(*p, lo, split, visit, true);
    }
    each_pte(*p, split, hi, visit);
  }
  if (s_->cfg.os == OsKind::Qnx) return qnx_locked_elsewhere(pid, a, b, c);
  if (!maybe_locked_elsewhere.empty()) {
    const FrameMarks mark = locked_among(*s_, maybe_locked_elsewhere);
    for (std::uint32_t f : maybe_locked_elsewhere) c.locked += mark.locked(f);
  }
  return c;
}

// QNX: a page of an unlocked mapping counts as locked when another process locks the
// frame behind it, with or without a PTE (QNX locks memory where it is allocated).
PageCounts Machine::qnx_locked_elsewhere(int pid, u64 a, u64 b, PageCounts c) const {
  int live = 0;
  for (const auto& p : s_->procs) live += p->alive;
  if (c.locked >= c.pages || c.resident == 0 || live < 2 || ((b - a) >> kPageShift) > (1u << 20)) return c;
  // Only the frames of this range are looked up: nothing here grows with RAM size.
  const u64 n = (b - a) >> kPageShift;
  std::vector<PageInfo> pages(n);
  page_range(pid, a, n, pages.data());
  auto frame_of = [](const PageInfo& pi) {
    return pi.state == PageState::Frame ? std::int64_t(pi.index) : pi.cache_frame;
  };
  std::vector<std::uint32_t> frames;
  for (const PageInfo& pi : pages)
    if (!pi.locked && frame_of(pi) >= 0) frames.push_back(std::uint32_t(frame_of(pi)));
  const std::vector<std::uint32_t> held = locked_frames(std::move(frames));
  u64 locked = 0;
  for (const PageInfo& pi : pages) {
    const std::int64_t f = frame_of(pi);
    if (pi.locked || (f >= 0 && std::binary_search(held.begin(), held.end(), std::uint32_t(f)))) ++locked;
  }
  c.locked = std::max(c.locked, locked);
  return c;
}

std::vector<std::uint8_t> Machine::mincore(int pid, u64 addr, u64 len, int* errp) const {
  std::vector<std::uint8_t> out;
  int dummy;
  int& e = errp ? *errp : dummy;
  e = err::OK;
  const Proc* p = proc_of(*s_, pid);
  if (!p || !p->alive) { e = err::SRCH; return out; }
  if (addr & (kPageSize - 1)) { e = err::INVAL; return out; }
  if (len > kTaskSize) { e = err::NOMEM; return out; }
  u64 end = addr + page_up(len);
  if (end < addr || end > kTaskSize) { e = err::NOMEM; return out; }
  if (((end - addr) >> kPageShift) > (u64(1) << 26)) { e = err::NOMEM; return out; }  // model cap
  for (u64 a = addr; a < end;) {
    auto it = std::find_if(p->vmas.begin(), p->vmas.end(), [&](const Vma& v) { return v.start <= a && a < v.end; });
    if (it == p->vmas.end()) { e = err::NOMEM; out.clear(); return out; }
    a = it->end;
  }
  out.reserve((end - addr) >> kPageShift);
  for (const Vma& v : p->vmas) {
    if (v.end <= addr || v.start >= end) continue;
    each_pte(*p, std::max(addr, v.start), std::min(end, v.end), [&](u64 va, std::uint32_t x) {
      std::uint32_t st = pte::st(x);
      out.push_back(st == pte::kFrame || st == pte::kZero || (st == pte::kNone && file_cached(*s_, v, va)));
    }, true);
  }
  return out;
}

PagemapEntry Machine::pagemap(int pid, u64 vaddr) const {
  PagemapEntry pm;
  const Proc* p = proc_of(*s_, pid);
  if (!p) return pm;
  std::uint32_t e = p->pt.get(vaddr >> kPageShift);
  switch (pte::st(e)) {
    case pte::kZero: pm.present = true; break;
    case pte::kFrame:
      pm.present = (e & pte::P) != 0;
      pm.pfn_or_slot = pte::idx(e);
      pm.exclusive = pm.present && mapcount(*s_, e) == 1;
      break;
    case pte::kSwap: pm.swapped = true; pm.pfn_or_slot = pte::idx(e); break;
    default: break;
  }
  return pm;
}

void Machine::page_range(int pid, u64 start, u64 npages, PageInfo* out) const {
  if (!out) return;
  for (u64 i = 0; i < npages; ++i) out[i] = PageInfo{};
  const Proc* p = proc_of(*s_, pid);
  if (!p || npages == 0) return;
  start = page_down(start);
  u64 end = start + (npages << kPageShift);
  if (end < start || npages > (kTaskSize >> kPageShift)) end = ~u64(0) & ~(kPageSize - 1);
  for (const Vma& v : p->vmas) {
    if (v.end <= start || v.start >= end) continue;
    each_pte(*p, std::max(start, v.start), std::min(end, v.end), [&](u64 va, std::uint32_t e) {
      PageInfo& pi = out[(va - start) >> kPageShift];
      std::uint32_t st = pte::st(e);
      pi.state = st == pte::kFrame ? PageState::Frame
               : st == pte::kZero  ? PageState::Zero
               : st == pte::kSwap  ? PageState::Swap
                                   : PageState::None;
      pi.index = (st == pte::kFrame || st == pte::kSwap) ? pte::idx(e) : 0;
      pi.present = (e & pte::P) != 0 && st != pte::kSwap;
      pi.writable = (e & pte::W) != 0;
      pi.dirty = (e & pte::D) != 0;
      pi.accessed = (e & pte::A) != 0;
      pi.cow = st == pte::kFrame && !(e & pte::W) && !v.shared && (v.prot & prot::WRITE) &&
               ((e & pte::COW) || mapcount(*s_, e) > 1);
      // Linux: PG_mlocked belongs to a present frame (never to the zero page or an
      // untouched page of a locked mapping). QNX locks the mapping where it is allocated.
      pi.locked = s_->cfg.os == OsKind::Qnx ? v.locked && (!v.onfault || st == pte::kFrame)
                                            : v.locked && st == pte::kFrame;
      pi.in_cache = file_cached(*s_, v, va);
      if (pi.in_cache) {
        // Another process may pin this frame through its own mapping of the same file.
        const File& f = *s_->files[std::size_t(v.file)];
        pi.cache_frame = (f.cache.get((va - v.start + v.file_off) >> kPageShift) & ~File::kDirty) - 1;
      }
    }, true);
  }
}

PageInfo Machine::page(int pid, u64 vaddr) const {
  PageInfo pi;
  page_range(pid, page_down(vaddr), 1, &pi);
  return pi;
}

namespace {
// The sorted used entries of a pool, refcounts filled in. A chunk whose free counter
// says it is all free is skipped unread: the cost is chunks + used entries.
std::vector<UsedFrame> used_in(const Pool& pool) {
  std::vector<UsedFrame> out;
  out.reserve(pool.n - pool.nfree);
  const std::size_t nc = pool.ref.nchunks();
  // Free counters are read a chunk of them at a time: the loop over a big, idle RAM is a
  // scan of a plain array.
  constexpr std::size_t kPer = std::tuple_size_v<decltype(pool.chunk_free)::Chunk>;
  for (std::size_t b = 0; b * kPer < nc; ++b) {
    const std::uint32_t* freec = pool.chunk_free.chunk(b);
    const std::size_t end = std::min(kPer, nc - b * kPer);
    for (std::size_t k = 0; k < end; ++k) {
      // Eight all-free chunks at once (a loop the compiler vectorizes).
      while (k + 8 <= end) {
        std::uint32_t diff = 0;
        for (std::size_t i = 0; i < 8; ++i) diff |= freec[k + i] ^ kRefChunk;
        if (diff) break;
        k += 8;
      }
      if (k >= end) break;
      auto ci = static_cast<std::uint32_t>(b * kPer + k);
      std::uint32_t lim = std::min<std::uint32_t>(kRefChunk, pool.n - ci * kRefChunk);
      if (freec[k] == lim) continue;
      const std::uint16_t* c = pool.ref.chunk(ci);
      for (std::uint32_t j = 0; j < lim; ++j)
        if (c[j]) out.push_back(UsedFrame{ci * kRefChunk + j, FrameOwner{0, 0, c[j], false, false}});
    }
  }
  return out;
}

// Index → owner over a sorted used list. An index the pool counts as free but that a
// PTE, the page cache or the hog names (a broken invariant) is kept apart and merged in
// by take(): the report then still shows it, as a per-frame table would.
class UsedIndex {
 public:
  UsedIndex(std::vector<UsedFrame> v, std::uint32_t n) : v_(std::move(v)), n_(n) {}
  FrameOwner& at(std::uint32_t i) {
    // Consecutive pages mostly sit in consecutive frames: try the entry after the last hit.
    if (last_ + 1 < v_.size() && v_[last_ + 1].index == i) return v_[++last_].owner;
    auto it = std::lower_bound(v_.begin(), v_.end(), i,
                               [](const UsedFrame& u, std::uint32_t x) { return u.index < x; });
    if (it != v_.end() && it->index == i) {
      last_ = static_cast<std::size_t>(it - v_.begin());
      return it->owner;
    }
    if (i >= n_) return scratch_;  // out of range: nothing to report it in
    return extra_[i];
  }
  std::vector<UsedFrame> take() && {
    for (const auto& [i, o] : extra_)
      if (o.file || o.pid != 0) v_.push_back(UsedFrame{i, o});
    if (!extra_.empty())
      std::sort(v_.begin(), v_.end(), [](const UsedFrame& a, const UsedFrame& b) { return a.index < b.index; });
    return std::move(v_);
  }

 private:
  std::vector<UsedFrame> v_;
  std::uint32_t n_;
  std::size_t last_ = 0;
  std::map<std::uint32_t, FrameOwner> extra_;
  FrameOwner scratch_;
};
}  // namespace

std::vector<UsedFrame> Machine::used_frames() const {
  const State& s = *s_;
  UsedIndex out(used_in(s.frames), s.frames.n);
  for (const auto& f : s.files)
    for (u64 k = 0; k < f->cache.size; ++k)
      if (std::uint32_t c = f->cache.get(k)) out.at((c & ~File::kDirty) - 1).file = true;
  if (s.hog)
    for (std::uint32_t f : *s.hog) out.at(f).pid = -1;  // the outside memory hog
  for (const auto& pp : s.procs) {
    const Proc& p = *pp;
    for (const Vma& v : p.vmas)
      each_pte(p, v.start, v.end, [&](u64 va, std::uint32_t e) {
        if (pte::st(e) != pte::kFrame) return;
        FrameOwner& o = out.at(pte::idx(e));
        if (o.pid == 0) { o.pid = p.pid; o.vaddr = va; }
        if (v.locked || p.superlocked) o.locked = true;
      });
    // A locked file/shared mapping pins its cached pages even where it has no PTE yet
    // (QNX creates PTEs lazily; a shared page is pinned while any mapper locks it).
    for (const Vma& v : p.vmas) {
      if (v.file < 0 || v.onfault || !(v.locked || p.superlocked)) continue;
      const File& f = *s.files[std::size_t(v.file)];
      u64 first = v.file_off >> kPageShift;
      for (u64 k = first; k < first + v.pages() && k < f.cache.size; ++k)
        if (std::uint32_t c = f.cache.get(k)) out.at((c & ~File::kDirty) - 1).locked = true;
    }
  }
  return std::move(out).take();
}

std::vector<std::uint32_t> Machine::locked_frames(std::vector<std::uint32_t> frames) const {
  std::sort(frames.begin(), frames.end());
  frames.erase(std::unique(frames.begin(), frames.end()), frames.end());
  std::vector<std::uint32_t> out;
  if (frames.empty()) return out;
  const State& s = *s_;
  auto hit = [&](std::uint32_t f) {
    if (std::binary_search(frames.begin(), frames.end(), f)) out.push_back(f);
  };
  for (const auto& pp : s.procs) {
    const Proc& p = *pp;
    for (const Vma& v : p.vmas) {
      if (!(v.locked || p.superlocked)) continue;
      each_pte(p, v.start, v.end, [&](u64, std::uint32_t e) {
        if (pte::st(e) == pte::kFrame) hit(pte::idx(e));
      });
      if (v.file < 0 || v.onfault) continue;
      const File& f = *s.files[std::size_t(v.file)];
      u64 first = v.file_off >> kPageShift;
      for (u64 k = first; k < first + v.pages() && k < f.cache.size; ++k)
        if (std::uint32_t c = f.cache.get(k)) hit((c & ~File::kDirty) - 1);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<UsedFrame> Machine::used_swap() const {
  const State& s = *s_;
  UsedIndex out(used_in(s.swap), s.swap.n);
  for (const auto& pp : s.procs) {
    const Proc& p = *pp;
    for (const Vma& v : p.vmas)
      each_pte(p, v.start, v.end, [&](u64 va, std::uint32_t e) {
        if (pte::st(e) != pte::kSwap) return;
        FrameOwner& o = out.at(pte::idx(e));
        if (o.pid == 0) { o.pid = p.pid; o.vaddr = va; }
      });
  }
  return std::move(out).take();
}

}  // namespace pp
