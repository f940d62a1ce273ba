// pinpages lab — requests and replies on the channel to the driver (frames:
// channel.h), and the safety cap.
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "real/channel.h"
#include "real/lab_state.h"

namespace pp::real::lab {

// ---------------------------------------------------------------- frames
// Idle wait for the next request: forever, but a root lab also watches its parent
// (PR_SET_PDEATHSIG covers the normal case; this closes the gap when the parent
// died before the prctl).
bool recv_req(std::uint32_t* len) {
  for (;;) {
    pollfd pf{g.chan, POLLIN, 0};
    int pr = ::poll(&pf, 1, 1000);
    if (pr < 0 && errno == EINTR) continue;
    if (pr < 0) return false;
    if (pr == 0) {
      if (g.root && getppid() != g.parent) return false;
      continue;
    }
    break;
  }
  if (!chan::read_exact(g.chan, len, 4, 10000)) return false;
  if (*len < sizeof(proto::Req) || *len > kIo) return false;
  return chan::read_exact(g.chan, g.in, *len, 10000);
}

proto::Rep& rep() { return *reinterpret_cast<proto::Rep*>(g.out); }
char* rep_tail() { return g.out + sizeof(proto::Rep); }

void send_rep(std::size_t tail, int passfd) {
  rep().tail = static_cast<std::uint32_t>(tail);
  if (!chan::send_frame(g.chan, g.out, static_cast<std::uint32_t>(sizeof(proto::Rep) + tail), passfd)) _exit(0);
}

// A /proc text of any length, streamed in CONT frames.
void send_proc_text(const char* path, const void* prefix, std::size_t prefix_len) {
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  proto::Rep base{};
  if (fd < 0) base.err = errno;
  std::size_t used = prefix_len;
  if (prefix_len) std::memcpy(rep_tail(), prefix, prefix_len);
  for (;;) {
    ssize_t r = fd >= 0 ? ::read(fd, rep_tail() + used, kIo - used) : 0;
    if (r < 0 && errno == EINTR) continue;
    if (r > 0) used += static_cast<std::size_t>(r);
    bool last = r <= 0;
    if (used == kIo || last) {
      rep() = base;
      rep().flags = last ? 0u : static_cast<std::uint32_t>(proto::CONT);
      send_rep(used);
      used = 0;
    }
    if (last) break;
  }
  if (fd >= 0) ::close(fd);
}

// ---------------------------------------------------------------- safety cap
u64 mem_available() {
  if (read_file("/proc/meminfo", g.text, kText) < 0) return 0;
  return field_kb(g.text, "MemAvailable") * 1024;
}

// True (and the reply is filled) when locking `bytes` more would pass half of
// MemAvailable: the lab refuses rather than push a shared machine into OOM.
bool refuse(u64 bytes, i64 failret) {
  if (g.force || bytes == 0) return false;
  u64 avail = mem_available();
  if (avail == 0 || bytes <= avail / 2) return false;
  char a[24], b[24];
  const char* m1 = "refused to lock ";
  std::size_t n = 0;
  auto put = [&](const char* s) { std::size_t l = std::strlen(s); std::memcpy(rep_tail() + n, s, l); n += l; };
  rep() = proto::Rep{};
  put(m1); put(u64_to_str(bytes >> 20, a)); put(" MiB: more than half of MemAvailable (");
  put(u64_to_str(avail >> 20, b)); put(" MiB). Run with --force to allow it.");
  rep_tail()[n] = 0;
  say(rep_tail());
  rep().ret = failret;
  rep().err = ENOMEM;
  rep().flags = proto::REFUSED;
  send_rep(n);
  return true;
}


namespace {

// lru_add_drain() on the CPU this runs on, which drains that CPU's mlock batch too.
void drain_this_cpu(void* page) {
  *static_cast<volatile char*>(page) = 1;
  // MADV_COLD starts with lru_add_drain(); on a locked page (MCL_FUTURE) it is EINVAL,
  // but then unlocking the page changes its VMA's flags, which ends in lru_add_drain()
  // as well.
  if (madvise(page, kPage, MADV_COLD) != 0) munlock(page, kPage);
}

}  // namespace

void pin_to_this_cpu() {
  // Once per lab image: the lab stays on the CPU it first ran a call on. Pinning and
  // unpinning around every call cost more than a lesson's tight loop of calls can
  // afford (each unpin invites a migration on a busy machine).
  static bool pinned = false;
  if (pinned) return;
  int c = sched_getcpu();
  if (c < 0) return;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(c, &one);
  pinned = sched_setaffinity(0, sizeof one, &one) == 0;
}

void drain_mlock_batches() {
  // The kernel sets and clears a frame's "mlocked" flag through per-CPU batches (e.g.
  // copy-on-write copies made by a locked process leave the old frames flagged until
  // the batch of the CPU that took the fault drains). The driver reads
  // /proc/kpageflags next, so the batch must be drained first, on the CPU that filled
  // it. Draining this CPU's is enough only because the lab is pinned to one CPU
  // (pin_to_this_cpu): otherwise the scheduler could move it between the call and the
  // drain, which on a busy machine it does. The scratch page is outside the meter and
  // gone again afterwards.
  int saved = errno;
  void* p = mmap(nullptr, kPage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p != MAP_FAILED) {
    drain_this_cpu(p);
    munmap(p, kPage);
  }
  errno = saved;
}

}  // namespace pp::real::lab
