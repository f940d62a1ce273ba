/* The real-time guides on threads: under mlockall(MCL_FUTURE) every new thread's
 * stack is locked and faulted in whole, so give threads a small explicit stack and
 * pre-fault it in the thread before the real-time work starts. */
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#define STACK_SIZE (256 * 1024)
#define PREFAULT (64 * 1024)

static long minflt(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

static void *rt_task(void *arg)
{
	unsigned char prefault[PREFAULT];
	long before = minflt();
	memset(prefault, 0, sizeof prefault); /* already resident: locked at creation */
	printf("  in the thread: %ld faults touching %d KiB of stack\n", minflt() - before, PREFAULT / 1024);
	return arg;
}

static long start_thread(pthread_attr_t *attr, long id)
{
	pthread_t thread;
	void *ret;
	long before = minflt();
	int err = pthread_create(&thread, attr, rt_task, (void *)id);
	if (err) {
		printf("pthread_create: %s\n", strerror(err));
		exit(1);
	}
	pthread_join(thread, &ret);
	printf("  thread %ld returned %ld; %ld faults in all\n", id, (long)ret, minflt() - before);
	return (long)ret;
}

int main(void)
{
	pthread_attr_t attr;
	size_t size;

	printf("stack size %d KiB, minimum %d\n", STACK_SIZE / 1024, PTHREAD_STACK_MIN);
	start_thread(NULL, 0); /* first thread of the process: glibc sets threads up */

	if (mlockall(MCL_CURRENT | MCL_FUTURE) == -1) {
		perror("mlockall");
		return 1;
	}
	if (pthread_attr_init(&attr)) return 1;
	if (pthread_attr_setstacksize(&attr, 1000) == 0)
		printf("a 1000-byte stack was accepted?\n");
	if (pthread_attr_setstacksize(&attr, STACK_SIZE)) return 1;
	pthread_attr_getstacksize(&attr, &size);
	printf("attr stack size: %zu\n", size);

	printf("new thread, new locked stack:\n");
	start_thread(&attr, 1);
	printf("same size again (glibc reuses the stack):\n");
	start_thread(&attr, 2);
	pthread_attr_destroy(&attr);
	return 0;
}
