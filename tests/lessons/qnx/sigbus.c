//@ title QNX rules: no OOM killer, ENOMEM up front, SIGBUS for lazy pages
//@ machine ram=64M swap=0 os=qnx
//
// QNX sets memory aside when it is mapped: a mapping that cannot be backed
// fails at once. Only a MAP_LAZY page that cannot be initialised when it is
// first referenced is fatal, and it is SIGBUS, not an OOM kill.

#include <stdio.h>
#include <sys/mman.h>

#define MB (1024 * 1024)

int main(void)
{
    char *lazy;
    char *big;

    //@ say MAP_LAZY: nothing is set aside yet, so the mapping succeeds.
    //@ expect lazy resident=none level=lazy
    lazy = mmap(NULL, 16 * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LAZY, -1, 0);

    //@ pressure 64M
    //@ say Another program has taken the free memory. A normal mapping
    //@ say cannot be backed: mmap fails with ENOMEM, nobody is killed.
    //@ expect ret == -1
    //@ expect errno == ENOMEM
    big = mmap(NULL, 16 * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    //@ say The lazy page cannot be initialised on first use: SIGBUS.
    //@ expect signal == SIGBUS
    lazy[0] = 1;

    printf("not reached %p\n", (void *) big);
    return 0;
}
