// pinpages core — invariants (checked after every operation when asked) and the
// memory accounting of snapshots.
//
//   refcount(frame) == #PTEs mapping it + #page-cache entries + #hog holdings
//   refcount(slot)  == #PTEs pointing at it
//   free frames + used frames == RAM;   VmLck == Σ locked VMA sizes
//   a locked page (not on-fault, not PROT_NONE, not the grown stack) is resident
#include <algorithm>
#include <string>

#include "core/state.h"

namespace pp {

using namespace detail;

namespace {
constexpr u64 kLeafShift = kPageShift + kLeafBits;
std::string hex(u64 v) {
  static const char* d = "0123456789abcdef";
  std::string s;
  do { s.insert(s.begin(), d[v & 15]); v >>= 4; } while (v);
  return "0x" + s;
}
}  // namespace

std::string Machine::check() const {
  const State& s = *s_;
  if (!s.violation.empty()) return s.violation;
  const bool q = s.cfg.os == OsKind::Qnx;
  std::vector<std::uint32_t> fc(s.frames.n, 0), sc(s.swap.n, 0);
  for (const auto& pp : s.procs) {
    const Proc& p = *pp;
    const std::string who = "pid " + std::to_string(p.pid) + ": ";
    if (!p.alive && (!p.vmas.empty() || !p.pt.leaves.empty())) return who + "dead process still has memory";
    u64 prev_end = 0, lck = 0;
    for (const Vma& v : p.vmas) {
      if (v.start >= v.end || (v.start | v.end) & (kPageSize - 1)) return who + "bad VMA " + hex(v.start);
      if (v.start < prev_end) return who + "overlapping VMAs at " + hex(v.start);
      if (v.onfault && !v.locked) return who + "lf without lo at " + hex(v.start);
      prev_end = v.end;
      if (v.locked && !v.lazy) lck += v.pages();
      if (v.locked && v.lazy)  // QNX: only the pages a lazy region has been given
        for (u64 va = v.start; va < v.end; va += kPageSize) lck += pte::st(p.pt.get(va >> kPageShift)) == pte::kFrame;
    }
    if (status(p.pid).vm_lck_kb != lck * 4) return who + "VmLck differs from the locked VMAs";
    {
      LeafSum all, kept = p.pt.totals();
      for (const auto& kv : p.pt.leaves) all.add(kv.second->count());
      if (all.anon != kept.anon || all.file != kept.file || all.swap != kept.swap)
        return who + "running Rss/swap totals differ from the page table";
    }
    for (const auto& [key, leaf] : p.pt.leaves) {
      for (unsigned i = 0; i < kLeafPages; ++i) {
        std::uint32_t e = leaf->e[i];
        if (!e) continue;
        u64 va = (key << kLeafShift) + (u64(i) << kPageShift);
        auto it = std::upper_bound(p.vmas.begin(), p.vmas.end(), va,
                                   [](u64 a, const Vma& v) { return a < v.start; });
        if (it == p.vmas.begin() || (--it, va >= it->end)) return who + "PTE outside any VMA at " + hex(va);
        switch (pte::st(e)) {
          case pte::kFrame:
            if (pte::idx(e) >= s.frames.n) return who + "frame out of range at " + hex(va);
            // Linux: only a page read ahead from swap waits, unmapped, for its first touch.
            if (!q && !(e & pte::P) && (e & ~(pte::kStateMask | (pte::kMaxIdx << pte::kIdxShift))))
              return who + "non-present frame PTE with flags (Linux) at " + hex(va);
            if (!q && !(e & pte::P) && it->file >= 0) return who + "non-present file PTE (Linux) at " + hex(va);
            ++fc[pte::idx(e)];
            break;
          case pte::kSwap:
            if (pte::idx(e) >= s.swap.n) return who + "slot out of range at " + hex(va);
            ++sc[pte::idx(e)];
            break;
          case pte::kZero:
            if (q) return who + "zero page under QNX at " + hex(va);
            break;
          default:
            return who + "flags on an empty PTE at " + hex(va);
        }
      }
    }
    // (No "locked pages are resident" check: an mlock that fails part-way locks
    // ranges it never populates, swapped-out pages included, as the kernel does.)
  }
  for (const auto& f : s.files)
    for (u64 k = 0; k < f->cache.size; ++k)
      if (std::uint32_t c = f->cache.get(k)) {
        std::uint32_t fr = (c & ~File::kDirty) - 1;
        if (fr >= s.frames.n) return "page cache entry out of range: " + f->path;
        ++fc[fr];
      }
  if (s.hog)
    for (std::uint32_t f : *s.hog) {
      if (f >= s.frames.n) return "hog frame out of range";
      ++fc[f];
    }
  u64 used = 0;
  for (std::uint32_t i = 0; i < s.frames.n; ++i) {
    if (fc[i] != s.frames.get(i))
      return "frame " + std::to_string(i) + " refcount " + std::to_string(s.frames.get(i)) +
             " but " + std::to_string(fc[i]) + " users";
    used += fc[i] != 0;
  }
  if (used + s.frames.nfree != s.frames.n) return "free + used frames != RAM";
  u64 sused = 0;
  for (std::uint32_t i = 0; i < s.swap.n; ++i) {
    if (sc[i] != s.swap.get(i))
      return "swap slot " + std::to_string(i) + " refcount " + std::to_string(s.swap.get(i)) +
             " but " + std::to_string(sc[i]) + " PTEs";
    sused += sc[i] != 0;
  }
  if (sused + s.swap.nfree != s.swap.n) return "free + used swap slots != swap size";
  for (std::size_t c = 0; c < s.frames.ref.nchunks(); ++c) {
    u64 fr = 0, lim = std::min<u64>(kRefChunk, s.frames.n - c * kRefChunk);
    for (u64 j = 0; j < lim; ++j) fr += s.frames.get(std::uint32_t(c * kRefChunk + j)) == 0;
    if (fr != s.frames.chunk_free.get(c)) return "frame chunk free counter wrong";
  }
  return "";
}

namespace {
void add_chunk(std::vector<const void*>& seen, std::size_t& bytes, const void* p, std::size_t sz) {
  auto it = std::lower_bound(seen.begin(), seen.end(), p);
  if (it != seen.end() && *it == p) return;
  seen.insert(it, p);
  bytes += sz;
}
}  // namespace

void Machine::collect_chunks(std::vector<const void*>& seen, std::size_t& bytes) const {
  const State& s = *s_;
  if (!std::is_sorted(seen.begin(), seen.end())) std::sort(seen.begin(), seen.end());
  std::size_t top = sizeof(State) +
                    (s.frames.ref.groups.capacity() + s.swap.ref.groups.capacity() +
                     s.frames.chunk_free.groups.capacity() + s.swap.chunk_free.groups.capacity()) * 16 +
                    s.procs.capacity() * 16 + s.files.capacity() * 16;
  add_chunk(seen, bytes, &s, top);
  auto add_arr = [&](const auto& a) { a.each_block([&](const void* id, std::size_t sz) { add_chunk(seen, bytes, id, sz); }); };
  add_arr(s.frames.ref);
  add_arr(s.swap.ref);
  add_arr(s.frames.chunk_free);
  add_arr(s.swap.chunk_free);
  if (s.hog) add_chunk(seen, bytes, s.hog.get(), s.hog->capacity() * 4 + 24);
  for (const auto& f : s.files) {
    add_chunk(seen, bytes, f.get(), sizeof(File) + f->path.size() + f->cache.groups.capacity() * 16);
    add_arr(f->cache);
  }
  for (const auto& pp : s.procs) {
    const Proc& p = *pp;
    std::size_t pb = sizeof(Proc) + p.vmas.capacity() * sizeof(Vma) + p.fds.capacity() * 4;
    for (const Vma& v : p.vmas) pb += v.name.capacity() > 15 ? v.name.capacity() : 0;
    add_chunk(seen, bytes, &p, pb);
    auto add_vec = [&](const auto& v) {
      if (v.list_id()) add_chunk(seen, bytes, v.list_id(), v.list_bytes());
      v.each_chunk([&](const void* id, std::size_t sz) { add_chunk(seen, bytes, id, sz); });
    };
    add_vec(p.pt.leaves);
    for (const auto& [key, leaf] : p.pt.leaves) add_chunk(seen, bytes, leaf.get(), sizeof(Leaf));
    if (p.arena) {
      add_chunk(seen, bytes, p.arena.get(), sizeof(Arena));
      add_vec(p.arena->chunks);
      add_vec(p.arena->mmaps);
    }
  }
}

namespace {
std::size_t proc_beyond(const Proc& p, const Proc* q) {
  if (q == &p) return 0;
  std::size_t b = sizeof(Proc) + p.vmas.capacity() * sizeof(Vma) + p.fds.capacity() * 4;
  static const Proc none;
  const Proc& o = q ? *q : none;
  b += p.pt.leaves.bytes_beyond(o.pt.leaves);
  // Leaves are sorted by key in both tables: one merge walk finds the new ones.
  auto qi = o.pt.leaves.begin(), qe = o.pt.leaves.end();
  for (const auto& [key, leaf] : p.pt.leaves) {
    while (qi != qe && qi->first < key) ++qi;
    if (!(qi != qe && qi->first == key && qi->second == leaf)) b += sizeof(Leaf);
  }
  if (p.arena && (!q || q->arena != p.arena)) {
    b += sizeof(Arena);
    static const Arena empty;
    const Arena& qa = q && q->arena ? *q->arena : empty;
    b += p.arena->chunks.bytes_beyond(qa.chunks) + p.arena->mmaps.bytes_beyond(qa.mmaps);
  }
  return b;
}
}  // namespace

std::size_t Machine::bytes_beyond(const Machine& prev) const {
  const State& s = *s_;
  const State& t = *prev.s_;
  if (&s == &t) return 0;
  std::size_t b = sizeof(State) + (s.procs.size() + s.files.size()) * 16;
  b += s.frames.ref.bytes_beyond(t.frames.ref) + s.swap.ref.bytes_beyond(t.swap.ref) +
       s.frames.chunk_free.bytes_beyond(t.frames.chunk_free) + s.swap.chunk_free.bytes_beyond(t.swap.chunk_free);
  static const File none;
  for (std::size_t i = 0; i < s.files.size(); ++i) {
    const File* g = i < t.files.size() ? t.files[i].get() : nullptr;
    if (g == s.files[i].get()) continue;
    b += sizeof(File) + s.files[i]->cache.bytes_beyond(g ? g->cache : none.cache);
  }
  if (s.hog && s.hog != t.hog) b += s.hog->size() * 4;
  for (const auto& pp : s.procs) {
    const Proc* q = nullptr;
    for (const auto& qq : t.procs)
      if (qq->pid == pp->pid) q = qq.get();
    b += proc_beyond(*pp, q);
  }
  return b;
}

std::size_t Machine::deep_bytes() const {
  std::vector<const void*> seen;
  std::size_t bytes = 0;
  collect_chunks(seen, bytes);
  return bytes;
}

}  // namespace pp
