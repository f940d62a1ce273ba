// No-leak test helper: locks memory in a lab and in a forked lab child through
// RealOs, prints "READY <pid> <child>", then waits to be SIGKILLed mid-lesson.
#include <unistd.h>

#include <cstdio>

#include "real/real_os.h"

int main() {
  using namespace pp;
  pp::real::RealOs os;
  int pid = os.spawn(ImageSpec{}, nullptr);
  if (pid < 0) { std::fprintf(stderr, "%s\n", os.error().c_str()); return 1; }
  // 2 MiB: within a default `ulimit -l` (8 MiB), so this works without root too.
  OpResult m = os.malloc(pid, 2u << 20);
  if (!os.mlock(pid, static_cast<u64>(m.ret), 2u << 20).ok()) return 2;
  OpResult f = os.fork(pid);
  if (f.ret <= 0) return 3;
  int child = static_cast<int>(f.ret);
  if (!os.mlockall(child, mcl::CURRENT | mcl::FUTURE).ok()) return 4;
  std::printf("READY %d %d\n", pid, child);
  std::fflush(stdout);
  for (;;) pause();
}
