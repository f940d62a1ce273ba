// pinpages lab — reports from the lab's own /proc/self, and the latency experiment.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "real/lab_state.h"

namespace pp::real::lab {

// ---------------------------------------------------------------- reports
void do_status() {
  proto::LabStatus ls{};
  ls.mcl = g.mcl;
  ls.cap_ipc_lock = have_ipc_lock() ? 1 : 0;
  rlimit rl{};
  getrlimit(RLIMIT_MEMLOCK, &rl);
  ls.rlim_cur = rl.rlim_cur;
  ls.rlim_max = rl.rlim_max;
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  ls.minflt = static_cast<u64>(ru.ru_minflt);
  ls.majflt = static_cast<u64>(ru.ru_majflt);
  send_proc_text("/proc/self/status", &ls, sizeof ls);
}

// VMA bounds from /proc/self/maps (into g.text), up to cap entries.
int read_vmas(Range* out, int cap) {
  if (read_file("/proc/self/maps", g.text, kText) < 0) return 0;
  int n = 0;
  for (char* p = g.text; *p && n < cap;) {
    char* e = nullptr;
    u64 lo = std::strtoull(p, &e, 16);
    u64 hi = std::strtoull(e + 1, &e, 16);
    out[n++] = {lo, hi};
    p = std::strchr(p, '\n');
    if (!p) break;
    ++p;
  }
  return n;
}

void count_piece(u64 lo, u64 hi, proto::RangeCount& rc) {
  for (u64 a = lo; a < hi;) {
    u64 n = (hi - a) / kPage;
    if (n > kVec) n = kVec;
    if (mincore(reinterpret_cast<void*>(a), n * kPage, g.vec) == 0)
      for (u64 i = 0; i < n; ++i) rc.resident += g.vec[i] & 1;
    if (g.pagemap_fd >= 0) {
      ssize_t r = pread(g.pagemap_fd, g.pm, n * 8, static_cast<off_t>((a / kPage) * 8));
      for (ssize_t i = 0; i < r / 8; ++i) {
        u64 e = g.pm[i];
        rc.present += (e >> 63) & 1;
        rc.swapped += (e >> 62) & 1;
        rc.exclusive += ((e >> 56) & 1) && ((e >> 63) & 1);
      }
    }
    a += n * kPage;
  }
}

void do_count(std::uint32_t tail) {
  Range* vmas = g.vmas;
  int nv = read_vmas(vmas, kMaxVmas);
  const u64* pairs = reinterpret_cast<const u64*>(g.in + sizeof(proto::Req));
  std::size_t np = tail / 16;
  std::size_t maxout = kIo / sizeof(proto::RangeCount);
  if (np > maxout) np = maxout;
  auto* outc = reinterpret_cast<proto::RangeCount*>(rep_tail());
  for (std::size_t k = 0; k < np; ++k) {
    proto::RangeCount rc{};
    u64 a = pairs[2 * k], len = pairs[2 * k + 1];
    u64 lo = page_down(a), hi = len ? page_up(a + len) : lo;
    rc.pages = (hi - lo) / kPage;
    for (int v = 0; v < nv; ++v) {
      u64 s = vmas[v].lo > lo ? vmas[v].lo : lo;
      u64 e = vmas[v].hi < hi ? vmas[v].hi : hi;
      if (s >= e) continue;
      rc.mapped += (e - s) / kPage;
      count_piece(s, e, rc);
    }
    outc[k] = rc;
  }
  rep() = proto::Rep{};
  rep().ret = static_cast<i64>(np);
  send_rep(np * sizeof(proto::RangeCount));
}

// ---------------------------------------------------------------- latency
void do_latency(u64 records, u64 bytes, bool lock) {
  proto::LatencyNumbers L{};
  L.records = records; L.bytes = bytes; L.locked = lock;
  if (lock && refuse(records * bytes, -1)) return;
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
  rusage r0{}, r1{};
  if (lock && got == records) {
    getrusage(RUSAGE_SELF, &r0);
    t = now_ns();
    for (u64 i = 0; i < records && !L.lock_err; ++i)
      if (mlock(recs[i], bytes) != 0) L.lock_err = errno;
    L.lock_ns = now_ns() - t;
    getrusage(RUSAGE_SELF, &r1);
    L.lock_minflt = static_cast<u64>(r1.ru_minflt - r0.ru_minflt);
  }
  // The "real-time loop": touch every record once, page by page, timing each.
  getrusage(RUSAGE_SELF, &r0);
  u64 t_all = now_ns();
  for (u64 i = 0; i < got; ++i) {
    u64 tr = now_ns();
    for (u64 off = 0; off < bytes; off += kPage) {
      u64 tp = now_ns();
      reinterpret_cast<volatile unsigned char*>(recs[i])[off] = 1;
      u64 dp = now_ns() - tp;
      if (dp > L.worst_page_ns) L.worst_page_ns = dp;
      if (dp > 10000) ++L.slow_pages;
      ++L.pages;
    }
    u64 dr = now_ns() - tr;
    if (dr > L.worst_record_ns) L.worst_record_ns = dr;
  }
  L.touch_ns = now_ns() - t_all;
  getrusage(RUSAGE_SELF, &r1);
  L.touch_minflt = static_cast<u64>(r1.ru_minflt - r0.ru_minflt);
  L.touch_majflt = static_cast<u64>(r1.ru_majflt - r0.ru_majflt);
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

void do_pages(u64 first, u64 npages) {
  first = page_down(first);
  const u64 maxp = kIo - sizeof(proto::Rep);
  if (npages > maxp) npages = maxp;
  auto* out = reinterpret_cast<unsigned char*>(rep_tail());
  std::memset(out, 0, npages);
  int nv = read_vmas(g.vmas, kMaxVmas);
  u64 lo = first, hi = first + npages * kPage;
  for (int v = 0; v < nv; ++v) {
    u64 s = g.vmas[v].lo > lo ? g.vmas[v].lo : lo;
    u64 e = g.vmas[v].hi < hi ? g.vmas[v].hi : hi;
    for (u64 a = s; a < e;) {
      u64 n = (e - a) / kPage;
      if (n > kVec) n = kVec;
      unsigned char* o = out + (a - lo) / kPage;
      for (u64 i = 0; i < n; ++i) o[i] |= proto::PG_MAPPED;
      if (mincore(reinterpret_cast<void*>(a), n * kPage, g.vec) == 0)
        for (u64 i = 0; i < n; ++i) if (g.vec[i] & 1) o[i] |= proto::PG_RESIDENT;
      if (g.pagemap_fd >= 0) {
        ssize_t r = pread(g.pagemap_fd, g.pm, n * 8, static_cast<off_t>((a / kPage) * 8));
        for (ssize_t i = 0; i < r / 8; ++i) {
          u64 pm = g.pm[i];
          if ((pm >> 63) & 1) o[i] |= proto::PG_PRESENT;
          if ((pm >> 62) & 1) o[i] |= proto::PG_SWAPPED;
          if (((pm >> 56) & 1) && ((pm >> 63) & 1)) o[i] |= proto::PG_EXCLUSIVE;
        }
      }
      a += n * kPage;
    }
  }
  rep() = proto::Rep{};
  rep().ret = static_cast<i64>(npages);
  send_rep(npages);
}

}  // namespace pp::real::lab
