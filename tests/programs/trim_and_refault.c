/* Why the real-time guides turn trimming off: with glibc's defaults, freeing a big
 * block gives its pages back, and using it again faults them all in again.
 * malloc_trim() does the same on request. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#define BLOCK (200 * 1024) /* above the 128 KiB mmap threshold */

static long minflt(void)
{
	struct rusage r;
	getrusage(RUSAGE_SELF, &r);
	return r.ru_minflt;
}

static long use_block(void)
{
	long f = minflt();
	char *p = malloc(BLOCK);
	memset(p, 1, BLOCK);
	free(p);
	return minflt() - f;
}

int main(void)
{
	char *small[64];
	long f;
	int i;

	printf("1st use (mmap'd chunk):       %ld faults\n", use_block());
	printf("2nd use (threshold raised):   %ld faults\n", use_block());
	printf("3rd use (heap, kept):         %ld faults\n", use_block());

	printf("mallopt(M_MMAP_THRESHOLD): %d\n", mallopt(M_MMAP_THRESHOLD, 64 * 1024 * 1024));
	printf("mallopt(M_ARENA_MAX): %d\n", mallopt(M_ARENA_MAX, 1));
	for (i = 0; i < 64; i++) {
		small[i] = malloc(8192);
		memset(small[i], 2, 8192);
	}
	for (i = 0; i < 63; i++)
		free(small[i]);
	printf("malloc_trim(0): %d\n", malloc_trim(0));
	f = minflt();
	for (i = 0; i < 63; i++) {
		small[i] = malloc(8192);
		memset(small[i], 3, 8192);
	}
	printf("refill after trim: %ld faults\n", minflt() - f);
	return 0;
}
