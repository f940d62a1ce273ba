/* Force-included (gcc -include) into every lesson by gcc_run.sh: when the
 * program ends through exit() or a return from main, check that it left
 * nothing locked. A lesson must clean up after itself: VmLck must be 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((destructor)) static void pp_lessons_exit_check(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long vmlck = -1;
    if (f == NULL)
        return;
    while (fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, "VmLck:", 6) == 0)
            vmlck = strtol(line + 6, NULL, 10);
    fclose(f);
    if (vmlck != 0) {
        fprintf(stderr, "exit_check: pid %d exits with VmLck %ld kB still locked\n", (int) getpid(), vmlck);
        fflush(stdout);
        _exit(99);
    }
}
