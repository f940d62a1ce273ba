/* A real-time task's start-up, as the course examples write it: check the priority
 * range, switch to SCHED_FIFO, pin to one CPU, and read the policy back. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

int main(void)
{
	struct sched_param param;
	cpu_set_t set;
	int max = sched_get_priority_max(SCHED_FIFO);
	int min = sched_get_priority_min(SCHED_FIFO);

	printf("SCHED_FIFO priorities: %d..%d\n", min, max);
	printf("SCHED_OTHER priorities: %d..%d\n", sched_get_priority_min(SCHED_OTHER),
	       sched_get_priority_max(SCHED_OTHER));
	printf("policy at start: %d\n", sched_getscheduler(0));

	param.sched_priority = 100;
	if (sched_setscheduler(0, SCHED_FIFO, &param) == -1)
		printf("priority 100: %s\n", strerror(errno));
	param.sched_priority = 80;
	if (sched_setscheduler(0, SCHED_FIFO, &param) == -1) {
		perror("sched_setscheduler");
		exit(EXIT_FAILURE);
	}
	printf("policy now: %s\n", sched_getscheduler(0) == SCHED_FIFO ? "SCHED_FIFO" : "other");
	memset(&param, 0, sizeof(param));
	sched_getparam(0, &param);
	printf("priority now: %d\n", param.sched_priority);

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set) == -1)
		perror("sched_setaffinity");
	else
		printf("pinned to CPU 0: %s\n", CPU_ISSET(0, &set) ? "yes" : "no");
	printf("sched_yield: %d\n", sched_yield());

	param.sched_priority = 0;
	sched_setscheduler(0, SCHED_OTHER, &param);
	printf("back to policy %d\n", sched_getscheduler(0));
	return 0;
}
