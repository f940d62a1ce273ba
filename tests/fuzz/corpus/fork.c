#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <errno.h>

static char buf[8192];
struct pt { int x; double y; char tag[5]; };
enum color { RED, GREEN = 5, BLUE };
typedef struct pt point;

int fact(int n) { return n <= 1 ? 1 : n * fact(n - 1); }

int main(int argc, char *argv[]) {
  if (argc > 1 && strcmp(argv[1], "child") == 0) {
    printf("exec'd image: argc=%d argv[1]=%s\n", argc, argv[1]);
    //@ expect VmLck == 0
    printf("mcl after exec\n");
    return 3;
  }
  point p = {1, 2.5, "ab"};
  point q;
  q = p;
  printf("q.x=%d q.y=%.2f tag=%s sizeof=%zu enum=%d %d\n", q.x, q.y, q.tag, sizeof(point), GREEN, BLUE);
  printf("fact(10)=%d  %5.1f|%-4d|%04x|%lu|%c|%e|%g|%p\n", fact(10), 3.14159, 7, 255, (unsigned long)-1, 'Z', 12345.678, 0.0001, (void*)0);
  unsigned char uc = 250; uc += 10; int neg = -7;
  printf("uc=%d neg/2=%d neg%%3=%d shift=%d u=%u\n", uc, neg / 2, neg % 3, neg >> 1, (unsigned)neg);
  long big = 1L << 40; int ov = 2147483647; ov++;
  printf("big=%ld ov=%d\n", big, ov);
  int s = 0;
  for (int i = 0; i < 10; i++) { if (i == 3) continue; if (i == 8) break; s += i; }
  switch (s) { case 25: printf("s=25\n"); break; default: printf("s=%d\n", s); }
  int k = 0; do { k++; } while (k < 5);
  char *m = malloc(100);
  strcpy(m, "hello");
  printf("%s %zu\n", m, strlen(m));
  mlockall(MCL_CURRENT);
  buf[0] = 1;
  pid_t pid = fork();
  if (pid == 0) {
    //@ expect VmLck == 0
    printf("child: pid=%d ppid=%d\n", getpid(), getppid());
    buf[1] = 2;
    execl("/proc/self/exe", "lesson", "child", (char *)NULL);
    perror("execl");
    _exit(1);
  }
  int status;
  //@ expect ret > 0
  waitpid(pid, &status, 0);
  printf("parent: child exited with %d (exited=%d)\n", WEXITSTATUS(status), WIFEXITED(status));
  errno = 0;
  if (mlock((void*)0x10000, 4096) == -1) perror("mlock bad");
  void *mp = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mp == MAP_FAILED) perror("mmap");
  memset(mp, 7, 1 << 20);
  printf("mp[5]=%d\n", ((char*)mp)[5]);
  return 0;
}
