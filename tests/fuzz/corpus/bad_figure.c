int main(void) {
  //@ figure D
  return 0;
}
