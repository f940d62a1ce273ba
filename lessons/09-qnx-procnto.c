//@ title QNX: superlocking every process with procnto -mL
//@ machine ram=512M swap=0 os=qnx procnto=mL
//
// On QNX the process manager, procnto, can be started with an option that
// locks memory for every program on the system:
//   procnto -ml   locks all memory of all programs (never paged; the first
//                 write to a page may still fault),
//   procnto -mL   superlocks it (no faults at all, except MAP_LAZY areas).
// This machine was booted with -mL. The program below never calls mlock,
// yet its memory behaves as superlocked.

#include <stdio.h>
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

    //@ say This QNX system runs `procnto -mL`: every program is superlocked
    //@ say from the start, without calling mlock or asking for privileges.
    printf("no mlock in this program\n");

    //@ say A plain mmap: the region is set up, private and pinned before
    //@ say mmap returns.
    //@ expect data locked=all resident=all
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

    //@ say MAP_LAZY is the one exception: such a region gets memory only when
    //@ say it is first touched, whatever procnto was told.
    //@ expect lazy resident=none
    lazy = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LAZY, -1, 0);

    //@ say So the first touch faults. On a system booted with -mL, MAP_LAZY
    //@ say is how a program opts out of paying for memory up front.
    //@ expect minflt >= 1
    lazy[0] = 1;

    munmap(lazy, SIZE);
    munmap(data, SIZE);
    return 0;
}
