int main(void) {
  //@ quiz Which? | a | b
  return 0;
}
