// pinpages-lab — a small process that performs a lesson's calls for real.
//
//   driver ──Req──► [lab: one real malloc/mlock/fork/... ] ──Rep──► driver
//
// Address space of a lab, as the kernel reports it:
//   lab text, libc ........ the "program" and its C library (really mapped)
//   lesson .data .......... inside lesson_data[] (static, non-zero → .data), tail unmapped
//   lesson .bss ........... inside lesson_bss[] (static, zero → .bss), tail unmapped
//   lab state g ........... buffers + the lab's own stack (lessons may not touch it)
//   [heap] ................ created by the lesson's first malloc, never by the lab
//   [stack] ............... main()'s real stack; the lab runs on g.altstack, so all of
//                           [stack] below stack_top belongs to the lesson's locals
//
// What the lab itself touches: the pages of g it uses (in, out, text, vec, pm,
// altstack — prefaulted at start), its own text/libc pages, a few words of main()'s
// frame. It never mallocs (glibc's first malloc would create the [heap]).
#include <fcntl.h>
#include <dirent.h>
#include <malloc.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "real/lab_state.h"

namespace pp::real::lab {
alignas(4096) unsigned char lesson_data[256 * 1024] = {1};  // non-zero: lands in .data
alignas(4096) unsigned char lesson_bss[256u << 20];         // zero: .bss, free until touched
State g;
}  // namespace pp::real::lab

using namespace pp::real;
using namespace pp::real::lab;

namespace {

// ---------------------------------------------------------------- touch
void on_fault(int sig, siginfo_t*, void*) {
  if (g.in_touch) siglongjmp(g.jb, sig);
  signal(sig, SIG_DFL);
  raise(sig);
}

bool overlaps_lab(u64 a, u64 len) {
  u64 lo = reinterpret_cast<u64>(&g), hi = lo + sizeof g;
  return a < hi && a + len > lo;
}

// Would a mapping change (MAP_FIXED, munmap, mprotect, madvise) pull the lab's own
// state or code from under it? A real program doing that to itself would crash; the
// lab refuses instead, so the driver keeps a working process.
bool hits_lab(u64 a, u64 len) {
  u64 end = a + (len ? len : 1);
  if (overlaps_lab(a, end - a)) return true;
  return g.code_lo < g.code_hi && a < g.code_hi && end > g.code_lo;
}

bool refuse_lab_range(u64 a, u64 len, i64 failret) {
  if (!hits_lab(a, len)) return false;
  say("refused a mapping change over the lab's own memory");
  Meter m;
  m.done(failret, EINVAL);
  send_rep(0);
  return true;
}

void do_touch(u64 addr, u64 len, bool write) {
  if (overlaps_lab(addr, len)) {
    Meter m;
    m.done(-1, EFAULT);
    say("refused a touch of the lab's own memory");
    send_rep(0);
    return;
  }
  Meter m;
  g.in_touch = 1;
  int sig = sigsetjmp(g.jb, 1);
  if (sig == 0) {
    // One access per page is what faults; first and last byte included.
    u64 end = addr + len;
    for (u64 a = addr; a < end; a = page_down(a) + kPage) {
      volatile unsigned char* q = reinterpret_cast<volatile unsigned char*>(a);
      // A plain store (no read first): a read would map the zero page and take a
      // second fault, which memset() in the lesson would not.
      if (write) *q = 0xA5; else (void)*q;
    }
    g.in_touch = 0;
    m.done(0, 0);
    send_rep(0);
    return;
  }
  g.in_touch = 0;
  m.done(-1, EFAULT);
  rep().sig = sig;
  rep().flags = proto::DYING;
  send_rep(0);
  // A real program dies of this signal; so does the lab (no core file: RLIMIT_CORE 0).
  signal(sig, SIG_DFL);
  raise(sig);
  _exit(128 + sig);
}

// ---------------------------------------------------------------- processes
void send_hello() {
  proto::Hello h{};
  h.pid = getpid();
  h.ppid = getppid();
  h.data = reinterpret_cast<u64>(lesson_data);
  h.data_bytes = g.data_bytes;
  h.bss = reinterpret_cast<u64>(lesson_bss);
  h.bss_bytes = g.bss_bytes;
  h.stack_top = g.stack_top;
  h.text = reinterpret_cast<u64>(&send_hello);
  h.heap_at_start = reinterpret_cast<u64>(sbrk(0));
  h.has_heap = 0;
  if (read_file("/proc/self/maps", g.text, kText) > 0 && std::strstr(g.text, "[heap]")) h.has_heap = 1;
  h.pagemap_pfn = g.pagemap_pfn;
  h.lab_reserved_lo = reinterpret_cast<u64>(&g);
  h.lab_reserved_hi = h.lab_reserved_lo + sizeof g;
  rep() = proto::Rep{};
  rep().ret = h.pid;
  rep().flags = proto::HELLO_FRAME;
  std::memcpy(rep_tail(), &h, sizeof h);
  send_rep(sizeof h);
}

void open_pagemap() {
  if (g.pagemap_fd >= 0) ::close(g.pagemap_fd);
  g.pagemap_fd = ::open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
  g.pagemap_pfn = 0;
  if (g.pagemap_fd >= 0) {
    // PFNs read as 0 without CAP_SYS_ADMIN; look at one present page (g itself).
    u64 e = 0;
    if (pread(g.pagemap_fd, &e, 8, static_cast<off_t>(reinterpret_cast<u64>(&g) / kPage * 8)) == 8)
      g.pagemap_pfn = (e & ((1ull << 55) - 1)) != 0;
  }
}

void do_fork() {
  int sv[2];
  Meter m;
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) { m.done(-1, errno); send_rep(0); return; }
  pid_t pid = ::fork();
  if (pid == 0) {
    // Child: its own channel; the parent's stays with the parent.
    ::close(g.chan);
    ::close(sv[0]);
    g.chan = sv[1];
    g.root = 0;     // no PDEATHSIG: a lesson's child may outlive its parent
    open_pagemap(); // the inherited fd would still read the parent's page tables
    g.mcl = 0;      // locks and MCL_FUTURE are not inherited
    return;
  }
  int e = errno;
  ::close(sv[1]);
  m.done(pid, pid < 0 ? e : 0);
  send_rep(0, pid > 0 ? sv[0] : -1);
  ::close(sv[0]);
}

