/* "Prove that the stack is safe to use": the real-time guides' check with a
 * variable-length array as big as the stack the task may need, touched page by page;
 * after mlockall(MCL_FUTURE) the second pass must not fault. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>

static long minflt(void)
{
	struct rusage u;
	getrusage(RUSAGE_SELF, &u);
	return u.ru_minflt;
}

static void prove_stack_use_is_safe(int stacksize)
{
	volatile char buffer[stacksize];
	int i;

	for (i = 0; i < stacksize; i += sysconf(_SC_PAGESIZE))
		buffer[i] = i;
	printf("  used %zu bytes of stack\n", sizeof(buffer));
}

int main(int argc, char *argv[])
{
	int n = argc + 2;
	long sizes[n];
	long f;
	int i;

	for (i = 0; i < n; i++)
		sizes[i] = (i + 1) * 64 * 1024;
	printf("%d sizes, %zu bytes of them\n", n, sizeof sizes);
	if (mlockall(MCL_CURRENT | MCL_FUTURE) == -1) {
		perror("mlockall");
		return 1;
	}
	for (i = 0; i < n; i++) {
		f = minflt();
		prove_stack_use_is_safe(sizes[i]);
		printf("%ld KiB: %ld new faults\n", sizes[i] / 1024, minflt() - f);
	}
	return 0;
}
