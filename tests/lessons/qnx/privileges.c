//@ title QNX rules: abilities decide who may lock and superlock
//@ machine ram=256M swap=0 os=qnx
//
// Pins the QNX privilege rules (docs/QNX.md): memory locking needs the
// PROCMGR_AID_MEM_LOCK ability and superlocking PROCMGR_AID_IO; root holds
// both by default, RLIMIT_MEMLOCK plays no part, only root may allow.

#include <stdio.h>
#include <sys/mman.h>
#include <sys/neutrino.h>
#include <sys/procmgr.h>

#define PAGE 4096
#define SIZE (4 * PAGE)

int main(void)
{
    char *buf;
    int ret;

    buf = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    //@ sudo off
    //@ say Not root: no PROCMGR_AID_MEM_LOCK ability, so mlock is refused.
    //@ expect ret == -1
    //@ expect errno == EPERM
    ret = mlock(buf, SIZE);

    //@ expect ret == -1
    //@ expect errno == EPERM
    ret = ThreadCtl(_NTO_TCTL_IO_PRIV, 0);

    //@ say Only root may allow an ability: procmgr_ability returns EPERM (1).
    //@ expect ret == 1
    ret = procmgr_ability(0, PROCMGR_ADN_NONROOT | PROCMGR_AOP_ALLOW | PROCMGR_AID_IO, PROCMGR_AID_EOL);

    //@ sudo on
    //@ ulimit-l 0
    //@ say Root with a memlock limit of 0: the limit is Linux's rule, not QNX's.
    //@ expect ret == 0
    //@ expect buf locked=all level=locked
    ret = mlock(buf, SIZE);

    //@ say Root drops its own memory-lock ability: now mlockall is refused.
    //@ expect ret == 0
    ret = procmgr_ability(0, PROCMGR_ADN_ROOT | PROCMGR_AOP_DENY | PROCMGR_AID_MEM_LOCK, PROCMGR_AID_EOL);

    //@ expect ret == -1
    //@ expect errno == EPERM
    ret = mlockall(MCL_CURRENT);

    //@ say The older _NTO_TCTL_IO works too; root needs no procmgr_ability.
    //@ expect ret == 0
    //@ expect buf level=superlocked
    ret = ThreadCtl(_NTO_TCTL_IO, 0);

    printf("done\n");
    return 0;
}
