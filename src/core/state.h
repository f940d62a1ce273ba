// pinpages core (internal) — what a Machine holds, and the kernel-side helpers.
//
//   State ─┬─ frames: refcount per frame (CowArray<u16>)  + free counter + next-fit hand
//          ├─ swap:   refcount per slot  (CowArray<u16>)  + free counter + next-fit hand
//          ├─ files:  path, size, page cache (file page → frame+1 | dirty bit)
//          ├─ hog:    frames held by the outside memory hog (pressure())
//          └─ procs ─┬─ VMAs (sorted), page table (leaves in a CowVec)
//                    ├─ brk, glibc arena (chunk lists, chunked COW), fds, rlimit, capability
//                    └─ mlockall state (def_flags), QNX ability / superlock
//
// Every big piece sits behind a shared_ptr and is cloned on first write, so copying a
// State (a Machine snapshot) copies only vectors of pointers.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/cow.h"
#include "core/machine.h"

namespace pp::detail {

constexpr std::uint32_t kNoIdx = 0xFFFFFFFFu;
constexpr u64 kTaskSize = 0x7ffffffff000ull;   // x86-64 user address space top
constexpr u64 kMmapMinAddr = 0x10000;          // vm.mmap_min_addr
constexpr u64 kStackTop = 0x7ffffffff000ull;
constexpr u64 kStackMax = 8ull << 20;          // RLIMIT_STACK 8 MiB
constexpr u64 kTextBase = 0x555555554000ull;
constexpr u64 kMmapBase = 0x7ffff7fff000ull;
constexpr unsigned kRefChunk = 1024;  // 2 KiB of refcounts: what a step that takes a frame copies
// The model refuses to populate (lock, MAP_POPULATE) more than this many pages in one
// call: 64 GiB. The kernel would try and run out of page-table memory.
constexpr u64 kPopulateCap = u64(1) << 24;

inline u64 page_down(u64 a) { return a & ~(kPageSize - 1); }
inline u64 page_up(u64 a) { return (a + kPageSize - 1) & ~(kPageSize - 1); }

// Reference-counted pool of indices (frames or swap slots), allocated next-fit.
struct Pool {
  CowArray<std::uint16_t, kRefChunk> ref;
  // Free entries per chunk of `ref`: skip full chunks fast. Shared copy-on-write too, so
  // a snapshot does not copy a counter per 4 MiB of RAM.
  CowArray<std::uint32_t, 256> chunk_free;
  std::uint32_t n = 0, nfree = 0, hand = 0;

