//@ title QNX Neutrino: unlocked, locked and superlocked memory
//@ machine ram=512M swap=0 os=qnx
//
// The same calls on QNX Neutrino (the system under BlackBerry PlayBook OS),
// which knows three levels of locking: unlocked, locked and superlocked.
// The program also shows MAP_LAZY and the lazy stack, locks after fork,
// posix_spawn and exec, and two processes locking the same shared memory.
// It compiles on Linux too (the QNX names are declared below), but only does
// what it teaches on QNX, or in pinpages with `os=qnx`.

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <spawn.h>
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
#define _NTO_TCTL_IO_PRIV 1
#define PROCMGR_ADN_NONROOT 0x20000000u
#define PROCMGR_AOP_ALLOW 0x00020000u
#define PROCMGR_AID_IO 31u
#define PROCMGR_AID_EOL 0xffffu
#endif

#ifndef MAP_LAZY
#define MAP_LAZY 0x80
#endif

#define PAGE 4096
#define SIZE (16 * PAGE)

// A function with a big local array: its frame lies deeper in the stack than
// anything the program used before.
static void fill_stack(void)
{
    char frame[SIZE];

    //@ quiz The process is superlocked. `frame` is a 64 KiB local array, on the stack, never used yet. Does filling it fault? | No: superlocking covers the whole address space | *Yes: the stack is lazy, its pages get memory on first use | Only the first page
    //@ explain A QNX thread stack is lazy by default: its pages get memory
    //@ explain only when first used, and that first use faults once per page,
    //@ explain superlock or not. A real-time thread touches its deepest stack
    //@ explain early (or is created with a non-lazy stack) so this happens
    //@ explain before the time-critical part.
    //@ say The stack is lazy, like a MAP_LAZY region: each page faults once,
    //@ say on its first use. After that it is set up completely, the way a
    //@ say superlocked page is.
    //@ expect frame level=lazy locked=all
    //@ expect minflt >= 8
    memset(frame, 0, sizeof frame);

    //@ say Filling it again takes no fault: the pages are ready now.
    //@ expect minflt == 0
    memset(frame, 1, sizeof frame);
}

