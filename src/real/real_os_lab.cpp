// pinpages real mode — RealOs: starting, forking and ending lab processes, and the
// round trip of one request (frames: channel.h).
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
#include "real/channel.h"
#include "real/real_os_internal.h"

namespace pp::real {

using detail::fail;
using detail::req;

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
  if (!chan::send_frame(p.fd, frame.data(), len)) {
    lab_died(p, 0);
    return out;
  }
  for (;;) {
    std::uint32_t n = 0;
    if (!chan::read_exact(p.fd, &n, 4, opt_.timeout_ms, &out.fd) || n < sizeof(proto::Rep) || n > proto::kMaxFrame) {
      // EOF/timeout/garbage: the lab is dead or unusable. Kill it so nothing stays locked.
      if (p.alive) ::kill(p.pid, SIGKILL);
      lab_died(p, 0);
      out.ok = false;
      return out;
    }
    std::string body(n, '\0');
    if (!chan::read_exact(p.fd, body.data(), n, opt_.timeout_ms, &out.fd)) {
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
    bool ok = chan::read_exact(sv[0], &n, 4, 10000, &passed) && n >= sizeof(proto::Rep) && n < proto::kMaxFrame;
    std::string body(ok ? n : 0, '\0');
    ok = ok && chan::read_exact(sv[0], body.data(), n, 10000, &passed);
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

}  // namespace pp::real
