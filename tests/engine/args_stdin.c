/* Prints what a student's program sees of its command line and standard input. */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
    printf("argc=%d\n", argc);
    for (int i = 1; i < argc; i++)
        printf("argv[%d]=%s\n", i, argv[i]);
    int c, n = 0, first = -2;
    while ((c = getchar()) != EOF) {
        if (first == -2)
            first = c;
        n++;
    }
    printf("getchar read %d bytes, first %d, then EOF\n", n, first);
    char buf[8];
    printf("read after EOF=%d\n", (int) read(0, buf, sizeof buf));
    return 0;
}