void do_exec(u64 data_bytes, u64 bss_bytes) {
  char fd_s[24], d_s[24], b_s[24], p_s[24];
  const char* argv[16];
  int n = 0;
  argv[n++] = "pinpages-lab";
  argv[n++] = "--fd"; argv[n++] = u64_to_str(static_cast<u64>(g.chan), fd_s);
  argv[n++] = "--data"; argv[n++] = u64_to_str(data_bytes, d_s);
  argv[n++] = "--bss"; argv[n++] = u64_to_str(bss_bytes, b_s);
  argv[n++] = "--dir"; argv[n++] = g.dir;
  if (g.force) argv[n++] = "--force";
  if (g.unpriv) argv[n++] = "--unprivileged";
  else if (!have_ipc_lock()) argv[n++] = "--nocap";  // exec as root/with file caps must not bring it back
  if (g.root) { argv[n++] = "--parent"; argv[n++] = u64_to_str(static_cast<u64>(g.parent), p_s); }
  argv[n] = nullptr;
  Meter m;
  fcntl(g.chan, F_SETFD, 0);  // the channel survives exec; every other lab fd is CLOEXEC
  execv(g.self, const_cast<char* const*>(argv));
  int e = errno;
  fcntl(g.chan, F_SETFD, FD_CLOEXEC);
  m.done(-1, e);
  send_rep(0);
}

void do_wait(i64 child) {
  Meter m;
  int st = 0;
  pid_t r = 0;
  u64 deadline = now_ns() + 5000000000ull;
  // Bounded: a child that never exits must not hang the driver's round trip.
  while ((r = waitpid(static_cast<pid_t>(child), &st, WNOHANG)) == 0 && now_ns() < deadline) usleep(1000);
  int e = r < 0 ? errno : (r == 0 ? EAGAIN : 0);
  m.done(r > 0 ? r : -1, e);
  std::memcpy(rep_tail(), &st, sizeof st);
  send_rep(sizeof st);
}

