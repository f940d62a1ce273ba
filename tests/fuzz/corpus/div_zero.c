int main(void) {
  int z = 0;
  return 5 / z;
}
