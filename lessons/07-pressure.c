//@ title Memory pressure: why real-time code pins its pages
//@ machine ram=64M swap=64M os=linux
//
// A small machine (64 MB of RAM, 64 MB of swap) runs our program, which has
// two 16 MiB buffers: `pinned` is locked with mlock, `loose` is not. Then
// another program grabs 40 MB. The kernel must find room, and it may only
// take it from memory that is not locked.
// The //@ pressure lines stand for that other program, so on a real machine
// (which may have no swap at all) only the pinned half behaves as shown.

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

#define MIB (1024 * 1024)
#define SIZE (16 * MIB)
#define PAGE 4096

int main(void)
{
    char *pinned;
    char *loose;
    struct timespec t0;
    struct timespec t1;
    long us;
    long i;
    int ret;

    //@ say Two buffers of 16 MiB each. `pinned` is mapped first.
    pinned = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    //@ say mlock gives every page of `pinned` RAM and pins it there.
    //@ expect ret == 0
    //@ expect pinned locked=all resident=all
    //@ expect VmLck == 16M
    ret = mlock(pinned, SIZE);
    if (ret != 0) {
        perror("mlock");
        return 1;
    }

    //@ say Then `loose` is mapped...
    loose = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    //@ say ...and filled with data, so it is in RAM too, but not pinned.
    //@ expect loose locked=none resident=all
    memset(loose, 1, SIZE);

    //@ pressure 40M
    //@ say While our program sleeps, another program needs 40 MB. RAM is only
    //@ say 64 MB, so the kernel has to free some. Locked pages are off
    //@ say limits; unlocked anonymous pages like `loose` are written out to
    //@ say swap and their RAM is handed over. Watch the swap area fill up.
    //@ quiz The other program needs 40 MB of the 64 MB. Where does the kernel find room? | It takes pages from both buffers equally | *From `loose` (and other unlocked pages): `pinned` cannot be moved | It refuses: the other program gets an out-of-memory error
    //@ explain The kernel reclaims unlocked memory: clean file pages are simply
    //@ explain dropped, unlocked anonymous pages go to swap. Locked pages are
    //@ explain never reclaimed, whoever asks.
    //@ expect pinned locked=all resident=all swapped=none
    //@ expect VmLck == 16M
    //@ expect VmRSS <= 24M
    //@ expect VmSwap > 0
    sleep(1);

    //@ say Even asking politely does not work: madvise(MADV_PAGEOUT) on a
    //@ say locked range is refused with EINVAL.
    //@ expect ret == -1
    //@ expect errno == EINVAL
    //@ expect pinned resident=all
    ret = madvise(pinned, SIZE, MADV_PAGEOUT);

    // The real-time loop: read one byte of every page, first in `pinned`...
    clock_gettime(CLOCK_MONOTONIC, &t0);
    //@ step once
    //@ say The real-time loop reads every page of `pinned`: no page faults at
    //@ say all (no pauses while the kernel fetches a missing page), so it
    //@ say takes the same short time under pressure as without.
    //@ expect majflt == 0
    //@ expect minflt == 0
    for (i = 0; i < SIZE; i += PAGE) {
        ret = ret + pinned[i];
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    us = (t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000;
    printf("pinned: %ld us\n", us);

    // ...then in `loose`.
    clock_gettime(CLOCK_MONOTONIC, &t0);
    //@ step once
    //@ say The same loop over `loose`: every page that went to swap causes a
    //@ say major fault. The program stops until the page is read back from
    //@ say the swap device, and with so little free RAM the kernel has to
    //@ say push other pages out to make room. Compare the two times printed.
    //@ quiz Which loop is slower, and by how much? | About the same: both read 4096 pages | *The `loose` loop, by far: each major fault waits for the disk | The `pinned` loop: locked memory is slower to access
    //@ explain A page already in RAM costs well under a microsecond to read. A
    //@ explain major fault costs a disk read: tens of microseconds on an SSD,
    //@ explain milliseconds on a hard disk. For a real-time task that must
    //@ explain answer within a deadline, that is the danger pinning avoids.
    //@ expect majflt > 0
    for (i = 0; i < SIZE; i += PAGE) {
        ret = ret + loose[i];
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    us = (t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000;
    printf("loose: %ld us\n", us);

    //@ pressure 0
    //@ say The other program exits and its 40 MB become free again. We
    //@ say unlock `pinned`; it stays in RAM until memory gets tight again.
    //@ expect VmLck == 0
    //@ expect pinned resident=all locked=none
    munlock(pinned, SIZE);

    munmap(pinned, SIZE);
    munmap(loose, SIZE);
    return 0;
}