  void init(std::uint32_t count) {
    n = count; nfree = count; hand = 0;
    ref.resize(count);
    chunk_free.resize(ref.nchunks());
    for (std::size_t ci = 0; ci < ref.nchunks(); ++ci) chunk_free.at(ci) = kRefChunk;
    if (count % kRefChunk && ref.nchunks()) chunk_free.at(ref.nchunks() - 1) = count % kRefChunk;
  }
  std::uint32_t alloc() {
    if (nfree == 0) return kNoIdx;
    std::uint32_t nc = std::uint32_t(ref.nchunks());
    std::uint32_t ci = hand / kRefChunk, off = hand % kRefChunk;
    for (std::uint32_t k = 0; k <= nc; ++k, ci = (ci + 1) % nc, off = 0) {
      if (chunk_free.get(ci) == 0) continue;
      std::uint32_t lim = std::min<std::uint32_t>(kRefChunk, n - ci * kRefChunk);
      const std::uint16_t* c = ref.chunk(ci);
      for (std::uint32_t j = off; j < lim; ++j)
        if (c[j] == 0) {
          ref.chunk_mut(ci)[j] = 1;
          --chunk_free.at(ci); --nfree;
          hand = ci * kRefChunk + j + 1;
          if (hand >= n) hand = 0;
          return ci * kRefChunk + j;
        }
    }
    return kNoIdx;
  }
  // Up to `want` free entries (refcount set to 1) into out[]; returns how many. One
  // pass over each chunk: populating 125,000 pages costs a few ns per frame.
  std::uint32_t alloc_many(std::uint32_t* out, std::uint32_t want) {
    std::uint32_t got = 0;
    std::uint32_t nc = std::uint32_t(ref.nchunks());
    for (std::uint32_t k = 0; k <= nc && got < want && nfree; ++k) {
      std::uint32_t ci = hand / kRefChunk;
      if (chunk_free.get(ci) == 0) {
        hand = (ci + 1) * kRefChunk;
        if (hand >= n) hand = 0;
        continue;
      }
      std::uint32_t lim = std::min<std::uint32_t>(kRefChunk, n - ci * kRefChunk);
      std::uint16_t* c = ref.chunk_mut(ci);
      std::uint32_t j = hand % kRefChunk, taken = 0;
      for (; j < lim && got < want; ++j)
        if (c[j] == 0) {
          c[j] = 1;
          out[got++] = ci * kRefChunk + j;
          ++taken;
        }
      chunk_free.at(ci) -= taken;
      nfree -= taken;
      hand = ci * kRefChunk + j;
      if (hand >= n || j >= lim) hand = (j >= lim) ? ((ci + 1) * kRefChunk >= n ? 0 : (ci + 1) * kRefChunk) : hand;
    }
    return got;
  }
  std::uint16_t get(std::uint32_t i) const { return ref.get(i); }
  void inc(std::uint32_t i) { ++ref.at(i); }
  // Returns true when the entry became free.
  bool dec(std::uint32_t i) {
    std::uint16_t& r = ref.at(i);
    if (r == 0) return false;  // defensive: never underflow
    if (--r == 0) { ++nfree; ++chunk_free.at(i / kRefChunk); return true; }
    return false;
  }
};

struct File {
  std::string path;
  u64 size = 0;        // bytes
  bool shmem = false;  // anonymous shared memory object (MAP_SHARED|MAP_ANONYMOUS)
  // page index → 0 (not cached) or (frame + 1) | kDirty
  CowArray<std::uint32_t, 1024> cache;
  static constexpr std::uint32_t kDirty = 1u << 31;
  u64 npages() const { return (size + kPageSize - 1) / kPageSize; }
};

struct Chunk {       // a glibc heap chunk (not the top chunk)
  u64 addr = 0;      // chunk start (user pointer = addr + 16)
  u64 size = 0;
  bool used = false;
};
struct MmapChunk {   // a chunk glibc gave its own mmap
  u64 addr = 0, len = 0;  // mapping; user pointer = addr + 16
};
struct Arena {
  bool init = false;
  bool init_failed = false;           // the first heap could not be made (see heap_init)
  u64 top = 0;                        // start of the top chunk; it ends at the break
  u64 hwm = 0;                        // highest heap address ever handed out (calloc)
  // Both sorted by addr and shared copy-on-write in chunks (core/cow_vec.h): a step that
  // mallocs 16 bytes in a process holding 100,000 chunks copies one chunk of the list.
  CowVec<Chunk, 64> chunks;           // below top
  CowVec<MmapChunk, 64> mmaps;        // mmap hands out addresses top-down: inserts near the front
  u64 mmap_threshold = 128 * 1024;    // M_MMAP_THRESHOLD (dynamic)
  u64 trim_threshold = 128 * 1024;    // M_TRIM_THRESHOLD (dynamic: 2 × mmap threshold)
  u64 top_pad = 128 * 1024;           // M_TOP_PAD default
  // False only when no chunk below top is free: malloc then skips the best-fit scan, so
  // a program that only allocates costs O(1) per call, not O(live chunks).
  bool maybe_free = false;
  u64 mmap_max = 65536;               // M_MMAP_MAX: how many mmapped chunks at once
  bool no_dyn_threshold = false;      // set by any mallopt of the four above

