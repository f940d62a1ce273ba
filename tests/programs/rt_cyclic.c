/* The cyclic task of every real-time course: lock memory, pre-fault the stack, then
 * wake up every millisecond on an absolute deadline. It never ends by itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/resource.h>

#define NSEC_PER_SEC 1000000000L
#define INTERVAL 1000000L /* 1 ms */
#define MAX_SAFE_STACK (8 * 1024)

static void stack_prefault(void)
{
	unsigned char dummy[MAX_SAFE_STACK];
	memset(dummy, 0, MAX_SAFE_STACK);
}

static void tsnorm(struct timespec *ts)
{
	while (ts->tv_nsec >= NSEC_PER_SEC) {
		ts->tv_nsec -= NSEC_PER_SEC;
		ts->tv_sec++;
	}
}

int main(int argc, char **argv)
{
	struct timespec t;
	struct rusage before, after;
	long cycle = 0;

	printf("cyclic task, period %ld us\n", INTERVAL / 1000);
	if (mlockall(MCL_CURRENT | MCL_FUTURE) == -1) {
		perror("mlockall failed");
		exit(-2);
	}
	stack_prefault();
	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec++; /* start after one second */
	getrusage(RUSAGE_SELF, &before);
	while (1) {
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL);
		/* the real-time work would go here */
		getrusage(RUSAGE_SELF, &after);
		cycle++;
		if (cycle % 100 == 0)
			printf("cycle %ld: %ld new minor faults\n", cycle, after.ru_minflt - before.ru_minflt);
		t.tv_nsec += INTERVAL;
		tsnorm(&t);
	}
	return 0;
}
