/* A shared-memory pool from memfd_create(), sized with ftruncate(), mapped and locked. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

int main(void)
{
	size_t len = 1 << 20;
	int fd = memfd_create("rt-pool", MFD_CLOEXEC);
	char *pool;

	if (fd == -1) { perror("memfd_create"); return 1; }
	if (ftruncate(fd, len) == -1) { perror("ftruncate"); return 1; }
	pool = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (pool == MAP_FAILED) { perror("mmap"); return 1; }
	if (mlock(pool, len) == -1) { perror("mlock"); return 1; }
	unsigned char vec[256];
	int i, n = 0;
	mincore(pool, len, vec);
	for (i = 0; i < 256; i++) n += vec[i] & 1;
	printf("resident after mlock: %d of 256 pages\n", n);
	memset(pool, 0x5a, len);
	printf("write: %zd\n", write(fd, "hello", 5));
	printf("fsync: %d\n", fsync(fd));
	munlock(pool, len);
	munmap(pool, len);
	close(fd);
	return 0;
}
