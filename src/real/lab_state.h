// pinpages lab — the lab process's shared state and helpers (see lab_main.cpp).
//
//   lab_main.cpp     main(), the command loop and the calls that change memory
//   lab_io.cpp       frames on the channel, the safety cap
//   lab_reports.cpp  status / smaps / page counts / the latency experiment
//
// All of it runs inside pinpages-lab, which never mallocs for itself: fixed
// buffers in one page-aligned block `g`, no stdio, no std containers.
#pragma once

#include <sys/resource.h>
#include <setjmp.h>
#include <sys/mman.h>
#include <ucontext.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>

#include "real/lab_sys.h"
#include "real/proto.h"

namespace pp::real::lab {

using u64 = std::uint64_t;
using i64 = std::int64_t;
using u32 = std::uint32_t;

constexpr u64 kPage = 4096;
constexpr std::size_t kIo = 64 * 1024;       // request / reply frames
constexpr std::size_t kText = 256 * 1024;    // /proc/self/maps, status, meminfo
constexpr std::size_t kVec = 16 * 1024;      // pages per mincore / pagemap chunk

// The lesson's globals live in these arrays (lab_main.cpp): the kernel then reports
// them as the program's real .data and .bss. The unused tail is unmapped at start.
extern unsigned char lesson_data[256 * 1024];
extern unsigned char lesson_bss[256u << 20];

struct Range { u64 lo, hi; };
constexpr int kMaxVmas = 4096;

// Everything the lab itself writes, in one block (touch() refuses it).
struct alignas(4096) State {
  char altstack[64 * 1024];
  char in[kIo];
  char out[kIo + 64];
  char text[kText];
  unsigned char vec[kVec];
  u64 pm[kVec];
  Range vmas[kMaxVmas];
  char chunk[4096];
  sigjmp_buf jb;
  volatile int in_touch;
  int chan;            // socket to the driver
  int pagemap_fd;
  int pagemap_pfn;
  int mcl;             // flags of the mlockall in force
  int force;           // --force: no safety cap
  int unpriv;          // --unprivileged: started without CAP_IPC_LOCK, for good
  int root;            // the lab the driver started (or its exec): has a parent to watch
  int parent;
  char dir[512];       // temp dir for open()
  char self[512];      // path of this executable (re-exec)
  u64 data_bytes, bss_bytes, stack_top;
  u64 code_lo, code_hi;  // the lab executable's own mappings
  ucontext_t main_ctx, loop_ctx;
};
extern State g;

inline u64 page_down(u64 a) { return a & ~(kPage - 1); }
inline u64 page_up(u64 a) { return (a + kPage - 1) & ~(kPage - 1); }

// ---- lab_io.cpp: requests and replies (frames: channel.h)
bool recv_req(std::uint32_t* len);
proto::Rep& rep();
char* rep_tail();
void send_rep(std::size_t tail, int passfd = -1);  // exits when the driver is gone
void send_proc_text(const char* path, const void* prefix, std::size_t prefix_len);

// ---------------------------------------------------------------- metering
// The kernel sets/clears a frame's "mlocked" flag through per-CPU batches; make
// them visible before the driver reads /proc/kpageflags (lab_io.cpp). The lab is
// pinned to one CPU from its first call on, so the batches it fills are all on the
// CPU that drains them.
void pin_to_this_cpu();
void drain_mlock_batches();

// getrusage / clock deltas around exactly one call.
struct Meter {
  rusage r0{};
  u64 t0 = 0;
  Meter() { pin_to_this_cpu(); getrusage(RUSAGE_SELF, &r0); t0 = now_ns(); errno = 0; }
  void done(i64 ret, int err) {
    u64 t1 = now_ns();
    rusage r1{};
    getrusage(RUSAGE_SELF, &r1);
    rep() = proto::Rep{};
    rep().ret = ret;
    rep().err = err;
    rep().ns = t1 - t0;
    rep().minflt = static_cast<u64>(r1.ru_minflt - r0.ru_minflt);
    rep().majflt = static_cast<u64>(r1.ru_majflt - r0.ru_majflt);
    drain_mlock_batches();
  }
};


// ---- lab_io.cpp: safety cap
u64 mem_available();
bool refuse(u64 bytes, i64 failret);  // true = refused, reply already sent
inline bool future_locked() { return (g.mcl & MCL_FUTURE) && !(g.mcl & MCL_ONFAULT); }

// ---- lab_reports.cpp
void do_status();
void do_count(std::uint32_t tail);
void do_latency(u64 records, u64 bytes, u32 mode);
void do_pages(u64 first, u64 npages);

}  // namespace pp::real::lab
