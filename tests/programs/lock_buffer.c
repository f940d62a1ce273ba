/* The textbook demonstration: touching an unlocked buffer faults page by page;
 * after mlock() the same accesses fault no more. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#define SIZE (4 * 1024 * 1024)

static long minor_faults(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

int main()
{
	long page = sysconf(_SC_PAGESIZE);
	char *a, *b;
	long f0, f1, i;

	a = malloc(SIZE);
	b = malloc(SIZE);
	if (!a || !b) { perror("malloc"); return 1; }

	f0 = minor_faults();
	for (i = 0; i < SIZE; i += page) a[i] = 1;
	f1 = minor_faults();
	printf("unlocked buffer, first touch: %ld faults for %ld pages\n", f1 - f0, SIZE / page);

	if (mlock(b, SIZE) == -1) { perror("mlock"); return 1; }
	f0 = minor_faults();
	for (i = 0; i < SIZE; i += page) b[i] = 1;
	f1 = minor_faults();
	printf("locked buffer, first touch: %ld faults\n", f1 - f0);

	munlock(b, SIZE);
	free(a);
	free(b);
	printf("done\n");
	return 0;
}
