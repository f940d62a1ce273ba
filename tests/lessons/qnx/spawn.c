//@ title QNX rules: a spawned child starts with no locks
//@ machine ram=256M swap=0 os=qnx
//
// "After fork, posix_spawn or spawn the child has no locks": QNX's spawnl
// (P_NOWAIT) and posix_spawn start a fresh image in a new child.

#include <stdio.h>
#include <spawn.h>
#include <process.h>
#include <sys/mman.h>
#include <sys/wait.h>

int main(int argc, char *argv[])
{
    char *args[3];
    int pid;
    int status;
    int ret;

    if (argc > 1) {
        //@ expect VmLck == 0
        printf("child started by %s\n", argv[1]);
        return 0;
    }

    //@ expect ret == 0
    //@ expect VmLck > 0
    ret = mlockall(MCL_CURRENT | MCL_FUTURE);

    //@ expect ret > 0
    //@ expect child: VmLck == 0
    ret = spawnl(P_NOWAIT, argv[0], argv[0], "spawnl", NULL);
    pid = ret;
    waitpid(pid, &status, 0);

    args[0] = argv[0];
    args[1] = "posix_spawn";
    args[2] = NULL;
    //@ expect ret == 0
    //@ expect child: VmLck == 0
    ret = posix_spawn(&pid, argv[0], NULL, NULL, args, NULL);
    waitpid(pid, &status, 0);
    return 0;
}
