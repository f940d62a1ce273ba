// pinpages core — one simulated machine: physical frames, swap, page cache, processes.
//
// The public API below is what the interpreter, the UI and real mode use: the core may
// add to it, but a change to what is here changes all of them.
//
//   process 1                   process 2 (fork)
//   ┌──────────── VMAs ──┐      ┌────────────────────┐
//   │ [stack]   rw-p lo  │      │ [stack]   rw-p     │
//   │ libc.so   r-xp lo  │      │ libc.so   r-xp     │
//   │ anon      rw-p lo  │      │ anon      rw-p     │   page table: radix leaves of
//   │ [heap]    rw-p lo  │      │ [heap]    rw-p     │   512 PTEs (2 MiB each), held
//   │ .bss/.data/.text   │      │ .bss/.data/.text   │   copy-on-write by shared_ptr
//   └─────────┬──────────┘      └─────────┬──────────┘
//             │ PTE: frame N / swap slot N / zero page / none
//             ▼                           ▼
//   frames  [0][1][2][3] ... refcount per frame (index, never a pointer)
//   swap    [0][1] ...       refcount per slot
//   page cache: file -> page index -> frame
//
// Machine is a plain value type: copying it is cheap (big tables are chunked and
// shared copy-on-write) and a copy is a full, independent snapshot.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "os.h"

namespace pp {

enum class QnxProcnto : std::uint8_t { Default, LockAll /* procnto -ml */, SuperlockAll /* -mL */ };

struct MachineConfig {
  u64 ram_bytes = 1ull << 30;   // 1 GiB
  u64 swap_bytes = 512ull << 20;
  OsKind os = OsKind::Linux;
  QnxProcnto procnto = QnxProcnto::Default;
  // Linux: a read fault on an untouched private anonymous page maps the shared zero page
  // (mainline). false: it gets a fresh zeroed frame, writable if the VMA is, as kernels
  // booted with the vendor parameter pvm_no_zero_page=1 do (docs/KERNEL-RULES.md).
  bool zero_page = true;
  bool check_invariants = false;  // run check() after every operation (tests, debug)
};

// Where a virtual page is.
enum class PageState : std::uint8_t {
  None,   // no PTE (never touched, or dropped); a file page may still be in the cache
  Zero,   // mapped read-only to the shared zero page (Rss 0, mincore says resident)
  Frame,  // resident in physical frame `index`
  Swap,   // swapped out to slot `index`
};

struct PageInfo {
  PageState state = PageState::None;
  std::uint32_t index = 0;  // frame or swap slot
  bool present = false, writable = false, dirty = false, accessed = false;
  bool cow = false;      // frame shared copy-on-write (write will copy)
  bool locked = false;   // the VMA is VM_LOCKED (and, for on-fault, the page is faulted in)
  bool in_cache = false; // file page present in the page cache (mincore resident)
  std::int64_t cache_frame = -1;  // the cached page's frame (file / shared mappings), else -1
};

enum class VmaKind : std::uint8_t { Text, Rodata, Data, Bss, Heap, Anon, File, Lib, Stack, Vvar, Vdso };

struct Vma {
  u64 start = 0, end = 0;  // [start, end), page aligned
  int prot = 0;
  bool shared = false;
  VmaKind kind = VmaKind::Anon;
  std::string name;   // as /proc/PID/maps prints it ("" for plain anonymous); ".bss" for bss
  bool locked = false;   // VM_LOCKED ("lo")
  bool onfault = false;  // VM_LOCKONFAULT ("lf"), only with locked
  bool lazy = false;     // QNX MAP_LAZY
  int file = -1;         // file id for file mappings
  u64 file_off = 0;
  u64 pages() const { return (end - start) >> kPageShift; }
};

// Who uses a physical frame (for the physical-memory window).
struct FrameOwner {
  int pid = 0;          // first mapper found (0 = page cache only / free)
  u64 vaddr = 0;
  std::uint16_t refs = 0;
  bool locked = false;  // mapped by at least one locked VMA
  bool file = false;
};

// One frame or swap slot in use, and who uses it (the reports below list only these).
struct UsedFrame {
  std::uint32_t index = 0;
  FrameOwner owner;
};

struct PagemapEntry {
  bool present = false, swapped = false, exclusive = false;
  u64 pfn_or_slot = 0;
};

// Behaviour notes (what the model does where a call's meaning needs pinning down):
// - Addresses follow an x86-64 PIE layout without ASLR: text at 0x555555554000, [heap]
//   right after .bss, libc/ld.so/[vvar]/[vdso] below 0x7ffff7fff000, [stack] ending at
//   0x7ffffffff000 (132 KiB, grows to 8 MiB). libc, ld.so and the program are already in
//   the page cache at start-up; spawn() performs the ~30 start-up faults of ld.so.
// - brk(addr) returns 0 / -1 ENOMEM like glibc's brk(); sbrk() returns the old break.
// - wait(pid, child): ret = reaped pid; ret 0 (err 0) when children exist but none has
//   exited yet (like WNOHANG — the caller runs the child and retries); ECHILD if none.
// - free()/realloc() of a pointer malloc never returned (or a double free): glibc would
//   abort; the model returns -1 / EINVAL and changes nothing.
// - A touch of unmapped memory, or a write to read-only memory, kills the process with
//   SIGSEGV (exit_code 139, event Signal, err EFAULT); past the end of a file: SIGBUS.
//   When memory runs out the OOM killer kills the process with the most anonymous +
//   swapped pages (exit_code 137, event OomKill); the outside hog is killed instead
//   when it is bigger (pressure() then returns ENOMEM).
// - Overcommit is the kernel's heuristic mode: one private writable (or shared
//   anonymous) mapping larger than RAM + swap is refused with ENOMEM. The model also
//   refuses to populate more than 64 GiB in one call (ENOMEM).
// - used_frames(): pid -1 = the outside memory hog (pressure()), pid 0 = page cache only.
// - Shared anonymous memory is a shmem object (name "/dev/zero (deleted)"); its pages
//   are never reclaimed by the model and count as RssFile.
// - QNX personality (docs/QNX.md): the same layout, with QNX's names (ldqnx-64.so.2,
//   libc.so.5, "/dev/shmem (anonymous)" for shared anonymous memory) and no [vvar]/[vdso].
//   Rss counts frames allocated to the process even before their PTE exists (QNX
//   allocates at map time); pagemap's `present` tells whether the PTE exists. There is
//   no zero page and no OOM killer: a mapping, mlock or fork whose memory cannot be set
//   aside fails (ENOMEM / EAGAIN); a lazy page that cannot be set up raises SIGBUS
//   (exit_code 135). The stack is lazy, like QNX thread stacks by default. Locking
//   needs the PROCMGR_AID_MEM_LOCK ability, superlocking (thread_ctl_io) PROCMGR_AID_IO;
//   root holds both, RLIMIT_MEMLOCK plays no part. A superlocked process shows every
//   VMA as locked; lazy regions count in VmLck only for the pages they have been given.
//   mlock2 is ENOSYS and MCL_ONFAULT EINVAL (Linux-only), and so is mremap (ENOSYS).
// - mremap (mremap.cpp) moves page-table entries, never copies a page; a moved VMA may
//   merge with a compatible neighbour at its new place.
class Machine {
 public:
  explicit Machine(MachineConfig cfg = {});
  Machine(const Machine&);
  Machine& operator=(const Machine&);
  Machine(Machine&&) noexcept;
  Machine& operator=(Machine&&) noexcept;
  ~Machine();

