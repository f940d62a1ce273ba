// bench_core — prints how long the model takes at the tutorial's scale (not a test).
//
//   tutorial: spawn, malloc(1024) [printf], 500 × malloc(1,024,144), mlockall(CURRENT|FUTURE),
//             touch every record (the real-time work), munlockall, exit
//   budget: every op ≤ 1 ms, the whole program ≤ 50 ms, one state copy ≤ 2 MB
//
// Usage: bench_core [--records N] [--quick]   (--quick: one scale, one repetition)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "core/machine.h"

using namespace pp;
using Clock = std::chrono::steady_clock;

namespace {

double ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

struct Result {
  double setup = 0, mlockall = 0, fork = 0, cow_write = 0, munlockall = 0, snapshot = 0;
  double touch_all = 0, whole = 0, max_op = 0, pressure = 0, status = 0, smaps = 0;
  double count_child = 0;  // count_pages of every record in the forked child (locked elsewhere)
  u64 child_locked = 0;
  std::size_t deep = 0, history = 0;
  u64 vmlck = 0, rss = 0;
};

Result run(int records, u64 ram, u64 swap) {
  Result R;
  MachineConfig c;
  c.ram_bytes = ram;
  c.swap_bytes = swap;
  auto t0 = Clock::now();
  Machine m(c);
  int pid = m.spawn(ImageSpec{}, nullptr);
  m.malloc(pid, 1024);
  std::vector<u64> rec;
  double max_op = 0;
  for (int i = 0; i < records; ++i) {
    auto a = Clock::now();
    rec.push_back(u64(m.malloc(pid, 1024144).ret));
    max_op = std::max(max_op, ms(a, Clock::now()));
  }
  auto t1 = Clock::now();
  R.setup = ms(t0, t1);
  Machine before_lock = m;
  auto t2 = Clock::now();
  m.mlockall(pid, mcl::CURRENT | mcl::FUTURE);
  auto t3 = Clock::now();
  R.mlockall = ms(t2, t3);
  R.vmlck = m.status(pid).vm_lck_kb;
  auto t4 = Clock::now();
  for (u64 r : rec) m.touch(pid, r, 1024144, true);
  auto t5 = Clock::now();
  R.touch_all = ms(t4, t5);
  auto t6 = Clock::now();
  m.munlockall(pid);
  auto t7 = Clock::now();
  R.munlockall = ms(t6, t7);
  m.exit(pid, 0);
  R.whole = ms(t0, Clock::now());
  max_op = std::max({max_op, R.mlockall, R.munlockall});

  // fork of the locked, populated process, then one COW write
  Machine f = before_lock;
  f.mlockall(pid, mcl::CURRENT | mcl::FUTURE);
  R.rss = f.status(pid).vm_rss_kb;
  auto t8 = Clock::now();
  OpResult fr = f.fork(pid);
  auto t9 = Clock::now();
  R.fork = ms(t8, t9);
  {  // the child's view: frames it shares with the locked parent count as locked
    const int child = int(fr.ret);
    u64 lo = *std::min_element(rec.begin(), rec.end()), hi = *std::max_element(rec.begin(), rec.end()) + 1024144;
    auto tc0 = Clock::now();
    R.child_locked = f.count_pages(child, lo, hi - lo).locked;
    R.count_child = ms(tc0, Clock::now());
  }
  auto ta = Clock::now();
  f.touch(pid, rec[0], 8, true);
  R.cow_write = ms(ta, Clock::now());
  (void)fr;
  // snapshot: copy + first mutation (clones the top-level state and one chunk)
  auto tb = Clock::now();
  Machine snap = f;
  snap.touch(pid, rec[1], 8, true);
  R.snapshot = ms(tb, Clock::now());
  R.deep = before_lock.deep_bytes();
  auto tc = Clock::now();
  (void)f.status(pid);
  R.status = ms(tc, Clock::now());
  auto td = Clock::now();
  (void)f.smaps(pid);
  R.smaps = ms(td, Clock::now());
  // pressure on the unlocked child: 64 MiB more than is free
  auto te = Clock::now();
  f.pressure((u64(f.frames_free()) << kPageShift) + (64ull << 20));
  R.pressure = ms(te, Clock::now());
  // history: a Machine copy per step of the tutorial program
  {
    Machine h(c);
    int p = h.spawn(ImageSpec{}, nullptr);
    std::vector<Machine> hist;
    h.malloc(p, 1024);
    for (int i = 0; i < records; ++i) {
      h.malloc(p, 1024144);
      hist.push_back(h);
    }
    h.mlockall(p, mcl::CURRENT | mcl::FUTURE);
    hist.push_back(h);
    for (int i = 0; i < records; ++i) {
      h.touch(p, rec[std::size_t(i)], 1024144, true);
      hist.push_back(h);
    }
    std::vector<const void*> seen;
    std::size_t bytes = 0;
    for (const Machine& s : hist) s.collect_chunks(seen, bytes);
    R.history = bytes;
  }
  R.max_op = max_op;
  return R;
}

void print(const char* title, int records, const Result& r) {
  std::printf("== %s: %d records ==\n", title, records);
  std::printf("  setup (spawn + %d mallocs)       %9.3f ms\n", records, r.setup);
  std::printf("  mlockall(CURRENT|FUTURE)         %9.3f ms   (VmLck %llu kB)\n", r.mlockall,
              (unsigned long long)r.vmlck);
  std::printf("  touch every record (RT work)     %9.3f ms\n", r.touch_all);
  std::printf("  munlockall                       %9.3f ms\n", r.munlockall);
  std::printf("  fork of the locked process       %9.3f ms   (VmRSS %llu kB)\n", r.fork,
              (unsigned long long)r.rss);
  std::printf("  first COW write after fork       %9.3f ms\n", r.cow_write);
  char load[64] = "?";
  if (FILE* lf = std::fopen("/proc/loadavg", "r")) {
    if (!std::fgets(load, sizeof load, lf)) std::strcpy(load, "?");
    std::fclose(lf);
    load[std::strcspn(load, "\n")] = 0;
  }
  std::printf("  child count_pages, all records   %9.3f ms   (%llu pages locked through the parent; budget 50 ms: %s; load %s)\n",
              r.count_child, (unsigned long long)r.child_locked, r.count_child <= 50 ? "within" : "OVER", load);
  std::printf("  snapshot: copy + first mutation  %9.3f ms\n", r.snapshot);
  std::printf("  status() / smaps()               %9.3f / %.3f ms\n", r.status, r.smaps);
  std::printf("  pressure (reclaim + OOM)         %9.3f ms\n", r.pressure);
  std::printf("  slowest single op                %9.3f ms   (target <= 1 ms)\n", r.max_op);
  std::printf("  whole tutorial program           %9.3f ms   (target <= 50 ms)\n", r.whole);
  std::printf("  one state copy (deep_bytes)      %9.3f MB   (target <= 2 MB)\n", double(r.deep) / 1e6);
  std::printf("  history of %d steps             %9.3f MB\n", 2 * records + 1, double(r.history) / 1e6);
}

Result best_of(int n, int records, u64 ram, u64 swap) {
  Result best = run(records, ram, swap);
  for (int i = 1; i < n; ++i) {
    Result r = run(records, ram, swap);
    auto mn = [](double& a, double b) { a = std::min(a, b); };
    mn(best.setup, r.setup); mn(best.mlockall, r.mlockall); mn(best.fork, r.fork);
    mn(best.cow_write, r.cow_write); mn(best.munlockall, r.munlockall); mn(best.snapshot, r.snapshot);
    mn(best.touch_all, r.touch_all); mn(best.whole, r.whole); mn(best.max_op, r.max_op);
    mn(best.pressure, r.pressure); mn(best.status, r.status); mn(best.smaps, r.smaps);
    mn(best.count_child, r.count_child);
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  int records = 500;
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--records") && i + 1 < argc) records = std::max(1, std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--quick")) quick = true;
  }
  const u64 GiB = 1ull << 30;
  int reps = quick ? 1 : 5;
  Result a = best_of(reps, records, 1 * GiB, GiB / 2);
  print("tutorial scale (1 GiB RAM, 512 MiB swap; best of runs)", records, a);
  if (!quick) {
    Result b = best_of(2, records * 10, 8 * GiB, 4 * GiB);
    print("x10 (8 GiB RAM, 4 GiB swap)", records * 10, b);
    std::printf("  growth x10: mlockall %.1fx, fork %.1fx, whole %.1fx, state %.1fx\n",
                b.mlockall / a.mlockall, b.fork / a.fork, b.whole / a.whole,
                double(b.deep) / double(a.deep));
  }
  return 0;
}
