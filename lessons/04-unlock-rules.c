//@ title Unlocking rules: MCL_FUTURE, locks that don't stack, whole pages
//@ machine ram=1G swap=512M os=linux
//
// Small experiments on the fine print of mlock and munlock:
//   1. munlockall cancels MCL_FUTURE, munlock of one range does not;
//   2. locks don't stack: lock twice, unlock once, and it is unlocked;
//   3. mlock works on whole pages, however small or oddly placed the range;
//   4. locking part of a region splits that region in three.
// `buf` is mapped with mmap, so it starts exactly on a page boundary.

#include <stdio.h>
#include <sys/mman.h>

#define PAGE 4096
#define MIB (1024 * 1024)

int main(void)
{
    char *p;
    char *q;
    char *r;
    char *buf;
    int ret;

    //@ say Part 1: how MCL_FUTURE ends. The process asks for MCL_FUTURE, so
    //@ say every region mapped from now on will be pinned.
    //@ expect ret == 0
    //@ expect VmLck == 0
    ret = mlockall(MCL_FUTURE);
    if (ret != 0) {
        perror("mlockall");
        return 1;
    }

    //@ say As promised, a new 1 MiB region `q` is pinned the moment it exists.
    //@ expect q locked=all resident=all
    //@ expect VmLck == 1M
    q = mmap(NULL, MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    //@ say munlock(q, ...) unpins that one region...
    //@ expect ret == 0
    //@ expect q locked=none resident=all
    //@ expect VmLck == 0
    ret = munlock(q, MIB);

    //@ quiz munlock just unpinned q. Is a region mapped now still pinned? | No: unlocking anything ends MCL_FUTURE | *Yes: only munlockall (or a new mlockall without MCL_FUTURE) ends MCL_FUTURE | Only if it is touched
    //@ explain munlock works on one address range and leaves the MCL_FUTURE flag
    //@ explain alone. The new region `r` is pinned like `q` was. (exec ends
    //@ explain MCL_FUTURE too: a new program starts with no locks at all.)
    //@ say A new region `r` is mapped after the munlock.
    //@ expect r locked=all resident=all
    //@ expect VmLck == 1M
    r = mmap(NULL, MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    //@ say munlockall unpins everything and also cancels MCL_FUTURE.
    //@ expect VmLck == 0
    munlockall();

    //@ say So this new region `p` is ordinary memory: not pinned, not in RAM.
    //@ expect p locked=none resident=none
    //@ expect VmLck == 0
    p = mmap(NULL, MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    munmap(p, MIB);
    munmap(q, MIB);
    munmap(r, MIB);

    //@ say Part 2: locks don't stack. `buf` is 4 pages (`16 KiB`), page-aligned.
    //@ expect buf locked=none resident=none
    buf = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    //@ say Lock all of buf once...
    //@ expect ret == 0
    //@ expect buf locked=all resident=all
    //@ expect VmLck == 16K
    ret = mlock(buf, 4 * PAGE);

    //@ say ...and lock it again. Nothing changes: a page is either locked or
    //@ say not. The kernel does not count how many times it was locked.
    //@ expect ret == 0
    //@ expect VmLck == 16K
    ret = mlock(buf, 4 * PAGE);

    //@ quiz buf was locked twice. After ONE munlock, how much of it is still locked? | All 4 pages: one more munlock is needed | 2 pages | *Nothing
    //@ explain Locks don't stack within a process. One munlock undoes any
    //@ explain number of mlock calls on the same pages.
    //@ say One munlock of buf.
    //@ expect ret == 0
    //@ expect buf locked=none resident=all
    //@ expect VmLck == 0
    ret = munlock(buf, 4 * PAGE);

    //@ say Part 3: whole pages. Lock a single byte at offset 4000, near the
    //@ say end of the first page. The kernel cannot pin less than a page, so
    //@ say the whole first page (4 KiB) is pinned.
    //@ expect ret == 0
    //@ expect buf locked=1
    //@ expect VmLck == 4K
    ret = mlock(buf + 4000, 1);

    //@ expect VmLck == 0
    ret = munlock(buf + 4000, 1);

    //@ quiz mlock(buf + 4000, 200): 200 bytes starting at offset 4000. How many pages get pinned? | 1 | *2 | 0: less than a page
    //@ explain Bytes 4000..4199 run past the end of the first page (byte 4095)
    //@ explain into the second one. Every page that holds any byte of the
    //@ explain range is pinned, so 2 pages: 8 KiB for 200 bytes.
    //@ say Now 200 bytes starting at offset 4000.
    //@ expect ret == 0
    //@ expect buf locked=2
    //@ expect VmLck == 8K
    ret = mlock(buf + 4000, 200);

    //@ expect VmLck == 0
    ret = munlock(buf + 4000, 200);

    //@ say Part 4: a region is split when only part of it is locked. Lock
    //@ say just the second page of buf. A region (a VMA) has one set of
    //@ say flags, so the kernel cuts buf into three: page 0 unlocked,
    //@ say page 1 locked, pages 2-3 unlocked. Look at the region list.
    //@ expect ret == 0
    //@ expect buf locked=1
    //@ expect VmLck == 4K
    ret = mlock(buf + PAGE, PAGE);

    //@ say Unlocking page 1 makes the three pieces alike again, and the
    //@ say kernel merges them back into one region.
    //@ expect ret == 0
    //@ expect VmLck == 0
    ret = munlock(buf + PAGE, PAGE);

    munmap(buf, 4 * PAGE);
    printf("done\n");
    return 0;
}
