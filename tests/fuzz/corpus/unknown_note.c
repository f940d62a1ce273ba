//@ sparkle now
int main(void) {
  return 0;
}
