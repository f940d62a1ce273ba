// pinpages core — the operating-system interface that lessons are executed against.
//
// The interpreter (src/lang, src/engine) never talks to the model or to the real
// kernel directly: it calls an `Os`. Two implementations exist:
//
//     interpreter ──► Os ──┬──► ModelOs  (src/core/model_os.h: the page-table model)
//                          └──► RealOs   (src/real: a lab process doing real syscalls)
//
// Every constant here uses Linux x86-64 numbering on every host (Emscripten's
// errno values differ from Linux's, so host <cerrno> must never leak into reports).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pp {

using u64 = std::uint64_t;
using i64 = std::int64_t;

constexpr u64 kPageSize = 4096;
constexpr u64 kPageShift = 12;

// errno values as Linux numbers them. Names avoid the host's E* macros.
namespace err {
enum : int {
  OK = 0, PERM = 1, NOENT = 2, SRCH = 3, INTR = 4, BADF = 9, CHILD = 10,
  AGAIN = 11, NOMEM = 12, ACCES = 13, FAULT = 14, BUSY = 16, EXIST = 17,
  INVAL = 22, NOSYS = 38,
  OVERFLOW_ = 75,  // EOVERFLOW (trailing _ : glibc's <math.h> defines an OVERFLOW macro)
};
}
// "ENOMEM" etc.; nullptr for 0; "E<number>" style string for unknown codes.
const char* errno_name(int e);
// Text of strerror() for that code, as glibc prints it ("Cannot allocate memory").
const char* errno_text(int e);
// The Linux number of an errno name ("ENOMEM" → 12); -1 for a name not in the table.
int errno_value(std::string_view name);

namespace prot { enum : int { NONE = 0, READ = 1, WRITE = 2, EXEC = 4 }; }
namespace mapf {
enum : int {
  SHARED = 0x01, PRIVATE = 0x02, FIXED = 0x10, ANONYMOUS = 0x20,
  LAZY = 0x80,  // QNX MAP_LAZY (ignored by the Linux personality)
  LOCKED = 0x2000, NORESERVE = 0x4000, POPULATE = 0x8000,
};
}
namespace mremapf { enum : int { MAYMOVE = 1, FIXED = 2, DONTUNMAP = 4 }; }
namespace mcl { enum : int { CURRENT = 1, FUTURE = 2, ONFAULT = 4 }; }
constexpr int kMlockOnfault = 1;  // mlock2 flag
namespace madv {
enum : int { NORMAL = 0, RANDOM = 1, SEQUENTIAL = 2, WILLNEED = 3, DONTNEED = 4,
             FREE = 8, COLD = 20, PAGEOUT = 21, DONTNEED_LOCKED = 24 };
}
constexpr u64 kRlimInfinity = ~u64(0);
constexpr u64 kMapFailed = ~u64(0);  // (void*)-1

enum class OsKind : std::uint8_t { Linux, Qnx };

// What changed, as ranges so that locking 125,000 pages is one event, not 125,000.
enum class EventKind : std::uint8_t {
  VmaCreate, VmaRemove, VmaSplit, VmaMerge, VmaGrow,
  Populate,     // pages given frames (or the zero page) without a user access
  Lock, Unlock, // VM_LOCKED set/cleared on a range
  FrameAlloc, FrameFree,
  ZeroMap,      // mapped to the shared zero page
  CowCopy,      // a shared frame copied on write
  MinorFault, MajorFault,
  SwapOut, SwapIn, FileRead, FileDrop, Writeback,
  OomKill, Signal, ProcessCreate, ProcessExit, Exec,
};
const char* event_name(EventKind k);

struct Event {
  EventKind kind{};
  int pid = 0;
  u64 vaddr = 0;     // first page (or 0 when not address-related)
  u64 npages = 0;    // size of the range in pages
  std::int64_t aux = -1;  // frame/slot/signal/child pid, meaning depends on kind
};

// The outcome of one system call or library call.
struct OpResult {
  i64 ret = 0;        // return value as the C caller sees it (addresses as integers)
  int err = err::OK;  // errno set by the call (0 when it succeeded)
  u64 minflt = 0, majflt = 0;  // faults this call took in the calling process
  double cost_us = 0;          // modelled wall time (see costs.h)
  std::vector<Event> events;
  bool ok() const { return err == err::OK; }
};

// What the loader needs to build a process image for a lesson program.
struct ImageSpec {
  std::string path = "/home/student/lesson";
  u64 text_bytes = 4 * kPageSize;  // program code
  u64 rodata_bytes = kPageSize;
  u64 data_bytes = kPageSize;      // initialised globals (.data)
  u64 bss_bytes = 0;               // zero-initialised globals (.bss)
};
// Where the loader put things (addresses in the new process).
struct ImageLayout {
  u64 text = 0, data = 0, bss = 0;  // start of each section's first byte
  u64 stack_top = 0;                // highest stack address; locals grow down from here
};

// /proc/PID/status subset.
struct ProcStatus {
  int pid = 0, ppid = 0;
  bool alive = true;       // false once exited / killed (zombie or reaped)
  int exit_code = 0;       // exit status, or 128+signal when killed
  u64 vm_size_kb = 0, vm_lck_kb = 0, vm_rss_kb = 0, vm_swap_kb = 0;
  u64 rss_anon_kb = 0, rss_file_kb = 0;
  u64 minflt = 0, majflt = 0;
  int mcl = 0;             // active mlockall flags (MCL_FUTURE / MCL_ONFAULT survive; CURRENT recorded)
  u64 rlim_memlock_cur = 8192 * 1024ull, rlim_memlock_max = 8192 * 1024ull;
  bool cap_ipc_lock = true;
};

