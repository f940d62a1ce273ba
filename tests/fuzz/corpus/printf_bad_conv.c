#include <stdio.h>
int main(void) {
  printf("%k\n", 1);
  return 0;
}
