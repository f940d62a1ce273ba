//@ title The tutorial's mlockall example
//@ machine ram=1G swap=512M os=linux
//@ figures mlockall
//
// The first program of the tutorial, run as it is. The only things added are
// the //@ comments, the preallocation loop where the tutorial leaves
// "Insert code here", and one malloc during the real-time work (figure C).
// (Lesson 2 shows what pinned memory buys the real-time work: no faults.)
// Build it for real with:  gcc 01-mlockall.c -o mlockall_example
// and run it with sudo (500 MB is far above the default lock limit).

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#define SIZE 500

struct record {
    char name[128];
    int count;
    unsigned char dummy_array[1024000];
    struct record *next;
};

int main(void)
{
    struct record *a[SIZE];
    unsigned char *scratch;
    int i;

    //@ figure A
    //@ say The program has just started. Its code, its libraries, its data
    //@ say and its stack are all mapped, but nothing is pinned yet:
    //@ say the kernel may page any of it out whenever memory gets tight.
    //@ say Notice the array `a` of 500 pointers: it lives on the stack.
    //@ expect VmLck == 0
    printf("Program started\n");

    // Preallocate every record before the real-time part begins, so that
    // the real-time part never has to ask the system for memory.
    //@ step once
    //@ say Before the time-critical part starts, the program allocates all
    //@ say 500 records it will ever need. Each one is about 1 MB (1,024,144
    //@ say bytes). When the heap has no room for a request of 128 KiB or
    //@ say more (glibc's mmap threshold, which starts there and rises once
    //@ say the program frees such a block), malloc gives it a fresh mapping
    //@ say of its own; lying side by side, the 500 mappings merge into one
    //@ say region of roughly 500 MB.
    //@ say malloc only writes a small header at the start of each block, so
    //@ say almost none of those 500 MB is in RAM yet, and none is pinned.
    //@ expect VmLck == 0
    //@ expect a[0] locked=none resident=1
    //@ expect a[499] locked=none resident=1
    //@ expect VmSize >= 490M
    //@ expect VmRSS < 10M
    for (i = 0; i < SIZE; i++) {
        a[i] = malloc(sizeof(struct record));
        if (a[i] == NULL) {
            perror("malloc");
            return 1;
        }
    }

    //@ say The records exist, but they are not in RAM and not pinned.
    //@ say The next call will change both.
    printf("Pinning memory\n");

    //@ figure B
    //@ say mlockall(MCL_CURRENT | MCL_FUTURE) pins every page that is mapped
    //@ say right now: code, libraries, data, heap, stack and all 500 records
    //@ say (all but [vvar] and [vdso], two small regions the kernel provides
    //@ say and never locks). Pinned pages stay in RAM: the kernel will not
    //@ say page them out, neither to swap nor by dropping file pages.
    //@ say MCL_FUTURE also asks the kernel to pin whatever gets mapped later.
    //@ say VmLck, the kernel's count of locked memory, jumps from 0 to about
    //@ say half a gigabyte.
    //@ quiz After mlockall(MCL_CURRENT | MCL_FUTURE), how much of the 500 records is in RAM? | Only the header page of each record, as now | *All of it: about 500 MB, every page | None: locking only marks pages, it does not load them
    //@ explain Locking is a promise that touching the memory will never wait for
    //@ explain the disk. To keep that promise the kernel has to bring every page
    //@ explain into RAM right away, so the RAM the process uses (VmRSS) jumps by
    //@ explain about 500 MB in this one call.
    //@ expect ret == 0
    //@ expect VmLck >= 490M
    //@ expect VmRSS >= 490M
    //@ expect a[0] locked=all resident=all
    //@ expect a[499] locked=all resident=all
    //@ expect a locked=all resident=all
    if (mlockall(MCL_CURRENT | MCL_FUTURE) == -1) {
        perror("mlockall");
        return 1;
    }

    // Real-time work goes here. It needs a scratch buffer of 1 MiB.
    //@ figure C
    //@ say The real-time work asks for 1 MiB more. A request this large does
    //@ say not fit in the heap, so glibc maps a fresh region for it. Either
    //@ say way new pages appear in the address space, and because of
    //@ say MCL_FUTURE the kernel pins them the moment they are mapped, and
    //@ say fills them with RAM at once.
    //@ quiz The program mallocs 1 MiB after mlockall. What happens to those pages? | Nothing: only pages that existed at mlockall time are pinned | *They are pinned and in RAM immediately | They are pinned, but get RAM only when first touched
    //@ explain MCL_FUTURE makes every later mapping locked, and a locked mapping
    //@ explain is populated straight away. That is why a malloc under
    //@ explain MCL_FUTURE costs real RAM at once, even if you never touch it.
    //@ expect scratch locked=all resident=all
    //@ expect VmLck >= 491M
    scratch = malloc(1024 * 1024);
    if (scratch == NULL) {
        perror("malloc");
        return 1;
    }

    //@ say Time to clean up.
    printf("Cleaning up\n");

    //@ say munlockall() unpins everything and cancels MCL_FUTURE. Unpinning
    //@ say does not throw anything out of RAM: the pages simply become
    //@ say ordinary pages again that the kernel is allowed to page out.
    //@ expect VmLck == 0
    //@ expect VmRSS >= 490M
    //@ expect a[0] locked=none resident=all
    munlockall();

    return 0;
}
