// pinpages lang — posix_spawn()/posix_spawnp() and QNX's spawnl()/spawnv(): a child
// process started directly on a new image. In the model this is fork() then exec() in
// the child, so the child, like an exec'd process, holds no locks (docs/QNX.md).
//
//   posix_spawn(&pid, path, file_actions, attr, argv, envp)   → 0 or an errno
//   spawnl(P_NOWAIT, path, arg0, ..., NULL), spawnv(P_NOWAIT, path, argv) → pid or -1
//
// file_actions, attr and envp are ignored (lessons pass NULL). spawn*(P_WAIT, ...)
// would block until the child exits; it is refused with a message instead.
#include "lang/builtins.h"
#include "lang/vm.h"

namespace pp::lang {

namespace {
constexpr std::int64_t kPNoWait = 1;  // <process.h>: P_WAIT 0, P_NOWAIT 1
}

bool Vm::spawn_builtin(Proc& p, const Ins& in) {
  const int n = in.n;
  std::vector<std::int64_t> A(p.vs.end() - n, p.vs.end());
  auto arg = [&](int i) -> std::int64_t { return i < n ? A[std::size_t(i)] : 0; };
  auto finish = [&](std::int64_t v) {
    p.vs.resize(p.vs.size() - std::size_t(n));
    p.vs.push_back(v);
    p.pc++;
    return true;
  };
  const bool posix = in.a == BI_posix_spawn || in.a == BI_posix_spawnp;
  const char* name = builtin_name(in.a);
  if (!posix && arg(0) != kPNoWait) {
    fail(std::string(name) + ": only P_NOWAIT is modelled (then wait for the child with waitpid)");
    return false;
  }
  std::string path;
  if (!read_cstr(p, u64(arg(1)), path)) return false;
  std::vector<std::string> argv;
  if (in.a == BI_spawnl) {
    for (int i = 2; i < n && arg(i) != 0; i++) {
      std::string s;
      if (!read_cstr(p, u64(arg(i)), s)) return false;
      argv.push_back(s);
    }
  } else {
    if (!read_argv(p, u64(arg(posix ? 4 : 2)), name, argv)) return false;
  }
  auto refuse = [&](int e) {
    if (posix) return finish(e);  // posix_spawn returns the error number
    p.err = e;
    return finish(-1);
  };
  if (live_processes() >= 64) return refuse(err::AGAIN);
  // One call for the step: the fork's and the exec's effects together.
  auto report = [&](OpResult& r) {
    now_us_ += r.cost_us;
    hooks_.on_call(p, in.t, Builtin(in.a), name, A, r);
    reap_killed(r);
  };
  OpResult fr = os_.fork(p.pid);
  if (fr.err || fr.ret <= 0) {
    report(fr);
    return refuse(fr.err ? fr.err : err::AGAIN);
  }
  auto child = std::make_unique<Proc>(p);
  child->pid = int(fr.ret);
  child->ppid = p.pid;
  child->reaped = false;
  last_child_ = child->pid;  // before setting the child up: its first touch ends the step
  ImageSpec spec = image_spec();
  spec.path = path;
  ImageLayout lay;
  OpResult er = os_.exec(child->pid, spec, &lay);
  fr.events.insert(fr.events.end(), er.events.begin(), er.events.end());
  fr.minflt += er.minflt;
  fr.majflt += er.majflt;
  fr.cost_us += er.cost_us;
  fr.err = er.err;
  fr.ret = er.err ? (posix ? er.err : -1) : (posix ? 0 : fr.ret);
  report(fr);
  if (er.err) {
    os_.exit(child->pid, 127);
    os_.wait(p.pid, child->pid);
    return refuse(er.err);
  }
  child->layout = lay;
  child->fds.clear();
  setup_image(*child, argv);  // the lesson's main() again, with this argv
  const int pid = child->pid;
  procs_.push_back(std::move(child));
  push_ready(procs_.back().get());  // the parent keeps running; the child runs later
  if (posix) {
    u64 pidp = u64(arg(0));
    std::int32_t v = pid;
    if (pidp && !write_mem(p, pidp, &v, 4)) return false;
    return finish(0);
  }
  return finish(pid);
}

}  // namespace pp::lang