  // Index of the (mmapped) chunk starting at a, or of the first one above a.
  std::size_t chunk_at(u64 a) const { return chunks.lower_bound(a, [](const Chunk& c, u64 x) { return c.addr < x; }); }
  std::size_t mmap_at(u64 a) const { return mmaps.lower_bound(a, [](const MmapChunk& c, u64 x) { return c.addr < x; }); }
};

struct Proc {
  int pid = 0, ppid = 0;
  bool alive = true;
  int exit_code = 0;
  std::vector<Vma> vmas;
  PageTable pt;
  int mcl = 0;                      // last successful mlockall flags
  bool def_locked = false, def_onfault = false;  // mm->def_flags (MCL_FUTURE)
  u64 rlim_cur = 8192 * 1024ull, rlim_max = 8192 * 1024ull;
  bool cap = true;                  // CAP_IPC_LOCK
  u64 minflt = 0, majflt = 0;
  u64 start_brk = 0, brk = 0;
  std::shared_ptr<Arena> arena;
  std::vector<int> fds;             // fd 3 + i → file id
  bool superlocked = false;
  // QNX abilities (procmgr_ability) of the root and the non-root domain, one bit per
  // modelled ability (kAbIo, kAbMemLock): root holds both by default, non-root neither.
  std::uint8_t qnx_ab_root = 3, qnx_ab_user = 0, qnx_ab_lock = 0;  // lock: PROCMGR_AOP_LOCK
  ImageLayout layout;
};

struct State {
  MachineConfig cfg;
  Pool frames, swap;
  std::vector<std::shared_ptr<Proc>> procs;  // creation order
  std::vector<std::shared_ptr<File>> files;
  std::shared_ptr<std::vector<std::uint32_t>> hog;  // frames held by pressure()
  int next_pid = 1000;
  std::size_t clock_proc = 0;  // reclaim clock hand: process index and address
  u64 clock_va = 0;
  std::string violation;  // first invariant violation seen (config.check_invariants)
};

// The frames a question was about, and which of them some locked mapping maps. Sized by
// the question, never by RAM: a 24 GiB machine answers as fast as a 1 GiB one.
class FrameMarks {
 public:
  void ask(std::uint32_t f) { m_.emplace(f, false); }
  bool locked(std::uint32_t f) const {
    auto it = m_.find(f);
    return it != m_.end() && it->second;
  }
  // Marks f as locked if it was asked about and not marked yet; true when it was.
  bool mark(std::uint32_t f) {
    auto it = m_.find(f);
    if (it == m_.end() || it->second) return false;
    it->second = true;
    return true;
  }
  std::size_t size() const { return m_.size(); }

 private:
  std::unordered_map<std::uint32_t, bool> m_;
};

// Which of `frames` some locked VMA, in any process, maps.
FrameMarks locked_among(const State& s, const std::vector<std::uint32_t>& frames);

// Kernel-side operations on one State, recording into one OpResult.
// Split across vma.cpp, fault.cpp, reclaim.cpp, lock.cpp, process.cpp, malloc.cpp.
struct Sys {
  State& s;
  OpResult& r;
  int caller = 0;  // pid whose faults go into r.minflt / r.majflt

  // ---- lookup
  Proc* find(int pid) const;        // alive or not
  Proc* live(int pid);              // alive, writable (cloned if shared)
  static int vma_at(const Proc& p, u64 addr);  // index of VMA containing addr, or -1
  File& file_mut(int id);

  // ---- events and accounting
  void ev(EventKind k, int pid, u64 va, u64 n, std::int64_t aux = -1);
  void fault_count(Proc& p, bool major);

