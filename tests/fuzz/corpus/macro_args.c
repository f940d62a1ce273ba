#define SQ(x) ((x)*(x))
int main(void) {
  return SQ(1, 2);
}
