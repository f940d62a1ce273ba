//@ title Without sudo: the lock limit, ENOMEM and EPERM
//@ machine ram=1G swap=512M os=linux
//
// The tutorial says its programs must run with sudo. This lesson shows why.
// It runs as an ordinary user (no CAP_IPC_LOCK) whose shell set the lock
// limit to 64 KiB, as if the user had typed `ulimit -l 64` first.
// To see the same thing for real:  gcc 06-no-sudo.c -o no_sudo
//   then, as an ordinary user:  (ulimit -l 64; ./no_sudo)

#include <stdio.h>
#include <errno.h>
#include <sys/mman.h>
#include <sys/resource.h>

#define KIB 1024

int main(void)
{
    struct rlimit rl;
    char *small;
    char *big;
    int ret;

    //@ sudo off
    //@ ulimit-l 64K
    //@ say This time the program runs as an ordinary user, without sudo.
    //@ say Such a process may lock only a little memory: RLIMIT_MEMLOCK,
    //@ say the limit that `ulimit -l` shows, here 64 KiB.
    //@ expect ret == 0
    ret = getrlimit(RLIMIT_MEMLOCK, &rl);
    printf("lock limit: %ld KiB\n", (long) rl.rlim_cur / KIB);

    //@ say Two regions to experiment with: `small` is 16 KiB, `big` 1 MiB.
    small = mmap(NULL, 16 * KIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    big = mmap(NULL, 1024 * KIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    //@ say Locking 16 KiB fits under the 64 KiB limit, so it works even
    //@ say without sudo.
    //@ expect ret == 0
    //@ expect small locked=all resident=all
    //@ expect VmLck == 16K
    ret = mlock(small, 16 * KIB);
    if (ret != 0) {
        perror("mlock 16 KiB");
    }

    //@ quiz Without sudo and with a 64 KiB limit, what does mlock of 1 MiB do? | Locks the first 64 KiB and stops | *Fails with ENOMEM and locks nothing | Succeeds: the limit is only a hint
    //@ explain The kernel checks the limit before it locks anything. Going over
    //@ explain it gives ENOMEM ("Cannot allocate memory"), a confusing name:
    //@ explain there is plenty of memory, the process is just not allowed to
    //@ explain pin that much of it.
    //@ expect ret == -1
    //@ expect errno == ENOMEM
    //@ say Now mlock of all of `big`, 1 MiB: far more than the 64 KiB allowed.
    //@ expect big locked=none
    //@ expect VmLck == 16K
    ret = mlock(big, 1024 * KIB);
    if (ret != 0) {
        perror("mlock 1 MiB");
    }

    //@ say mlockall(MCL_CURRENT) is worse: it compares the size of the WHOLE
    //@ say address space (VmSize: code, libraries, stack, heap) with the
    //@ say limit. Even a tiny program is a few MB, far above 64 KiB, so it
    //@ say fails with ENOMEM. The tutorial's 500 MB program has no chance
    //@ say under the usual default limit of a few MiB: hence sudo.
    //@ expect ret == -1
    //@ expect errno == ENOMEM
    //@ expect VmLck == 16K
    ret = mlockall(MCL_CURRENT);
    if (ret != 0) {
        perror("mlockall");
    }

    //@ say Unlocking never needs any permission.
    //@ expect ret == 0
    //@ expect VmLck == 0
    ret = munlock(small, 16 * KIB);

    //@ say Now the program lowers its own limit to 0. Any process may lower
    //@ say its limit; only a privileged one may raise it above the maximum.
    //@ expect ret == 0
    rl.rlim_cur = 0;
    ret = setrlimit(RLIMIT_MEMLOCK, &rl);

    //@ quiz The limit is now 0. What does mlock of 16 KiB return? | ENOMEM, as before | *EPERM: with a limit of 0 you may not lock at all | 0: 16 KiB is too small to count
    //@ explain With a limit of 0 and no CAP_IPC_LOCK the kernel refuses any
    //@ explain lock outright: EPERM, "Operation not permitted". ENOMEM means
    //@ explain "you may lock, but not that much".
    //@ expect ret == -1
    //@ say The same 16 KiB mlock that worked a moment ago, with a limit of 0.
    //@ expect errno == EPERM
    //@ expect small locked=none
    ret = mlock(small, 16 * KIB);
    if (ret != 0) {
        perror("mlock with limit 0");
    }

    //@ sudo on
    //@ say Finally the same call with sudo (CAP_IPC_LOCK). A privileged
    //@ say process ignores RLIMIT_MEMLOCK altogether: the lock succeeds
    //@ say despite the limit of 0. That is why the tutorial runs its
    //@ say examples with sudo.
    //@ expect ret == 0
    //@ expect errno == 0
    //@ expect big locked=all resident=all
    //@ expect VmLck == 1M
    ret = mlock(big, 1024 * KIB);
    if (ret != 0) {
        perror("mlock as root");
    }

    munlockall();
    munmap(small, 16 * KIB);
    munmap(big, 1024 * KIB);
    return 0;
}
