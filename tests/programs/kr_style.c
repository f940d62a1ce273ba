/* An old-style teaching program: main() without a return type, arguments parsed with
 * atoi/strtol, output through write(2) and snprintf, a "press enter" pause. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

main(int argc, char *argv[])
{
	char line[128];
	long mb = argc > 1 ? strtol(argv[1], NULL, 10) : 2;
	int n = atoi("16");
	char *p;
	int len;

	len = snprintf(line, sizeof line, "locking %ld MiB in %d pieces\n", mb, n);
	write(1, line, len);
	p = malloc(mb << 20);
	if (!p) return 1;
	if (mlock(p, mb << 20) != 0) {
		perror("mlock");
		return 1;
	}
	printf("press enter to unlock...\n");
	if (getchar() == EOF)
		printf("(no input: going on)\n");
	munlock(p, mb << 20);
	printf("%s\n", strcmp(argv[0], "") ? "unlocked" : "?");
	printf("strncmp: %d\n", strncmp("mlockall", "mlock", 5));
	free(p);
	return 0;
}