void do_open(u64 size, std::uint32_t tail) {
  const char* path = g.in + sizeof(proto::Req);
  char name[256] = {0};
  std::size_t l = tail < 255 ? tail : 255;
  std::memcpy(name, path, l);
  const char* base = std::strrchr(name, '/');
  base = base ? base + 1 : name;
  char full[800];
  std::size_t dl = std::strlen(g.dir), bl = std::strlen(base);
  if (dl + bl + 2 > sizeof full || bl == 0) { Meter m; m.done(-1, EINVAL); send_rep(0); return; }
  std::memcpy(full, g.dir, dl); full[dl] = '/'; std::memcpy(full + dl + 1, base, bl + 1);
  Meter m;
  int fd = ::open(full, O_RDWR | O_CREAT | O_EXCL, 0600);
  if (fd >= 0) {
    // Created: give it real contents so that file pages are real page-cache pages.
    std::memset(g.chunk, 'x', sizeof g.chunk);
    for (u64 off = 0; off < size; off += sizeof g.chunk) {
      ssize_t w = ::write(fd, g.chunk, size - off < sizeof g.chunk ? size - off : sizeof g.chunk);
      (void)w;
    }
  } else if (errno == EEXIST) {
    fd = ::open(full, O_RDWR);
  }
  m.done(fd, fd < 0 ? errno : 0);
  send_rep(0);
}

