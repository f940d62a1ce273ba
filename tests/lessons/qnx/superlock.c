//@ title QNX rules: a superlocked process takes no faults
//@ machine ram=256M swap=0 os=qnx
//
// Superlocked memory is initialised, privatised and given its permissions
// when it is mapped: fork, mprotect and munlock do not bring faults back.

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/neutrino.h>
#include <sys/wait.h>

#define PAGE 4096
#define SIZE (8 * PAGE)

int main(void)
{
    char *buf;
    char *ro;
    int pid;
    int status;
    int ret;

    buf = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    //@ expect ret == 0
    //@ expect buf level=superlocked locked=all resident=all
    ret = ThreadCtl(_NTO_TCTL_IO_PRIV, 0);

    //@ say fork: the child gets its own copies now, so the parent's pages
    //@ say stay private and writable.
    //@ expect child: VmLck == 0
    pid = fork();
    if (pid == 0) {
        //@ expect minflt == 0
        buf[0] = 2;
        exit(0);
    }

    //@ say The parent writes after the fork: no copy-on-write fault.
    //@ expect minflt == 0
    buf[PAGE] = 1;

    waitpid(pid, &status, 0);

    //@ expect minflt == 0
    buf[2 * PAGE] = 1;

    ro = mmap(NULL, SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    //@ say mprotect gives the pages their new permissions at once.
    //@ expect ret == 0
    //@ expect minflt == 0
    ret = mprotect(ro, SIZE, PROT_READ | PROT_WRITE);

    //@ expect minflt == 0
    ro[0] = 1;

    //@ say munlockall does not end a superlock.
    //@ expect ret == 0
    //@ expect VmLck > 0
    //@ expect buf locked=all level=superlocked
    ret = munlockall();

    printf("done\n");
    return 0;
}
