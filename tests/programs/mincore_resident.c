/* Counting resident pages with mincore(): what touching and locking bring in. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGES 64

static int resident(void *addr, size_t len)
{
	unsigned char vec[PAGES];
	int i, n = 0;
	if (mincore(addr, len, vec) == -1) { perror("mincore"); exit(1); }
	for (i = 0; i < (int)((len + 4095) / 4096); i++)
		n += vec[i] & 1;
	return n;
}

int main(void)
{
	long pg = getpagesize();
	size_t len = PAGES * pg;
	char *buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int i;

	if (buf == MAP_FAILED) { perror("mmap"); return 1; }
	printf("after mmap:        %2d of %d pages resident\n", resident(buf, len), PAGES);
	for (i = 0; i < PAGES / 4; i++) buf[i * pg] = 'x';
	printf("after touching 16: %2d of %d pages resident\n", resident(buf, len), PAGES);
	if (mlock(buf, len) != 0) { perror("mlock"); return 1; }
	printf("after mlock:       %2d of %d pages resident\n", resident(buf, len), PAGES);
	munlock(buf, len);
	madvise(buf, len, MADV_DONTNEED);
	printf("after DONTNEED:    %2d of %d pages resident\n", resident(buf, len), PAGES);
	munmap(buf, len);
	return 0;
}
