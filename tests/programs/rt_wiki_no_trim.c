/* The real-time Linux guides' recipe for dynamic memory: lock everything, tell glibc
 * never to give memory back (no trimming, no mmap), pre-fault a pool once, and from
 * then on malloc/free cause no page faults at all. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#define PRE_ALLOCATION_SIZE (100 * 1024 * 1024)

static void show_new_pagefault_count(const char *logtext, const char *allowed_maj,
                                     const char *allowed_min)
{
	static long last_majflt = 0, last_minflt = 0;
	struct rusage usage;

	getrusage(RUSAGE_SELF, &usage);
	printf("%-30.30s: Pagefaults, Major:%ld (Allowed %s), Minor:%ld (Allowed %s)\n", logtext,
	       usage.ru_majflt - last_majflt, allowed_maj,
	       usage.ru_minflt - last_minflt, allowed_min);
	last_majflt = usage.ru_majflt;
	last_minflt = usage.ru_minflt;
}

static void configure_malloc_behavior(void)
{
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		perror("mlockall failed:");
	/* Turn off malloc trimming. */
	mallopt(M_TRIM_THRESHOLD, -1);
	/* Turn off mmap usage. */
	mallopt(M_MMAP_MAX, 0);
}

static void reserve_process_memory(int size)
{
	int i;
	char *buffer;

	buffer = malloc(size);
	/* Touch each page in this piece of memory to get it mapped into RAM */
	for (i = 0; i < size; i += sysconf(_SC_PAGESIZE))
		buffer[i] = 0;
	free(buffer);
}

int main(int argc, char *argv[])
{
	show_new_pagefault_count("Initial count", ">=0", ">=0");
	configure_malloc_behavior();
	show_new_pagefault_count("mlockall() generated", ">=0", ">=0");
	reserve_process_memory(PRE_ALLOCATION_SIZE);
	show_new_pagefault_count("malloc() and touch generated", ">=0", ">=0");
	/* Now allocate the memory for the 2nd time and prove the number of pagefaults are zero */
	reserve_process_memory(PRE_ALLOCATION_SIZE);
	show_new_pagefault_count("2nd malloc() and use generated", "0", "0");
	printf("\n\nLook at the output of ps -leyf, and see that the RSS is now about %d [MB]\n",
	       PRE_ALLOCATION_SIZE / (1024 * 1024));
	return 0;
}
