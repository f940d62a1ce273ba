//@ title mlockall flags: MCL_CURRENT, MCL_FUTURE, both, and MCL_ONFAULT
//@ machine ram=1G swap=512M os=linux
//
// Four short experiments, one after the other. Each one maps a region
// before calling mlockall ("old") and one after ("later"), then undoes
// everything with munlockall and munmap so the next experiment starts clean.
// mmap is used instead of malloc so that every region is exactly 1 MiB.

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define REGION (1024 * 1024)

int main(void)
{
    char *old;
    char *later;

    //@ say Four experiments with the flags of mlockall. In each one a 1 MiB
    //@ say region `old` exists before the call and a region `later` is
    //@ say mapped after it. Watch which of the two gets pinned.
    //@ expect VmLck == 0
    printf("mlockall flags\n");

    // ---- Experiment 1: MCL_CURRENT alone --------------------------------
    //@ say Experiment 1: MCL_CURRENT alone. First map `old`. A fresh
    //@ say anonymous mapping has no RAM until it is touched.
    //@ expect old locked=none resident=none
    old = mmap(NULL, REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    //@ say MCL_CURRENT pins everything that is mapped right now, `old`
    //@ say included, and brings every one of those pages into RAM.
    //@ expect ret == 0
    //@ expect old locked=all resident=all
    //@ expect VmLck >= 1M
    if (mlockall(MCL_CURRENT) == -1) {
        perror("mlockall(MCL_CURRENT)");
        return 1;
    }

    //@ quiz Only MCL_CURRENT was given. Is a region mapped afterwards pinned? | *No: MCL_CURRENT only covers what existed at the time of the call | Yes: mlockall locks the whole process for good | Yes, but only once it is touched
    //@ explain MCL_CURRENT is a snapshot. Memory that appears later (a new
    //@ explain mmap, a bigger heap) is ordinary, pageable memory. One
    //@ explain exception: the region of the main stack is itself locked, so
    //@ explain when the stack grows later its new pages are locked too.
    //@ say Now `later` is mapped, after the call.
    //@ expect later locked=none resident=none
    later = mmap(NULL, REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    //@ say munlockall ends the experiment: nothing is pinned any more.
    //@ expect VmLck == 0
    munlockall();
    munmap(old, REGION);
    munmap(later, REGION);

    // ---- Experiment 2: MCL_FUTURE alone ---------------------------------
    //@ say Experiment 2: MCL_FUTURE alone. Again `old` is mapped first.
    old = mmap(NULL, REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    //@ say MCL_FUTURE alone does not touch what already exists: `old` stays
    //@ say unpinned and VmLck (the kernel's count of locked memory) stays at
    //@ say zero. It only sets a flag on the
    //@ say process that affects later mappings.
    //@ expect ret == 0
    //@ expect old locked=none resident=none
    //@ expect VmLck == 0
    if (mlockall(MCL_FUTURE) == -1) {
        perror("mlockall(MCL_FUTURE)");
        return 1;
    }

    //@ say Now `later` is mapped. Because of MCL_FUTURE it is pinned at
    //@ say once, and the kernel gives it all of its RAM straight away,
    //@ say although the program has not touched a single byte of it.
    //@ expect later locked=all resident=all
    //@ expect VmLck == 1M
    later = mmap(NULL, REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    //@ expect VmLck == 0
    munlockall();
    munmap(old, REGION);
    munmap(later, REGION);

    // ---- Experiment 3: both flags ----------------------------------------
    //@ say Experiment 3: both flags together, as the tutorial uses them.
    old = mmap(NULL, REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    //@ say MCL_CURRENT pins `old` now...
    //@ expect ret == 0
    //@ expect old locked=all resident=all
    if (mlockall(MCL_CURRENT | MCL_FUTURE) == -1) {
        perror("mlockall(MCL_CURRENT | MCL_FUTURE)");
        return 1;
    }

    //@ say ...and MCL_FUTURE pins `later` as soon as it appears.
    //@ expect later locked=all resident=all
    later = mmap(NULL, REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    //@ expect VmLck == 0
    munlockall();
    munmap(old, REGION);
    munmap(later, REGION);

    // ---- Experiment 4: MCL_ONFAULT ---------------------------------------
    //@ say Experiment 4: MCL_ONFAULT. Pinning 500 MB up front costs 500 MB
    //@ say of RAM at once. MCL_ONFAULT says: pin each page, but only when
    //@ say the program first touches it.
    old = mmap(NULL, REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    //@ quiz After mlockall(MCL_CURRENT | MCL_ONFAULT), what do VmLck (locked memory) and VmRSS (RAM in use) show for the untouched 1 MiB region `old`? | Both grow by 1 MiB | *VmLck grows by 1 MiB, VmRSS does not | Neither grows
    //@ explain VmLck counts the size of the locked regions, not the RAM they
    //@ explain use. With MCL_ONFAULT the region is marked locked right away
    //@ explain (so VmLck includes all of it), but no page gets RAM until the
    //@ explain program touches it.
    //@ say The whole region now counts in VmLck, yet none of it is in RAM.
    //@ expect ret == 0
    //@ expect old locked=none resident=none
    //@ expect VmLck >= 1M
    if (mlockall(MCL_CURRENT | MCL_ONFAULT) == -1) {
        perror("mlockall(MCL_CURRENT | MCL_ONFAULT)");
        return 1;
    }

    //@ say The program writes the first 256 KiB (64 pages). Each page takes
    //@ say a page fault, gets RAM, and is pinned from then on. The rest of
    //@ say `old` is still not in RAM.
    //@ expect old locked=64 resident=64
    //@ expect minflt >= 64
    memset(old, 1, 256 * 1024);

    //@ say munlockall releases everything again. Nothing leaves RAM.
    //@ expect VmLck == 0
    //@ expect old locked=none resident=64
    munlockall();
    munmap(old, REGION);

    printf("done\n");
    return 0;
}
