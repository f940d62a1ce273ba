//@ title Memory pressure: why real-time code pins its pages
//@ machine ram=64M swap=64M os=linux
//
// A small machine (64 MB of RAM, 64 MB of swap) runs our program, which has
// two 16 MiB buffers: `pinned` is locked with mlock, `loose` is not. Then
// another program grabs 40 MB. The kernel must find room, and it may only
// take it from memory that is not locked.
// The //@ pressure lines stand for that other program, so on a real machine
// (which may have no swap at all) only the pinned half behaves as shown.
// To see the loose half for real, give the machine some swap and run the
// program in a memory cgroup of about 26 MB: then `loose` goes to swap.

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
    long us[2];
    long i;
    int pass;
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
    //@ say 64 MB, so the kernel has to free some. Locked pages may not be
    //@ say swapped out or reclaimed; unlocked anonymous pages like `loose` are
    //@ say written out to swap and their RAM is handed over. Watch the swap
    //@ say area fill up: `pinned` keeps all 16 MiB (VmLck) in RAM, while
    //@ say the process as a whole keeps at most 24 MiB (VmRSS).
    //@ quiz The other program needs 40 MB of the 64 MB. Where does the kernel find room? | It takes pages from both buffers equally | *From `loose` (and other unlocked pages): `pinned` may not be swapped out | It refuses: the other program gets an out-of-memory error
    //@ explain The kernel reclaims unlocked memory: clean file pages are simply
    //@ explain dropped, unlocked anonymous pages go to swap. Locked pages are
    //@ explain never reclaimed, whoever asks. (Locked does not mean fixed in
    //@ explain place, though: the kernel may still migrate a locked page to
    //@ explain another frame. More on that below.)
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

    // The clock is read once before the loop: the first call maps the page
    // the kernel keeps the time in (vDSO data), which is itself a page fault.
    clock_gettime(CLOCK_MONOTONIC, &t0);

    // The real-time loop: read one byte of every page, first in `pinned`,
    // twice (the second pass is the one that counts, see below)...
    //@ step once
    //@ say The real-time loop reads every page of `pinned`, twice: 0 page
    //@ say faults, minor or major (no pause while the kernel fetches a
    //@ say missing page), so under pressure it takes the same short time as
    //@ say without: a few nanoseconds for each page already in RAM.
    //@ expect majflt == 0
    //@ expect minflt == 0
    for (pass = 0; pass < 2; pass++) {
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (i = 0; i < SIZE; i += PAGE) {
            ret = ret + pinned[i];
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        us[pass] = (t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000;
    }

    //@ say Why two passes? On a virtual machine the first pass over freshly
    //@ say locked memory can be slow: the host may back the guest's memory
    //@ say with real RAM only when it is first used, and the guest never sees
    //@ say or counts those faults. The second pass shows the real cost.
    //@ say Note what mlock covered: `pinned`, nothing else. The program's
    //@ say own code and constants, its stack and the C library are not
    //@ say locked and can be paged out like `loose`. Here the page holding
    //@ say printf's format string had been dropped, so this printf waits for
    //@ say a major fault while the kernel reads it back from the program
    //@ say file. mlockall(MCL_CURRENT | MCL_FUTURE) would have locked it all.
    //@ expect majflt >= 1
    printf("pinned: first pass %ld us, second pass %ld us\n", us[0], us[1]);

    // ...then in `loose`.
    clock_gettime(CLOCK_MONOTONIC, &t0);
    //@ step once
    //@ say The same loop over `loose`, once: it runs into the pages that went
    //@ say to swap. Touching one is a major fault: the program stops until
    //@ say the kernel has read it back from the swap device. The kernel reads
    //@ say a few neighbouring slots in the same trip (swap readahead, sized by
    //@ say vm.page-cluster), so touching those neighbours next
    //@ say is only a minor fault. With so little free RAM the kernel also has
    //@ say to push other pages out to make room. Compare the times printed.
    //@ quiz Which loop is slower, and by how much? | About the same: both read 4096 pages | *The `loose` loop, by far: each major fault waits for the disk | The `pinned` loop: locked memory is slower to access
    //@ explain A page already in RAM costs a few nanoseconds to read. A
    //@ explain major fault costs a disk read: tens of microseconds on an SSD,
    //@ explain milliseconds on a hard disk. For a real-time task that must
    //@ explain answer within a deadline, that is the danger pinning avoids.
    //@ explain Locked pages are not entirely free of pauses either: to build
    //@ explain large contiguous blocks the kernel may migrate a locked page to
    //@ explain another frame, and a thread touching it meanwhile waits.
    //@ explain Real-time kernels turn that off (vm.compact_unevictable_allowed).
    //@ expect majflt > 0
    //@ expect minflt > 0
    for (i = 0; i < SIZE; i += PAGE) {
        ret = ret + loose[i];
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    us[0] = (t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000;
    printf("loose: %ld us\n", us[0]);

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
