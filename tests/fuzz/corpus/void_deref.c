int main(void) {
  void *p = 0;
  return *p;
}
