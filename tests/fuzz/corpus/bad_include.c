#include <nothere.h>
int main(void) { return 0; }
