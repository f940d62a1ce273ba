// pinpages lang — POSIX/glibc calls of real-world memory-locking programs (see
// builtin_call.h). Constants use Linux x86-64 numbering, as everywhere else.
#include "lang/builtin_call.h"

#include <algorithm>
#include <cstring>


namespace pp::lang {

namespace {
constexpr u64 kPage = 4096;
constexpr int kSchedOther = 0, kSchedFifo = 1, kSchedRr = 2, kSchedBatch = 3, kSchedIdle = 5;
constexpr int kResetOnFork = 0x40000000;
constexpr double kRealtimeBaseUs = 1.7e15, kMonotonicBaseUs = 1e9;  // as clock_gettime

bool rt_policy(int pol) { return pol == kSchedFifo || pol == kSchedRr; }
bool known_policy(int pol) {
  return pol == kSchedOther || rt_policy(pol) || pol == kSchedBatch || pol == kSchedIdle;
}

// syscall(SYS_x, ...) → the library function with the same arguments (x86-64 numbers).
struct SysNo { int nr; int builtin; };
const SysNo kSyscalls[] = {
  {9, BI_mmap}, {10, BI_mprotect}, {11, BI_munmap}, {12, BI_brk}, {24, BI_sched_yield}, {25, BI_mremap},
  {27, BI_mincore}, {28, BI_madvise}, {39, BI_getpid}, {98, BI_getrusage}, {110, BI_getppid},
  {142, BI_sched_setparam}, {143, BI_sched_getparam}, {144, BI_sched_setscheduler},
  {145, BI_sched_getscheduler}, {146, BI_sched_get_priority_max}, {147, BI_sched_get_priority_min},
  {149, BI_mlock}, {150, BI_munlock}, {151, BI_mlockall}, {152, BI_munlockall},
  {186, BI_gettid}, {203, BI_sched_setaffinity}, {228, BI_clock_gettime}, {229, BI_clock_getres},
  {230, BI_clock_nanosleep}, {319, BI_memfd_create}, {325, BI_mlock2},
};
}  // namespace

SchedState BuiltinCall::sched_of(int pid) const {
  // A child inherits its parent's policy (unless the parent set SCHED_RESET_ON_FORK).
  for (int guard = 0; pid > 0 && guard < 1000; guard++) {
    auto it = vm.lib.sched.find(pid);
    if (it != vm.lib.sched.end()) return it->second;
    Proc* q = vm.find(pid);
    pid = q ? q->ppid : 0;
  }
  return {};
}

bool BuiltinCall::getrusage() {
  int who = (int)arg(0);
  if (who != 0 && who != -1 && who != 1) return fail_errno(err::INVAL);  // SELF, CHILDREN, THREAD
  std::int64_t ru[18] = {};  // struct rusage: two timevals, then 14 longs
  if (who == -1) {
    // RUSAGE_CHILDREN: the children this process has waited for.
    auto it = vm.lib.child_faults.find(p.pid);
    if (it != vm.lib.child_faults.end()) {
      ru[8] = (std::int64_t)it->second.first;
      ru[9] = (std::int64_t)it->second.second;
    }
  } else {
    ProcStatus st = vm.os_.status(p.pid);
    ru[4] = (std::int64_t)st.vm_rss_kb;  // ru_maxrss: the model keeps no peak, the current RSS
    ru[8] = (std::int64_t)st.minflt;     // ru_minflt
    ru[9] = (std::int64_t)st.majflt;     // ru_majflt
  }
  if (!vm.write_mem(p, uarg(1), ru, sizeof ru)) return false;
  return finish(0);
}

bool BuiltinCall::sched() {
  int pid = (int)arg(0);
  if (in.a != BI_sched_get_priority_max && in.a != BI_sched_get_priority_min && in.a != BI_sched_yield) {
    if (pid < 0) return fail_errno(err::INVAL);
    if (pid == 0) pid = p.pid;
    Proc* q = vm.find(pid);
    if (!q || q->st == PState::Exited) return fail_errno(err::SRCH);
  }
  switch (in.a) {
    case BI_sched_yield: return finish(0);
    case BI_sched_get_priority_max: case BI_sched_get_priority_min: {
      int pol = (int)arg(0);
      if (!known_policy(pol)) return fail_errno(err::INVAL);
      return finish(rt_policy(pol) ? (in.a == BI_sched_get_priority_max ? 99 : 1) : 0);
    }
    case BI_sched_getscheduler: return finish(sched_of(pid).policy);
    case BI_sched_getparam: {
      if (!uarg(1)) return fail_errno(err::INVAL);
      std::int32_t prio = sched_of(pid).priority;
      if (!vm.write_mem(p, uarg(1), &prio, 4)) return false;
      return finish(0);
    }
    case BI_sched_setaffinity: {
      // Any CPU set with at least one CPU is accepted; the model has no CPUs to pin to.
      u64 size = std::min<u64>(uarg(1), 128);
      std::vector<std::uint8_t> mask(size);
      if (size && !vm.read_mem(p, uarg(2), mask.data(), size)) return false;
      if (std::all_of(mask.begin(), mask.end(), [](std::uint8_t b) { return b == 0; })) return fail_errno(err::INVAL);
      return finish(0);
    }
    default: break;
  }
  // sched_setscheduler(pid, policy, param) / sched_setparam(pid, param)
  bool setsched = in.a == BI_sched_setscheduler;
  SchedState s = sched_of(pid);
  int pol = setsched ? (int)arg(1) & ~kResetOnFork : s.policy;
  u64 param = setsched ? uarg(2) : uarg(1);
  if (!param) return fail_errno(err::INVAL);
  std::int32_t prio = 0;
  if (!vm.read_mem(p, param, &prio, 4)) return false;
  if (!known_policy(pol)) return fail_errno(err::INVAL);
  if (rt_policy(pol) ? (prio < 1 || prio > 99) : prio != 0) return fail_errno(err::INVAL);
  // Real-time policies need CAP_SYS_NICE (RLIMIT_RTPRIO is 0 by default): what sudo gives.
  if (rt_policy(pol) && !vm.os_.status(p.pid).cap_ipc_lock) return fail_errno(err::PERM);
  vm.lib.sched[pid] = SchedState{pol, prio};
  return finish(0);
}

bool BuiltinCall::clock_call() {
  auto base = [](std::int64_t clk) { return clk == 0 || clk == 5 ? kRealtimeBaseUs : kMonotonicBaseUs; };
  auto known_clock = [](std::int64_t clk) { return clk >= 0 && clk <= 7; };
  switch (in.a) {
    case BI_clock_getres: {
      if (!known_clock(arg(0))) return fail_errno(err::INVAL);
      std::int64_t ts[2] = {0, arg(0) == 5 || arg(0) == 6 ? 4000000 : 1};
      if (uarg(1) && !vm.write_mem(p, uarg(1), ts, 16)) return false;
      return finish(0);
    }
    case BI_gettimeofday: {
      double t = vm.now_us_ + kRealtimeBaseUs;
      std::int64_t tv[2] = {(std::int64_t)(t / 1e6), 0};
      tv[1] = (std::int64_t)(t - (double)tv[0] * 1e6);
      if (uarg(0) && !vm.write_mem(p, uarg(0), tv, 16)) return false;
      return finish(0);
    }
    default: break;
  }
  // clock_nanosleep(clock, flags, request, remain): returns an error number, not -1.
  std::int64_t clk = arg(0);
  if (!known_clock(clk) || clk == 2 || clk == 3) { return finish(err::INVAL); }
  std::int64_t ts[2];
  if (!vm.read_mem(p, uarg(2), ts, 16)) return false;
  if (ts[1] < 0 || ts[1] >= 1000000000 || ts[0] < 0) return finish(err::INVAL);
  double us = (double)ts[0] * 1e6 + (double)ts[1] / 1e3;
  bool absolute = (arg(1) & 1) != 0;  // TIMER_ABSTIME
  return sleep_until(absolute ? us - base(clk) : vm.now_us_ + us);
}

bool BuiltinCall::io() {
  int fd = (int)arg(0);
  if (in.a == BI_posix_fadvise) {  // returns an error number; advice only
    if (!p.fds.count(fd)) return finish(err::BADF);
    return finish(arg(3) >= 0 && arg(3) <= 5 ? 0 : err::INVAL);
  }
  if (in.a == BI_fsync) return p.fds.count(fd) ? finish(0) : fail_errno(err::BADF);
  bool is_write = in.a == BI_write || in.a == BI_pwrite;
  u64 buf = uarg(1), len = uarg(2);
  if (len > (64u << 20)) { vm.fail(std::string(builtin_name(in.a)) + " of more than 64 MiB is too large for the interpreter"); return false; }
  if (fd == 0 && !is_write) {  // standard input: what was given, then end of file
    const std::string* in = vm.lib.stdin_data.get();
    u64 left = in && vm.lib.stdin_pos < in->size() ? in->size() - vm.lib.stdin_pos : 0;
    u64 n = std::min(len, left);
    if (n && !vm.write_mem(p, buf, in->data() + vm.lib.stdin_pos, n)) return false;
    vm.lib.stdin_pos += n;
    return finish((std::int64_t)n);
  }
  if ((fd == 1 || fd == 2) && is_write) {
    std::string s(len, '\0');
    if (!vm.read_mem(p, buf, s.data(), len)) return false;
    if (!s.empty()) vm.hooks_.on_output(p, s);
    return finish((std::int64_t)len);
  }
  auto it = p.fds.find(fd);
  if (it == p.fds.end()) return fail_errno(err::BADF);
  // Files hold no contents in the model: reads return zeros up to the file's size.
  bool positioned = in.a == BI_pread || in.a == BI_pwrite;
  u64& pos = vm.lib.fpos[{p.pid, fd}];
  u64 at = positioned ? uarg(3) : pos;
  u64 n = len;
  if (is_write) {
    if (!vm.touch(p, buf, n, false)) return false;
    it->second.size = std::max(it->second.size, at + n);
  } else {
    n = at < it->second.size ? std::min(len, it->second.size - at) : 0;
    if (!vm.touch(p, buf, n, true)) return false;
    p.mem.fill(buf, 0, n);
  }
  if (!positioned) pos = at + n;
  return finish((std::int64_t)n);
}

bool BuiltinCall::syscall() {
  std::int64_t nr = arg(0);
  const SysNo* hit = nullptr;
  for (const SysNo& s : kSyscalls) if (s.nr == nr) hit = &s;
  if (!hit) {
    vm.fail("pinpages does not model syscall number " + std::to_string(nr) + " yet");
    return false;
  }
  // Drop the number and run the library function on the remaining arguments.
  p.vs.erase(p.vs.end() - in.n);
  Ins s = in;
  s.a = hit->builtin;
  s.n = in.n - 1;
  s.b = (std::int64_t)((u64)in.b >> 1);
  return vm.builtin(p, s);
}

// mremap: the Os moves or resizes the mapping; the bytes the program wrote go with it.
bool BuiltinCall::mremap() {
  const u64 addr = uarg(0), old_len = uarg(1), new_len = uarg(2);
  const int flags = (int)arg(3);
  if (flags & mremapf::DONTUNMAP) {
    vm.fail("pinpages does not model mremap(MREMAP_DONTUNMAP) yet");
    return false;
  }
  OpResult r = vm.os_.mremap(p.pid, addr, old_len, new_len, flags, uarg(4));
  const std::int64_t v = os_call(r);
  if (r.err) return finish(-1);  // MAP_FAILED
  const u64 dst = (u64)v, o = (old_len + kPage - 1) & ~(kPage - 1), n = (new_len + kPage - 1) & ~(kPage - 1);
  if (dst != addr) {
    p.mem.copy(dst, addr, std::min(o, n));
    p.mem.drop(addr, o);
  }
  if (n > o) p.mem.drop(dst + o, n - o);  // new pages read as zero
  else if (dst == addr && n < o) p.mem.drop(addr + n, o - n);
  if (p.blocks.find(addr)) {
    p.blocks.erase(addr);
    p.blocks.set(dst, new_len);
  }
  return finish(v);
}

bool BuiltinCall::vla_alloca() {
  // A variable-length array: the stack pointer moves down; nothing is touched yet.
  u64 n = (uarg(0) + 15) & ~u64(15);
  if (uarg(0) > (64ull << 20) || n + kPage > p.sp)
    return fail("stack overflow: a variable-length array of " + std::to_string(uarg(0)) + " bytes");
  p.sp -= n;
  return finish((std::int64_t)p.sp);
}

void add_posix_builtins(HandlerTable& t) {
  for (Builtin b : {BI_sched_setscheduler, BI_sched_getscheduler, BI_sched_setparam, BI_sched_getparam,
                    BI_sched_get_priority_max, BI_sched_get_priority_min, BI_sched_setaffinity, BI_sched_yield})
    t[b] = [](BuiltinCall& c) { return c.sched(); };
  t[BI_clock_nanosleep] = t[BI_clock_getres] = t[BI_gettimeofday] = [](BuiltinCall& c) { return c.clock_call(); };
  t[BI_getchar] = [](BuiltinCall& c) {  // EOF once standard input is used up (by default it is empty)
    const std::string* in = c.vm.lib.stdin_data.get();
    if (!in || c.vm.lib.stdin_pos >= in->size()) return c.finish(-1);
    return c.finish((std::int64_t)(unsigned char)(*in)[c.vm.lib.stdin_pos++]);
  };
  t[BI_pause] = [](BuiltinCall& c) {
    return c.stop_with_note("pause() waits for a signal and nothing sends one: the run ends here");
  };
  for (Builtin b : {BI_read, BI_write, BI_pread, BI_pwrite, BI_fsync, BI_posix_fadvise})
    t[b] = [](BuiltinCall& c) { return c.io(); };
  t[BI_syscall] = [](BuiltinCall& c) { return c.syscall(); };
  t[BI_gettid] = [](BuiltinCall& c) { return c.finish(c.p.pid); };
  t[BI___alloca] = [](BuiltinCall& c) { return c.vla_alloca(); };
  t[BI_getopt] = t[BI_getopt_long] = [](BuiltinCall& c) { return c.getopt(); };
}

}  // namespace pp::lang

