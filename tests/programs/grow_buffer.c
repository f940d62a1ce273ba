/* Growing a buffer without copying it: glibc's realloc of a big (mmap'd) block asks
 * the kernel to mremap it, so its pages move to a new address as they are. A locked
 * buffer stays locked, and only its new part is faulted in. mremap by hand shows the
 * same: in place while the next range is free, moved (MREMAP_MAYMOVE) when not. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#define MB (1024 * 1024)
#define PAGE 4096

static long minflt(void)
{
	struct rusage r;
	getrusage(RUSAGE_SELF, &r);
	return r.ru_minflt;
}

static void by_hand(void)
{
	char *p, *q;
	long f;

	/* Four pages with 60 free pages after them. */
	p = mmap(NULL, 64 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(p + 4 * PAGE, 60 * PAGE);
	strcpy(p, "kept");
	mlock(p, 4 * PAGE);
	f = minflt();
	q = mremap(p, 4 * PAGE, 16 * PAGE, 0);
	printf("mremap to 16 pages: %s, %ld faults\n", q == p ? "same address" : "moved", minflt() - f);
	mmap(p + 16 * PAGE, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	q = mremap(p, 16 * PAGE, 32 * PAGE, 0);
	if (q == MAP_FAILED)
		printf("mremap to 32 pages without MREMAP_MAYMOVE: %s\n", strerror(errno));
	f = minflt();
	q = mremap(p, 16 * PAGE, 32 * PAGE, MREMAP_MAYMOVE);
	printf("with MREMAP_MAYMOVE: %s, %ld faults, \"%s\"\n", q != p ? "moved" : "same address",
	       minflt() - f, q);
	f = minflt();
	memset(q, 1, 32 * PAGE);
	printf("write all 32 pages: %ld faults\n", minflt() - f);
	q = mremap(q, 32 * PAGE, 8 * PAGE, 0);
	printf("shrink to 8 pages: %s\n", q == MAP_FAILED ? "failed" : "ok");
	munmap(q, 8 * PAGE);
}

int main(void)
{
	char *buf;
	long f;

	printf("growing buffers with realloc and mremap\n");
	f = minflt();
	buf = malloc(4 * MB);
	memset(buf, 7, 4 * MB);
	printf("malloc 4 MiB and write it: %ld faults\n", minflt() - f);
	f = minflt();
	buf = realloc(buf, 8 * MB);
	printf("realloc to 8 MiB: %ld faults, old data %d\n", minflt() - f, buf[4 * MB - 1]);
	f = minflt();
	memset(buf + 4 * MB, 8, 4 * MB);
	printf("write the new half: %ld faults\n", minflt() - f);
	f = minflt();
	buf = realloc(buf, 1 * MB);
	printf("realloc down to 1 MiB: %ld faults, data %d\n", minflt() - f, buf[100]);

	if (mlockall(MCL_CURRENT | MCL_FUTURE) != 0) {
		perror("mlockall");
		return 1;
	}
	f = minflt();
	buf = realloc(buf, 3 * MB);
	printf("locked: realloc to 3 MiB: %ld faults\n", minflt() - f);
	f = minflt();
	memset(buf, 9, 3 * MB);
	printf("write all 3 MiB: %ld faults\n", minflt() - f);
	free(buf);
	munlockall();

	by_hand();
	return 0;
}
