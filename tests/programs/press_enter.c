/* A classroom demo: lock a buffer, then "press Enter" so that students can look at
 * /proc/PID/status in another terminal. With no input (stdin at its end) it goes on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>

#define SIZE (8 * 1024 * 1024)

static long minflt(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

int main(void)
{
	char *buf = malloc(SIZE);
	long f;
	int c, n = 0;

	printf("pid %d: locking %d MiB\n", getpid() > 0 ? 1 : 0, SIZE >> 20);
	f = minflt();
	if (mlock(buf, SIZE) != 0) {
		perror("mlock");
		return 1;
	}
	printf("mlock: %ld faults\n", minflt() - f);
	printf("press Enter to touch it...\n");
	while ((c = getchar()) != '\n' && c != EOF)
		n++;
	printf("read %d characters before %s\n", n, c == EOF ? "EOF" : "Enter");
	f = minflt();
	memset(buf, 1, SIZE);
	printf("touch after mlock: %ld faults\n", minflt() - f);
	munlock(buf, SIZE);
	free(buf);
	return 0;
}