// ---------------------------------------------------------------- dispatch
void serve_one(std::uint32_t len) {
  proto::Req q;
  std::memcpy(&q, g.in, sizeof q);
  std::uint32_t tail = len - static_cast<std::uint32_t>(sizeof q);
  void* A = reinterpret_cast<void*>(q.a);
  auto simple = [](Meter& m, long r) { int e = r == -1 ? errno : 0; m.done(r, e); send_rep(0); };
  switch (q.op) {
    case proto::PING: { Meter m; m.done(0, 0); send_rep(0); break; }
    case proto::MALLOC: {
      if (future_locked() && refuse(q.a, 0)) break;
      Meter m; void* p = std::malloc(q.a); int e = p ? 0 : errno;
      m.done(reinterpret_cast<i64>(p), e); send_rep(0); break;
    }
    case proto::CALLOC: {
      if (future_locked() && refuse(q.a * q.b, 0)) break;
      Meter m; void* p = std::calloc(q.a, q.b); int e = p ? 0 : errno;
      m.done(reinterpret_cast<i64>(p), e); send_rep(0); break;
    }
    case proto::REALLOC: {
      if (future_locked() && refuse(q.b, 0)) break;
      Meter m; void* p = std::realloc(A, q.b); int e = (p || q.b == 0) ? 0 : errno;
      m.done(reinterpret_cast<i64>(p), e); send_rep(0); break;
    }
    case proto::FREE: { Meter m; std::free(A); m.done(0, 0); send_rep(0); break; }
    case proto::MALLOPT: {
      Meter m; int r = ::mallopt(static_cast<int>(static_cast<i64>(q.a)), static_cast<int>(static_cast<i64>(q.b)));
      m.done(r, 0); send_rep(0); break;
    }
    case proto::MALLOC_TRIM: { Meter m; int r = ::malloc_trim(q.a); m.done(r, 0); send_rep(0); break; }
    case proto::TOUCH: do_touch(q.a, q.b, q.c != 0); break;
    case proto::MMAP: {
      int flags = static_cast<int>(q.d);
      if ((flags & MAP_FIXED) && refuse_lab_range(q.a, q.b, -1)) break;
      if (((flags & MAP_LOCKED) || future_locked()) && refuse(q.b, -1)) break;
      Meter m;
      void* p = ::mmap(A, q.b, static_cast<int>(q.c), flags, static_cast<int>(q.e), static_cast<off_t>(q.f));
      int e = p == MAP_FAILED ? errno : 0;
      m.done(p == MAP_FAILED ? -1 : reinterpret_cast<i64>(p), e); send_rep(0); break;
    }
    case proto::MUNMAP: { if (refuse_lab_range(q.a, q.b, -1)) break; Meter m; simple(m, ::munmap(A, q.b)); break; }
    case proto::MPROTECT: { if (refuse_lab_range(q.a, q.b, -1)) break; Meter m; simple(m, ::mprotect(A, q.b, static_cast<int>(q.c))); break; }
    case proto::BRK: {
      u64 cur = reinterpret_cast<u64>(sbrk(0));
      if (future_locked() && q.a > cur && refuse(q.a - cur, -1)) break;
      Meter m; simple(m, ::brk(A)); break;
    }
    case proto::SBRK: {
      if (future_locked() && static_cast<i64>(q.a) > 0 && refuse(q.a, -1)) break;
      Meter m; void* p = ::sbrk(static_cast<intptr_t>(q.a)); int e = p == reinterpret_cast<void*>(-1) ? errno : 0;
      m.done(e ? -1 : reinterpret_cast<i64>(p), e); send_rep(0); break;
    }
    case proto::OPEN: do_open(q.a, tail); break;
    case proto::MREMAP: {
      if (refuse_lab_range(q.a, q.b, -1)) break;
      if ((q.d & MREMAP_FIXED) && refuse_lab_range(q.e, q.c, -1)) break;
      // Growth of a locked mapping is populated at once; the lab does not know whether
      // this one is locked, so any growth counts as if it were.
      if (q.c > q.b && refuse(q.c - q.b, -1)) break;
      Meter m;
      void* p = ::mremap(A, q.b, q.c, static_cast<int>(q.d), reinterpret_cast<void*>(q.e));
      int e = p == MAP_FAILED ? errno : 0;
      m.done(p == MAP_FAILED ? -1 : reinterpret_cast<i64>(p), e); send_rep(0); break;
    }
    case proto::MADVISE: { if (refuse_lab_range(q.a, q.b, -1)) break; Meter m; simple(m, ::madvise(A, q.b, static_cast<int>(q.c))); break; }
    case proto::MLOCK: { if (refuse(q.b, -1)) break; Meter m; simple(m, ::mlock(A, q.b)); break; }
    case proto::MLOCK2: {
      if (refuse(q.b, -1)) break;
      Meter m; simple(m, syscall(SYS_mlock2, A, q.b, static_cast<int>(q.c))); break;
    }
    case proto::MUNLOCK: { Meter m; simple(m, ::munlock(A, q.b)); break; }
    case proto::MLOCKALL: {
      int fl = static_cast<int>(q.a);
      if ((fl & MCL_CURRENT) && !(fl & MCL_ONFAULT) &&
          read_file("/proc/self/status", g.text, kText) > 0) {
        u64 want = (field_kb(g.text, "VmSize") - field_kb(g.text, "VmLck")) * 1024;
        if (refuse(want, -1)) break;
      }
      Meter m; long r = ::mlockall(fl); int e = r ? errno : 0;
      if (r == 0) g.mcl = fl;
      m.done(r, e); send_rep(0); break;
    }
    case proto::MUNLOCKALL: {
      Meter m; long r = ::munlockall(); int e = r ? errno : 0;
      if (r == 0) g.mcl = 0;
      m.done(r, e); send_rep(0); break;
    }
    case proto::SETRLIMIT: {
      rlimit rl{static_cast<rlim_t>(q.a), static_cast<rlim_t>(q.b)};
      Meter m; simple(m, ::setrlimit(RLIMIT_MEMLOCK, &rl)); break;
    }
    case proto::SETCAP: {
      Meter m;
      int r = q.a ? raise_ipc_lock() : drop_ipc_lock();
      m.done(r ? -1 : 0, r ? -r : 0);
      send_rep(0); break;
    }
    case proto::FORK: do_fork(); break;
    case proto::EXEC: do_exec(q.a, q.b); break;
    case proto::EXIT: { Meter m; m.done(0, 0); send_rep(0); _exit(static_cast<int>(q.a)); }
    case proto::WAIT: do_wait(static_cast<i64>(q.a)); break;
    case proto::STATUS: do_status(); break;
    case proto::SMAPS: send_proc_text("/proc/self/smaps", nullptr, 0); break;
    case proto::COUNT: do_count(tail); break;
    case proto::LATENCY: do_latency(q.a, q.b, static_cast<u32>(q.c)); break;
    case proto::PAGES: do_pages(q.a, q.b); break;
    default: { Meter m; m.done(-1, ENOSYS); send_rep(0); break; }
  }
}

