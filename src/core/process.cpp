// pinpages core — processes: the loader's image layout, fork, exec, exit, wait, pressure.
//
//   0x555555554000  text r-xp │ rodata r--p │ data rw-p │ .bss rw-p │ [heap] → (brk)
//        ...
//   0x7ffff7dd1000  anon rw-p 12K (TLS)  ← large mallocs are placed just below and merge
//   0x7ffff7dd4000  libc.so.6  r--p r-xp r--p r--p rw-p + anon rw-p   (~1.9 MB)
//   0x7ffff7fc1000  [vvar] 16K  [vvar_vclock] 8K  [vdso] 8K           (never locked)
//   0x7ffff7fc9000  ld-linux-x86-64.so.2  r--p r-xp r--p r--p rw-p   (216 KB)
//   0x7ffff7fff000  mmap base
//   0x7ffffffde000  [stack] 132K, grows down to 8 MiB
//   0x7ffffffff000  top of user space
#include <algorithm>

#include "core/costs.h"
#include "core/state.h"

namespace pp::detail {

namespace {
constexpr const char* kLibc = "/usr/lib/x86_64-linux-gnu/libc.so.6";
constexpr const char* kLd = "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2";
constexpr u64 kLibcFile = 0x1d3000, kLdFile = 0x35000;
// QNX Neutrino 7 (x86_64): the runtime linker and the C library. The model keeps the
// Linux layout and sizes; only the names and the missing [vvar]/[vdso] differ.
constexpr const char* kQnxLibc = "/lib/libc.so.5";
constexpr const char* kQnxLd = "/usr/lib/ldqnx-64.so.2";
constexpr int kMaxProcs = 1024;  // keeps frame refcounts (u16) far from overflow
}  // namespace

int Sys::file_id(const std::string& path, u64 size, bool preload) {
  for (std::size_t i = 0; i < s.files.size(); ++i)
    if (!s.files[i]->shmem && s.files[i]->path == path) return int(i);
  auto f = std::make_shared<File>();
  f->path = path;
  f->size = size;
  f->cache.resize(std::size_t(f->npages()));
  s.files.push_back(f);
  int id = int(s.files.size() - 1);
  if (preload) {
    // Already in the page cache (the system has been running; the program was just
    // built): no major faults at start-up.
    for (u64 i = 0; i < f->npages(); ++i) {
      std::uint32_t fr = s.frames.alloc();
      if (fr == kNoIdx) break;
      file_mut(id).cache.at(i) = fr + 1;
    }
  }
  return id;
}

void Sys::release_all(Proc& p) {
  sync_dirty(p, 0, kTaskSize);
  for (auto& [key, leaf] : p.pt.leaves)
    for (std::uint32_t e : leaf->e)
      if (e) release_pte(e);
  p.pt.clear();
  p.vmas.clear();
  gc_shmem();
}

void Sys::gc_shmem() {
  for (std::size_t i = 0; i < s.files.size(); ++i) {
    if (!s.files[i]->shmem) continue;
    bool used = false;
    for (const auto& pp : s.procs)
      if (pp->alive)
        for (const Vma& v : pp->vmas)
          if (v.file == int(i)) used = true;
    if (used) continue;
    const File& cf = *s.files[i];
    bool any = false;
    for (u64 k = 0; k < cf.cache.size && !any; ++k) any = cf.cache.get(k) != 0;
    if (!any) continue;
    File& f = file_mut(int(i));
    for (u64 k = 0; k < f.cache.size; ++k)
      if (std::uint32_t c = f.cache.get(k)) {
        s.frames.dec((c & ~File::kDirty) - 1);
        f.cache.at(k) = 0;
      }
  }
}

void Sys::build_image(Proc& p, const ImageSpec& img) {
  const u64 text = page_up(std::max<u64>(img.text_bytes, 1));
  const u64 ro = page_up(img.rodata_bytes), data = page_up(img.data_bytes);
  const u64 bss = page_up(img.bss_bytes);
  const u64 fsize = text + ro + data;
  // Clamp absurd image sizes so that the layout stays below the mmap area.
  const bool ok = fsize < (1ull << 40) && bss < (1ull << 40);
  int img_id = file_id(img.path.empty() ? "/a.out" : img.path, ok ? fsize : text, true);
  const char* const libc_path = qnx() ? kQnxLibc : kLibc;
  const char* const ld_path = qnx() ? kQnxLd : kLd;
  int libc = file_id(libc_path, kLibcFile, true), ld = file_id(ld_path, kLdFile, true);
  auto add = [&](u64 start, u64 len, int prot, VmaKind kind, std::string name, int file,
                 u64 off) {
    if (!len) return;
    Vma v;
    v.start = start;
    v.end = start + len;
    v.prot = prot;
    v.kind = kind;
    v.name = std::move(name);
    v.file = file;
    v.file_off = off;
    v.lazy = qnx() && kind == VmaKind::Stack;
    p.vmas.push_back(v);
  };
  const std::string& path = s.files[std::size_t(img_id)]->path;
  u64 a = kTextBase;
  add(a, text, prot::READ | prot::EXEC, VmaKind::Text, path, img_id, 0);
  p.layout.text = a;
  a += text;
  if (ok) {
    add(a, ro, prot::READ, VmaKind::Rodata, path, img_id, text);
    a += ro;
    p.layout.data = a;
    add(a, data, prot::READ | prot::WRITE, VmaKind::Data, path, img_id, text + ro);
    a += data;
    p.layout.bss = a;
    add(a, bss, prot::READ | prot::WRITE, VmaKind::Bss, ".bss", -1, 0);
    a += bss;
  } else {
    p.layout.data = p.layout.bss = a;
  }
  p.start_brk = p.brk = a;
  // libc, with the 12K anonymous TLS block below it.
  const int R = prot::READ, RW = prot::READ | prot::WRITE, RX = prot::READ | prot::EXEC;
  u64 l = 0x7ffff7dd4000ull;
  add(l - 0x3000, 0x3000, RW, VmaKind::Anon, "", -1, 0);
  add(l, 0x26000, R, VmaKind::Lib, libc_path, libc, 0);
  add(l + 0x26000, 0x155000, RX, VmaKind::Lib, libc_path, libc, 0x26000);
  add(l + 0x17b000, 0x53000, R, VmaKind::Lib, libc_path, libc, 0x17b000);
  add(l + 0x1ce000, 0x4000, R, VmaKind::Lib, libc_path, libc, 0x1cd000);
  add(l + 0x1d2000, 0x2000, RW, VmaKind::Lib, libc_path, libc, 0x1d1000);
  add(l + 0x1d4000, 0xd000, RW, VmaKind::Anon, "", -1, 0);
  if (!qnx()) {  // QNX has no vDSO
    add(0x7ffff7fc1000ull, 0x4000, R, VmaKind::Vvar, "[vvar]", -1, 0);
    add(0x7ffff7fc5000ull, 0x2000, R, VmaKind::Vvar, "[vvar_vclock]", -1, 0);
    add(0x7ffff7fc7000ull, 0x2000, RX, VmaKind::Vdso, "[vdso]", -1, 0);
  }
  u64 d = 0x7ffff7fc9000ull;
  add(d, 0x1000, R, VmaKind::Lib, ld_path, ld, 0);
  add(d + 0x1000, 0x27000, RX, VmaKind::Lib, ld_path, ld, 0x1000);
  add(d + 0x28000, 0xa000, R, VmaKind::Lib, ld_path, ld, 0x28000);
  add(d + 0x32000, 0x2000, R, VmaKind::Lib, ld_path, ld, 0x31000);
  add(d + 0x34000, 0x2000, RW, VmaKind::Lib, ld_path, ld, 0x33000);
  add(kStackTop - 0x21000, 0x21000, RW, VmaKind::Stack, "[stack]", -1, 0);
  std::sort(p.vmas.begin(), p.vmas.end(), [](const Vma& x, const Vma& y) { return x.start < y.start; });
  p.layout.stack_top = kStackTop - 0x1000;

  if (qnx()) after_map(p, 0, kTaskSize, false);  // QNX: anonymous memory reserved at map time
  // Start-up work of ld.so and libc: the pages every C program touches before main().
  // Counted as the process's own faults (a real hello-world starts with ~100 minflt).
  auto touch = [&](u64 start, u64 len, bool write) {
    int vi = vma_at(p, start);
    if (vi >= 0 && p.alive)
      access(p, vi, start, std::min(start + len, p.vmas[std::size_t(vi)].end), write, 0);
  };
  touch(p.layout.text, kPageSize, false);
  if (ok && data) touch(p.layout.data, data, true);
  touch(d, 0x1000, false);
  touch(d + 0x1000, 0x27000, false);
  touch(d + 0x28000, 0xa000, false);
  touch(d + 0x32000, 0x2000, true);  // RELRO: relocated, then made read-only
  touch(d + 0x34000, 0x2000, true);
  touch(l - 0x3000, 0x3000, true);
  touch(l, 0x8000, false);
  touch(l + 0x26000, 0x30000, false);
  touch(l + 0x17b000, 0x8000, false);
  touch(l + 0x1ce000, 0x4000, true);
  touch(l + 0x1d2000, 0x2000, true);
  touch(l + 0x1d4000, 0x4000, true);
  touch(kStackTop - 0x3000, 0x3000, true);
  // The RELRO pages were written while writable; they are read-only private copies now.
  for (u64 rel : {d + 0x32000, l + 0x1ce000})
    for (u64 q = rel; q < rel + (rel == d + 0x32000 ? 0x2000 : 0x4000); q += kPageSize) {
      Leaf* L = p.pt.mut(q >> (kPageShift + kLeafBits), false);
      if (L) L->e[(q >> kPageShift) & (kLeafPages - 1)] &= ~pte::W;
    }
  // procnto -mL / -ml: a system policy, not an mlockall() of the program's (no MCL_*).
  if (qnx() && s.cfg.procnto == QnxProcnto::SuperlockAll) superlock(p);
  else if (qnx() && s.cfg.procnto == QnxProcnto::LockAll) qnx_policy_lock(p);
}

int Sys::do_spawn(const ImageSpec& img, ImageLayout* out) {
  int alive = 0;
  for (const auto& sp : s.procs) alive += sp->alive;
  if (alive >= kMaxProcs) return -1;
  {
    auto np = std::make_shared<Proc>();
    np->pid = s.next_pid++;
    np->ppid = 1;
    np->arena = std::make_shared<Arena>();
    // The State must hold the only reference: a second one would make reclaim
    // (use_count() > 1) clone the process behind our back.
    s.procs.push_back(std::move(np));
  }
  Proc& p = *s.procs.back();
  caller = p.pid;
  ev(EventKind::ProcessCreate, p.pid, 0, 0, p.pid);
  build_image(p, img);
  if (out) *out = p.layout;
  return p.pid;
}

// copy_page_range() skips a file-backed VMA that has no anonymous pages (no
// anon_vma): shared and read-only file mappings, and private writable ones never
// written. The child faults those pages in from the page cache.
std::vector<char> Sys::file_vmas_without_anon(const Proc& p) const {
  std::vector<char> out(p.vmas.size(), 0);
  for (std::size_t k = 0; k < p.vmas.size(); ++k) {
    const Vma& v = p.vmas[k];
    if (v.file < 0) continue;
    bool anon = false;
    if (!v.shared && (v.prot & prot::WRITE))
      for (u64 a = v.start; a < v.end && !anon; a += kPageSize) {
        std::uint32_t e = p.pt.get(a >> kPageShift);
        anon = pte::st(e) == pte::kSwap || (pte::st(e) == pte::kFrame && !(e & pte::FILE));
      }
    out[k] = !anon;
  }
  return out;
}

OpResult& Sys::do_fork(Proc& parent) {
  int alive = 0;
  for (const auto& sp : s.procs) alive += sp->alive;
  if (alive >= kMaxProcs) { r.ret = -1; r.err = err::AGAIN; return r; }
  // QNX: a superlocked parent's pages stay ready, so the child's copies are made now.
  if (qnx() && parent.superlocked && !qnx_reserve(qnx_fork_need(parent))) {
    r.ret = -1; r.err = err::NOMEM; return r;
  }
  auto c = std::make_shared<Proc>();
  Proc& ch = *c;
  ch.pid = s.next_pid++;
  ch.ppid = parent.pid;
  ch.vmas = parent.vmas;
  for (Vma& v : ch.vmas) v.locked = v.onfault = false;  // dup_mmap clears VM_LOCKED_MASK
  ch.rlim_cur = parent.rlim_cur;
  ch.rlim_max = parent.rlim_max;
  ch.cap = parent.cap;
  ch.qnx_ab_root = parent.qnx_ab_root;
  ch.qnx_ab_user = parent.qnx_ab_user;
  ch.qnx_ab_lock = parent.qnx_ab_lock;
  ch.start_brk = parent.start_brk;
  ch.brk = parent.brk;
  ch.arena = parent.arena;  // shared until either side mallocs
  ch.fds = parent.fds;
  ch.layout = parent.layout;
  // Copy the page tables. Private writable pages become read-only copy-on-write in
  // BOTH processes; file VMAs with no private pages are not copied (the child faults
  // them in from the page cache, as the kernel does).
  u64 copied = 0;
  const u64 kLeafShift = kPageShift + kLeafBits;
  const std::vector<char> no_copy = file_vmas_without_anon(parent);
  for (std::size_t li = 0; li < parent.pt.leaves.size(); ++li) {
    const u64 key = parent.pt.leaves[li].first;
    const u64 lo = key << kLeafShift, hi = (key + 1) << kLeafShift;
    bool need_wp = false, skip_some = false;
    for (std::size_t k = 0; k < parent.vmas.size(); ++k) {
      const Vma& v = parent.vmas[k];
      if (v.end <= lo || v.start >= hi) continue;
      if (!v.shared && (v.prot & prot::WRITE)) need_wp = true;
      if (no_copy[k]) skip_some = true;
    }
    Leaf* pl = need_wp ? parent.pt.mut(key, false) : parent.pt.leaves[li].second.get();
    if (need_wp) {
      for (const Vma& v : parent.vmas) {
        if (v.end <= lo || v.start >= hi || v.shared || !(v.prot & prot::WRITE)) continue;
        u64 a = std::max(lo, v.start), b = std::min(hi, v.end);
        for (u64 q = a; q < b; q += kPageSize) {
          std::uint32_t& e = pl->e[(q >> kPageShift) & (kLeafPages - 1)];
          if (pte::st(e) == pte::kFrame && (e & pte::W)) e = (e & ~pte::W) | pte::COW;
        }
      }
    }
    std::shared_ptr<Leaf> cl;
    if (!skip_some) {
      cl = parent.pt.leaves[li].second;  // shared: identical entries
    } else {
      cl = std::make_shared<Leaf>(*pl);
      for (std::size_t k = 0; k < parent.vmas.size(); ++k) {
        const Vma& v = parent.vmas[k];
        if (v.end <= lo || v.start >= hi || !no_copy[k]) continue;
        u64 a = std::max(lo, v.start), b = std::min(hi, v.end);
        for (u64 q = a; q < b; q += kPageSize) cl->e[(q >> kPageShift) & (kLeafPages - 1)] = 0;
      }
    }
    for (std::uint32_t e : cl->e) {
      switch (pte::st(e)) {
        case pte::kFrame: s.frames.inc(pte::idx(e)); ++copied; break;
        case pte::kSwap: s.swap.inc(pte::idx(e)); ++copied; break;
        case pte::kZero: ++copied; break;
        default: break;
      }
    }
    ch.pt.append(key, std::move(cl));
  }
  ch.pt.prune();
  s.procs.push_back(std::move(c));  // the State holds the only reference (see do_spawn)
  ev(EventKind::ProcessCreate, ch.pid, 0, 0, ch.pid);
  r.cost_us += costs::kForkBaseUs + double(copied) * costs::kForkPerPteUs;
  if (qnx() && parent.superlocked) qnx_fork_ready(parent, *s.procs.back());
  if (qnx() && s.cfg.procnto == QnxProcnto::SuperlockAll) superlock(*s.procs.back());
  else if (qnx() && s.cfg.procnto == QnxProcnto::LockAll) qnx_policy_lock(*s.procs.back());
  r.ret = ch.pid;
  r.err = err::OK;
  return r;
}

OpResult& Sys::do_exec(Proc& p, const ImageSpec& img, ImageLayout* out) {
  release_all(p);
  p.mcl = 0;
  p.def_locked = p.def_onfault = false;
  p.superlocked = false;
  p.arena = std::make_shared<Arena>();
  p.layout = ImageLayout{};
  ev(EventKind::Exec, p.pid, 0, 0, p.pid);
  r.cost_us += costs::kExecUs;
  build_image(p, img);
  if (out) *out = p.layout;
  r.ret = 0;
  return r;
}

OpResult& Sys::do_exit(Proc& p, int status) {
  release_all(p);
  p.alive = false;
  p.exit_code = status & 0xff;
  p.superlocked = false;
  ev(EventKind::ProcessExit, p.pid, 0, 0, p.exit_code);
  r.ret = 0;
  return r;
}

OpResult& Sys::do_wait(Proc& p, int child) {
  bool any = false;
  for (std::size_t i = 0; i < s.procs.size(); ++i) {
    const Proc& c = *s.procs[i];
    if (c.ppid != p.pid || (child != -1 && c.pid != child)) continue;
    any = true;
    if (!c.alive) {
      r.ret = c.pid;
      s.procs.erase(s.procs.begin() + std::ptrdiff_t(i));
      if (s.clock_proc >= s.procs.size()) s.clock_proc = 0;
      return r;
    }
  }
  if (!any) { r.ret = -1; r.err = err::CHILD; return r; }
  r.ret = 0;  // children exist but none has exited yet (like WNOHANG)
  return r;
}

OpResult& Sys::do_pressure(u64 bytes) {
  u64 want = (bytes + kPageSize - 1) >> kPageShift;
  if (bytes > (u64(1) << 50)) want = u64(1) << 38;
  if (!s.hog) s.hog = std::make_shared<std::vector<std::uint32_t>>();
  if (s.hog.use_count() > 1) s.hog = std::make_shared<std::vector<std::uint32_t>>(*s.hog);
  auto& h = *s.hog;
  while (h.size() > want) {
    s.frames.dec(h.back());
    h.pop_back();
  }
  if (h.size() < want) {
    u64 need = want - h.size();
    if (need > s.frames.nfree) reclaim(need - s.frames.nfree);
    s.hog->reserve(std::size_t(std::min<u64>(want, s.frames.n)));
    std::vector<std::uint32_t> buf(4096);
    for (int guard = 0; s.hog->size() < want && guard < 1000; ++guard) {
      u64 ask = std::min<u64>(want - s.hog->size(), buf.size());
      std::uint32_t got = s.frames.alloc_many(buf.data(), std::uint32_t(ask));
      if (got) {
        s.hog->insert(s.hog->end(), buf.begin(), buf.begin() + got);
        guard = 0;
        continue;
      }
      if (reclaim(want - s.hog->size())) continue;
      if (qnx() || !oom_kill(nullptr)) break;  // QNX: no OOM killer, the hog gets less
    }
  }
  r.ret = i64(s.hog->size() << kPageShift);
  if (s.hog->size() < want) r.err = err::NOMEM;
  return r;
}

}  // namespace pp::detail
