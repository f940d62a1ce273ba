/* Measuring page faults page by page: touch every page of a 100 MiB buffer and print
 * the fault counters after each touch, the way fault-latency exercises do. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#define SIZE (100L * 1024 * 1024)
#define PAGE 4096

int main(void)
{
	struct rusage ru;
	char *buf;
	long i, start;

	buf = malloc(SIZE);
	if (buf == NULL)
		return 1;
	printf("touching %ld pages\n", SIZE / PAGE);
	getrusage(RUSAGE_SELF, &ru);
	start = ru.ru_minflt;
	for (i = 0; i < SIZE; i += PAGE) {
		buf[i] = 1;
		getrusage(RUSAGE_SELF, &ru);
		printf("page %ld: minor %ld major %ld\n", i / PAGE, ru.ru_minflt - start, ru.ru_majflt);
	}
	free(buf);
	return 0;
}
