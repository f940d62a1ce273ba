//@ title QNX rules: procnto -ml locks every page as a system policy
//@ machine ram=256M swap=0 os=qnx procnto=ml
//
// With procnto -ml every mapping is locked from birth: set up at once but
// still faulting on first access (statistics) and on first write
// (privatisation). The program never called mlockall and cannot undo it.

#include <stdio.h>
#include <sys/mman.h>

#define PAGE 4096
#define SIZE (8 * PAGE)

int main(void)
{
    char *buf;
    char value;
    int ret;

    //@ expect buf locked=all resident=all level=locked
    buf = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    //@ expect minflt == 1
    value = buf[0];

    //@ expect minflt == 1
    buf[0] = value + 1;

    //@ say munlockall cannot escape the policy.
    //@ expect ret == 0
    //@ expect buf locked=all level=locked
    //@ expect VmLck > 0
    ret = munlockall();

    printf("done %d\n", ret);
    return 0;
}
