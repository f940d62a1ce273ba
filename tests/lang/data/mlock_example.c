//@ title The tutorial's mlock example (test copy)
//@ figures mlock
#include <stdio.h>
#include <sys/mman.h>

double buffer[2048];

//@ figure A
//@ expect buffer locked=none
int main(void) {
  //@ figure B
  //@ expect buffer locked=all resident=all
  //@ expect ret == 0
  if (mlock(buffer, 2048 * sizeof(double)) == -1) {
    perror("mlock");
    return 1;
  }
  printf("buffer is locked\n");

  /* real-time work */
  buffer[0] = 1.5;

  //@ expect buffer locked=none resident=all
  if (munlock(buffer, 2048 * sizeof(double)) == -1) {
    perror("munlock");
    return 1;
  }
  printf("buffer is unlocked\n");
  return 0;
}
