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
