#error lesson not ready
int main(void) { return 0; }
