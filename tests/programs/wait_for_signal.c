/* The daemon-style ending of many locking examples: set everything up, report it,
 * then wait for a signal with pause() (here nobody sends one). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>

#define POOL (2 * 1024 * 1024)

int main(void)
{
	struct rusage ru;
	char *pool;
	long before;

	printf("daemon %s starting\n", "rtd");
	pool = malloc(POOL);
	if (pool == NULL || mlock(pool, POOL) != 0) {
		perror("pool");
		return 1;
	}
	printf("pool of %d KiB locked\n", POOL / 1024);
	getrusage(RUSAGE_SELF, &ru);
	before = ru.ru_minflt;
	memset(pool, 0, POOL);
	getrusage(RUSAGE_SELF, &ru);
	printf("faults while clearing the pool: %ld\n", ru.ru_minflt - before);
	printf("waiting for a signal\n");
	pause();
	printf("signal received, exiting\n");
	munlock(pool, POOL);
	free(pool);
	return 0;
}