  // ---- VMAs (vma.cpp)
  int split(Proc& p, u64 addr);     // ensure a VMA boundary at addr; returns index at addr or -1
  void merge_around(Proc& p, u64 lo, u64 hi);  // merge compatible neighbours in [lo, hi]
  static bool mergeable(const Vma& a, const Vma& b);
  bool range_mapped(const Proc& p, u64 start, u64 end) const;  // no holes
  u64 find_gap(const Proc& p, u64 len, u64 hint) const;        // top-down; 0 if none
  void unmap_range(Proc& p, u64 start, u64 end);               // release pages + VMAs
  void sync_dirty(Proc& p, u64 start, u64 end);  // dirty shared-file PTEs → page cache
  void insert_vma(Proc& p, const Vma& v);
  OpResult& do_mmap(Proc& p, u64 addr, u64 len, int prot, int flags, int fd, u64 off);
  OpResult& do_munmap(Proc& p, u64 addr, u64 len);
  OpResult& do_mprotect(Proc& p, u64 addr, u64 len, int prot);
  void make_writable(Proc& p, u64 start, u64 end);  // mprotect's in-place write upgrade
  bool do_brk(Proc& p, u64 newbrk);  // kernel brk: true on success
  OpResult& do_madvise(Proc& p, u64 addr, u64 len, int advice);
  // mremap.cpp
  OpResult& do_mremap(Proc& p, u64 addr, u64 old_len, u64 new_len, int flags, u64 new_addr);
  void move_ptes(Proc& p, u64 from, u64 to, u64 len);
  FrameMarks shared_file_frames_locked(const Proc& p, u64 start, u64 end) const;

  // ---- pages (fault.cpp)
  std::uint32_t alloc_frame(Proc* p);  // reclaims / OOM-kills as needed; kNoIdx if `p` died
  void release_pte(std::uint32_t e);   // drop the reference a PTE holds
  // Access [start,end) inside VMA vi. mode: 0 touch, 1 populate (mlock/MAP_POPULATE).
  // Returns false if the process was killed (SIGSEGV/SIGBUS/OOM).
  bool access(Proc& p, int vi, u64 start, u64 end, bool write, int mode);
  bool touch_range(Proc& p, u64 addr, u64 len, bool write);   // with VMA lookup + stack growth
  // mm_populate. false when a VMA could not be populated (PROT_NONE, past the end of
  // its file; mlock then fails): with stop_on_error populating stops there, as for
  // mlock; without it (mlockall, MAP_POPULATE: ignore_errors) it goes on.
  bool populate(Proc& p, u64 start, u64 end, bool stop_on_error = false);
  void kill(Proc& p, int sig);                                // signal death
  // Page `idx` of file `fid` in the page cache (reading it, with readahead, if needed).
  // Returns the frame or kNoIdx (out of memory and `p` died). Never holds a File&
  // across an allocation: reclaim may replace the File object.
  std::uint32_t cache_page(int fid, u64 idx, Proc* p, bool& major);
  // One page's fault, slow path. 0 ok, 1 process died, 2 SIGBUS.
  int fault_one(Proc& p, int vi, u64 va, bool write, int mode);
  int grow_stack(Proc& p, u64 addr);  // VMA index after growth, or -1
  u64 swap_readahead(Proc& p, const Vma& v, u64 va);  // neighbours read in with va

  // ---- reclaim (reclaim.cpp)
  u64 reclaim(u64 want);         // frames freed
  bool oom_kill(Proc* requester);  // kills the largest process; false if nobody to kill
  u64 swap_out_pte(Proc& p, u64 va, std::uint32_t* e, bool force);

  // ---- processes (process.cpp)
  void release_all(Proc& p);
  void build_image(Proc& p, const ImageSpec& img);
  int file_id(const std::string& path, u64 size, bool preload);

