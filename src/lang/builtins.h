// pinpages lang — the C library the interpreter implements (declared in the prelude).
#pragma once

#include <string>
#include <vector>

namespace pp::lang {

#define PP_BUILTINS(X) \
  X(printf) X(fprintf) X(puts) X(putchar) X(perror) X(snprintf) X(sprintf) X(fflush) X(strerror) \
  X(strlen) X(strcpy) X(strncpy) X(strcat) X(strcmp) X(strncmp) X(memcmp) X(memset) X(memcpy) X(memmove) \
  X(atoi) X(atol) X(strtol) X(strtoul) X(abs) X(labs) X(rand) X(srand) \
  X(exit) X(_exit) X(abort) \
  X(malloc) X(calloc) X(realloc) X(free) \
  X(mmap) X(munmap) X(mprotect) X(open) X(close) X(ftruncate) X(unlink) X(madvise) X(mincore) \
  X(mlock) X(mlock2) X(munlock) X(mlockall) X(munlockall) X(brk) X(sbrk) \
  X(fork) X(wait) X(waitpid) X(getpid) X(getppid) X(getuid) X(geteuid) \
  X(execl) X(execlp) X(execv) X(execvp) X(posix_spawn) X(posix_spawnp) X(spawnl) X(spawnv) \
  X(setrlimit) X(getrlimit) X(sleep) X(usleep) X(nanosleep) X(clock_gettime) X(time) \
  X(sysconf) X(getpagesize) X(ThreadCtl) X(procmgr_ability) \
  X(__zero) X(__initcopy)

// POSIX/glibc calls of real-world memory-locking programs (builtins_posix.cpp).
#define PP_BUILTINS_POSIX(X) \
  X(getrusage) X(mallopt) X(malloc_trim) \
  X(sched_setscheduler) X(sched_getscheduler) X(sched_setparam) X(sched_getparam) \
  X(sched_get_priority_max) X(sched_get_priority_min) X(sched_setaffinity) X(sched_yield) \
  X(clock_nanosleep) X(clock_getres) X(gettimeofday) \
  X(getchar) X(pause) X(read) X(write) X(pread) X(pwrite) X(fsync) X(posix_fadvise) \
  X(memfd_create) X(mremap) X(syscall) X(gettid) \
  X(pthread_create) X(pthread_join) X(pthread_self) X(pthread_attr_init) X(pthread_attr_destroy) \
  X(pthread_attr_setstacksize) X(pthread_attr_getstacksize) X(pthread_attr_setschedpolicy) \
  X(pthread_attr_setschedparam) X(pthread_attr_setinheritsched) X(__alloca) \
  X(getopt) X(getopt_long)

enum Builtin : int {
#define PP_BI_ENUM(n) BI_##n,
  PP_BUILTINS(PP_BI_ENUM)
  PP_BUILTINS_POSIX(PP_BI_ENUM)
#undef PP_BI_ENUM
  BI_COUNT
};

// A function named as pthread_create's start routine becomes this tag | its index.
constexpr long long kThreadFnTag = 0x7f0d000000000000LL;

int builtin_id(const std::string& name);  // -1 when not a library function
const char* builtin_name(int id);

// Real C/POSIX names (functions and types) the interpreter does not model: using one is
// reported as "pinpages does not model NAME yet" instead of a missing declaration.
bool not_modelled(const std::string& name);

// The headers that declare a library function ("sys/mman.h" for mlock), first the usual one.
std::vector<std::string> headers_declaring(const std::string& name);
// True when #include <inc> declares what <h> declares (pthread.h brings sched.h and time.h).
bool header_provides(const std::string& inc, const std::string& h);

}  // namespace pp::lang
