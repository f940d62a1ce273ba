int main(void) {
  int x;
  3 = x;
  return 0;
}
