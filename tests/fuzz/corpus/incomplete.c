struct nope;
int main(void) {
  struct nope n;
  return 0;
}
