// pinpages lang — the C library of interpreted programs. Memory-management and
// process calls go to the Os (so the model, or the real lab process, sees them);
// string and formatting functions run here but touch the bytes they read/write.
//
// Files: open() only records the path; the file reaches the Os when its size is known
// (ftruncate, or mmap of a file opened without O_CREAT), because Os::open takes the
// size of a newly created file.
#include <algorithm>
#include <cstring>

#include "lang/builtins.h"
#include "lang/builtins_posix.h"
#include "lang/printf.h"
#include "lang/vm.h"

namespace pp::lang {

namespace {
const char* kNames[] = {
#define PP_BI_NAME(n) #n,
  PP_BUILTINS(PP_BI_NAME)
  PP_BUILTINS_POSIX(PP_BI_NAME)
#undef PP_BI_NAME
};
double as_d(std::int64_t v) { double d; std::memcpy(&d, &v, 8); return d; }
constexpr u64 kPage = 4096;
}  // namespace

int builtin_id(const std::string& name) {
  for (int i = 0; i < BI_COUNT; i++) if (name == kNames[i]) return i;
  return -1;
}
const char* builtin_name(int id) { return id >= 0 && id < BI_COUNT ? kNames[id] : "?"; }

bool Vm::read_argv(Proc& p, u64 addr, const char* who, std::vector<std::string>& argv) {
  for (u64 a = addr; a; a += 8) {
    u64 ptr = 0;
    if (!read_mem(p, a, &ptr, 8)) return false;
    if (!ptr) break;
    std::string s;
    if (!read_cstr(p, ptr, s)) return false;
    argv.push_back(s);
    if (argv.size() > 64) { fail(std::string(who) + ": argument list too long for the interpreter"); return false; }
  }
  return true;
}

bool Vm::builtin(Proc& p, const Ins& in) {
  const int n = in.n;
  if ((int)p.vs.size() < n) { fail("internal error: missing call arguments"); return false; }
  if (in.a >= BI_getrusage) return BuiltinCall{*this, p, in}.run();
  std::vector<std::int64_t> A(p.vs.end() - n, p.vs.end());
  auto arg = [&](int i) -> std::int64_t { return i < n ? A[i] : 0; };
  auto uarg = [&](int i) -> u64 { return (u64)arg(i); };
  auto finish = [&](std::int64_t v) {
    p.vs.resize(p.vs.size() - n);
    p.vs.push_back(v);
    p.pc++;
    return true;
  };
  const char* name = builtin_name(in.a);
  // An Os call: record it for the step, set errno on failure, return what C returns.
  auto os_call = [&](const OpResult& r) -> std::int64_t {
    now_us_ += r.cost_us;
    hooks_.on_call(p, in.t, name, A, r);
    if (r.err) p.err = r.err;
    reap_killed(r);
    return r.ret;
  };
  // One call moving more than this is a runaway lesson, not a teaching example.
  auto too_big = [&](u64 len) {
    if (len <= (8ull << 30)) return false;
    fail(std::string(name) + " of " + std::to_string(len) + " bytes: more than 8 GiB in one call");
    return true;
  };
  auto out = [&](const std::string& s) { if (!s.empty()) hooks_.on_output(p, s); };
  auto cstr = [&](int i, std::string& s) { return read_cstr(p, uarg(i), s); };
  auto format = [&](int first, std::string& res) -> bool {
    std::string fmt;
    if (!cstr(first - 1, fmt)) return false;
    int k = first;
    FormatArgs fa;
    fa.next_int = [&]() -> std::int64_t { return k < n ? A[k++] : 0; };
    fa.next_double = [&]() -> double {
      if (k >= n) return 0;
      bool is_d = k < 64 && ((in.b >> k) & 1);
      std::int64_t v = A[k++];
      return is_d ? as_d(v) : 0.0;
    };
    fa.string = [&](u64 a, std::string& s) { return read_cstr(p, a, s); };
    std::string err;
    if (!format_printf(fmt, fa, res, err)) { fail(err); return false; }
    return !error_ && p.st != PState::Exited;
  };

  switch (in.a) {
    // ---------------------------------------------------------------- output
    case BI_printf: { std::string s; if (!format(1, s)) return false; out(s); return finish((std::int64_t)s.size()); }
    case BI_fprintf: { std::string s; if (!format(2, s)) return false; out(s); return finish((std::int64_t)s.size()); }
    case BI_puts: { std::string s; if (!cstr(0, s)) return false; out(s + "\n"); return finish((std::int64_t)s.size() + 1); }
    case BI_putchar: out(std::string(1, (char)arg(0))); return finish(arg(0) & 0xff);
    case BI_perror: {
      std::string s;
      if (uarg(0) && !cstr(0, s)) return false;
      out((s.empty() ? "" : s + ": ") + std::string(errno_text(p.err)) + "\n");
      return finish(0);
    }
    case BI_snprintf: case BI_sprintf: {
      std::string s;
      if (!format(in.a == BI_snprintf ? 3 : 2, s)) return false;
      u64 cap = in.a == BI_snprintf ? uarg(1) : s.size() + 1;
      if (cap > 0) {
        std::string w = s.substr(0, std::min<u64>(s.size(), cap - 1));
        w.push_back('\0');
        if (!write_mem(p, uarg(0), w.data(), w.size())) return false;
      }
      return finish((std::int64_t)s.size());
    }
    case BI_fflush: return finish(0);
    case BI_strerror: {
      std::string t = errno_text((int)arg(0));
      t = t.substr(0, 200);
      u64 at = p.layout.data + ((P.data_size + 15) & ~u64(15));
      if (!write_mem(p, at, t.c_str(), t.size() + 1)) return false;
      return finish((std::int64_t)at);
    }
    // ---------------------------------------------------------------- strings / memory
    case BI_strlen: { std::string s; if (!cstr(0, s)) return false; return finish((std::int64_t)s.size()); }
    case BI_strcpy: case BI_strcat: {
      std::string s, d;
      if (!cstr(1, s)) return false;
      u64 dst = uarg(0);
      if (in.a == BI_strcat) { if (!cstr(0, d)) return false; dst += d.size(); }
      if (!write_mem(p, dst, s.c_str(), s.size() + 1)) return false;
      return finish(arg(0));
    }
    case BI_strncpy: {
      std::string s;
      if (!cstr(1, s)) return false;
      u64 len = uarg(2);
      std::string w = s.substr(0, std::min<u64>(s.size(), len));
      if (len > (1u << 26)) { fail("strncpy length too large"); return false; }
      w.resize(len, '\0');
      if (!write_mem(p, uarg(0), w.data(), w.size())) return false;
      return finish(arg(0));
    }
    case BI_strcmp: case BI_strncmp: {
      std::string a, b;
      if (!cstr(0, a) || !cstr(1, b)) return false;
      if (in.a == BI_strncmp) { a = a.substr(0, std::min<u64>(a.size(), uarg(2))); b = b.substr(0, std::min<u64>(b.size(), uarg(2))); }
      int c = std::strcmp(a.c_str(), b.c_str());
      return finish(c < 0 ? -1 : c > 0);
    }
    case BI_memcmp: {
      u64 len = uarg(2);
      if (len > (256u << 20)) { fail("memcmp of more than 256 MiB is too large for the interpreter"); return false; }
      std::vector<std::uint8_t> x(len), y(len);
      if (!read_mem(p, uarg(0), x.data(), len) || !read_mem(p, uarg(1), y.data(), len)) return false;
      int c = len ? std::memcmp(x.data(), y.data(), len) : 0;
      return finish(c < 0 ? -1 : c > 0);
    }
    case BI_memset: case BI___zero: {
      u64 dst = uarg(0), len = in.a == BI___zero ? uarg(1) : uarg(2);
      if (too_big(len)) return false;
      if (!touch(p, dst, len, true)) return false;  // one touch for the whole range
      p.mem.fill(dst, in.a == BI___zero ? 0 : (std::uint8_t)arg(1), len);
      return finish(arg(0));
    }
    case BI_memcpy: case BI_memmove: case BI___initcopy: {
      u64 dst = uarg(0), src = uarg(1), len = uarg(2);
      if (too_big(len)) return false;
      if (!touch(p, src, len, false) || !touch(p, dst, len, true)) return false;
      p.mem.copy(dst, src, len);
      return finish(arg(0));
    }
    case BI_atoi: case BI_atol: case BI_strtol: case BI_strtoul: {
      std::string s;
      if (!cstr(0, s)) return false;
      int base = (in.a == BI_strtol || in.a == BI_strtoul) ? (int)arg(2) : 10;
      if (base != 0 && (base < 2 || base > 36)) { p.err = err::INVAL; return finish(0); }
      char* end = nullptr;
      long long v = in.a == BI_strtoul ? (long long)std::strtoull(s.c_str(), &end, base) : std::strtoll(s.c_str(), &end, base);
      if ((in.a == BI_strtol || in.a == BI_strtoul) && uarg(1)) {
        std::int64_t e = arg(0) + (end - s.c_str());
        if (!write_mem(p, uarg(1), &e, 8)) return false;
      }
      return finish(in.a == BI_atoi ? (std::int64_t)(int)v : (std::int64_t)v);
    }
    case BI_abs: return finish((std::int64_t)(int)(arg(0) < 0 ? -(std::uint32_t)arg(0) : arg(0)));
    case BI_labs: return finish(arg(0) < 0 ? (std::int64_t)(0 - uarg(0)) : arg(0));
    case BI_rand: rand_ = rand_ * 1103515245u + 12345u; return finish((rand_ >> 1) & 0x7fffffff);
    case BI_srand: rand_ = (unsigned)arg(0); return finish(0);
    // ---------------------------------------------------------------- process end
    case BI_exit: case BI__exit: exit_proc(p, (int)arg(0), false); return true;
    case BI_abort: out("Aborted\n"); exit_proc(p, 6, true); return true;
    // ---------------------------------------------------------------- malloc
    case BI_malloc: case BI_calloc: {
      u64 bytes = in.a == BI_malloc ? uarg(0) : uarg(0) * uarg(1);
      if (in.a == BI_calloc && uarg(1) && bytes / uarg(1) != uarg(0)) { p.err = err::NOMEM; return finish(0); }
      OpResult r = in.a == BI_malloc ? os_.malloc(p.pid, bytes) : os_.calloc(p.pid, uarg(0), uarg(1));
      std::int64_t v = os_call(r);
      if (v && !r.err) {
        p.blocks.set((u64)v, bytes);
        p.freed.erase((u64)v);
        if (in.a == BI_calloc) p.mem.fill((u64)v, 0, bytes);
      }
      return finish(r.err ? 0 : v);
    }
    case BI_realloc: {
      u64 old = uarg(0), bytes = uarg(1);
      const u64* known = p.blocks.find(old);
      u64 old_size = known ? *known : 0;
      OpResult r = os_.realloc(p.pid, old, bytes);
      std::int64_t v = os_call(r);
      if (!r.err && v) {
        if ((u64)v != old && old) p.mem.copy((u64)v, old, std::min(old_size, bytes));
        p.blocks.erase(old);
        p.blocks.set((u64)v, bytes);
      }
      return finish(r.err ? 0 : v);
    }
    case BI_free: {
      if (uarg(0) == 0) return finish(0);
      OpResult r = os_.free(p.pid, uarg(0));
      os_call(r);
      if (const u64* size = p.blocks.find(uarg(0))) {
        if (!r.err) p.freed.set(uarg(0), *size);
        p.blocks.erase(uarg(0));
      }
      return finish(0);
    }
    // ---------------------------------------------------------------- mappings
    case BI_mmap: {
      int fd = (int)arg(4), os_fd = -1;
      u64 len = uarg(1), off = uarg(5);
      int flags = (int)arg(3);
      if (!(flags & mapf::ANONYMOUS)) {
        auto it = p.fds.find(fd);
        if (it == p.fds.end()) { p.err = err::BADF; return finish(-1); }
        if (it->second.os_fd < 0) {
          OpResult o = os_.open(p.pid, it->second.path, std::max(it->second.size, off + len));
          std::int64_t f = os_call(o);
          if (o.err) return finish(-1);
          it->second.os_fd = (int)f;
        }
        os_fd = it->second.os_fd;
      }
      OpResult r = os_.mmap(p.pid, uarg(0), len, (int)arg(2), flags, os_fd, off);
      std::int64_t v = os_call(r);
      if (r.err) return finish(-1);  // MAP_FAILED
      p.mem.drop((u64)v, len);       // fresh mapping: zero (file pages are zero here too)
      p.blocks.set((u64)v, len);
      return finish(v);
    }
    case BI_munmap: {
      OpResult r = os_.munmap(p.pid, uarg(0), uarg(1));
      std::int64_t v = os_call(r);
      if (!r.err) {
        p.mem.drop(uarg(0), uarg(1));
        p.blocks.erase_range(uarg(0), uarg(1));
      }
      return finish(r.err ? -1 : v);
    }
    case BI_mprotect: { OpResult r = os_.mprotect(p.pid, uarg(0), uarg(1), (int)arg(2)); std::int64_t v = os_call(r); return finish(r.err ? -1 : v); }
    case BI_madvise: { OpResult r = os_.madvise(p.pid, uarg(0), uarg(1), (int)arg(2)); std::int64_t v = os_call(r); return finish(r.err ? -1 : v); }
    case BI_mincore: {
      u64 addr = uarg(0), len = uarg(1);
      if (addr % kPage) { p.err = err::INVAL; return finish(-1); }
      u64 pages = (len + kPage - 1) / kPage;
      if (pages > (1u << 24)) { fail("mincore range too large for the interpreter"); return false; }
      std::vector<std::uint8_t> vec(pages);
      for (u64 i = 0; i < pages; i++) vec[i] = os_.count_pages(p.pid, addr + i * kPage, kPage).resident ? 1 : 0;
      if (!write_mem(p, uarg(2), vec.data(), pages)) return false;
      return finish(0);
    }
    case BI_open: {
      std::string path;
      if (!cstr(0, path)) return false;
      int flags = (int)arg(1);
      FileDesc fd;
      fd.path = path;
      fd.create = (flags & 0100) != 0;
      // The step records what the C code receives: the program's descriptor, even
      // when the file reaches the Os only later (O_CREAT: at ftruncate or mmap).
      OpResult r;
      if (!fd.create) {
        r = os_.open(p.pid, path, 0);
        if (r.err) { r.ret = -1; os_call(r); return finish(-1); }
        fd.os_fd = (int)r.ret;
      }
      int num = 3;
      while (p.fds.count(num)) num++;
      p.fds[num] = fd;
      r.ret = num;
      os_call(r);
      return finish(num);
    }
    case BI_ftruncate: {
      auto it = p.fds.find((int)arg(0));
      if (it == p.fds.end()) { p.err = err::BADF; return finish(-1); }
      it->second.size = uarg(1);
      if (it->second.os_fd < 0) {
        OpResult r = os_.open(p.pid, it->second.path, uarg(1));
        const int os_fd = (int)r.ret;
        r.ret = r.err ? -1 : 0;  // ftruncate's own result, not the descriptor
        os_call(r);
        if (r.err) return finish(-1);
        it->second.os_fd = os_fd;
      }
      return finish(0);
    }
    case BI_close: {
      if (!p.fds.erase((int)arg(0))) { p.err = err::BADF; return finish(-1); }
      return finish(0);
    }
    case BI_unlink: return finish(0);
    case BI_brk: { OpResult r = os_.brk(p.pid, uarg(0)); std::int64_t v = os_call(r); return finish(r.err ? -1 : v); }
    case BI_sbrk: {
      OpResult r = os_.sbrk(p.pid, arg(0));
      std::int64_t v = os_call(r);
      if (!r.err && arg(0) > 0) p.blocks.set((u64)v, (u64)arg(0));  // a lesson object, like a malloc block
      return finish(r.err ? -1 : v);
    }
    // ---------------------------------------------------------------- locking
    case BI_mlock: case BI_munlock: case BI_mlock2: {
      OpResult r = in.a == BI_mlock ? os_.mlock(p.pid, uarg(0), uarg(1))
                 : in.a == BI_munlock ? os_.munlock(p.pid, uarg(0), uarg(1))
                 : os_.mlock2(p.pid, uarg(0), uarg(1), (int)arg(2));
      std::int64_t v = os_call(r);
      return finish(r.err ? -1 : v);
    }
    case BI_mlockall: { OpResult r = os_.mlockall(p.pid, (int)arg(0)); std::int64_t v = os_call(r); return finish(r.err ? -1 : v); }
    case BI_munlockall: { OpResult r = os_.munlockall(p.pid); std::int64_t v = os_call(r); return finish(r.err ? -1 : v); }
    case BI_setrlimit: case BI_getrlimit: {
      int res = (int)arg(0);
      u64 rl[2];
      if (in.a == BI_setrlimit) {
        if (!read_mem(p, uarg(1), rl, 16)) return false;
        if (res != 8) return finish(0);  // only RLIMIT_MEMLOCK matters to memory locking
        OpResult r = os_.setrlimit_memlock(p.pid, rl[0], rl[1]);
        std::int64_t v = os_call(r);
        return finish(r.err ? -1 : v);
      }
      ProcStatus st = os_.status(p.pid);
      rl[0] = res == 8 ? st.rlim_memlock_cur : kRlimInfinity;
      rl[1] = res == 8 ? st.rlim_memlock_max : kRlimInfinity;
      if (!write_mem(p, uarg(1), rl, 16)) return false;
      return finish(0);
    }
    // ---------------------------------------------------------------- QNX Neutrino
    case BI_ThreadCtl: {
      // _NTO_TCTL_IO_PRIV (1) and the older _NTO_TCTL_IO (14): I/O privilege, which
      // superlocks the process. Other commands are not modelled.
      if (arg(0) != 1 && arg(0) != 14) { p.err = err::INVAL; return finish(-1); }
      OpResult r = os_.thread_ctl_io(p.pid);
      std::int64_t v = os_call(r);
      return finish(r.err ? -1 : v);
    }
    case BI_procmgr_ability: {
      // procmgr_ability(pid, domain|op|id, [lower, upper if SUBRANGE,] ..., PROCMGR_AID_EOL):
      // returns EOK or an errno (not -1).
      if (arg(0) != 0 && arg(0) != p.pid) return finish(err::PERM);  // other processes: not modelled
      std::vector<std::uint32_t> words;
      int i = 1;
      for (; i < n; i++) {
        std::uint32_t w = (std::uint32_t)uarg(i);
        words.push_back(w);
        if ((w & 0xffff) == 0xffff) break;
        if (w & 0x00040000) i += 2;  // PROCMGR_AOP_SUBRANGE: lower and upper follow
      }
      if (i >= n) { fail("procmgr_ability: the list must end with PROCMGR_AID_EOL"); return false; }
      OpResult r = os_.procmgr_ability(p.pid, words);
      os_call(r);
      return finish(r.err);
    }
    // ---------------------------------------------------------------- processes
    case BI_getpid: return finish(p.pid);
    case BI_getppid: return finish(p.ppid);
    case BI_getuid: case BI_geteuid: return finish(os_.status(p.pid).cap_ipc_lock ? 0 : 1000);
    case BI_fork: {
      // A bounded process table (like RLIMIT_NPROC): a fork bomb gets EAGAIN.
      if (live_processes() >= 64) { p.err = err::AGAIN; return finish(-1); }
      OpResult r = os_.fork(p.pid);
      std::int64_t v = os_call(r);
      if (r.err || v <= 0) return finish(-1);
      auto child = std::make_unique<Proc>(p);
      child->pid = (int)v;
      child->ppid = p.pid;
      child->reaped = false;
      child->st = PState::Ready;
      finish(v);                    // parent: fork() returns the child's pid
      child->vs.resize(child->vs.size() - n);
      child->vs.push_back(0);       // child: fork() returns 0
      child->pc++;
      last_child_ = (int)v;
      procs_.push_back(std::move(child));
      push_ready(&p);
      switch_to(procs_.back().get());  // the child runs first
      return true;
    }
    case BI_wait: case BI_waitpid: {
      int want = in.a == BI_wait ? -1 : (int)arg(0);
      u64 status_ptr = in.a == BI_wait ? uarg(0) : uarg(1);
      int options = in.a == BI_wait ? 0 : (int)arg(2);
      bool any = false;
      Proc* done = nullptr;
      for (auto& c : procs_) {
        if (c->ppid != p.pid || c->reaped || (want > 0 && c->pid != want)) continue;
        any = true;
        if (c->st == PState::Exited && !done) done = c.get();
      }
      if (!any) { p.err = err::CHILD; return finish(-1); }
      if (!done) {
        if (options & 1) return finish(0);  // WNOHANG
        p.st = PState::Waiting;              // retried when a child exits
        return false;
      }
      ProcStatus cs = os_.status(done->pid);  // RUSAGE_CHILDREN counts it from now on
      lib.child_faults[p.pid].first += cs.minflt;
      lib.child_faults[p.pid].second += cs.majflt;
      OpResult r = os_.wait(p.pid, done->pid);
      std::int64_t v = os_call(r);
      done->reaped = true;
      if (r.err) return finish(-1);
      if (status_ptr) {
        std::int32_t s = done->exit_status;
        if (!write_mem(p, status_ptr, &s, 4)) return false;
      }
      return finish(v ? v : done->pid);
    }
    case BI_posix_spawn: case BI_posix_spawnp: case BI_spawnl: case BI_spawnv:
      return spawn_builtin(p, in);
    case BI_execl: case BI_execlp: case BI_execv: case BI_execvp: {
      std::string path;
      if (!cstr(0, path)) return false;
      std::vector<std::string> argv;
      if (in.a == BI_execl || in.a == BI_execlp) {
        for (int i = 1; i < n && arg(i) != 0; i++) {
          std::string s;
          if (!cstr(i, s)) return false;
          argv.push_back(s);
        }
      } else {
        if (!read_argv(p, uarg(1), "exec", argv)) return false;
      }
      ImageSpec spec = image_spec();
      spec.path = path;
      ImageLayout lay;
      OpResult r = os_.exec(p.pid, spec, &lay);
      os_call(r);
      if (r.err) return finish(-1);
      p.layout = lay;
      p.fds.clear();
      lib.optind = 1;  // a new image starts its getopt afresh
      lib.nextchar = 0;
      setup_image(p, argv);  // the new image: the lesson's main() again, with this argv
      return true;
    }
    // ---------------------------------------------------------------- time
    case BI_sleep: case BI_usleep: case BI_nanosleep: {
      double us = in.a == BI_sleep ? (double)uarg(0) * 1e6 : in.a == BI_usleep ? (double)uarg(0) : 0;
      if (in.a == BI_nanosleep) {
        std::int64_t ts[2];
        if (!read_mem(p, uarg(0), ts, 16)) return false;
        us = (double)ts[0] * 1e6 + (double)ts[1] / 1e3;
      }
      return BuiltinCall{*this, p, in}.sleep_until(now_us_ + std::max(0.0, us));
    }
    case BI_clock_gettime: {
      double t = now_us_ + (arg(0) == 0 ? 1.7e15 : 1e9);  // REALTIME: ~2023; MONOTONIC: uptime
      std::int64_t ts[2] = {(std::int64_t)(t / 1e6), (std::int64_t)((t - (double)(std::int64_t)(t / 1e6) * 1e6) * 1e3)};
      if (!write_mem(p, uarg(1), ts, 16)) return false;
      return finish(0);
    }
    case BI_time: {
      std::int64_t t = 1700000000 + (std::int64_t)(now_us_ / 1e6);
      if (uarg(0) && !write_mem(p, uarg(0), &t, 8)) return false;
      return finish(t);
    }
    case BI_sysconf: if (arg(0) == 30) return finish(4096); p.err = err::INVAL; return finish(-1);
    case BI_getpagesize: return finish(4096);
  }
  fail(std::string("library function '") + name + "' is not implemented");
  return false;
}

}  // namespace pp::lang
