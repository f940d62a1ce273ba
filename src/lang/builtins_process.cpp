// pinpages lang — processes (exit, fork, wait, exec) and time (sleeps, clocks). fork and
// exec act on the Vm's processes as well as the Os's: the child is an exact copy of the
// interpreted process, and a new image starts the lesson's main() again.
#include <algorithm>

#include "lang/builtin_call.h"

namespace pp::lang {

namespace {

using C = BuiltinCall;
constexpr int kMaxProcesses = 64;  // a bounded process table (like RLIMIT_NPROC)

bool sleep_(C& c) {  // sleep, usleep, nanosleep
  double us = c.id() == BI_sleep ? (double)c.uarg(0) * 1e6 : c.id() == BI_usleep ? (double)c.uarg(0) : 0;
  if (c.id() == BI_nanosleep) {
    std::int64_t ts[2];
    if (!c.vm.read_mem(c.p, c.uarg(0), ts, 16)) return false;
    us = (double)ts[0] * 1e6 + (double)ts[1] / 1e3;
  }
  return c.sleep_until(c.vm.now_us() + std::max(0.0, us));
}

bool clock_gettime_(C& c) {
  double t = c.vm.now_us() + (c.arg(0) == 0 ? 1.7e15 : 1e9);  // REALTIME: ~2023; MONOTONIC: uptime
  std::int64_t ts[2] = {(std::int64_t)(t / 1e6), (std::int64_t)((t - (double)(std::int64_t)(t / 1e6) * 1e6) * 1e3)};
  if (!c.vm.write_mem(c.p, c.uarg(1), ts, 16)) return false;
  return c.finish(0);
}

bool time_(C& c) {
  std::int64_t t = 1700000000 + (std::int64_t)(c.vm.now_us() / 1e6);
  if (c.uarg(0) && !c.vm.write_mem(c.p, c.uarg(0), &t, 8)) return false;
  return c.finish(t);
}

bool getuid_(C& c) { return c.finish(c.os().status(c.p.pid).cap_ipc_lock ? 0 : 1000); }

}  // namespace

bool BuiltinCall::fork() {
  // A fork bomb gets EAGAIN.
  if (vm.live_processes() >= kMaxProcesses) return fail_errno(err::AGAIN);
  OpResult r = vm.os_.fork(p.pid);
  std::int64_t v = os_call(r);
  if (r.err || v <= 0) return finish(-1);
  auto child = std::make_unique<Proc>(p);
  child->pid = (int)v;
  child->ppid = p.pid;
  child->reaped = false;
  child->st = PState::Ready;
  finish(v);                    // parent: fork() returns the child's pid
  child->vs.resize(child->vs.size() - (std::size_t)in.n);
  child->vs.push_back(0);       // child: fork() returns 0
  child->pc++;
  vm.last_child_ = (int)v;
  vm.procs_.push_back(std::move(child));
  vm.push_ready(&p);
  vm.switch_to(vm.procs_.back().get());  // the child runs first
  return true;
}

bool BuiltinCall::wait() {  // wait, waitpid
  const bool any_child = id() == BI_wait;
  int want = any_child ? -1 : (int)arg(0);
  u64 status_ptr = any_child ? uarg(0) : uarg(1);
  int options = any_child ? 0 : (int)arg(2);
  bool any = false;
  Proc* done = nullptr;
  for (auto& c : vm.procs_) {
    if (c->ppid != p.pid || c->reaped || (want > 0 && c->pid != want)) continue;
    any = true;
    if (c->st == PState::Exited && !done) done = c.get();
  }
  if (!any) return fail_errno(err::CHILD);
  if (!done) {
    if (options & 1) return finish(0);  // WNOHANG
    p.st = PState::Waiting;              // retried when a child exits
    return false;
  }
  ProcStatus cs = vm.os_.status(done->pid);  // RUSAGE_CHILDREN counts it from now on
  vm.lib.child_faults[p.pid].first += cs.minflt;
  vm.lib.child_faults[p.pid].second += cs.majflt;
  OpResult r = vm.os_.wait(p.pid, done->pid);
  std::int64_t v = os_call(r);
  done->reaped = true;
  if (r.err) return finish(-1);
  if (status_ptr) {
    std::int32_t s = done->exit_status;
    if (!vm.write_mem(p, status_ptr, &s, 4)) return false;
  }
  return finish(v ? v : done->pid);
}

bool BuiltinCall::exec() {  // execl, execlp, execv, execvp
  std::string path;
  if (!cstr(0, path)) return false;
  std::vector<std::string> argv;
  if (id() == BI_execl || id() == BI_execlp) {
    for (int i = 1; i < in.n && arg(i) != 0; i++) {
      std::string s;
      if (!cstr(i, s)) return false;
      argv.push_back(s);
    }
  } else {
    if (!vm.read_argv(p, uarg(1), "exec", argv)) return false;
  }
  ImageSpec spec = vm.image_spec();
  spec.path = path;
  ImageLayout lay;
  OpResult r = vm.os_.exec(p.pid, spec, &lay);
  os_call(r);
  if (r.err) return finish(-1);
  p.layout = lay;
  p.fds.clear();
  vm.lib.optind = 1;  // a new image starts its getopt afresh
  vm.lib.nextchar = 0;
  vm.setup_image(p, argv);  // the new image: the lesson's main() again, with this argv
  return true;
}

void add_process_builtins(HandlerTable& t) {
  t[BI_exit] = t[BI__exit] = [](C& c) { return c.exit_process((int)c.arg(0), false); };
  t[BI_abort] = [](C& c) { c.out("Aborted\n"); return c.exit_process(6, true); };
  t[BI_getpid] = [](C& c) { return c.finish(c.p.pid); };
  t[BI_getppid] = [](C& c) { return c.finish(c.p.ppid); };
  t[BI_getuid] = t[BI_geteuid] = getuid_;
  t[BI_fork] = [](C& c) { return c.fork(); };
  t[BI_wait] = t[BI_waitpid] = [](C& c) { return c.wait(); };
  t[BI_execl] = t[BI_execlp] = t[BI_execv] = t[BI_execvp] = [](C& c) { return c.exec(); };
  t[BI_posix_spawn] = t[BI_posix_spawnp] = t[BI_spawnl] = t[BI_spawnv] = [](C& c) { return c.spawn(); };
  t[BI_sleep] = t[BI_usleep] = t[BI_nanosleep] = sleep_;
  t[BI_clock_gettime] = clock_gettime_;
  t[BI_time] = time_;
}

}  // namespace pp::lang
