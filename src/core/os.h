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

class Machine;

// The calls a lesson can make (the list: core/calls.def). Addresses are in the target
// process (model or lab).
class Os {
 public:
  virtual ~Os() = default;
  virtual OsKind kind() const = 0;

  // spawn() creates the first process of a lesson: ret = its pid, -1 on failure.
  virtual int spawn(const ImageSpec& img, ImageLayout* out) = 0;
#define PP_LAB_CALL(name, wire, c, params, args) virtual OpResult name params = 0;
#define PP_MODEL_CALL(name, c, params, args) virtual OpResult name params = 0;
#define PP_QUERY(type, name, params, args) virtual type name params const = 0;
#include "core/calls.def"

  // The page-table model behind this Os, for the history's snapshots; nullptr when the
  // calls go to a real kernel (its state can be reported, not copied).
  virtual const Machine* snapshot_source() const { return nullptr; }
};

}  // namespace pp
