//@ machine ram=lots
int main(void) { return 0; }