// The driver deletes its temp dir when it ends normally; when it was killed, the
// first lab does it on its way out (only a dir RealOs made, never a shared one).
// The lesson is over by then, so opendir's malloc disturbs nothing.
void remove_temp_dir() {
  if (!g.root || !std::strstr(g.dir, "/pinpages-real.")) return;
  if (DIR* d = opendir(g.dir)) {
    while (dirent* e = readdir(d))
      if (std::strcmp(e->d_name, ".") && std::strcmp(e->d_name, "..")) unlinkat(dirfd(d), e->d_name, 0);
    closedir(d);
  }
  rmdir(g.dir);
}

void loop() {
  for (;;) {
    std::uint32_t len = 0;
    if (!recv_req(&len)) {  // driver gone: exiting drops every lock we hold
      remove_temp_dir();
      _exit(0);
    }
    serve_one(len);
  }
}

// The first execution of each lab code path would fault its text page in, and that
// fault would be charged to the lesson's call (e.g. the first touch()). Reading every
// page of the lab's own file mappings now maps them; later instruction fetches
// don't fault. (libc's pages stay as in any program: a lesson's first malloc may
// fault libc code in, as it would for real.)
void prefault_own_code() {
  if (read_file("/proc/self/maps", g.text, kText) <= 0) return;
  std::size_t sl = std::strlen(g.self);
  for (char* p = g.text; *p;) {
    char* nl = std::strchr(p, '\n');
    if (nl) *nl = 0;
    char* e = nullptr;
    u64 lo = std::strtoull(p, &e, 16);
    u64 hi = std::strtoull(e + 1, &e, 16);
    const char* perms = e + 1;
    std::size_t len = std::strlen(p);
    bool mine = len >= sl && std::strcmp(p + len - sl, g.self) == 0;
    if (mine && perms[0] == 'r')
      for (u64 a = lo; a < hi; a += kPage) (void)*reinterpret_cast<volatile const unsigned char*>(a);
    // The lesson's .data array lives in the executable's mapping too: only the
    // read-only (code, constants) part is the lab's own.
    if (mine && perms[1] != 'w') {
      if (!g.code_lo || lo < g.code_lo) g.code_lo = lo;
      if (hi > g.code_hi) g.code_hi = hi;
    }
    if (!nl) break;
    p = nl + 1;
  }
  // The libc wrappers every metered call goes through (getrusage, clock_gettime,
  // sigsetjmp): run them once so their pages are in before the first lesson call.
  Meter warm;
  (void)sigsetjmp(g.jb, 1);
  warm.done(0, 0);
}

void usage() {
  say("usage: pinpages-lab --fd N [--data BYTES] [--bss BYTES] [--dir DIR] [--parent PID] [--force] [--nocap] [--unprivileged]");
  say("it is started by `pinpages real` / RealOs and talks over the socket N; see src/real/proto.h");
}

}  // namespace