int main(int argc, char *argv[])
{
    char *plain;
    char *pinned;
    char *shared;
    char *fresh;
    char *lazy;
    char value;
    char *spawn_args[3];
    int pid;
    int status;
    int ret;

    if (argc > 1) {
        //@ say A fresh image of this program, started by exec (which replaced
        //@ say the old image) or by posix_spawn (in a new child). No lock
        //@ say comes along, not even the superlock.
        //@ expect VmLck == 0
        printf("fresh image: %s\n", argv[1]);
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

    //@ say ...and locked with mlock. It will never be paged out or in: its
    //@ say pages are set up now, but still without page-table entries.
    //@ expect ret == 0
    //@ expect pinned locked=all level=locked
    ret = mlock(pinned, SIZE);

    //@ quiz `pinned` is locked. Does the first read of it cause a page fault? | No: locked memory never faults | *Yes: QNX still faults once per page, to keep usage statistics | Only if memory is short
    //@ explain Locked only means "never paged". The first access to each page
    //@ explain still faults, so that QNX can keep track of which pages are used
    //@ explain and changed. No disk is involved, but it is a delay.
    //@ say The first read of a locked page faults: QNX creates the
    //@ say page-table entry now, to count the use.
    //@ expect minflt >= 1
    //@ expect majflt == 0
    value = pinned[0];

    //@ say The first write faults once more: a page you mapped PROT_WRITE is
    //@ say really read-only until then, so that a private page can be given
    //@ say its own copy at the moment it changes.
    //@ expect minflt >= 1
    //@ expect majflt == 0
    pinned[0] = value + 1;

    // ---- Two processes locking the same memory ------------------------------
    //@ say Now two processes and one shared region. The parent maps
    //@ say `shared` (MAP_SHARED) and locks it.
    shared = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

    //@ expect ret == 0
    //@ expect shared locked=all
    ret = mlock(shared, SIZE);

    //@ say fork: the child shares `shared` with its parent but, as on Linux,
    //@ say inherits no locks at all.
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
        //@ say The child unlocks. Its own count of locked memory drops to 0,
        //@ say but the pages stay locked: the parent still holds its lock.
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
    //@ say Level 3, superlocked, a QNX extension. It comes with I/O
    //@ say privilege, which needs the PROCMGR_AID_IO ability. Root has it
    //@ say already; this call only keeps it for the day the program stops
    //@ say being root (the non-root domain). procmgr_ability returns EOK, 0.
    //@ expect ret == 0
    ret = procmgr_ability(0, PROCMGR_ADN_NONROOT | PROCMGR_AOP_ALLOW | PROCMGR_AID_IO, PROCMGR_AID_EOL);

    //@ say ThreadCtl(_NTO_TCTL_IO_PRIV, 0) asks for I/O privilege. From now
    //@ say on the whole address space is superlocked: every page is set up,
    //@ say made private and given its final permissions at once.
    //@ expect ret == 0
    //@ expect plain locked=all level=superlocked
    //@ expect VmLck > 0
    ret = ThreadCtl(_NTO_TCTL_IO_PRIV, 0);
    if (ret == -1) {
        perror("ThreadCtl");
        return 1;
    }

    //@ say `plain` took a fault on its first access while it was unlocked.
    //@ say Superlocked now, its other pages are ready: writing all of them
    //@ say takes no fault.
    //@ expect minflt == 0
    memset(plain, 2, SIZE);

    //@ say A region mapped now is ready the moment mmap returns...
    //@ expect fresh locked=all resident=all
    fresh = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    //@ say ...so writing to it takes no page fault at all, not even the
    //@ say first time. That is what superlocking buys.
    //@ expect minflt == 0
    //@ expect majflt == 0
    fresh[0] = 1;

    // ---- posix_spawn -----------------------------------------------------------
    spawn_args[0] = argv[0];
    spawn_args[1] = "spawned";
    spawn_args[2] = NULL;

    //@ say posix_spawn starts a program in a new child process (here this
    //@ say program again). Like a child of fork, it starts with no locks:
    //@ say the superlock belongs to this process alone.
    //@ expect ret == 0
    //@ expect child: VmLck == 0
    ret = posix_spawn(&pid, argv[0], NULL, NULL, spawn_args, NULL);
    if (ret != 0) {
        printf("posix_spawn failed: %d\n", ret);
        return 1;
    }

    //@ say The parent waits for it.
    waitpid(pid, &status, 0);

    // ---- The stack --------------------------------------------------------------
    //@ say A function with a local array of `SIZE` bytes is called, in the
    //@ say superlocked process.
    fill_stack();

    // ---- MAP_LAZY ----------------------------------------------------------------
    //@ quiz The process is superlocked. A region is mapped with MAP_LAZY. Is it in RAM now? | *No: MAP_LAZY memory gets RAM only when first used, whatever the locking level | Yes: superlocking covers every mapping at once | Yes, but it is not locked
    //@ explain MAP_LAZY asks for memory to be set up only when it is first
    //@ explain referenced. That first reference faults, even when superlocked.
    //@ explain Touching a fresh MAP_LAZY area with interrupts disabled or in
    //@ explain an interrupt handler is a programmer error: the fault cannot
    //@ explain be serviced there.
    //@ say A MAP_LAZY region is mapped: it has no memory behind it yet, so
    //@ say none of it counts as locked.
    //@ expect lazy resident=none locked=none level=lazy
    lazy = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LAZY, -1, 0);

    //@ say The first reference to a MAP_LAZY page faults, superlock or not,
    //@ say and sets the page up completely: here a read...
    //@ expect minflt == 1
    value = lazy[0];

    //@ say ...so the write that follows takes no second fault.
    //@ expect minflt == 0
    //@ expect lazy locked=1
    lazy[0] = value + 1;

    //@ say Last, exec: the program replaces itself with a new copy of
    //@ say itself. Locks last until unlock, exit or exec.
    execl(argv[0], argv[0], "after-exec", (char *) NULL);
    perror("execl");
    return 1;
}