  // ---- locking (lock.cpp)
  bool can_do_mlock(const Proc& p) const;
  static u64 mapped_run_end(const Proc& p, u64 start, u64 end);
  static u64 locked_pages(const Proc& p);
  static u64 total_pages(const Proc& p);
  void set_lock_flags(Proc& p, u64 start, u64 end, bool lock, bool onfault);
  bool qnx() const { return s.cfg.os == OsKind::Qnx; }
  u64 overcommit_limit() const { return u64(s.frames.n) + s.swap.n; }  // pages
  u64 populate_pages(const Proc& p, u64 start, u64 end) const;  // what mlock would populate
  void qnx_init_pages(Proc& p, int vi, bool present);  // QNX: allocate (and map) all pages
  void superlock(Proc& p);
  void apply_def_flags(Proc& p, Vma& v);  // MCL_FUTURE / superlock for a new mapping
  bool after_map(Proc& p, u64 start, u64 end, bool populate_req);  // false: QNX ENOMEM
  void qnx_lock_init(Proc& p, u64 start, u64 end);  // QNX "locked": initialise, no PTEs

  // ---- QNX rules (qnx.cpp)
  static constexpr std::uint8_t kAbIo = 1, kAbMemLock = 2;
  bool qnx_has(const Proc& p, std::uint8_t ab) const { return (p.cap ? p.qnx_ab_root : p.qnx_ab_user) & ab; }
  OpResult& do_procmgr_ability(Proc& p, const std::vector<std::uint32_t>& words);
  OpResult& do_thread_ctl_io(Proc& p);  // ThreadCtl(_NTO_TCTL_IO[_PRIV]): superlock
  // Mappings get locked at birth: mlockall(MCL_FUTURE), superlock, or procnto -ml/-mL.
  bool lock_by_default(const Proc& p) const;
  bool qnx_policy() const { return qnx() && s.cfg.procnto != QnxProcnto::Default; }
  // Frames that initialising [start, end) would take (privatise: superlock's copies).
  u64 qnx_init_need(const Proc& p, u64 start, u64 end, bool privatise) const;
  bool qnx_reserve(u64 frames);  // reclaims until `frames` are free; false if it cannot
  void qnx_settle(Proc& p, u64 start, u64 end);  // bring [start,end) to the process's level
  void qnx_policy_lock(Proc& p);                 // procnto -ml: lock every mapping
  u64 qnx_fork_need(const Proc& parent) const;   // frames an eager fork copy takes
  void qnx_fork_ready(Proc& parent, Proc& child);  // superlocked parent keeps pages writable
  OpResult& do_mlock(Proc& p, u64 addr, u64 len, bool onfault);
  OpResult& do_munlock(Proc& p, u64 addr, u64 len);
  OpResult& do_mlockall(Proc& p, int flags);
  OpResult& do_munlockall(Proc& p);

  // ---- processes (process.cpp)
  int do_spawn(const ImageSpec& img, ImageLayout* out);
  OpResult& do_fork(Proc& p);
  std::vector<char> file_vmas_without_anon(const Proc& p) const;
  OpResult& do_exec(Proc& p, const ImageSpec& img, ImageLayout* out);
  OpResult& do_exit(Proc& p, int status);
  OpResult& do_wait(Proc& p, int child);
  void gc_shmem();
  OpResult& do_pressure(u64 bytes);

  // ---- glibc malloc (malloc.cpp)
  OpResult& do_malloc(Proc& p, u64 n, bool zero);
  OpResult& do_realloc(Proc& p, u64 ptr, u64 n);
  OpResult& do_free(Proc& p, u64 ptr);
  OpResult& do_sbrk(Proc& p, i64 incr);
  OpResult& do_mallopt(Proc& p, int param, int value);
  OpResult& do_malloc_trim(Proc& p, u64 pad);
  bool systrim(Proc& p, u64 pad);
  bool heap_init(Proc& p);
  bool heap_extend(Proc& p, u64 nb);
};

}  // namespace pp::detail

namespace pp {
// The Machine's private state is the detail::State (declared here so that every
// machine-side .cpp file can reach it).
struct Machine::State : detail::State {};
}  // namespace pp
