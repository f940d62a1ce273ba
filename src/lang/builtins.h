// pinpages lang — the C library the interpreter implements (declared in the prelude).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pp::lang {

// Every library function, written once with its family: X(name, Family). A family is one
// group of handlers (builtins_<family>.cpp) and the answer to "is this a lock call?".
#define PP_BUILTINS(X) \
  X(printf, Output) X(fprintf, Output) X(puts, Output) X(putchar, Output) X(perror, Output) \
  X(snprintf, Output) X(sprintf, Output) X(fflush, Output) X(strerror, Output) \
  X(strlen, Text) X(strcpy, Text) X(strncpy, Text) X(strcat, Text) X(strcmp, Text) X(strncmp, Text) \
  X(memcmp, Text) X(memset, Text) X(memcpy, Text) X(memmove, Text) \
  X(atoi, Text) X(atol, Text) X(strtol, Text) X(strtoul, Text) X(abs, Text) X(labs, Text) \
  X(rand, Text) X(srand, Text) \
  X(exit, Process) X(_exit, Process) X(abort, Process) \
  X(malloc, Malloc) X(calloc, Malloc) X(realloc, Malloc) X(free, Malloc) \
  X(mmap, Mapping) X(munmap, Mapping) X(mprotect, Mapping) X(open, File) X(close, File) \
  X(ftruncate, File) X(unlink, File) X(madvise, Mapping) X(mincore, Mapping) \
  X(mlock, Locking) X(mlock2, Locking) X(munlock, Locking) X(mlockall, Locking) X(munlockall, Locking) \
  X(brk, Mapping) X(sbrk, Mapping) \
  X(fork, Process) X(wait, Process) X(waitpid, Process) X(getpid, Process) X(getppid, Process) \
  X(getuid, Process) X(geteuid, Process) \
  X(execl, Process) X(execlp, Process) X(execv, Process) X(execvp, Process) \
  X(posix_spawn, Process) X(posix_spawnp, Process) X(spawnl, Process) X(spawnv, Process) \
  X(setrlimit, Limits) X(getrlimit, Limits) \
  X(sleep, Time) X(usleep, Time) X(nanosleep, Time) X(clock_gettime, Time) X(time, Time) \
  X(sysconf, Limits) X(getpagesize, Limits) X(ThreadCtl, Qnx) X(procmgr_ability, Qnx) \
  X(__zero, Text) X(__initcopy, Text) \
  X(getrusage, Limits) X(mallopt, Malloc) X(malloc_trim, Malloc) \
  X(sched_setscheduler, Sched) X(sched_getscheduler, Sched) X(sched_setparam, Sched) X(sched_getparam, Sched) \
  X(sched_get_priority_max, Sched) X(sched_get_priority_min, Sched) X(sched_setaffinity, Sched) \
  X(sched_yield, Sched) \
  X(clock_nanosleep, Time) X(clock_getres, Time) X(gettimeofday, Time) \
  X(getchar, File) X(pause, Time) X(read, File) X(write, File) X(pread, File) X(pwrite, File) \
  X(fsync, File) X(posix_fadvise, File) \
  X(memfd_create, File) X(mremap, Mapping) X(syscall, Process) X(gettid, Thread) \
  X(pthread_create, Thread) X(pthread_join, Thread) X(pthread_self, Thread) X(pthread_attr_init, Thread) \
  X(pthread_attr_destroy, Thread) X(pthread_attr_setstacksize, Thread) X(pthread_attr_getstacksize, Thread) \
  X(pthread_attr_setschedpolicy, Thread) X(pthread_attr_setschedparam, Thread) \
  X(pthread_attr_setinheritsched, Thread) X(__alloca, Thread) \
  X(getopt, Options) X(getopt_long, Options)

enum class Family : std::uint8_t {
  Output,   // printf & co. (builtins_text.cpp)
  Text,     // strings, memory copies, numbers (builtins_text.cpp)
  Malloc,   // glibc malloc (builtins_memory.cpp)
  Mapping,  // mmap, brk, madvise, ... (builtins_memory.cpp)
  File,     // descriptors and their bytes (builtins_memory.cpp, builtins_posix.cpp)
  Locking,  // mlock, mlock2, munlock, mlockall, munlockall (builtins_memory.cpp)
  Limits,   // rlimits, sysconf, getrusage
  Process,  // exit, fork, wait, exec, spawn (builtins_process.cpp, builtins_spawn.cpp)
  Time,     // sleeps and clocks
  Sched,    // sched_* (builtins_posix.cpp)
  Thread,   // pthreads (builtins_thread.cpp)
  Qnx,      // QNX Neutrino's ThreadCtl, procmgr_ability
  Options,  // getopt (builtins_getopt.cpp)
};

enum Builtin : int {
  BI_NONE = -1,  // not a library function (a death by signal, a step without a call)
#define PP_BI_ENUM(n, family) BI_##n,
  PP_BUILTINS(PP_BI_ENUM)
#undef PP_BI_ENUM
  BI_COUNT
};

// A function named as pthread_create's start routine becomes this tag | its index.
constexpr long long kThreadFnTag = 0x7f0d000000000000LL;

int builtin_id(const std::string& name);  // -1 when not a library function
const char* builtin_name(int id);         // "?" for BI_NONE
Family builtin_family(Builtin id);

// A lock call changes what is locked: the Locking family. The one definition the UI's
// "next lock call", the narration and real mode share.
bool is_lock_call(Builtin id);
// The calls whose ENOMEM/EPERM/EAGAIN may come from RLIMIT_MEMLOCK or a missing
// CAP_IPC_LOCK: the lock calls that lock, and the calls that map memory, which
// mlockall(MCL_FUTURE) locks as they map it.
bool may_hit_memlock_limit(Builtin id);
// Calls whose return value is an address or a pid: a real run's differs from the
// model's by construction, so only its kind (NULL, -1, a value) can be compared.
bool returns_address_or_pid(Builtin id);

// Real C/POSIX names (functions and types) the interpreter does not model: using one is
// reported as "pinpages does not model NAME yet" instead of a missing declaration.
bool not_modelled(const std::string& name);

// The headers that declare a library function ("sys/mman.h" for mlock), first the usual one.
std::vector<std::string> headers_declaring(const std::string& name);
// True when #include <inc> declares what <h> declares (pthread.h brings sched.h and time.h).
bool header_provides(const std::string& inc, const std::string& h);

}  // namespace pp::lang
