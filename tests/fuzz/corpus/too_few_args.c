#include <sys/mman.h>
int main(void) {
  mlock(0);
  return 0;
}