// How a region is locked, for the figure and its legend. Linux: Unlocked, Locked or
// OnFault (lo lf). QNX: Unlocked, Locked, Superlocked, or Lazy (MAP_LAZY, and the lazy
// stack: nothing until first referenced, then the process's level).
enum class LockLevel : std::uint8_t { Unlocked, Locked, OnFault, Superlocked, Lazy };
const char* lock_level_name(LockLevel l);  // "unlocked", "locked", "onfault", "superlocked", "lazy"

// One VMA as /proc/PID/smaps shows it.
struct SmapsEntry {
  u64 start = 0, end = 0;
  std::string perms;  // "rw-p"
  std::string name;   // "[heap]", "[stack]", ".bss", "/usr/lib/.../libc.so.6", ""
  u64 size_kb = 0, rss_kb = 0, pss_kb = 0, locked_kb = 0, swap_kb = 0, anon_kb = 0;
  std::string vmflags;  // "rd wr mr mw me ac lo"
  bool locked = false, onfault = false;
  LockLevel level = LockLevel::Unlocked;  // the model's level (real mode: from lo/lf)
};

// Page counts for a byte range (a lesson object): every page touching the range counts.
struct PageCounts {
  u64 pages = 0, resident = 0, locked = 0, swapped = 0;
};

// The calls a lesson can make. Addresses are in the target process (model or lab).
class Os {
 public:
  virtual ~Os() = default;
  virtual OsKind kind() const = 0;

  // Processes. spawn() creates the first process of a lesson.
  virtual int spawn(const ImageSpec& img, ImageLayout* out) = 0;
  virtual OpResult exec(int pid, const ImageSpec& img, ImageLayout* out) = 0;
  virtual OpResult fork(int pid) = 0;             // ret = child pid
  virtual OpResult exit(int pid, int status) = 0;
  virtual OpResult wait(int pid, int child) = 0;  // child -1 = any; ret = reaped pid

  // glibc malloc.
  virtual OpResult malloc(int pid, u64 n) = 0;
  virtual OpResult calloc(int pid, u64 n, u64 size) = 0;
  virtual OpResult realloc(int pid, u64 ptr, u64 n) = 0;
  virtual OpResult free(int pid, u64 ptr) = 0;
  // mallopt(M_*, value): ret 1 = accepted, 0 = refused (glibc's convention, errno untouched).
  virtual OpResult mallopt(int pid, int param, int value) = 0;
  // malloc_trim(pad): ret 1 when memory went back to the kernel.
  virtual OpResult malloc_trim(int pid, u64 pad) = 0;

  // Memory accesses by the program (memset, assignments, reads).
  virtual OpResult touch(int pid, u64 addr, u64 len, bool write) = 0;

  // Mappings.
  virtual OpResult mmap(int pid, u64 addr, u64 len, int prot, int flags, int fd, u64 off) = 0;
  virtual OpResult munmap(int pid, u64 addr, u64 len) = 0;
  virtual OpResult mprotect(int pid, u64 addr, u64 len, int prot) = 0;
  virtual OpResult brk(int pid, u64 addr) = 0;
  virtual OpResult sbrk(int pid, i64 incr) = 0;
  virtual OpResult open(int pid, const std::string& path, u64 size_if_created) = 0;  // ret = fd
  virtual OpResult madvise(int pid, u64 addr, u64 len, int advice) = 0;
  // mremap(addr, old_len, new_len, flags, new_addr): ret = the new address. An Os that
  // cannot do it says ENOSYS.
  virtual OpResult mremap(int pid, u64 addr, u64 old_len, u64 new_len, int flags, u64 new_addr) {
    (void)pid; (void)addr; (void)old_len; (void)new_len; (void)flags; (void)new_addr;
    OpResult r;
    r.ret = i64(kMapFailed);
    r.err = err::NOSYS;
    return r;
  }

  // Locking.
  virtual OpResult mlock(int pid, u64 addr, u64 len) = 0;
  virtual OpResult mlock2(int pid, u64 addr, u64 len, int flags) = 0;
  virtual OpResult munlock(int pid, u64 addr, u64 len) = 0;
  virtual OpResult mlockall(int pid, int flags) = 0;
  virtual OpResult munlockall(int pid) = 0;

  // Limits and privilege.
  virtual OpResult setrlimit_memlock(int pid, u64 cur, u64 max) = 0;
  virtual OpResult set_cap_ipc_lock(int pid, bool have) = 0;  // sudo or not

  // QNX Neutrino.
  virtual OpResult procmgr_ability_io(int pid, bool allow) = 0;
  virtual OpResult thread_ctl_io(int pid) = 0;  // ThreadCtl(_NTO_TCTL_IO[_PRIV], 0)
  // procmgr_ability(): the list of ability words up to PROCMGR_AID_EOL (QNX numbering).
  // Only the model knows QNX: anything else says ENOSYS.
  virtual OpResult procmgr_ability(int pid, const std::vector<std::uint32_t>& words) {
    (void)pid; (void)words;
    OpResult r;
    r.ret = -1;
    r.err = err::NOSYS;
    return r;
  }

  // Another process wants `bytes` of memory (0 releases it). Drives reclaim.
  virtual OpResult pressure(u64 bytes) = 0;

  // What the kernel reports.
  virtual std::vector<int> pids() const = 0;  // parent first, then children by creation
  virtual ProcStatus status(int pid) const = 0;
  virtual std::vector<SmapsEntry> smaps(int pid) const = 0;
  virtual PageCounts count_pages(int pid, u64 addr, u64 len) const = 0;
};

}  // namespace pp
