// pinpages real mode — the wire protocol between the driver (RealOs) and the lab.
//
//   driver (CLI / GUI, RealOs)                 lab process (pinpages-lab)
//   ┌──────────────────────┐  unix stream      ┌──────────────────────────┐
//   │ send  [u32 len][Req + tail] ───────────► │ one real call, nothing   │
//   │ recv  [u32 len][Rep + tail] ◄─────────── │ else (preallocated bufs) │
//   └──────────────────────┘  (+ SCM_RIGHTS    └──────────────────────────┘
//                               fd on FORK)           │ fork: new socketpair,
//                                                      ▼ one end to the child
//                                                 child lab (own channel)
//
// One frame per request and per reply; every frame starts with a little-endian
// u32 byte count. A stream socket (not a pipe) because fork hands the new
// child's channel to the driver with SCM_RIGHTS. Both sides read with a poll()
// timeout; EOF means the peer is dead (the lab then exits, which drops every lock).
//
// This header is shared by the lab (which links no pinpages library) and RealOs,
// so it holds plain structs only.
#pragma once

#include <cstdint>

namespace pp::real::proto {

// The calls' op codes come from core/calls.def (a row's WIRE column; its comments say
// what each carries: a..f are the arguments after the pid, in order, and OPEN's path is
// the tail). Both ends are built from the same tree, so the numbering may change freely.
enum Op : std::uint32_t {
  HELLO = 1,   // lab → driver, unsolicited, after start and after exec
  PING,
#define PP_LAB_CALL(name, wire, c, params, args) wire,
#include "core/calls.def"
  // Reports: batches and raw /proc texts, not one call's arguments.
  STATUS,      // tail: LabStatus + raw /proc/self/status text
  SMAPS,       // tail: raw /proc/self/smaps text
  COUNT,       // tail: pairs (addr,len) → tail of reply: RangeCount per pair
  LATENCY,     // a=records b=bytes c=LatencyMode → tail: LatencyNumbers
  PAGES,       // a=first page address b=npages (≤ 60000) → tail: one PageBit byte per page
};

// Per-page bits of PAGES (what the kernel says about one virtual page).
enum PageBit : std::uint8_t {
  PG_MAPPED = 1,     // inside some VMA
  PG_RESIDENT = 2,   // mincore
  PG_PRESENT = 4,    // pagemap: a PTE maps a frame (or the zero page)
  PG_SWAPPED = 8,    // pagemap: swap entry
  PG_EXCLUSIVE = 16, // pagemap: mapped exactly once (not shared copy-on-write)
};

struct Req {
  std::uint32_t op = 0;
  std::uint32_t tail = 0;  // bytes following this struct
  std::uint64_t a = 0, b = 0, c = 0, d = 0, e = 0, f = 0;
};

enum RepFlag : std::uint32_t {
  REFUSED = 1,   // safety cap: the lab did not perform the call (tail = message)
  DYING = 2,     // the process dies after this reply (signal in `sig`)
  HELLO_FRAME = 4,  // tail is a Hello (start or exec of a lab image)
  CONT = 8,      // more frames follow for the same reply (long /proc texts)
};

struct Rep {
  std::int64_t ret = 0;
  std::int32_t err = 0;   // Linux errno
  std::int32_t sig = 0;   // signal that killed / will kill the process
  std::uint64_t minflt = 0, majflt = 0;  // getrusage delta around the call
  std::uint64_t ns = 0;                  // wall time of the call itself
  std::uint32_t flags = 0;
  std::uint32_t tail = 0;
};

// Sent in HELLO: where the lesson's image lives inside the lab.
struct Hello {
  std::int32_t pid = 0, ppid = 0;
  std::uint64_t data = 0, data_bytes = 0;   // lesson .data (inside the lab's static array)
  std::uint64_t bss = 0, bss_bytes = 0;     // lesson .bss (inside the lab's static array)
  std::uint64_t stack_top = 0;              // lesson locals grow down from here
  std::uint64_t text = 0;                   // some lab code address (the "program text")
  std::uint64_t heap_at_start = 0;          // sbrk(0) at hello: no heap yet if == start_brk
  std::int32_t has_heap = 0;                // 1 if a [heap] already existed (should be 0)
  std::int32_t pagemap_pfn = 0;             // 1 if pagemap shows PFNs (CAP_SYS_ADMIN at open)
  std::uint64_t lab_reserved_lo = 0, lab_reserved_hi = 0;  // lab-owned range lessons must not touch
};

struct LabStatus {
  std::int32_t mcl = 0;   // flags of the last mlockall that is still in force
  std::int32_t cap_ipc_lock = 0;
  std::uint64_t rlim_cur = 0, rlim_max = 0;  // RLIMIT_MEMLOCK in bytes (~0 = infinity)
  std::uint64_t minflt = 0, majflt = 0;      // getrusage totals
};

struct RangeCount {
  std::uint64_t pages = 0;      // pages overlapping the range
  std::uint64_t mapped = 0;     // of those, inside some VMA
  std::uint64_t resident = 0;   // mincore bit 0
  std::uint64_t present = 0;    // pagemap bit 63
  std::uint64_t swapped = 0;    // pagemap bit 62
  std::uint64_t exclusive = 0;  // pagemap bit 56 (mapped exactly once)
};

// Touch latencies as a log2 histogram: bucket k counts page writes that took
// [2^k, 2^(k+1)) ns (bucket 0 also 0 ns); the last bucket takes everything longer.
constexpr int kLatencyBuckets = 32;

// One pass over every record, one byte written per page, each write timed.
struct LatencyPass {
  std::uint64_t touch_ns = 0, minflt = 0, majflt = 0;  // the whole pass; this process's faults
  std::uint64_t worst_record_ns = 0;             // slowest single record
  std::uint64_t worst_page_ns = 0;               // slowest single page write
  std::uint64_t slow_pages = 0;                  // page writes slower than 10 us
  std::uint64_t pages = 0;
  std::uint64_t sys_pgfault = 0;                 // /proc/vmstat pgfault delta: every process of this kernel
  std::uint64_t steal_ticks = 0;                 // /proc/stat steal delta (USER_HZ): the hypervisor ran something else
  std::uint64_t hist[kLatencyBuckets] = {};
};

// LATENCY's c: what happens before the timed passes.
enum LatencyMode : std::uint32_t {
  LAT_UNLOCKED = 0,    // nothing: the first pass faults every page in
  LAT_LOCKED = 1,      // mlock each record (populates it), then the passes
  LAT_PRETOUCHED = 2,  // write every page once, then mlock, then the passes
};

struct LatencyNumbers {
  std::uint64_t records = 0, bytes = 0;
  std::int32_t mode = 0, lock_err = 0;
  std::uint64_t alloc_ns = 0;
  std::uint64_t pretouch_ns = 0, pretouch_minflt = 0;  // LAT_PRETOUCHED: the untimed first writes
  std::uint64_t lock_ns = 0, lock_minflt = 0;    // the mlock calls (populating)
  std::uint64_t timer_min_ns = 0, timer_avg_ns = 0;  // one measurement's own cost (two clock reads)
  LatencyPass first, second;                     // two passes over all records, back to back
  std::uint64_t vm_lck_kb = 0, vm_rss_kb = 0;    // after the passes
};
constexpr std::uint32_t kMaxFrame = 64u << 20;  // sanity bound on a frame's length

}  // namespace pp::real::proto
