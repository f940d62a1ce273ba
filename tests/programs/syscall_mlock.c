/* Older C libraries had no mlock2() wrapper, so programs call the system call by
 * number; the same goes for mlock() in some textbooks. */
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/resource.h>

#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT 0x01
#endif

static long faults(void)
{
	struct rusage u;
	getrusage(RUSAGE_SELF, &u);
	return u.ru_minflt;
}

int main(void)
{
	size_t len = 64 * 4096;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *q = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long f;
	if (p == MAP_FAILED || q == MAP_FAILED) { perror("mmap"); return 1; }
	printf("two mappings of %zu pages\n", len / 4096);

	f = faults();
	printf("syscall(SYS_mlock) = %ld\n", syscall(SYS_mlock, p, len));
	printf("  faults while locking: %ld\n", faults() - f);

	f = faults();
	printf("syscall(SYS_mlock2, ONFAULT) = %ld\n", syscall(SYS_mlock2, q, len, MLOCK_ONFAULT));
	printf("  faults while locking: %ld\n", faults() - f);
	f = faults();
	memset(q, 1, len / 2);
	printf("  faults touching half: %ld\n", faults() - f);

	if (syscall(SYS_mlock2, q, len, 0x80) == -1)
		printf("bad flag: %s\n", strerror(errno));
	printf("munlock: %ld, munlock: %ld\n", syscall(__NR_munlock, p, len), syscall(__NR_munlock, q, len));
	printf("pid matches: %s\n", syscall(SYS_getpid) == getpid() ? "yes" : "no");
	return 0;
}
