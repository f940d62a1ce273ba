#include "fixtures.h"

#include <memory>

namespace pp::uitest {
namespace {

struct Builder {
  Trace t;
  Machine m;
  int pid = 0;
  ImageLayout lay;
  std::vector<ObjectReport> objs;  // names + ranges; page counts filled per step
  explicit Builder(MachineConfig cfg) : m(cfg) {}

  void step(const std::string& src, const std::string& call, const OpResult& r, std::optional<char> fig,
            const std::string& cap, const std::string& say) {
    Step s;
    s.index = static_cast<int>(t.steps.size());
    s.pid = pid;
    s.line = s.index * 3 + 10;
    s.source = src;
    s.call = call;
    // The call as the engine records it: "mlock(...)" is the library function mlock.
    if (!call.empty()) {
      s.fn = call.substr(0, call.find('('));
      s.id = lang::Builtin(lang::builtin_id(s.fn));
    }
    s.ret = r.ret;
    s.err = r.err;
    s.figure = fig;
    s.figure_caption = cap;
    s.say = say;
    s.events = r.events;
    s.minflt = r.minflt;
    s.majflt = r.majflt;
    s.cost_us = r.cost_us;
    s.output = src.empty() ? "" : "ran: " + src + "\n";
    for (int p : m.pids()) {
      ProcReport pr;
      pr.status = m.status(p);
      pr.regions = m.smaps(p);
      if (p == pid)
        for (ObjectReport o : objs) {
          PageCounts c = m.count_pages(p, o.addr, o.bytes);
          o.pages = c.pages;
          o.resident_pages = c.resident;
          o.locked_pages = c.locked;
          o.swapped_pages = c.swapped;
          pr.objects.push_back(o);
        }
      s.procs.push_back(std::move(pr));
    }
    s.machine = std::make_shared<const Machine>(m);
    t.steps.push_back(std::move(s));
  }
};

std::string source_of(int lines) {
  std::string s;
  for (int i = 1; i <= lines; ++i) s += "line " + std::to_string(i) + ";  //@ say hello\n";
  return s;
}

}  // namespace

Trace mlockall_trace() {
  Builder b(MachineConfig{});
  b.t.meta.id = "mlockall-fixture";
  b.t.meta.title = "hand-made mlockall";
  b.t.meta.figure_set = "mlockall";
  b.t.meta.source = source_of(40);
  ImageSpec img;
  b.pid = b.m.spawn(img, &b.lay);
  b.objs.push_back({"a", b.lay.stack_top - 4096, 4000});
  b.step("", "", OpResult{}, 'A', "Just started: nothing is pinned.", "The program has started.");
  OpResult all;
  for (int i = 0; i < 500; ++i) {
    OpResult r = b.m.malloc(b.pid, 1024144);
    b.objs.push_back({"a[" + std::to_string(i) + "]", static_cast<u64>(r.ret), 1024144});
    all.events.insert(all.events.end(), r.events.begin(), r.events.end());
    all.minflt += r.minflt;
  }
  b.step("a[i] = malloc(sizeof(struct record));", "malloc(1024144)", all, std::nullopt, "", "500 records.");
  b.step("mlockall(MCL_CURRENT | MCL_FUTURE)", "mlockall(MCL_CURRENT | MCL_FUTURE)",
         b.m.mlockall(b.pid, mcl::CURRENT | mcl::FUTURE), 'B', "After mlockall: every page is pinned.", "Pinned.");
  OpResult r = b.m.malloc(b.pid, 1 << 20);
  b.objs.push_back({"scratch", static_cast<u64>(r.ret), 1 << 20});
  b.step("scratch = malloc(1024 * 1024);", "malloc(1048576)", r, 'C', "New pages are pinned at once.", "MCL_FUTURE.");
  b.t.steps.back().quiz = Quiz{"What happens to the new pages?", {"nothing", "pinned and in RAM", "pinned later"}, 1,
                               "MCL_FUTURE pins new mappings at once."};
  b.step("munlockall();", "munlockall()", b.m.munlockall(b.pid), std::nullopt, "", "Unpinned.");
  return std::move(b.t);
}

Trace mlock_trace() {
  Builder b(MachineConfig{});
  b.t.meta.id = "mlock-fixture";
  b.t.meta.title = "hand-made mlock";
  b.t.meta.source = source_of(20);
  ImageSpec img;
  img.bss_bytes = 2048 * 8;
  b.pid = b.m.spawn(img, &b.lay);
  b.objs.push_back({"buffer", b.lay.bss, 2048 * 8});
  b.step("", "", OpResult{}, 'A', "buffer is not pinned.", "");
  b.step("mlock(buffer, sizeof buffer)", "mlock(buffer, 16384)", b.m.mlock(b.pid, b.lay.bss, 16384), 'B',
         "buffer cannot be paged out.", "");
  b.step("munlock(buffer, sizeof buffer)", "munlock(buffer, 16384)", b.m.munlock(b.pid, b.lay.bss, 16384),
         std::nullopt, "", "");
  return std::move(b.t);
}

Trace fork_pressure_trace() {
  MachineConfig cfg;
  cfg.ram_bytes = 64ull << 20;
  cfg.swap_bytes = 64ull << 20;
  Builder b(cfg);
  b.t.meta.id = "fork-fixture";
  b.t.meta.title = "hand-made fork + pressure";
  b.t.meta.source = source_of(30);
  b.t.meta.allows_qnx = true;
  ImageSpec img;
  b.pid = b.m.spawn(img, &b.lay);
  b.step("", "", OpResult{}, std::nullopt, "", "");
  OpResult r = b.m.malloc(b.pid, 8 << 20);
  u64 p = static_cast<u64>(r.ret);
  b.objs.push_back({"p", p, 8 << 20});
  b.step("p = malloc(8 MiB)", "malloc(8388608)", r, std::nullopt, "", "");
  b.step("memset(p, 1, 8 MiB)", "", b.m.touch(b.pid, p, 8 << 20, true), std::nullopt, "", "");
  b.step("mlock(p, 1 MiB)", "mlock(p, 1048576)", b.m.mlock(b.pid, p, 1 << 20), std::nullopt, "", "");
  b.step("fork()", "fork()", b.m.fork(b.pid), std::nullopt, "", "");
  b.step("pressure", "", b.m.pressure(60ull << 20), std::nullopt, "", "");
  b.step("touch again", "", b.m.touch(b.pid, p, 8 << 20, false), std::nullopt, "", "");
  b.step("mlockall(0)", "mlockall(0)", b.m.mlockall(b.pid, 0), std::nullopt, "", "");
  return std::move(b.t);
}

}  // namespace pp::uitest
