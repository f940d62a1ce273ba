// pinpages lab — the latency experiment: N records touched one byte per page, every
// write timed, without locking, after mlock, or after touching then mlock.
//
//   alloc N records ─► [mode: nothing | mlock | touch + mlock] ─► pass 1 ─► pass 2
//
// Two passes back to back tell apart what the first touch costs (faults, or work the
// guest kernel never sees on a virtual machine) from what any touch costs. Each pass
// also records this kernel's fault counter (/proc/vmstat pgfault, every process) and
// the CPU time the hypervisor took away (/proc/stat steal), so a slow pass that has no
// faults of its own can be put down to what was measured, not guessed.
#include <sys/mman.h>
#include <sys/resource.h>

#include <cstdlib>
#include <cstring>

#include "real/lab_state.h"

namespace pp::real::lab {
namespace {

// "pgfault N" in /proc/vmstat; 0 when it cannot be read.
u64 sys_pgfault() {
  if (read_file("/proc/vmstat", g.text, kText) <= 0) return 0;
  for (const char* p = g.text; p && *p;) {
    if (std::strncmp(p, "pgfault ", 8) == 0) return std::strtoull(p + 8, nullptr, 10);
    p = std::strchr(p, '\n');
    if (p) ++p;
  }
  return 0;
}

// The 8th number of /proc/stat's first line ("cpu  user nice system idle iowait irq
// softirq steal ..."): ticks the hypervisor ran something else while a vCPU wanted to run.
u64 steal_ticks() {
  if (read_file("/proc/stat", g.text, kText) <= 0) return 0;
  const char* p = g.text;
  if (std::strncmp(p, "cpu ", 4) != 0) return 0;
  p += 4;
  u64 v = 0;
  for (int i = 0; i < 8; ++i) {
    char* end = nullptr;
    v = std::strtoull(p, &end, 10);
    if (end == p) return 0;
    p = end;
  }
  return v;
}

int bucket_of(u64 ns) {
  int b = 0;
  while (ns > 1 && b < proto::kLatencyBuckets - 1) { ns >>= 1; ++b; }
  return b;
}

// The cost of one measurement: two clock reads back to back, the fastest and the mean.
void timer_cost(proto::LatencyNumbers& L) {
  constexpr int n = 20000;
  u64 lo = ~0ull, sum = 0;
  for (int i = 0; i < n; ++i) {
    u64 a = now_ns();
    u64 d = now_ns() - a;
    sum += d;
    if (d < lo) lo = d;
  }
  L.timer_min_ns = lo;
  L.timer_avg_ns = sum / n;
}

void timed_pass(unsigned char** recs, u64 got, u64 bytes, proto::LatencyPass& P) {
  rusage r0{}, r1{};
  u64 pf0 = sys_pgfault(), st0 = steal_ticks();
  getrusage(RUSAGE_SELF, &r0);
  u64 t_all = now_ns();
  for (u64 i = 0; i < got; ++i) {
    u64 tr = now_ns();
    for (u64 off = 0; off < bytes; off += kPage) {
      u64 tp = now_ns();
      reinterpret_cast<volatile unsigned char*>(recs[i])[off] = 1;
      u64 dp = now_ns() - tp;
      if (dp > P.worst_page_ns) P.worst_page_ns = dp;
      if (dp > 10000) ++P.slow_pages;
      ++P.hist[bucket_of(dp)];
      ++P.pages;
    }
    u64 dr = now_ns() - tr;
    if (dr > P.worst_record_ns) P.worst_record_ns = dr;
  }
  P.touch_ns = now_ns() - t_all;
  getrusage(RUSAGE_SELF, &r1);
  P.minflt = static_cast<u64>(r1.ru_minflt - r0.ru_minflt);
  P.majflt = static_cast<u64>(r1.ru_majflt - r0.ru_majflt);
  u64 pf1 = sys_pgfault(), st1 = steal_ticks();
  P.sys_pgfault = pf1 > pf0 ? pf1 - pf0 : 0;
  P.steal_ticks = st1 > st0 ? st1 - st0 : 0;
}

void lock_all(unsigned char** recs, u64 records, u64 bytes, proto::LatencyNumbers& L) {
  rusage r0{}, r1{};
  getrusage(RUSAGE_SELF, &r0);
  u64 t = now_ns();
  for (u64 i = 0; i < records && !L.lock_err; ++i)
    if (mlock(recs[i], bytes) != 0) L.lock_err = errno;
  L.lock_ns = now_ns() - t;
  getrusage(RUSAGE_SELF, &r1);
  L.lock_minflt = static_cast<u64>(r1.ru_minflt - r0.ru_minflt);
}

}  // namespace

void do_latency(u64 records, u64 bytes, u32 mode) {
  proto::LatencyNumbers L{};
  L.records = records;
  L.bytes = bytes;
  L.mode = static_cast<std::int32_t>(mode);
  const bool lock = mode != proto::LAT_UNLOCKED;
  if (lock && refuse(records * bytes, -1)) return;
  timer_cost(L);
  // The pointer array comes from mmap, not malloc, so the heap stays the records'.
  u64 ptr_bytes = page_up(records * sizeof(void*) + 1);
  auto** recs = static_cast<unsigned char**>(
      mmap(nullptr, ptr_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  if (recs == MAP_FAILED) { Meter m; m.done(-1, errno); send_rep(0); return; }
  u64 t = now_ns();
  u64 got = 0;
  for (; got < records; ++got) {
    recs[got] = static_cast<unsigned char*>(std::malloc(bytes));
    if (!recs[got]) break;
  }
  L.alloc_ns = now_ns() - t;
  if (mode == proto::LAT_PRETOUCHED && got == records) {
    rusage r0{}, r1{};
    getrusage(RUSAGE_SELF, &r0);
    t = now_ns();
    for (u64 i = 0; i < got; ++i)
      for (u64 off = 0; off < bytes; off += kPage) reinterpret_cast<volatile unsigned char*>(recs[i])[off] = 2;
    L.pretouch_ns = now_ns() - t;
    getrusage(RUSAGE_SELF, &r1);
    L.pretouch_minflt = static_cast<u64>(r1.ru_minflt - r0.ru_minflt);
  }
  if (lock && got == records) lock_all(recs, records, bytes, L);
  // The "real-time loop": every record once, page by page, twice.
  timed_pass(recs, got, bytes, L.first);
  timed_pass(recs, got, bytes, L.second);
  if (read_file("/proc/self/status", g.text, kText) > 0) {
    L.vm_lck_kb = field_kb(g.text, "VmLck");
    L.vm_rss_kb = field_kb(g.text, "VmRSS");
  }
  for (u64 i = 0; i < got; ++i) {
    if (lock) munlock(recs[i], bytes);
    std::free(recs[i]);
  }
  munmap(recs, ptr_bytes);
  rep() = proto::Rep{};
  rep().ret = static_cast<i64>(got);
  rep().err = got == records ? L.lock_err : ENOMEM;
  std::memcpy(rep_tail(), &L, sizeof L);
  send_rep(sizeof L);
}

}  // namespace pp::real::lab
