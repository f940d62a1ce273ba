// pinpages lang — POSIX threads as glibc 2.36 lays out their memory (libstate.h has
// the picture). What a thread costs in memory is what locking programs care about:
//
//   pthread_create  cached stack of a joined thread (size ≥ wanted, ≤ 4×), or
//                   mmap(size + 4 KiB guard, PROT_NONE, MAP_STACK) and
//                   mprotect(base + guard, size, RW)  ← MCL_FUTURE populates it all
//                   struct pthread + static TLS written at the top page
//   thread returns  madvise(MADV_DONTNEED) on the stack below its last frames
//                   (glibc's advise_stack_range; refused with EINVAL when locked)
//   pthread_join    the stack goes to the cache for the next pthread_create
//
// The start routine runs to its end inside pthread_create, on its own stack: one
// schedule the real program may take. Mutexes and condition variables, which need
// the threads to interleave, are not modelled.
#include <algorithm>

#include "lang/builtin_call.h"

namespace pp::lang {

namespace {
constexpr u64 kPage = 4096, kGuard = 4096;
constexpr u64 kDefaultStack = 8ull << 20;  // RLIMIT_STACK's default
constexpr u64 kStackMin = 16384;           // PTHREAD_STACK_MIN
constexpr u64 kTopBytes = 0x1000;          // struct pthread + static TLS at the top
constexpr u64 kStartFrame = 0x100;         // start_thread's own frame below them
constexpr u64 kMainPd = 0x7ffff7d86740;    // the main thread's struct pthread (ld.so's TLS block)
constexpr int kMapStack = 0x20000;
// pthread_attr_t: 7 longs; the interpreter's own layout (programs only use the calls).
enum AttrField { kAttrStack = 0, kAttrPolicy = 1, kAttrPrio = 2, kAttrInherit = 3 };
}  // namespace

bool BuiltinCall::pthread() {
  auto attr_field = [&](u64 attr, int i, std::int64_t& v) { return vm.read_mem(p, attr + 8 * (u64)i, &v, 8); };
  auto set_field = [&](u64 attr, int i, std::int64_t v) { return vm.write_mem(p, attr + 8 * (u64)i, &v, 8); };
  switch (in.a) {
    case BI_pthread_self: {
      for (auto it = p.frames.rbegin(); it != p.frames.rend(); ++it)
        if (it->thread) return finish((std::int64_t)vm.lib.threads[(std::size_t)it->thread - 1].pd);
      return finish((std::int64_t)kMainPd);
    }
    case BI_pthread_join: {
      auto& ts = vm.lib.threads;
      // The newest thread with that id: a reused stack gives a new thread the old id.
      auto it = std::find_if(ts.rbegin(), ts.rend(), [&](const ThreadRec& t) { return t.pd == uarg(0) && t.pid == p.pid; });
      if (it == ts.rend()) return finish(err::SRCH);
      if (it->joined) return finish(err::INVAL);
      if (uarg(1) && !vm.write_mem(p, uarg(1), &it->ret, 8)) return false;
      it->joined = true;
      vm.lib.stack_cache.emplace_back(it->base, it->total);
      return finish(0);
    }
    case BI_pthread_attr_init: {
      std::int64_t zero[7] = {};
      if (!vm.write_mem(p, uarg(0), zero, sizeof zero)) return false;
      return finish(0);
    }
    case BI_pthread_attr_destroy: return finish(0);
    case BI_pthread_attr_setstacksize:
      if (uarg(1) < kStackMin) return finish(err::INVAL);
      return set_field(uarg(0), kAttrStack, arg(1)) ? finish(0) : false;
    case BI_pthread_attr_getstacksize: {
      std::int64_t v = 0;
      if (!attr_field(uarg(0), kAttrStack, v)) return false;
      if (v == 0) v = (std::int64_t)kDefaultStack;
      return vm.write_mem(p, uarg(1), &v, 8) ? finish(0) : false;
    }
    case BI_pthread_attr_setschedpolicy:
      if (arg(1) != 0 && arg(1) != 1 && arg(1) != 2) return finish(err::INVAL);
      return set_field(uarg(0), kAttrPolicy, arg(1)) ? finish(0) : false;
    case BI_pthread_attr_setschedparam: {
      std::int32_t prio = 0;
      if (!vm.read_mem(p, uarg(1), &prio, 4)) return false;
      return set_field(uarg(0), kAttrPrio, prio) ? finish(0) : false;
    }
    case BI_pthread_attr_setinheritsched:
      if (arg(1) != 0 && arg(1) != 1) return finish(err::INVAL);
      return set_field(uarg(0), kAttrInherit, arg(1)) ? finish(0) : false;
    default: break;
  }
  return fail(std::string("library function '") + name() + "' is not implemented");
}

void add_thread_builtins(HandlerTable& t) {
  t[BI_pthread_create] = [](BuiltinCall& c) { return c.pthread_create(); };
  for (Builtin b : {BI_pthread_join, BI_pthread_self, BI_pthread_attr_init, BI_pthread_attr_destroy,
                    BI_pthread_attr_setstacksize, BI_pthread_attr_getstacksize, BI_pthread_attr_setschedpolicy,
                    BI_pthread_attr_setschedparam, BI_pthread_attr_setinheritsched})
    t[b] = [](BuiltinCall& c) { return c.pthread(); };
}

bool BuiltinCall::pthread_create() {
  u64 attr = uarg(1), fnv = uarg(2);
  std::int64_t targ = arg(3);
  if ((fnv & 0xffff000000000000ull) != (u64)kThreadFnTag) {
    vm.fail("pthread_create: pass the start routine by its name (function pointers are not supported)");
    return false;
  }
  int func = (int)(fnv & 0xffffffff);
  u64 size = kDefaultStack;
  if (attr) {
    std::int64_t f[4] = {};
    if (!vm.read_mem(p, attr, f, sizeof f)) return false;
    if (f[kAttrStack]) size = ((u64)f[kAttrStack] + kPage - 1) & ~(kPage - 1);
    // An explicit real-time policy needs the privilege, as sched_setscheduler does.
    bool rt = f[kAttrPolicy] == 1 || f[kAttrPolicy] == 2;
    if (f[kAttrInherit] == 1 && rt && !vm.os_.status(p.pid).cap_ipc_lock) return finish(err::PERM);
  }
  if (vm.lib.threads.size() >= 4096) return finish(err::AGAIN);
  // A joined thread's stack is reused when it is big enough and not too big.
  u64 base = 0, total = size + kGuard;
  auto& cache = vm.lib.stack_cache;
  for (auto it = cache.begin(); it != cache.end(); ++it) {
    if (it->second >= total && it->second <= 4 * total) {
      base = it->first;
      total = it->second;
      cache.erase(it);
      break;
    }
  }
  if (!base) {
    OpResult m = vm.os_.mmap(p.pid, 0, total, prot::NONE, mapf::PRIVATE | mapf::ANONYMOUS | kMapStack, -1, 0);
    std::int64_t got = os_call(m);
    if (m.err) return finish(err::AGAIN);
    base = (u64)got;
    p.mem.drop(base, total);
    OpResult pr = vm.os_.mprotect(p.pid, base + kGuard, total - kGuard, prot::READ | prot::WRITE);
    os_call(pr);
    if (pr.err || p.st == PState::Exited) return finish(err::AGAIN);
  }
  u64 top = base + total;
  if (!vm.touch(p, top - kTopBytes, kTopBytes, true)) return false;
  ThreadRec t;
  t.pid = p.pid;
  t.tid = p.pid + (int)vm.lib.threads.size() + 1;
  t.pd = top - 0x900;  // sizeof(struct pthread) below the top
  t.base = base;
  t.total = total;
  vm.lib.threads.push_back(t);
  if (uarg(0) && !vm.write_mem(p, uarg(0), &t.pd, 8)) return false;
  // pthread_create returns 0; then the start routine runs on the new stack.
  u64 creator_sp = p.sp;
  finish(0);
  p.vs.push_back(targ);
  p.sp = top - kTopBytes - kStartFrame;
  vm.call(p, func, 1, p.pc);
  if (vm.error_) return false;
  p.frames.back().thread = (int)vm.lib.threads.size();
  vm.lib.threads.back().ret = (std::int64_t)creator_sp;  // parked until the routine returns
  return true;
}

int Vm::thread_id(const Proc& p) const {
  for (auto it = p.frames.rbegin(); it != p.frames.rend(); ++it)
    if (it->thread) return lib.threads[(std::size_t)it->thread - 1].tid;
  return p.pid;
}

u64 Vm::thread_stack_top(int pid, int tid) const {
  for (auto it = lib.threads.rbegin(); it != lib.threads.rend(); ++it)
    if (it->pid == pid && it->tid == tid) return it->base + it->total;
  return 0;
}

// The start routine returned `v`: the thread ends, glibc gives back the stack pages
// below its last frames, and the creator continues after pthread_create.
void Vm::thread_return(Proc& p, const Frame& fr, std::int64_t v) {
  ThreadRec& t = lib.threads[(std::size_t)fr.thread - 1];
  u64 creator_sp = (u64)t.ret;
  t.ret = v;
  u64 sp = fr.fp;  // start_thread's frame
  u64 freesize = (sp - t.base) & ~(kPage - 1);
  if (freesize > kStackMin) {
    OpResult r = os_.madvise(p.pid, t.base, freesize - kStackMin, 4);  // MADV_DONTNEED
    now_us_ += r.cost_us;
    hooks_.on_call(p, -1, BI_madvise, "madvise", {std::int64_t(t.base), std::int64_t(freesize - kStackMin), 4}, r);
    reap_killed(r);
    if (!r.err) p.mem.drop(t.base, freesize - kStackMin);
  }
  p.sp = creator_sp;
  p.pc = fr.ret_pc;
  p.cur_stmt = fr.caller_stmt;
  if (p.once_depth == 0) hooks_.on_return(p);
}

}  // namespace pp::lang
