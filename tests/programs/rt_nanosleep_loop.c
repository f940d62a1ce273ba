/* A periodic thread body from an embedded-Linux textbook: SCHED_FIFO, memory locked,
 * a relative nanosleep() each period, and a check that the loop takes no page faults.
 * It runs until the machine is switched off. */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/resource.h>

#define PERIOD_NS 500000L /* 0.5 ms */

static char samples[64 * 1024];

int main(void)
{
	struct sched_param sp;
	struct timespec period = { 0, PERIOD_NS };
	struct rusage ru;
	long start_faults, n = 0;
	int i;

	printf("sampler: period %ld us\n", PERIOD_NS / 1000);
	memset(&sp, 0, sizeof sp);
	sp.sched_priority = sched_get_priority_max(SCHED_FIFO);
	if (sched_setscheduler(0, SCHED_FIFO, &sp) != 0)
		perror("sched_setscheduler");
	if (mlockall(MCL_CURRENT | MCL_FUTURE) != 0) {
		perror("mlockall");
		return 1;
	}
	getrusage(RUSAGE_SELF, &ru);
	start_faults = ru.ru_minflt;
	printf("locked, priority %d\n", sp.sched_priority);
	for (;;) {
		nanosleep(&period, NULL);
		for (i = 0; i < 16; i++)
			samples[(n * 16 + i) % sizeof samples] = (char)i;
		n++;
		if (n % 250 == 0) {
			getrusage(RUSAGE_SELF, &ru);
			printf("%ld periods, %ld faults since locking\n", n, ru.ru_minflt - start_faults);
		}
	}
	return 0;
}
