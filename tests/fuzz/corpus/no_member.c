struct s { int a; };
int main(void) {
  struct s v;
  v.b = 1;
  return 0;
}
