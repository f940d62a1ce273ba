// pinpages lang — the C library the interpreter implements (declared in the prelude).
#pragma once

#include <string>

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

enum Builtin : int {
#define PP_BI_ENUM(n) BI_##n,
  PP_BUILTINS(PP_BI_ENUM)
#undef PP_BI_ENUM
  BI_COUNT
};

int builtin_id(const std::string& name);  // -1 when not a library function
const char* builtin_name(int id);

}  // namespace pp::lang
