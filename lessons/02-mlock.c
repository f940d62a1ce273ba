//@ title The tutorial's mlock example
//@ machine ram=1G swap=512M os=linux
//@ figures mlock
//
// The second program of the tutorial: pin one buffer, not the whole process.
// Added to it: the //@ comments, a first line of output (so there is a step
// to show before anything is pinned) and a loop standing in for the
// real-time work. Build it for real with:  gcc 02-mlock.c -o mlock_example

#include <stdio.h>
#include <sys/mman.h>

// A global array with no initial value: the compiler puts it in .bss, the
// part of the data segment that starts out as zeros. 2048 doubles = 16 KiB.
double buffer[2048];

int main(void)
{
    int i;

    //@ figure A
    //@ say `buffer` is a global array of 2048 doubles, `16 KiB`. It sits in the
    //@ say read/write data segment (.bss, the part that starts as zeros).
    //@ say Nothing has written to it yet, so most of its pages have no RAM
    //@ say yet, and nothing is pinned: any page of it that is in RAM may be
    //@ say paged out whenever the kernel needs the memory.
    //@ expect VmLck == 0
    //@ expect buffer locked=none
    printf("buffer holds %d doubles\n", 2048);

    //@ quiz buffer is 16 KiB, the size of 4 pages. mlock works on whole pages. Which pages will it pin? | Only the pages that lie entirely inside buffer | *Every page that holds at least one byte of buffer | Every page of the data segment
    //@ explain mlock pins every page that holds at least one byte of the range.
    //@ explain In this run buffer starts exactly on a page boundary, so that is
    //@ explain 4 pages, as the figure shows. Nothing makes a global array start
    //@ explain there, though: built with gcc on our test machine it began 96
    //@ explain bytes into a page, its 16 KiB touched 5 pages (part of one, 3
    //@ explain whole ones, part of another), and VmLck showed 20 kB.
    //@ figure B
    //@ say mlock(buffer, 2048 * sizeof(double)) pins this buffer. The
    //@ say kernel rounds the range out to whole pages, gives each page RAM
    //@ say and marks it locked, so whatever else shares the first and last
    //@ say page of `buffer` is pinned with it. The rest of the process stays
    //@ say unpinned.
    //@ say VmLck, the kernel's count of locked memory, grows to match.
    //@ expect ret == 0
    //@ expect buffer locked=all resident=all
    //@ expect VmLck >= 16K
    //@ expect VmLck <= 20K
    if (mlock(buffer, 2048 * sizeof(double)) == -1) {
        perror("mlock");
        return 1;
    }
    printf("buffer is locked in RAM\n");

    // The real-time work: it may use buffer without ever waiting for a page.
    //@ step once
    //@ say The real-time work writes every element of buffer. Because mlock
    //@ say already gave each page RAM (and made it writable), not a single
    //@ say page fault happens (a page fault is a pause while the kernel
    //@ say supplies a page that is not ready): no waiting, however tight
    //@ say memory gets.
    //@ expect minflt == 0
    //@ expect majflt == 0
    for (i = 0; i < 2048; i++) {
        buffer[i] = i * 0.5;
    }

    //@ say munlock(buffer, 2048 * sizeof(double)) removes the pin. The data
    //@ say stays in RAM for now; the kernel is simply allowed to page it
    //@ say out again if it needs the memory.
    //@ expect ret == 0
    //@ expect VmLck == 0
    //@ expect buffer locked=none resident=all
    if (munlock(buffer, 2048 * sizeof(double)) == -1) {
        perror("munlock");
        return 1;
    }
    printf("buffer is unlocked\n");

    return 0;
}
