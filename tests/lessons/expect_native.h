/* Runtime for checking a lesson's //@ expect facts on the REAL kernel.
 *
 * gcc_run.sh force-includes this file (gcc -include) into a copy of a lesson
 * that expect_native.awk has instrumented:
 *
 *     //@ expect buffer locked=all
 *     if (mlock(buffer, n) == -1) {   ──►  pp_step_begin(); if (mlock(buffer, n) == -1) {
 *         ...                              ...
 *     }                                    } { if (!pp_forked_child) { pp_obj(40, "buffer locked=all",
 *                                              PP_ADDR(buffer), PP_SIZE(buffer), "locked", -1); }
 *                                              else { child: facts, checked by the new child } }
 *
 * The calls that matter are wrapped in macros (below) so that `ret` and
 * `errno` are those of the last call the statement made, and so that the size
 * of every malloc/mmap block is known (a pointer object means its block).
 * Each fact prints "pp-expect ok|FAIL LINE: fact (actual ...)" on stderr.
 * Facts are measured exactly as /proc shows them: VmLck/VmRSS/VmSize from
 * /proc/self/status, resident pages from mincore(), locked pages = resident
 * pages inside a VMA whose smaps VmFlags carry `lo`.
 *
 * Every system header a lesson may include is included first, so that the
 * wrapper macros do not touch the headers' own declarations.
 */
#ifndef PP_EXPECT_NATIVE_H
#define PP_EXPECT_NATIVE_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

static long pp_ret;
static int pp_errno;
static pid_t pp_child;
static long pp_min0, pp_maj0;
static int pp_failed;
static int pp_forked_child; /* this process is the child of the current step's fork */

#define PP_MAX_BLOCKS 4096
static const void *pp_block_addr[PP_MAX_BLOCKS];
static size_t pp_block_len[PP_MAX_BLOCKS];
static int pp_nblocks;

static long pp_r(long v)
{
    pp_ret = v;
    pp_errno = errno;
    return v;
}

static void *pp_track(void *p, size_t n)
{
    pp_ret = (long) p;
    pp_errno = errno;
    if (p != NULL && p != MAP_FAILED && pp_nblocks < PP_MAX_BLOCKS) {
        pp_block_addr[pp_nblocks] = p;
        pp_block_len[pp_nblocks] = n;
        pp_nblocks++;
    }
    return p;
}

static pid_t pp_fork(pid_t pid)
{
    pp_r(pid);
    if (pid > 0)
        pp_child = pid;
    if (pid == 0) {
        /* The facts of the fork step belong to the parent. */
        pp_child = 0;
        pp_forked_child = 1;
    }
    return pid;
}

static size_t pp_block_size(const void *p)
{
    int i;
    for (i = pp_nblocks - 1; i >= 0; i--)
        if (pp_block_addr[i] == p)
            return pp_block_len[i];
    return 0;
}

/* An object: a pointer stands for its block, anything else for itself. */
#define PP_ISPTR(x) __builtin_types_compatible_p(__typeof__(x), __typeof__(&*(x)))
#define PP_ADDR(x)  ((const void *) (x))
#define PP_SIZE(x)  (PP_ISPTR(x) ? pp_block_size((const void *) (x)) : sizeof(x))

static void pp_step_begin(void)
{
    struct rusage ru;
    pp_forked_child = 0;
    getrusage(RUSAGE_SELF, &ru);
    pp_min0 = ru.ru_minflt;
    pp_maj0 = ru.ru_majflt;
}

static int pp_cmp(long a, const char *op, long b)
{
    if (strcmp(op, "==") == 0) return a == b;
    if (strcmp(op, "!=") == 0) return a != b;
    if (strcmp(op, "<") == 0) return a < b;
    if (strcmp(op, "<=") == 0) return a <= b;
    if (strcmp(op, ">") == 0) return a > b;
    if (strcmp(op, ">=") == 0) return a >= b;
    return 0;
}

static void pp_report(int line, const char *fact, int ok, const char *actual)
{
    fprintf(stderr, "pp-expect %s %d: %s (pid %d: %s)\n", ok ? "ok  " : "FAIL", line, fact, (int) getpid(), actual);
    if (!ok)
        pp_failed = 1;
}

/* kB value of a /proc/PID/status field, in bytes; -1 if missing. */
static long pp_status_bytes(pid_t pid, const char *field)
{
    char path[64], line[256];
    long v = -1;
    size_t n = strlen(field);
    FILE *f;
    if (pid == 0)
        snprintf(path, sizeof path, "/proc/self/status");
    else
        snprintf(path, sizeof path, "/proc/%d/status", (int) pid);
    f = fopen(path, "r");
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, field, n) == 0 && line[n] == ':')
            v = strtol(line + n + 1, NULL, 10) * 1024;
    fclose(f);
    return v;
}

