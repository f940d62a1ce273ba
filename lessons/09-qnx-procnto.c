//@ title QNX: superlocking every process with procnto -mL
//@ machine ram=512M swap=0 os=qnx procnto=mL
//
// On QNX the process manager, procnto, can be started with an option that
// locks memory for every program on the system:
//   procnto -ml   locks all memory of all programs (never paged; every page
//                 outside lazy memory is set up, but the first access still
//                 faults, and the first write too: pages stay read-only
//                 until written),
//   procnto -mL   superlocks it (no faults, except in lazy memory: MAP_LAZY
//                 regions and thread stacks, which get memory on first use).
// This machine was booted with -mL. The program below never calls mlock,
// yet its memory behaves as superlocked. It is a system policy: the program
// cannot undo it with munlock or munlockall.

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#ifndef MAP_LAZY
#define MAP_LAZY 0x80
#endif

#define PAGE 4096
#define SIZE (16 * PAGE)

int main(void)
{
    char *data;
    char *lazy;
    char frame[8 * PAGE];
    int ret;

    //@ say This QNX system runs `procnto -mL`: every program is superlocked
    //@ say from the start, without calling mlock or asking for privileges.
    printf("no mlock in this program\n");

    //@ say A plain mmap: the region is set up, private and pinned before
    //@ say mmap returns.
    //@ expect data locked=all resident=all level=superlocked
    //@ expect VmLck > 0
    data = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    //@ quiz With procnto -mL, does the first write to `data` fault (stop while the system sets the page up)? | *No: superlocked pages are ready and writable from the start | Yes: the first write always faults on QNX | Yes, unless the program called mlock
    //@ explain Superlocking means no faults at all. With -ml (small L) the pages
    //@ explain would be locked but still read-only until their first write,
    //@ explain so that first write would fault.
    //@ say The first write to `data`: no fault, no waiting.
    //@ expect minflt == 0
    //@ expect majflt == 0
    data[0] = 1;

    //@ say munlockall cannot escape the system's policy: it returns 0, and
    //@ say the memory stays superlocked.
    //@ expect ret == 0
    //@ expect data locked=all level=superlocked
    ret = munlockall();
    if (ret != 0) {
        perror("munlockall");
        return 1;
    }

    //@ say The stack is lazy, as QNX thread stacks are by default: a local
    //@ say array the program has not used yet faults once per page, on first
    //@ say use, even with -mL.
    //@ expect frame level=lazy
    //@ expect minflt >= 1
    memset(frame, 0, sizeof frame);

    //@ say MAP_LAZY is the other exception: such a region gets memory only
    //@ say when it is first referenced, whatever procnto was told.
    //@ expect lazy resident=none level=lazy
    lazy = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LAZY, -1, 0);

    //@ say So the first touch faults. On a system booted with -mL, MAP_LAZY
    //@ say is how a program opts out of paying for memory up front, at the
    //@ say price of a fault where it first uses the page: never do that with
    //@ say interrupts disabled or in an interrupt handler.
    //@ expect minflt >= 1
    lazy[0] = 1;

    munmap(lazy, SIZE);
    munmap(data, SIZE);
    return 0;
}
