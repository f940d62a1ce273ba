// Randomized operation sequences: seeded and reproducible; the invariants are checked
// after every operation (config.check_invariants) and after every step here.
#include <cstdlib>
#include <random>
#include <sstream>

#include "helpers.h"

namespace pp::test {

namespace {

struct Runner {
  std::mt19937_64 rng;
  Machine m;
  std::vector<int> pids;
  std::vector<u64> addrs;  // addresses worth poking at
  std::ostringstream log;

  Runner(u64 seed, OsKind os) : rng(seed), m(make_cfg(seed, os)) {}
  static MachineConfig make_cfg(u64 seed, OsKind os) {
    MachineConfig c = cfg(((seed % 3) + 1) * 16 * MiB, (seed % 2) * 16 * MiB, os);
    if (os == OsKind::Qnx) c.procnto = QnxProcnto(seed % 3);
    c.zero_page = seed % 5 != 4;  // some runs as a kernel without the zero page
    return c;
  }
  u64 pick(u64 n) { return n ? rng() % n : 0; }
  int pid() {
    std::vector<int> live;
    for (int p : m.pids())
      if (m.status(p).alive) live.push_back(p);
    return live.empty() ? 0 : live[pick(live.size())];
  }
  u64 addr() {
    if (addrs.empty() || pick(8) == 0) return (rng() & 0x7fffffffffffull) & ~u64(pick(2) ? 0xfff : 0);
    u64 a = addrs[pick(addrs.size())];
    return a + (pick(4) == 0 ? pick(64) * P : 0) - (pick(8) == 0 ? P : 0);
  }
  u64 len() {
    switch (pick(6)) {
      case 0: return 0;
      case 1: return pick(P * 2);
      case 2: return (pick(64) + 1) * P;
      case 3: return pick(4 * MiB);
      case 4: return pick(2) ? ~u64(0) - pick(P) : u64(1) << pick(64);
      default: return P;
    }
  }
  void step(int i) {
    int p = pid();
    if (!p) {
      ImageLayout lay;
      p = m.spawn(ImageSpec{}, &lay);
      addrs.push_back(lay.stack_top - P);
      addrs.push_back(lay.data);
      log << i << ": spawn -> " << p << "\n";
      return;
    }
    OpResult r;
    int op = int(pick(26));
    u64 a = addr(), l = len();
    log << i << ": pid " << p << " op " << op << " a=0x" << std::hex << a << " l=0x" << l << std::dec;
    switch (op) {
      case 0: r = m.malloc(p, pick(2) ? pick(4096) : pick(3 * MiB)); break;
      case 1: r = m.free(p, a); break;
      case 2: r = m.calloc(p, pick(1000), pick(5000)); break;
      case 3: r = m.realloc(p, a, pick(300000)); break;
      case 4: r = m.touch(p, a, pick(3) ? std::min<u64>(l, 2 * MiB) : l, pick(2)); break;
      case 5: r = m.mmap(p, pick(4) ? 0 : a, std::min<u64>(l, 8 * MiB), int(pick(8)),
                         int(pick(2) ? ANON : mapf::SHARED | mapf::ANONYMOUS) |
                             (pick(4) == 0 ? mapf::LOCKED : 0) | (pick(4) == 0 ? mapf::POPULATE : 0) |
                             (pick(5) == 0 ? mapf::FIXED : 0) | (pick(5) == 0 ? mapf::LAZY : 0),
                         -1, 0); break;
      case 6: r = m.munmap(p, a, l); break;
      case 7: r = m.mprotect(p, a, l, int(pick(8))); break;
      case 8: r = m.mlock(p, a, l); break;
      case 9: r = m.mlock2(p, a, l, int(pick(3))); break;
      case 10: r = m.munlock(p, a, l); break;
      case 11: r = m.mlockall(p, int(pick(8))); break;
      case 12: r = m.munlockall(p); break;
      case 13: if (m.pids().size() < 6) r = m.fork(p); break;
      case 14: if (pick(4) == 0) r = m.exit(p, int(pick(256))); break;
      case 15: r = m.wait(p, -1); break;
      case 16: r = m.madvise(p, a, l, int(pick(25))); break;
      case 17: r = m.pressure(pick(3) ? 0 : pick(48 * MiB)); break;
      case 18: r = m.setrlimit_memlock(p, pick(2) ? pick(4 * MiB) : kRlimInfinity, kRlimInfinity); break;
      case 19: r = m.set_cap_ipc_lock(p, pick(3) != 0); break;
      case 20: r = m.sbrk(p, i64(pick(600000)) - 300000); break;
      case 21: {
        OpResult o = m.open(p, "/data/f" + std::to_string(pick(3)), (pick(64) + 1) * P);
        if (o.ok()) r = m.mmap(p, 0, (pick(64) + 1) * P, int(pick(4)) | prot::READ,
                               pick(2) ? mapf::SHARED : mapf::PRIVATE, int(o.ret), pick(4) * P);
        break;
      }
      case 22: if (pick(8) == 0) r = m.exec(p, ImageSpec{"/bin/x", 4 * P, P, P, pick(8) * P}, nullptr); break;
      case 23: r = m.procmgr_ability_io(p, true); if (pick(2)) r = m.thread_ctl_io(p); break;
      case 24: r = m.brk(p, a); break;
      default: r = m.touch(p, a, std::min<u64>(l, 64 * P), true); break;
    }
    log << " -> ret " << r.ret << " err " << r.err << "\n";
    if (r.ok() && r.ret > 0x10000 && (op == 0 || op == 2 || op == 3 || op == 5 || op == 21))
      addrs.push_back(u64(r.ret));
    // Reports must never crash either.
    (void)m.status(p);
    (void)m.smaps(p);
    (void)m.count_pages(p, a, l);
    int e;
    (void)m.mincore(p, a & ~(P - 1), std::min<u64>(l, 64 * P), &e);
  }
};

void run_seeds(u64 first, int seeds, int steps, OsKind os) {
  for (u64 seed = first; seed < first + u64(seeds); ++seed) {
    Runner R(seed, os);
    for (int i = 0; i < steps; ++i) {
      R.step(i);
      std::string v = R.m.check();
      if (!v.empty()) {
        std::string tail = R.log.str();
        if (tail.size() > 4000) tail = tail.substr(tail.size() - 4000);
        FAIL() << "seed " << seed << " step " << i << ": " << v << "\n" << tail;
      }
    }
  }
}

}  // namespace

// PP_RANDOM_SEEDS=<n> runs n seeds per personality (default: 1500 Linux, 500 QNX).
int seeds(int dflt) {
  const char* e = std::getenv("PP_RANDOM_SEEDS");
#if defined(__SANITIZE_ADDRESS__)
  dflt /= 5;  // the sanitizer build is ~20x slower; fewer seeds keep ctest quick
#endif
  return e ? std::max(1, std::atoi(e)) : dflt;
}

TEST(Random, LinuxSequencesKeepInvariants) { run_seeds(1, seeds(1500), 50, OsKind::Linux); }
TEST(Random, QnxSequencesKeepInvariants) { run_seeds(100001, seeds(500), 50, OsKind::Qnx); }

}  // namespace pp::test
