//@ title QNX Neutrino: unlocked, locked and superlocked memory
//@ machine ram=512M swap=0 os=qnx
//
// The same calls on QNX Neutrino (the system under BlackBerry PlayBook OS),
// which knows three levels of locking: unlocked, locked and superlocked.
// The program also shows MAP_LAZY, locks after fork and exec, and two
// processes locking the same shared memory.
// It compiles on Linux too (the QNX names are declared below), but only does
// what it teaches on QNX, or in pinpages with `os=qnx`.

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#ifdef __QNX__
#include <sys/neutrino.h>
#include <sys/procmgr.h>
#else
// Not on QNX: declare what <sys/neutrino.h> and <sys/procmgr.h> provide,
// with QNX's values, so that any C compiler accepts this file.
int ThreadCtl(int cmd, void *data);
int procmgr_ability(pid_t pid, unsigned ability, ...);
#define _NTO_TCTL_IO 14
#define PROCMGR_ADN_ROOT 0x10000000u
#define PROCMGR_AOP_ALLOW 0x00020000u
#define PROCMGR_AID_IO 31u
#define PROCMGR_AID_EOL 0xffffu
#endif

#ifndef MAP_LAZY
#define MAP_LAZY 0x80
#endif

#define PAGE 4096
#define SIZE (16 * PAGE)

int main(int argc, char *argv[])
{
    char *plain;
    char *pinned;
    char *shared;
    char *fresh;
    char *lazy;
    int pid;
    int status;
    int ret;

    if (argc > 1) {
        //@ say The program was replaced by exec: a fresh image of the same
        //@ say program. Every lock, including the superlock, ended with the
        //@ say old image.
        //@ expect VmLck == 0
        printf("after exec: %s\n", argv[1]);
        return 0;
    }

    // ---- Level 1: unlocked -------------------------------------------------
    //@ say Level 1, unlocked. On QNX, mmap sets memory aside for `plain` at
    //@ say once, but creates no page-table entries for it yet.
    //@ expect plain locked=none
    //@ expect VmLck == 0
    plain = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    //@ say The first access to the page therefore faults: the thread waits
    //@ say (QNX calls this state WAITPAGE) while the memory manager sets the
    //@ say page up. Unlocked memory may also be paged out and in again later.
    //@ expect minflt >= 1
    plain[0] = 1;

    // ---- Level 2: locked -----------------------------------------------------
    //@ say Level 2, locked. A second region, `pinned`, is mapped...
    pinned = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    //@ say ...and locked with mlock. It will never be paged out or in.
    //@ expect ret == 0
    //@ expect pinned locked=all
    ret = mlock(pinned, SIZE);

    //@ quiz `pinned` is locked. Does the first write to it cause a page fault? | No: locked memory never faults | *Yes: QNX maps locked pages read-only until the first write | Only if memory is short
    //@ explain Locked only means "never paged". QNX still takes a fault on the
    //@ explain first write to each page: the page is mapped read-only until
    //@ explain then, so the system can notice the change (and give a private
    //@ explain mapping its own copy). No disk is involved, but it is a delay.
    //@ say The first write to a locked page faults anyway: QNX maps it
    //@ say read-only until the first write, to keep track of changes.
    //@ expect minflt >= 1
    //@ expect majflt == 0
    pinned[0] = 1;

    // ---- Two processes locking the same memory ------------------------------
    //@ say Now two processes and one shared region. The parent maps
    //@ say `shared` (MAP_SHARED) and locks it.
    shared = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

    //@ expect ret == 0
    //@ expect shared locked=all
    ret = mlock(shared, SIZE);

    //@ say fork: the child shares `shared` with its parent but, as on Linux,
    //@ say inherits no locks at all. (The same holds for a child started with
    //@ say posix_spawn or QNX's spawn.)
    //@ expect child: VmLck == 0
    pid = fork();
    if (pid == -1) {
        perror("fork");
        return 1;
    }

    if (pid == 0) {
        //@ say The child locks the same region too. Two processes now hold a
        //@ say lock on the same memory.
        //@ expect ret == 0
        ret = mlock(shared, SIZE);

        //@ quiz The child unlocks `shared`, but the parent still has it locked. Is the memory still locked? | No: the last munlock wins | *Yes: it stays locked until every process that locked it has unlocked it | Only the child's copy is unlocked
        //@ explain Locks from different processes add up: the region stays
        //@ explain locked while at least one of them holds a lock. (Within one
        //@ explain process they don't: one unlock undoes them all.)
        //@ say The child unlocks. Its own count of locked memory (VmLck) drops
        //@ say to 0, but the pages stay locked: the parent still holds its lock.
        //@ expect ret == 0
        //@ expect VmLck == 0
        //@ expect shared locked=all
        ret = munlock(shared, SIZE);
        exit(0);
    }

    //@ say The parent waits for the child.
    waitpid(pid, &status, 0);

    //@ say Now the parent unlocks as well: the last lock is gone.
    //@ expect ret == 0
    //@ expect shared locked=none
    ret = munlock(shared, SIZE);

    // ---- Level 3: superlocked ------------------------------------------------
    //@ say Level 3, superlocked, a QNX extension. It needs I/O privileges:
    //@ say first the process keeps the PROCMGR_AID_IO ability...
    //@ expect ret == 0
    ret = procmgr_ability(0, PROCMGR_ADN_ROOT | PROCMGR_AOP_ALLOW | PROCMGR_AID_IO, PROCMGR_AID_EOL);

    //@ say ...then ThreadCtl(_NTO_TCTL_IO, 0) asks for I/O privilege. From
    //@ say now on the whole address space is superlocked: every page is
    //@ say set up, made private and given its final permissions at once.
    //@ expect ret != -1
    //@ expect plain locked=all
    //@ expect VmLck > 0
    ret = ThreadCtl(_NTO_TCTL_IO, 0);
    if (ret == -1) {
        perror("ThreadCtl");
        return 1;
    }

    //@ say A region mapped now is ready the moment mmap returns...
    //@ expect fresh locked=all resident=all
    fresh = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    //@ say ...so writing to it takes no page fault at all, not even the
    //@ say first time. That is what superlocking buys.
    //@ expect minflt == 0
    //@ expect majflt == 0
    fresh[0] = 1;

    // ---- MAP_LAZY ----------------------------------------------------------------
    //@ quiz The process is superlocked. A region is mapped with MAP_LAZY. Is it in RAM now? | *No: MAP_LAZY memory gets RAM only when first used, whatever the locking level | Yes: superlocking covers every mapping at once | Yes, but it is not locked
    //@ explain MAP_LAZY asks for memory to be set up only when it is first
    //@ explain touched. That first touch faults, even when superlocked, so
    //@ explain never touch a fresh MAP_LAZY area where you cannot afford to
    //@ explain wait, such as with interrupts disabled or in an interrupt handler.
    //@ say A MAP_LAZY region is mapped: it has no memory behind it yet.
    //@ expect lazy resident=none
    lazy = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LAZY, -1, 0);

    //@ say The first touch of a MAP_LAZY page faults, superlock or not.
    //@ expect minflt >= 1
    lazy[0] = 1;

    //@ say Last, exec: the program replaces itself with a new copy of
    //@ say itself. Locks last until unlock, exit or exec.
    execl(argv[0], argv[0], "after-exec", (char *) NULL);
    perror("execl");
    return 1;
}