static void pp_status(int line, const char *fact, int child, const char *field, const char *op, long bytes)
{
    char buf[96];
    long v;
    pid_t pid = 0;
    if (child && !pp_forked_child) {
        /* A child: fact on a later step than the fork: read the child's status. */
        if (pp_child <= 0) {
            pp_report(line, fact, 0, "no child has been forked");
            return;
        }
        pid = pp_child;
    }
    v = pp_status_bytes(pid, field);
    snprintf(buf, sizeof buf, "%s %ld kB", field, v / 1024);
    pp_report(line, fact, v >= 0 && pp_cmp(v, op, bytes), buf);
}

static void pp_num(int line, const char *fact, const char *what, const char *op, long want)
{
    char buf[96];
    long v;
    struct rusage ru;
    if (strcmp(what, "ret") == 0) {
        v = pp_ret;
    } else if (strcmp(what, "errno") == 0) {
        v = pp_errno;
    } else {
        getrusage(RUSAGE_SELF, &ru);
        v = strcmp(what, "minflt") == 0 ? ru.ru_minflt - pp_min0 : ru.ru_majflt - pp_maj0;
    }
    snprintf(buf, sizeof buf, "%s %ld", what, v);
    pp_report(line, fact, pp_cmp(v, op, want), buf);
}

/* want: -1 = all, otherwise a page count (none = 0). */
static void pp_obj(int line, const char *fact, const void *addr, size_t len, const char *what, long want)
{
    unsigned long s = (unsigned long) addr & ~4095UL;
    unsigned long e = ((unsigned long) addr + len + 4095) & ~4095UL;
    size_t n = (e - s) / 4096, i;
    unsigned char *vec;
    long resident = 0, locked = 0, got;
    char buf[128], l[512];
    unsigned long vs = 0, ve = 0;
    FILE *f;
    if (len == 0) {
        pp_report(line, fact, 0, "size of the object unknown");
        return;
    }
    vec = calloc(n, 1);
    if (vec == NULL || mincore((void *) s, e - s, vec) != 0) {
        pp_report(line, fact, 0, "mincore failed");
        free(vec);
        return;
    }
    for (i = 0; i < n; i++)
        resident += vec[i] & 1;
    f = fopen("/proc/self/smaps", "r");
    while (f != NULL && fgets(l, sizeof l, f) != NULL) {
        unsigned long a, b;
        char *dash = strchr(l, '-'), *space = strchr(l, ' ');
        if (dash != NULL && space != NULL && dash < space && sscanf(l, "%lx-%lx ", &a, &b) == 2) {
            vs = a;
            ve = b;
        } else if (strncmp(l, "VmFlags:", 8) == 0 && strstr(l, " lo") != NULL) {
            unsigned long lo = vs > s ? vs : s, hi = ve < e ? ve : e, q;
            for (q = lo; q < hi; q += 4096)
                locked += vec[(q - s) / 4096] & 1;
        }
    }
    if (f != NULL)
        fclose(f);
    free(vec);
    got = strcmp(what, "locked") == 0 ? locked : resident;
    snprintf(buf, sizeof buf, "%zu pages, %ld resident, %ld locked", n, resident, locked);
    pp_report(line, fact, want < 0 ? got == (long) n : got == want, buf);
}

static void pp_skip(int line, const char *fact, const char *why)
{
    fprintf(stderr, "pp-expect skip %d: %s (%s)\n", line, fact, why);
}

__attribute__((destructor)) static void pp_expect_exit(void)
{
    if (pp_failed) {
        fflush(stdout);
        _exit(98);
    }
}

/* Create the malloc heap and stdio's buffers now, before main: the checks
 * below use stdio, and under MCL_FUTURE a heap created later would be locked
 * and counted in VmLck, changing what the lesson measures. */
__attribute__((constructor)) static void pp_expect_init(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (f != NULL)
        fclose(f);
}

/* The wrapped calls (defined last, so the helpers above call the real ones): errno is cleared first, so "errno == 0" means success. */
#define mlock(...)      (errno = 0, (int) pp_r(mlock(__VA_ARGS__)))
#define mlock2(...)     (errno = 0, (int) pp_r(mlock2(__VA_ARGS__)))
#define munlock(...)    (errno = 0, (int) pp_r(munlock(__VA_ARGS__)))
#define mlockall(...)   (errno = 0, (int) pp_r(mlockall(__VA_ARGS__)))
#define munlockall()    (errno = 0, (int) pp_r(munlockall()))
#define madvise(...)    (errno = 0, (int) pp_r(madvise(__VA_ARGS__)))
#define munmap(...)     (errno = 0, (int) pp_r(munmap(__VA_ARGS__)))
#define mprotect(...)   (errno = 0, (int) pp_r(mprotect(__VA_ARGS__)))
#define getrlimit(...)  (errno = 0, (int) pp_r(getrlimit(__VA_ARGS__)))
#define setrlimit(...)  (errno = 0, (int) pp_r(setrlimit(__VA_ARGS__)))
#define mmap(a, l, ...) (errno = 0, pp_track(mmap(a, l, __VA_ARGS__), (l)))
#define malloc(n)       (errno = 0, pp_track(malloc(n), (n)))
#define calloc(n, s)    (errno = 0, pp_track(calloc(n, s), (size_t) (n) * (s)))
#define fork()          (errno = 0, pp_fork(fork()))

#endif
