//@ title Locks after fork and exec
//@ machine ram=1G swap=512M os=linux
//
// What happens to locked memory when a process forks, and when it execs.
// The program runs twice: first normally, then once more through execl with
// the argument "after-exec", which takes the short branch at the top.
// Run it for real with a path, e.g.  gcc 05-fork-exec.c -o fork_exec && ./fork_exec

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define PAGE 4096
#define MIB (1024 * 1024)

int main(int argc, char *argv[])
{
    char *buf;
    char *fresh;
    int pid;
    int status;

    if (argc > 1) {
        //@ say This is the same program again, started by execl with the
        //@ say argument "after-exec". Same process, same PID, brand-new
        //@ say memory image: every lock is gone, and so is MCL_FUTURE.
        //@ expect VmLck == 0
        printf("after exec: started again with argument %s\n", argv[1]);

        //@ say Proof that MCL_FUTURE did not survive the exec: a new region
        //@ say is neither pinned nor in RAM.
        //@ expect fresh locked=none resident=none
        //@ expect VmLck == 0
        fresh = mmap(NULL, MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        munmap(fresh, MIB);
        return 0;
    }

    //@ say The parent maps a buffer of 4 pages...
    buf = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    //@ say ...and fills it with data, so every page of it gets RAM.
    //@ expect buf resident=all locked=none
    memset(buf, 1, 4 * PAGE);

    //@ say The parent pins everything it has now and will have later.
    //@ expect ret == 0
    //@ expect buf locked=all
    //@ expect VmLck > 0
    if (mlockall(MCL_CURRENT | MCL_FUTURE) == -1) {
        perror("mlockall");
        return 1;
    }

    // Empty the output buffer first, so the child does not print it again.
    fflush(stdout);

    //@ quiz The parent has locked all its memory. How much memory is locked in the child right after fork? | All of it: the child is a copy of the parent | *None: a child never inherits memory locks | Only what the parent locked with MCL_FUTURE
    //@ explain fork copies the address space but not the locks: the child
    //@ explain starts with nothing locked (VmLck 0) and without MCL_FUTURE. A real-time child
    //@ explain has to call mlockall itself.
    //@ say fork makes a child process with a copy of the address space.
    //@ say To save time the copy is lazy: parent and child share the same
    //@ say physical pages, marked read-only, until one of them writes.
    //@ expect child: VmLck == 0
    pid = fork();
    if (pid == -1) {
        perror("fork");
        return 1;
    }

    if (pid == 0) {
        //@ say In the child: no MCL_FUTURE either. A region it maps now is
        //@ say plain memory: not pinned, not in RAM.
        //@ expect fresh locked=none resident=none
        //@ expect VmLck == 0
        fresh = mmap(NULL, MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        printf("child: my memory is not locked\n");
        munmap(fresh, MIB);
        exit(0);
    }

    //@ quiz buf is locked and in RAM. Can the parent's next write to buf still take a page fault (a pause while the kernel fixes up the page)? | No: locked pages never fault | *Yes: since fork, the page is shared with the child and must be copied first | Only if the child has written to it
    //@ explain mlock keeps pages in RAM, but it does not stop copy-on-write.
    //@ explain After fork, the first write to a shared page faults so the
    //@ explain kernel can give the writer its own copy. In a real-time loop
    //@ explain that is an unexpected delay: avoid fork after locking, or
    //@ explain write to the pages once before the time-critical part.
    //@ say The parent writes one byte of buf: a page fault, although buf is
    //@ say locked. The kernel copies the page (copy-on-write) and the
    //@ say parent carries on with its own private, still locked, copy.
    //@ expect minflt >= 1
    //@ expect majflt == 0
    //@ expect buf locked=all resident=all
    buf[0] = 2;

    //@ say The parent waits for the child to finish.
    waitpid(pid, &status, 0);

    fflush(stdout);
    //@ say Now the parent replaces its program with execl, asking for the
    //@ say same program with the argument "after-exec".
    execl(argv[0], argv[0], "after-exec", (char *) NULL);

    // execl only returns if it failed.
    perror("execl");
    munlockall();
    return 1;
}