namespace pp::lang {

// Real C/POSIX/glibc names that memory-locking programs use and the interpreter does
// not model yet. A use of one is reported by name, not as a forgotten #include.
bool not_modelled(const std::string& name) {
  static const char* const kNames[] = {
    // threads
    "pthread_exit", "pthread_detach", "pthread_cancel", "pthread_kill",
    "pthread_attr_setstack", "pthread_attr_setguardsize", "pthread_setschedparam",
    "pthread_getschedparam", "pthread_setaffinity_np", "pthread_getattr_np", "pthread_mutex_init",
    "pthread_mutex_lock", "pthread_mutex_unlock", "pthread_mutex_destroy", "pthread_cond_init",
    "pthread_cond_wait", "pthread_cond_signal", "pthread_cond_broadcast", "pthread_barrier_init",
    "pthread_barrier_wait", "pthread_mutexattr_init", "pthread_mutexattr_setprotocol",
    "pthread_mutex_t", "pthread_cond_t", "pthread_barrier_t",
    "pthread_mutexattr_t", "pthread_spinlock_t", "sem_t", "sem_init", "sem_wait", "sem_post",
    // memory
    "posix_memalign", "aligned_alloc", "memalign", "valloc", "pvalloc", "mallinfo",
    "mallinfo2", "malloc_stats", "malloc_usable_size", "shm_open", "shm_unlink", "shmget", "shmat",
    "shmdt", "shmctl", "msync", "mlockall2", "alloca", "sysinfo", "struct sysinfo", "struct mallinfo",
    "struct mallinfo2",
    // signals and timers
    "signal", "sigaction", "struct sigaction", "sigemptyset", "sigfillset", "sigaddset",
    "sigprocmask", "sigwait", "sigsuspend", "kill", "raise", "alarm", "sigset_t", "timer_create",
    "timer_settime", "timer_delete", "timer_t", "struct itimerspec", "struct sigevent",
    "setitimer", "struct itimerval", "clock", "times", "struct tms", "localtime", "gmtime",
    "strftime", "ctime", "difftime", "struct tm", "sched_getaffinity", "sched_getcpu",
    "sched_rr_get_interval", "sched_setattr", "sched_getattr", "struct sched_attr", "setpriority",
    "getpriority", "nice", "prctl", "iopl", "ioperm",
    // options, files, stdio
    "fopen", "fclose", "fgets", "fputs", "fputc", "fgetc", "getc", "putc", "fread", "fwrite",
    "fscanf", "scanf", "sscanf", "getline", "setvbuf", "setbuf", "fileno", "mkstemp", "tmpfile",
    "stat", "fstat", "lstat", "struct stat", "lseek", "dup", "dup2", "pipe", "select", "poll",
    "uname", "struct utsname", "getenv", "setenv", "system", "popen", "pclose", "va_list",
    "va_start", "va_arg", "va_end", "jmp_buf", "setjmp", "longjmp",
    // strings and numbers
    "strdup", "strndup", "strchr", "strrchr", "strstr", "strtok", "strtok_r", "strtoll",
    "strtoull", "atof", "strtod", "atoll", "qsort", "bsearch", "isdigit", "isspace", "isalpha",
    "isalnum", "toupper", "tolower", "sqrt", "pow", "floor", "ceil", "fabs", "exp", "log",
  };
  for (const char* n : kNames) if (name == n) return true;
  return false;
}

}  // namespace pp::lang

