int main(void) {
  //@ expect VmLck ~= 5
  return 0;
}
