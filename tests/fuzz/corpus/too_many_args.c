#include <sys/mman.h>
int main(void) {
  munlockall(1);
  return 0;
}