int main(int argc, char** argv) {
  g.chan = -1;
  g.pagemap_fd = -1;
  u64 data_bytes = 0, bss_bytes = 0;
  bool nocap = false, unpriv = false;
  for (int i = 1; i < argc; ++i) {
    auto arg = [&](const char* k) { return std::strcmp(argv[i], k) == 0 && i + 1 < argc; };
    if (arg("--fd")) g.chan = std::atoi(argv[++i]);
    else if (arg("--data")) data_bytes = std::strtoull(argv[++i], nullptr, 10);
    else if (arg("--bss")) bss_bytes = std::strtoull(argv[++i], nullptr, 10);
    else if (arg("--dir")) std::strncpy(g.dir, argv[++i], sizeof g.dir - 1);
    else if (arg("--parent")) { g.root = 1; g.parent = std::atoi(argv[++i]); }
    else if (std::strcmp(argv[i], "--force") == 0) g.force = 1;
    else if (std::strcmp(argv[i], "--nocap") == 0) nocap = true;
    else if (std::strcmp(argv[i], "--unprivileged") == 0) unpriv = true;
    else { usage(); return 2; }
  }
  if (g.chan < 0 || fcntl(g.chan, F_GETFD) < 0) { usage(); return 2; }
  fcntl(g.chan, F_SETFD, FD_CLOEXEC);
  if (!g.dir[0]) std::strcpy(g.dir, "/tmp");
  ssize_t sl = readlink("/proc/self/exe", g.self, sizeof g.self - 1);
  if (sl <= 0) { say("cannot read /proc/self/exe"); return 2; }

  // pagemap first: opened while we may still hold CAP_SYS_ADMIN, it shows PFNs.
  open_pagemap();
  g.unpriv = unpriv;
  const char* note = drop_privileges(!unpriv);
  if (unpriv) drop_ipc_lock_for_good();
  else if (nocap) drop_ipc_lock();
  if (std::getenv("PINPAGES_REAL_TRACE")) say(note);  // what happened to our privileges
  rlimit nocore{0, 0};
  setrlimit(RLIMIT_CORE, &nocore);
  // Die with the driver. Set after dropping privileges (a credential change clears it);
  // then check the parent is still the one that started us (it may already be gone).
  if (g.root) {
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (getppid() != g.parent) _exit(0);
  }
  signal(SIGPIPE, SIG_IGN);

  // The lesson's image: keep what it asked for, unmap the rest of each array.
  if (data_bytes > sizeof lesson_data || bss_bytes > sizeof lesson_bss) {
    say("the lesson's globals are larger than the lab's arrays");
    return 3;
  }
  g.data_bytes = data_bytes;
  g.bss_bytes = bss_bytes;
  u64 dkeep = page_up(data_bytes), bkeep = page_up(bss_bytes);
  if (dkeep < sizeof lesson_data) munmap(lesson_data + dkeep, sizeof lesson_data - dkeep);
  if (bkeep < sizeof lesson_bss) munmap(lesson_bss + bkeep, sizeof lesson_bss - bkeep);

  // Prefault the lab's own pages so that their faults never show up in a lesson step.
  std::memset(&g.altstack, 0, sizeof g.altstack);
  std::memset(g.in, 0, sizeof g.in);
  std::memset(g.out, 0, sizeof g.out);
  std::memset(g.text, 0, sizeof g.text);
  std::memset(g.vec, 0, sizeof g.vec);
  std::memset(g.pm, 0, sizeof g.pm);

  prefault_own_code();

  struct sigaction sa{};
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigaction(SIGSEGV, &sa, nullptr);
  sigaction(SIGBUS, &sa, nullptr);

  // The lesson's locals go below this point of the real main-thread stack; the lab
  // itself continues on g.altstack, so [stack] below here is the lesson's alone.
  volatile char marker = 0;
  g.stack_top = page_down(reinterpret_cast<u64>(&marker) - 2048);
  // What every C program has touched before main(), as the model has it too: the
  // two stack pages just below where main's locals start, and its .data (written
  // by relocation/initialisation). Nothing is live there yet, so writing is safe.
  for (u64 a = g.stack_top - 2 * kPage; a < g.stack_top; a += kPage)
    *reinterpret_cast<volatile unsigned char*>(a) = 0;
  for (u64 i = 0; i < data_bytes; i += kPage) {
    volatile unsigned char* q = lesson_data + i;
    *q = *q;
  }
  send_hello();
  getcontext(&g.loop_ctx);
  g.loop_ctx.uc_stack.ss_sp = g.altstack;
  g.loop_ctx.uc_stack.ss_size = sizeof g.altstack;
  g.loop_ctx.uc_link = nullptr;
  makecontext(&g.loop_ctx, loop, 0);
  swapcontext(&g.main_ctx, &g.loop_ctx);
  return 0;
}