  const MachineConfig& config() const;

  // --- operations (same meaning as pp::Os; every one returns errno instead of crashing)
  int spawn(const ImageSpec& img, ImageLayout* out);
#define PP_LAB_CALL(name, wire, c, params, args) OpResult name params;
#define PP_MODEL_CALL(name, c, params, args) OpResult name params;
#define PP_QUERY(type, name, params, args) type name params const;
#include "core/calls.def"

  // --- more reports (computed the way the kernel computes them)
  bool exists(int pid) const;
  std::vector<std::uint8_t> mincore(int pid, u64 addr, u64 len, int* err) const;
  PagemapEntry pagemap(int pid, u64 vaddr) const;

  // --- introspection for the UI (cheap enough to call every frame)
  const std::vector<Vma>& vmas(int pid) const;  // sorted by start; empty if no such pid
  // The locking level of each of vmas(pid), same order (cheap: no page-table walk). The
  // figure and its legend draw these; smaps() reports the same in SmapsEntry::level.
  std::vector<LockLevel> lock_levels(int pid) const;
  PageInfo page(int pid, u64 vaddr) const;
  // Fills out[0..npages) for consecutive pages starting at page-aligned `start`.
  void page_range(int pid, u64 start, u64 npages, PageInfo* out) const;
  std::uint32_t frame_count() const;
  std::uint32_t frames_free() const;
  std::uint32_t swap_slots() const;
  std::uint32_t swap_free() const;
  // The frames in use (mapped, page cache, hog), sorted by index; a frame not listed is
  // free. Costs what is used, not what RAM holds: free 4 MiB stretches are skipped whole.
  std::vector<UsedFrame> used_frames() const;
  // The subset of `frames` held by some locked mapping (as FrameOwner::locked says),
  // sorted. Costs what the locked mappings hold, not what RAM holds.
  std::vector<std::uint32_t> locked_frames(std::vector<std::uint32_t> frames) const;
  std::vector<UsedFrame> used_swap() const;           // the same for swap slots
  u64 pressure_bytes() const;                         // held by the outside "hog"

  // --- testing and measurement
  std::string check() const;        // "" when every invariant holds, else the first violation
  std::size_t deep_bytes() const;   // bytes a full copy of the state would take
  // Adds the distinct heap chunks this state references (for history memory accounting).
  void collect_chunks(std::vector<const void*>& seen, std::size_t& bytes) const;
  // Bytes this state holds that `prev` does not share: what keeping this snapshot next
  // to `prev` costs. Compares chunk pointers position by position (no allocation).
  std::size_t bytes_beyond(const Machine& prev) const;

 private:
  struct State;
  PageCounts qnx_locked_elsewhere(int pid, u64 a, u64 b, PageCounts c) const;
  std::shared_ptr<State> s_;  // copy-on-write at the top level too; chunks below
  State& mut();
};

}  // namespace pp
