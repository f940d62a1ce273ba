//@ title The tutorial's mlockall example (test copy)
//@ machine ram=1G swap=512M os=linux
//@ figures mlockall
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define SIZE 500

struct record {
  char name[128];
  int count;
  unsigned char dummy_array[1024000];
  struct record *next;
};

//@ figure A
//@ say The process has just started; nothing is pinned.
//@ expect VmLck == 0
int main(void) {
  struct record *a[SIZE];
  int i;

  printf("Starting mlockall example\n");

  /* Insert code here: preallocate the records before real-time work. */
  //@ step once
  //@ say Preallocate 500 records.
  for (i = 0; i < SIZE; i++) {
    a[i] = malloc(sizeof(struct record));
    memset(a[i], 0, sizeof(struct record));
  }

  printf("Pinning all pages\n");
  //@ figure B
  //@ expect VmLck >= 490M
  //@ expect a[0] locked=all resident=all
  //@ expect a[499] locked=all
  //@ expect ret == 0
  if (mlockall(MCL_CURRENT | MCL_FUTURE) == -1) {
    perror("mlockall");
    return 1;
  }

  /* Real-time work: more memory arrives pinned (MCL_FUTURE). */
  //@ figure C
  //@ expect extra locked=all resident=all
  char *extra = malloc(100 * 1024 * 1024);
  extra[0] = 1;

  printf("Cleaning up\n");
  //@ expect VmLck == 0
  munlockall();
  return 0;
}
