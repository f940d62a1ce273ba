int main(void) {
  return 0;
  //@ say nothing follows
}