namespace pp::lang {

namespace {
// Library function → the headers declaring it (glibc 2.36), the usual one first.
struct Decl { const char* names; const char* headers; };
const Decl kDecls[] = {
  {"printf fprintf puts putchar perror snprintf sprintf fflush getchar", "stdio.h"},
  {"strerror strlen strcpy strncpy strcat strcmp strncmp memcmp memset memcpy memmove", "string.h"},
  {"atoi atol strtol strtoul abs labs rand srand exit abort", "stdlib.h"},
  {"malloc calloc realloc free", "stdlib.h malloc.h"},
  {"mallopt malloc_trim", "malloc.h"},
  {"mmap munmap mprotect madvise mincore mremap mlock mlock2 munlock mlockall munlockall memfd_create", "sys/mman.h"},
  {"open posix_fadvise", "fcntl.h"},
  {"close ftruncate unlink brk sbrk fork getpid getppid getuid geteuid execl execlp execv execvp _exit "
   "sleep usleep sysconf getpagesize read write pread pwrite fsync pause syscall gettid", "unistd.h"},
  {"getopt", "unistd.h getopt.h"},
  {"getopt_long", "getopt.h"},
  {"wait waitpid", "sys/wait.h"},
  {"setrlimit getrlimit getrusage", "sys/resource.h"},
  {"nanosleep clock_gettime clock_getres clock_nanosleep time", "time.h"},
  {"gettimeofday", "sys/time.h"},
  {"sched_setscheduler sched_getscheduler sched_setparam sched_getparam sched_get_priority_max "
   "sched_get_priority_min sched_setaffinity sched_yield", "sched.h"},
  {"pthread_create pthread_join pthread_self pthread_attr_init pthread_attr_destroy pthread_attr_setstacksize "
   "pthread_attr_getstacksize pthread_attr_setschedpolicy pthread_attr_setschedparam pthread_attr_setinheritsched",
   "pthread.h"},
  {"posix_spawn posix_spawnp", "spawn.h"},
  {"spawnl spawnv", "process.h spawn.h"},
  {"ThreadCtl", "sys/neutrino.h"},
  {"procmgr_ability", "sys/procmgr.h"},
};

std::vector<std::string> words(const char* s) {
  std::vector<std::string> out;
  std::string w;
  for (const char* c = s;; c++) {
    if (*c == ' ' || *c == '\0') {
      if (!w.empty()) out.push_back(w);
      w.clear();
      if (!*c) break;
    } else {
      w += *c;
    }
  }
  return out;
}
}  // namespace

std::vector<std::string> headers_declaring(const std::string& name) {
  for (const Decl& d : kDecls)
    for (const std::string& n : words(d.names))
      if (n == name) return words(d.headers);
  return {};
}

bool header_provides(const std::string& inc, const std::string& h) {
  if (inc == h) return true;
  // glibc headers that include others' declarations.
  static const char* const kAlso[][2] = {
    {"pthread.h", "sched.h"}, {"pthread.h", "time.h"}, {"sys/resource.h", "sys/time.h"},
    {"sys/wait.h", "signal.h"}, {"sys/time.h", "sys/select.h"},
  };
  for (const auto& a : kAlso)
    if (inc == a[0] && h == a[1]) return true;
  return false;
}

}  // namespace pp::lang
