/* Command-line options as lab exercises take them: -v, -s SIZE (MiB), -l to lock,
 * --size=N and --lock as long options. Started without options, it runs itself again
 * with a set of them, so both runs show the parsing. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

int main(int argc, char *argv[])
{
	static struct option longopts[] = {
		{"size", required_argument, NULL, 's'},
		{"lock", no_argument, NULL, 'l'},
		{"verbose", no_argument, NULL, 'v'},
		{NULL, 0, NULL, 0},
	};
	int opt, verbose = 0, lock = 0, idx = -1;
	long size = 1;
	char *buf;

	if (argc == 1) {
		char *args[] = {argv[0], "-v", "-s", "4", "--lock", "--size=2", "-vl", "rest", NULL};
		printf("no options: running again with some\n");
		fflush(stdout);
		execv("/proc/self/exe", args);
		perror("execv");
		return 1;
	}
	while ((opt = getopt_long(argc, argv, "vs:l", longopts, &idx)) != -1) {
		switch (opt) {
		case 'v': verbose++; break;
		case 's': size = strtol(optarg, NULL, 10); printf("size from '%s'\n", optarg); break;
		case 'l': lock = 1; break;
		default: return 2;
		}
	}
	printf("verbose=%d lock=%d size=%ld MiB, next argument: %s (optind %d of %d)\n", verbose, lock,
	       size, optind < argc ? argv[optind] : "-", optind, argc);
	buf = malloc(size << 20);
	memset(buf, 0, size << 20);
	if (lock && mlock(buf, size << 20) == 0)
		printf("locked %ld MiB\n", size);
	free(buf);
	return 0;
}
