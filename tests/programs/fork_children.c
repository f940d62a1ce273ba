/* A parent with locked memory forks a worker; the worker's faults show up in the
 * parent's RUSAGE_CHILDREN once it has been waited for. The parent counts its own
 * major faults only from the moment its memory is locked: before that, start-up
 * reads ld.so and libc from disk whenever they are not in the page cache. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define LEN (1024 * 1024)

int main(void)
{
	struct rusage before, self, kids;
	char *buf = malloc(LEN);
	pid_t pid;
	int status;

	memset(buf, 0, LEN);
	if (mlock(buf, LEN) == -1) { perror("mlock"); return 1; }
	getrusage(RUSAGE_SELF, &before);
	pid = fork();
	if (pid == 0) {
		char *w = malloc(LEN);
		memset(w, 7, LEN); /* 256 new pages in the child */
		_exit(0);
	}
	waitpid(pid, &status, 0);
	printf("child exited with %d\n", WEXITSTATUS(status));
	getrusage(RUSAGE_CHILDREN, &kids);
	getrusage(RUSAGE_SELF, &self);
	printf("child took at least 256 faults: %s\n", kids.ru_minflt >= 256 ? "yes" : "no");
	printf("parent major faults since mlock: %ld\n", self.ru_majflt - before.ru_majflt);
	return 0;
}
