// pinpages real mode — RealOs: round trips to lab processes.
#include "real/real_os.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "real/reports.h"
#include "real/sudo_user.h"

namespace pp::real {

namespace fs = std::filesystem;

#ifndef PP_LAB_DEFAULT
#define PP_LAB_DEFAULT "pinpages-lab"
#endif

std::string find_lab() {
  if (const char* e = std::getenv("PINPAGES_LAB"); e && *e) return e;
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (fs::path dir = self.parent_path(); !dir.empty(); dir = dir.parent_path()) {
      fs::path cand = dir / "pinpages-lab";
      if (fs::exists(cand, ec)) return cand.string();
      if (dir == dir.root_path()) break;
    }
  }
  return PP_LAB_DEFAULT;
}

namespace {

bool read_exact(int fd, void* p, std::size_t n, int timeout_ms, int* passed_fd) {
  auto* c = static_cast<char*>(p);
  while (n) {
    pollfd pf{fd, POLLIN, 0};
    int pr = ::poll(&pf, 1, timeout_ms);
    if (pr < 0 && errno == EINTR) continue;
    if (pr <= 0) return false;  // timeout: the lab is stuck or gone
    iovec iov{c, n};
    msghdr m{};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    alignas(cmsghdr) char cbuf[CMSG_SPACE(sizeof(int) * 4)];
    m.msg_control = cbuf;
    m.msg_controllen = sizeof cbuf;
    ssize_t r = ::recvmsg(fd, &m, MSG_CMSG_CLOEXEC);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;  // EOF: the lab died
    for (cmsghdr* cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm)) {
      if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
        int k = static_cast<int>((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        for (int i = 0; i < k; ++i) {
          int f;
          std::memcpy(&f, CMSG_DATA(cm) + i * sizeof(int), sizeof f);
          if (passed_fd && *passed_fd < 0) *passed_fd = f; else ::close(f);
        }
      }
    }
    c += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

bool write_exact(int fd, const void* p, std::size_t n) {
  auto* c = static_cast<const char*>(p);
  while (n) {
    ssize_t r = ::send(fd, c, n, MSG_NOSIGNAL);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    c += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

proto::Req req(proto::Op op, u64 a = 0, u64 b = 0, u64 c = 0, u64 d = 0, u64 e = 0, u64 f = 0) {
  proto::Req q;
  q.op = op; q.a = a; q.b = b; q.c = c; q.d = d; q.e = e; q.f = f;
  return q;
}

OpResult fail(int e) {
  OpResult r;
  r.ret = -1;
  r.err = e;
  return r;
}

u64 page_down(u64 a) { return a & ~(kPageSize - 1); }
u64 page_up(u64 a) { return (a + kPageSize - 1) & ~(kPageSize - 1); }

}  // namespace

RealOs::RealOs(RealOptions opt) : opt_(std::move(opt)) {
  lab_ = opt_.lab_path.empty() ? find_lab() : opt_.lab_path;
  // Root only, and opened now: the fd keeps working if the driver drops root later.
  kpageflags_fd_ = ::open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
  // A driver that was killed could not delete its temp dir (its lab died of
  // PDEATHSIG at the same moment): the dir name carries the driver's pid, so the
  // next RealOs removes the dirs of drivers that no longer exist.
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/tmp", ec)) {
    std::string n = e.path().filename().string();
    if (n.rfind("pinpages-real.", 0) != 0) continue;
    int owner = std::atoi(n.c_str() + 14);
    if (owner > 0 && ::kill(owner, 0) != 0 && errno == ESRCH) fs::remove_all(e.path(), ec);
  }
  std::string t = "/tmp/pinpages-real." + std::to_string(::getpid()) + ".XXXXXX";
  std::vector<char> tmpl(t.begin(), t.end());
  tmpl.push_back('\0');
  if (char* d = ::mkdtemp(tmpl.data())) {
    dir_ = d;
    // Under sudo the lab runs as the invoking user: let it create its files.
    std::optional<SudoUser> su = sudo_user();
    if (geteuid() == 0 && su) {
      int r = ::chown(d, su->uid, su->gid);
      (void)r;
    }
  }
}

RealOs::~RealOs() {
  shutdown();
  if (kpageflags_fd_ >= 0) ::close(kpageflags_fd_);
}

void RealOs::shutdown() {
  // Closing a channel makes its lab exit at once (EOF); labs stuck in a call get
  // SIGKILL. Either way the kernel drops every lock the process held.
  for (Proc& p : procs_) {
    if (p.fd >= 0) { ::close(p.fd); p.fd = -1; }
    if (p.pagemap_fd >= 0) { ::close(p.pagemap_fd); p.pagemap_fd = -1; }
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  for (Proc& p : procs_) {
    if (!p.alive) { reap_own(p, false); continue; }
    if (p.ours) {
      while (std::chrono::steady_clock::now() < deadline) {
        int st = 0;
        if (::waitpid(p.pid, &st, WNOHANG) == p.pid) { p.kreaped = true; break; }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
      if (!p.kreaped) { ::kill(p.pid, SIGKILL); ::waitpid(p.pid, nullptr, 0); p.kreaped = true; }
    } else {
      // A lab's child: not ours to reap. Wait for it to vanish, then make sure.
      std::string st = "/proc/" + std::to_string(p.pid) + "/status";
      while (std::chrono::steady_clock::now() < deadline && fs::exists(st)) {
        std::string txt;
        if (FILE* f = std::fopen(st.c_str(), "r")) {
          char buf[4096];
          std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
          buf[n] = 0;
          txt = buf;
          std::fclose(f);
        }
        if (txt.find("pinpages-lab") == std::string::npos || txt.find("State:\tZ") != std::string::npos) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    }
    p.alive = false;
  }
  for (Proc& p : procs_)
    if (!p.ours && fs::exists("/proc/" + std::to_string(p.pid))) {
      // Still there after 2 s: only kill it if it is still one of our labs.
      std::string comm;
      if (FILE* f = std::fopen(("/proc/" + std::to_string(p.pid) + "/comm").c_str(), "r")) {
        char buf[64] = {0};
        if (std::fgets(buf, sizeof buf, f)) comm = buf;
        std::fclose(f);
      }
      if (comm.rfind("pinpages-lab", 0) == 0) ::kill(p.pid, SIGKILL);
    }
  procs_.clear();
  if (!dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
    dir_.clear();
  }
}

RealOs::Proc* RealOs::find(int pid) {
  for (Proc& p : procs_)
    if (p.pid == pid) return &p;
  return nullptr;
}
const RealOs::Proc* RealOs::find(int pid) const {
  for (const Proc& p : procs_)
    if (p.pid == pid) return &p;
  return nullptr;
}

void RealOs::reap_own(Proc& p, bool block) const {
  if (!p.ours || p.kreaped) return;
  int st = 0;
  pid_t r = ::waitpid(p.pid, &st, block ? 0 : WNOHANG);
  if (r == p.pid) {
    p.kreaped = true;
    if (WIFSIGNALED(st)) p.exit_code = 128 + WTERMSIG(st);
    else if (WIFEXITED(st)) p.exit_code = WEXITSTATUS(st);
  }
}

void RealOs::lab_died(Proc& p, int sig) const {
  p.alive = false;
  if (sig) p.exit_code = 128 + sig;
  if (p.fd >= 0) { ::close(p.fd); p.fd = -1; }
  if (p.pagemap_fd >= 0) { ::close(p.pagemap_fd); p.pagemap_fd = -1; }
  reap_own(p, true);
}

RealOs::Reply RealOs::call(Proc& p, const proto::Req& q0, const std::string& tail) const {
  Reply out;
  if (!p.alive || p.fd < 0) return out;
  proto::Req q = q0;
  q.tail = static_cast<std::uint32_t>(tail.size());
  std::string frame(sizeof q, '\0');
  std::memcpy(frame.data(), &q, sizeof q);
  frame += tail;
  std::uint32_t len = static_cast<std::uint32_t>(frame.size());
  if (!write_exact(p.fd, &len, 4) || !write_exact(p.fd, frame.data(), frame.size())) {
    lab_died(p, 0);
    return out;
  }
  for (;;) {
    std::uint32_t n = 0;
    if (!read_exact(p.fd, &n, 4, opt_.timeout_ms, &out.fd) || n < sizeof(proto::Rep) || n > proto::kMaxFrame) {
      // EOF/timeout/garbage: the lab is dead or unusable. Kill it so nothing stays locked.
      if (p.alive) ::kill(p.pid, SIGKILL);
      lab_died(p, 0);
      out.ok = false;
      return out;
    }
    std::string body(n, '\0');
    if (!read_exact(p.fd, body.data(), n, opt_.timeout_ms, &out.fd)) {
      ::kill(p.pid, SIGKILL);
      lab_died(p, 0);
      return out;
    }
    proto::Rep r;
    std::memcpy(&r, body.data(), sizeof r);
    out.tail.append(body, sizeof r, std::string::npos);
    if (r.flags & proto::CONT) continue;
    r.flags &= ~proto::CONT;
    out.rep = r;
    out.ok = true;
    return out;
  }
}

OpResult RealOs::to_result(const Reply& r) const {
  OpResult o;
  o.ret = r.rep.ret;
  o.err = r.rep.err;
  o.minflt = r.rep.minflt;
  o.majflt = r.rep.majflt;
  o.cost_us = static_cast<double>(r.rep.ns) / 1000.0;
  return o;
}

OpResult RealOs::op(int pid, proto::Req q, const std::string& tail) {
  note_.clear();
  refused_ = false;
  Proc* p = find(pid);
  if (!p || !p->alive) return fail(err::SRCH);
  ++gen_;
  Reply r = call(*p, q, tail);
  if (!r.ok) {
    error_ = "lab process " + std::to_string(pid) + " died or stopped answering";
    note_ = error_;
    return fail(err::SRCH);
  }
  OpResult o = to_result(r);
  static const bool trace = std::getenv("PINPAGES_REAL_TRACE") != nullptr;
  if (trace)  // debugging aid: every round trip on stderr
    std::fprintf(stderr, "real: pid %d op %u a=%#llx b=%#llx c=%#llx -> ret %lld err %d minflt %llu\n", pid, q.op,
                 (unsigned long long)q.a, (unsigned long long)q.b, (unsigned long long)q.c, (long long)o.ret, o.err,
                 (unsigned long long)o.minflt);
  if (r.rep.flags & proto::REFUSED) {
    refused_ = true;
    note_ = r.tail.c_str();
  }
  if (r.rep.flags & proto::DYING) {
    Event ev;
    ev.kind = EventKind::Signal;
    ev.pid = pid;
    ev.aux = r.rep.sig;
    o.events.push_back(ev);
    note_ = "process " + std::to_string(pid) + " was killed by signal " + std::to_string(r.rep.sig);
    lab_died(*p, r.rep.sig);
  }
  if (o.minflt) o.events.push_back(Event{EventKind::MinorFault, pid, 0, o.minflt, -1});
  if (o.majflt) o.events.push_back(Event{EventKind::MajorFault, pid, 0, o.majflt, -1});
  return o;
}

void RealOs::fill_layout(const proto::Hello& h, ImageLayout* out) {
  if (!out) return;
  out->text = h.text;
  out->data = h.data;
  out->bss = h.bss;
  out->stack_top = h.stack_top;
}

bool RealOs::start_lab(const ImageSpec& img, Proc& out) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    error_ = std::string("socketpair: ") + std::strerror(errno);
    return false;
  }
  // Everything the child needs is prepared before fork: the GUI may have threads,
  // and between fork and exec only async-signal-safe calls are allowed.
  std::vector<std::string> args = {"pinpages-lab", "--fd", std::to_string(sv[1]),
                                   "--data", std::to_string(img.data_bytes),
                                   "--bss", std::to_string(img.bss_bytes),
                                   "--dir", dir_.empty() ? "/tmp" : dir_,
                                   "--parent", std::to_string(::getpid())};
  if (opt_.force) args.push_back("--force");
  if (opt_.unprivileged) args.push_back("--unprivileged");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const char* path = lab_.c_str();
  pid_t pid = ::fork();
  if (pid < 0) {
    error_ = std::string("fork: ") + std::strerror(errno);
    ::close(sv[0]); ::close(sv[1]);
    return false;
  }
  if (pid == 0) {
    ::fcntl(sv[1], F_SETFD, 0);
    ::execv(path, argv.data());
    _exit(127);
  }
  ::close(sv[1]);
  out = Proc{};
  out.pid = pid;
  out.fd = sv[0];
  out.ours = true;
  out.ppid = ::getpid();
  // The lab announces itself (HELLO) once its image is ready.
  Reply r;
  {
    std::uint32_t n = 0;
    int passed = -1;
    bool ok = read_exact(sv[0], &n, 4, 10000, &passed) && n >= sizeof(proto::Rep) && n < proto::kMaxFrame;
    std::string body(ok ? n : 0, '\0');
    ok = ok && read_exact(sv[0], body.data(), n, 10000, &passed);
    if (ok) {
      std::memcpy(&r.rep, body.data(), sizeof r.rep);
      r.tail = body.substr(sizeof r.rep);
    }
    if (!ok || !(r.rep.flags & proto::HELLO_FRAME) || r.tail.size() < sizeof(proto::Hello)) {
      ::kill(pid, SIGKILL);
      int st = 0;
      ::waitpid(pid, &st, 0);
      ::close(sv[0]);
      error_ = "could not start the lab process " + lab_ +
               (WIFEXITED(st) && WEXITSTATUS(st) == 127 ? " (not found or not executable)" : "");
      return false;
    }
  }
  std::memcpy(&out.hello, r.tail.data(), sizeof out.hello);
  return true;
}

namespace {
void drop_driver_root() {
  if (geteuid() != 0) return;
  if (std::optional<SudoUser> su = sudo_user()) become_user(*su, false);
}
}  // namespace

int RealOs::spawn(const ImageSpec& img, ImageLayout* out) {
  Proc p;
  if (!start_lab(img, p)) return -1;
  open_pagemap(p);
  if (opt_.drop_driver_root) drop_driver_root();
  ++gen_;
  fill_layout(p.hello, out);
  procs_.push_back(p);
  return p.pid;
}

OpResult RealOs::exec(int pid, const ImageSpec& img, ImageLayout* out) {
  note_.clear();
  Proc* p = find(pid);
  if (!p || !p->alive) return fail(err::SRCH);
  ++gen_;
  Reply r = call(*p, req(proto::EXEC, img.data_bytes, img.bss_bytes));
  if (!r.ok) return fail(err::SRCH);
  OpResult o = to_result(r);
  if (r.rep.flags & proto::HELLO_FRAME && r.tail.size() >= sizeof(proto::Hello)) {
    std::memcpy(&p->hello, r.tail.data(), sizeof p->hello);
    fill_layout(p->hello, out);
    open_pagemap(*p);  // the old fd reads the old image's page tables
    o.ret = 0;
    o.err = 0;
    o.events.push_back(Event{EventKind::Exec, pid, 0, 0, -1});
  }
  return o;
}

OpResult RealOs::fork(int pid) {
  note_.clear();
  Proc* p = find(pid);
  if (!p || !p->alive) return fail(err::SRCH);
  ++gen_;
  Reply r = call(*p, req(proto::FORK));
  if (!r.ok) return fail(err::SRCH);
  OpResult o = to_result(r);
  if (o.ret > 0 && r.fd >= 0) {
    Proc c;
    c.pid = static_cast<int>(o.ret);
    c.ppid = pid;
    c.fd = r.fd;
    c.hello = p->hello;  // same image, same addresses
    c.hello.pid = c.pid;
    c.hello.ppid = pid;
    open_pagemap(c);
    procs_.push_back(c);
    o.events.push_back(Event{EventKind::ProcessCreate, pid, 0, 0, c.pid});
  } else if (r.fd >= 0) {
    ::close(r.fd);
  }
  return o;
}

OpResult RealOs::exit(int pid, int status) {
  OpResult o = op(pid, req(proto::EXIT, static_cast<u64>(status)));
  if (Proc* p = find(pid)) {
    p->alive = false;
    p->exit_code = status & 0xff;
    if (p->fd >= 0) { ::close(p->fd); p->fd = -1; }
    reap_own(*p, true);  // the first lab is our child; no lesson process can wait for it
    o.ret = 0;
    o.err = 0;
    o.events.push_back(Event{EventKind::ProcessExit, pid, 0, 0, status});
  }
  return o;
}

OpResult RealOs::wait(int pid, int child) {
  OpResult o = op(pid, req(proto::WAIT, static_cast<u64>(static_cast<i64>(child))));
  if (o.ret > 0) {
    if (Proc* c = find(static_cast<int>(o.ret))) {
      c->reaped = true;
      c->alive = false;
      if (c->fd >= 0) { ::close(c->fd); c->fd = -1; }
    }
  }
  return o;
}

OpResult RealOs::malloc(int pid, u64 n) { return op(pid, req(proto::MALLOC, n)); }
OpResult RealOs::calloc(int pid, u64 n, u64 size) { return op(pid, req(proto::CALLOC, n, size)); }
OpResult RealOs::realloc(int pid, u64 ptr, u64 n) { return op(pid, req(proto::REALLOC, ptr, n)); }
OpResult RealOs::free(int pid, u64 ptr) { return op(pid, req(proto::FREE, ptr)); }
OpResult RealOs::mallopt(int pid, int param, int value) {
  return op(pid, req(proto::MALLOPT, static_cast<u64>(static_cast<i64>(param)), static_cast<u64>(static_cast<i64>(value))));
}
OpResult RealOs::malloc_trim(int pid, u64 pad) { return op(pid, req(proto::MALLOC_TRIM, pad)); }
OpResult RealOs::touch(int pid, u64 addr, u64 len, bool write) {
  return op(pid, req(proto::TOUCH, addr, len, write ? 1 : 0));
}
OpResult RealOs::mmap(int pid, u64 addr, u64 len, int prot, int flags, int fd, u64 off) {
  return op(pid, req(proto::MMAP, addr, len, static_cast<u64>(prot), static_cast<u64>(flags),
                     static_cast<u64>(static_cast<i64>(fd)), off));
}
OpResult RealOs::munmap(int pid, u64 addr, u64 len) { return op(pid, req(proto::MUNMAP, addr, len)); }
OpResult RealOs::mprotect(int pid, u64 addr, u64 len, int prot) {
  return op(pid, req(proto::MPROTECT, addr, len, static_cast<u64>(prot)));
}
OpResult RealOs::brk(int pid, u64 addr) { return op(pid, req(proto::BRK, addr)); }
OpResult RealOs::sbrk(int pid, i64 incr) { return op(pid, req(proto::SBRK, static_cast<u64>(incr))); }
OpResult RealOs::open(int pid, const std::string& path, u64 size_if_created) {
  return op(pid, req(proto::OPEN, size_if_created), path);
}
OpResult RealOs::madvise(int pid, u64 addr, u64 len, int advice) {
  return op(pid, req(proto::MADVISE, addr, len, static_cast<u64>(advice)));
}
OpResult RealOs::mremap(int pid, u64 addr, u64 old_len, u64 new_len, int flags, u64 new_addr) {
  return op(pid, req(proto::MREMAP, addr, old_len, new_len, static_cast<u64>(flags), new_addr));
}

OpResult RealOs::mlock(int pid, u64 addr, u64 len) {
  OpResult o = op(pid, req(proto::MLOCK, addr, len));
  if (o.ok()) {
    u64 lo = page_down(addr), hi = page_up(addr + len);
    o.events.push_back(Event{EventKind::Lock, pid, lo, (hi - lo) / kPageSize, -1});
  }
  return o;
}
OpResult RealOs::mlock2(int pid, u64 addr, u64 len, int flags) {
  OpResult o = op(pid, req(proto::MLOCK2, addr, len, static_cast<u64>(flags)));
  if (o.ok()) {
    u64 lo = page_down(addr), hi = page_up(addr + len);
    o.events.push_back(Event{EventKind::Lock, pid, lo, (hi - lo) / kPageSize, -1});
  }
  return o;
}
OpResult RealOs::munlock(int pid, u64 addr, u64 len) {
  OpResult o = op(pid, req(proto::MUNLOCK, addr, len));
  if (o.ok()) {
    u64 lo = page_down(addr), hi = page_up(addr + len);
    o.events.push_back(Event{EventKind::Unlock, pid, lo, (hi - lo) / kPageSize, -1});
  }
  return o;
}
OpResult RealOs::mlockall(int pid, int flags) { return op(pid, req(proto::MLOCKALL, static_cast<u64>(flags))); }
OpResult RealOs::munlockall(int pid) { return op(pid, req(proto::MUNLOCKALL)); }
OpResult RealOs::setrlimit_memlock(int pid, u64 cur, u64 max) { return op(pid, req(proto::SETRLIMIT, cur, max)); }
OpResult RealOs::set_cap_ipc_lock(int pid, bool have) { return op(pid, req(proto::SETCAP, have ? 1 : 0)); }

OpResult RealOs::procmgr_ability_io(int, bool) { ++model_only_; return fail(err::NOSYS); }
OpResult RealOs::thread_ctl_io(int) { ++model_only_; return fail(err::NOSYS); }
OpResult RealOs::procmgr_ability(int, const std::vector<std::uint32_t>&) { ++model_only_; return fail(err::NOSYS); }
OpResult RealOs::pressure(u64 bytes) {
  ++model_only_;
  // Model-only: a real memory hog would disturb everyone on this shared machine
  // (which has no swap anyway). Releasing nothing is trivially fine.
  if (bytes == 0) return OpResult{};
  note_ = "pressure is model-only: real mode does not stress the machine's memory";
  return fail(err::NOSYS);
}

OpResult RealOs::latency(int pid, u64 records, u64 bytes, proto::LatencyMode mode, proto::LatencyNumbers* out) {
  note_.clear();
  refused_ = false;
  Proc* p = find(pid);
  if (!p || !p->alive) return fail(err::SRCH);
  ++gen_;
  Reply r = call(*p, req(proto::LATENCY, records, bytes, mode));
  if (!r.ok) return fail(err::SRCH);
  OpResult o = to_result(r);
  if (r.rep.flags & proto::REFUSED) { refused_ = true; note_ = r.tail.c_str(); }
  else if (out && r.tail.size() >= sizeof *out) std::memcpy(out, r.tail.data(), sizeof *out);
  return o;
}

// ---------------------------------------------------------------- reports
std::vector<int> RealOs::pids() const {
  std::vector<int> v;
  for (const Proc& p : procs_)
    if (!p.reaped) v.push_back(p.pid);  // the first lab stays listed after exit (no lesson parent)
  return v;
}

std::vector<int> RealOs::live_lab_pids() const {
  std::vector<int> v;
  for (const Proc& p : procs_)
    if (p.alive) v.push_back(p.pid);
  return v;
}

const proto::Hello* RealOs::hello(int pid) const {
  const Proc* p = find(pid);
  return p ? &p->hello : nullptr;
}

ProcStatus RealOs::status(int pid) const {
  auto& c = status_cache_[pid];
  if (c.first == gen_) return c.second;
  ProcStatus st;
  st.pid = pid;
  Proc* p = const_cast<RealOs*>(this)->find(pid);
  if (!p) { st.alive = false; return st; }
  st.ppid = p->ppid;
  if (!p->alive) {
    st.alive = false;
    st.exit_code = p->exit_code;
    st.vm_size_kb = st.vm_lck_kb = st.vm_rss_kb = 0;
  } else {
    Reply r = call(*p, req(proto::STATUS));
    if (!r.ok || r.tail.size() < sizeof(proto::LabStatus)) {
      st.alive = false;
      st.exit_code = p->exit_code;
    } else {
      proto::LabStatus ls;
      std::memcpy(&ls, r.tail.data(), sizeof ls);
      st = parse_status(r.tail.substr(sizeof ls), ls);
      st.ppid = p->ppid;  // the lesson's parent (the first lab's parent is the driver)
    }
  }
  c = {gen_, st};
  return st;
}

std::vector<SmapsEntry> RealOs::smaps(int pid) const {
  auto& c = smaps_cache_[pid];
  if (c.first == gen_) return c.second;
  std::vector<SmapsEntry> v;
  Proc* p = const_cast<RealOs*>(this)->find(pid);
  if (p && p->alive) {
    Reply r = call(*p, req(proto::SMAPS));
    if (r.ok) v = parse_smaps(r.tail);
  }
  c = {gen_, v};
  return v;
}

proto::RangeCount RealOs::range_detail(int pid, u64 addr, u64 len) const {
  auto key = std::make_tuple(pid, addr, len);
  auto it = count_cache_.find(key);
  if (it != count_cache_.end() && it->second.first == gen_) return it->second.second;
  proto::RangeCount rc{};
  u64 lo = page_down(addr), hi = len ? page_up(addr + len) : lo;
  rc.pages = (hi - lo) / kPageSize;
  Proc* p = const_cast<RealOs*>(this)->find(pid);
  if (p && p->alive) {
    u64 pair[2] = {addr, len};
    Reply r = call(*p, req(proto::COUNT), std::string(reinterpret_cast<const char*>(pair), sizeof pair));
    if (r.ok && r.tail.size() >= sizeof rc) std::memcpy(&rc, r.tail.data(), sizeof rc);
  }
  if (count_cache_.size() > 4096) count_cache_.clear();
  count_cache_[key] = {gen_, rc};
  return rc;
}

void RealOs::open_pagemap(Proc& p) {
  if (p.pagemap_fd >= 0) ::close(p.pagemap_fd);
  p.pagemap_fd = -1;
  if (kpageflags_fd_ < 0) { ++frame_blind_; return; }
  int fd = ::open(("/proc/" + std::to_string(p.pid) + "/pagemap").c_str(), O_RDONLY | O_CLOEXEC);
  // PFNs are visible only if the opener had CAP_SYS_ADMIN (checked at open): test on
  // the page just below stack_top, which every lab has touched.
  u64 e = 0;
  u64 probe = p.hello.stack_top - kPageSize;
  if (fd >= 0 && ::pread(fd, &e, 8, static_cast<off_t>(probe / kPageSize * 8)) == 8 &&
      (e & ((1ull << 55) - 1)) != 0) {
    p.pagemap_fd = fd;
  } else {
    if (fd >= 0) ::close(fd);
    ++frame_blind_;
  }
}

bool RealOs::sees_frame_locks(int pid) const {
  const Proc* p = find(pid);
  return p && p->pagemap_fd >= 0 && kpageflags_fd_ >= 0;
}

// Pages of [lo, hi) whose frame the kernel marks mlocked (KPF_MLOCKED, bit 33 of
// /proc/kpageflags). 0 when the driver cannot read PFNs (not root).
u64 RealOs::mlocked_frames(const Proc& p, u64 lo, u64 hi, const std::vector<SmapsEntry>& sm) const {
  if (kpageflags_fd_ < 0 || p.pagemap_fd < 0) return 0;
  u64 n = 0;
  std::vector<u64> pm;
  for (u64 a = lo; a < hi;) {
    const SmapsEntry* vma = nullptr;
    for (const SmapsEntry& e : sm)
      if (a >= e.start && a < e.end) { vma = &e; break; }
    if (!vma) { a += kPageSize; continue; }
    u64 end = std::min(hi, vma->end);
    u64 np = (end - a) / kPageSize;
    pm.resize(np);
    ssize_t r = ::pread(p.pagemap_fd, pm.data(), np * 8, static_cast<off_t>(a / kPageSize * 8));
    for (ssize_t i = 0; i < r / 8; ++i) {
      u64 e = pm[static_cast<std::size_t>(i)];
      u64 pfn = e & ((1ull << 55) - 1);
      if (!((e >> 63) & 1) || pfn == 0) continue;
      u64 flags = 0;
      if (::pread(kpageflags_fd_, &flags, 8, static_cast<off_t>(pfn * 8)) == 8 && ((flags >> 33) & 1)) ++n;
    }
    a = end;
  }
  return n;
}

std::vector<std::uint8_t> RealOs::page_bits(int pid, u64 addr, u64 npages) const {
  std::vector<std::uint8_t> out;
  Proc* p = const_cast<RealOs*>(this)->find(pid);
  if (!p || !p->alive) return out;
  u64 first = page_down(addr);
  const u64 chunk = 60000;
  for (u64 done = 0; done < npages;) {
    u64 n = std::min(chunk, npages - done);
    Reply r = call(*p, req(proto::PAGES, first + done * kPageSize, n));
    if (!r.ok) return {};
    out.insert(out.end(), r.tail.begin(), r.tail.end());
    if (r.tail.size() < n) break;
    done += n;
  }
  std::vector<SmapsEntry> sm = smaps(pid);
  for (u64 i = 0; i < out.size(); ++i) {
    u64 a = first + i * kPageSize;
    for (const SmapsEntry& e : sm) {
      if (a < e.start || a >= e.end) continue;
      if (e.locked && (!e.onfault || (out[i] & proto::PG_PRESENT))) out[i] |= PG_LOCKED_BIT;
      break;
    }
  }
  return out;
}

PageCounts RealOs::count_pages(int pid, u64 addr, u64 len) const {
  PageCounts pc;
  u64 lo = page_down(addr), hi = len ? page_up(addr + len) : lo;
  pc.pages = (hi - lo) / kPageSize;
  const Proc* p = find(pid);
  // Reaped: the process is gone, nothing to count. A zombie (exited, not yet waited
  // for) still names the range but has no memory left. Both as the model reports.
  if (!p || p->reaped) return PageCounts{};
  if (!p->alive || pc.pages == 0) return pc;
  proto::RangeCount whole = range_detail(pid, addr, len);
  pc.resident = whole.resident;
  pc.swapped = whole.swapped;
  // Locked: a present frame with PG_mlocked (kpageflags, root) — set while any
  // mapping of it, in this process or another, is locked; never the zero page nor an
  // untouched page. Without kpageflags: present pages of `lo` VMAs (pagemap cannot
  // tell the zero page apart then).
  std::vector<SmapsEntry> sm = smaps(pid);
  if (sees_frame_locks(pid)) {
    pc.locked = mlocked_frames(*p, lo, hi, sm);
    return pc;
  }
  for (const SmapsEntry& e : sm) {
    if (!e.locked) continue;
    u64 s = std::max(lo, e.start), t = std::min(hi, e.end);
    if (s < t) pc.locked += range_detail(pid, s, t - s).present;
  }
  return pc;
}

}  // namespace pp::real
