int main(void) {
  int a;
  int a;
  return 0;
}
