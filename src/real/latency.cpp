// pinpages real mode — measuring first-touch faults and worst-case touch time for real.
#include "real/latency.h"

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "real/explain.h"
#include "real/machine_info.h"
#include "real/reports.h"

namespace pp::real {

namespace {
bool run_pass(u64 records, u64 bytes, proto::LatencyMode mode, const RealOptions& opt, proto::LatencyNumbers* out,
              std::string* error, int* lock_err) {
  RealOs os(opt);
  ImageSpec img;
  int pid = os.spawn(img, nullptr);
  if (pid < 0) { *error = os.error(); return false; }
  OpResult r = os.latency(pid, records, bytes, mode, out);
  if (os.refused()) { *error = os.last_note(); return false; }
  if (r.err == err::SRCH) { *error = os.error(); return false; }
  if (mode != proto::LAT_UNLOCKED && out->lock_err) {
    *lock_err = out->lock_err;
    ProcStatus st = os.status(pid);
    *error = "mlock failed: " + errno_str(out->lock_err) + "\n" +
             explain_lock_failure(out->lock_err, st, records * bytes);
    return false;
  }
  if (r.err) { *error = "malloc of the records failed: " + errno_str(r.err); return false; }
  return true;  // ~RealOs ends the lab: nothing stays locked
}

std::string ms(u64 ns) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f ms", static_cast<double>(ns) / 1e6);
  return b;
}
std::string us(u64 ns) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f us", static_cast<double>(ns) / 1e3);
  return b;
}
double per_page_us(const proto::LatencyPass& p) {
  return p.pages ? static_cast<double>(p.touch_ns) / 1e3 / static_cast<double>(p.pages) : 0.0;
}

rec::LatencySeries series(const char* id, const char* label, const proto::LatencyPass& p) {
  rec::LatencySeries s;
  s.id = id;
  s.label = label;
  s.pages = p.pages;
  s.faults = p.minflt + p.majflt;
  s.total_ns = p.touch_ns;
  s.worst_page_ns = p.worst_page_ns;
  s.worst_record_ns = p.worst_record_ns;
  s.slow_pages = p.slow_pages;
  s.sys_pgfault = p.sys_pgfault;
  s.steal_ms = p.steal_ticks * 10;  // USER_HZ is 100 on Linux
  int last = proto::kLatencyBuckets;
  while (last > 0 && p.hist[last - 1] == 0) --last;
  s.hist.assign(p.hist, p.hist + last);
  return s;
}

std::string line(const char* what, const proto::LatencyPass& p) {
  char b[400];
  std::snprintf(b, sizeof b,
                "  %-34s %7llu faults, %9s (%6.2f us per page); worst page %s, %llu pages over 10 us; "
                "whole kernel %llu faults, steal %llu ms\n",
                what, static_cast<unsigned long long>(p.minflt + p.majflt), ms(p.touch_ns).c_str(), per_page_us(p),
                us(p.worst_page_ns).c_str(), static_cast<unsigned long long>(p.slow_pages),
                static_cast<unsigned long long>(p.sys_pgfault), static_cast<unsigned long long>(p.steal_ticks * 10));
  return b;
}
}  // namespace

LatencyReport measure_latency(u64 records, u64 bytes, const RealOptions& opt) {
  LatencyReport rep;
  rep.hypervisor = machine_info().hypervisor;
  std::string e;
  if (!run_pass(records, bytes, proto::LAT_UNLOCKED, opt, &rep.unlocked, &e, &rep.lock_err)) { rep.error = e; return rep; }
  if (!run_pass(records, bytes, proto::LAT_LOCKED, opt, &rep.locked, &e, &rep.lock_err)) { rep.error = e; return rep; }
  if (!run_pass(records, bytes, proto::LAT_PRETOUCHED, opt, &rep.pretouched, &e, &rep.lock_err)) { rep.error = e; return rep; }
  rep.ok = true;
  return rep;
}

std::string latency_finding(const LatencyReport& r) {
  if (!r.ok) return "";
  const auto& l1 = r.locked.first;
  const auto& l2 = r.locked.second;
  const auto& p1 = r.pretouched.first;
  double a = per_page_us(l1), b = per_page_us(l2), c = per_page_us(p1);
  char buf[900];
  if (a < 3 * b + 0.2) {
    std::snprintf(buf, sizeof buf,
                  "After mlock the first pass (%.2f us per page) is about as fast as the second (%.2f us): "
                  "locking paid every fault up front.", a, b);
    return buf;
  }
  bool vm = !r.hypervisor.empty() && r.hypervisor != "none";
  std::snprintf(buf, sizeof buf,
                "After mlock the first pass takes %.2f us per page with %llu faults of its own (the whole kernel "
                "counted %llu), the second %.2f us. Pages written by the program before mlock: first pass after "
                "mlock %.2f us per page. %s",
                a, static_cast<unsigned long long>(l1.minflt + l1.majflt), static_cast<unsigned long long>(l1.sys_pgfault),
                b, c,
                c < (a + b) / 2
                    ? (vm ? "So the cost is the first write to a page that mlock only populated: this kernel takes no "
                            "fault for it, and the machine is a virtual machine (" + r.hypervisor +
                                "), whose hypervisor backs or tracks guest memory on first write, out of the guest's sight."
                          : std::string("So the cost is the first write to a page that mlock only populated, though this "
                                        "kernel takes no fault for it."))
                          .c_str()
                    : "Writing the pages before mlock does not make the locked first pass faster, so the cost is not "
                      "about first writes; it is the memory itself (caches, TLB) on this machine.");
  return buf;
}

rec::LatencyRecord latency_record(const LatencyReport& r) {
  rec::LatencyRecord l;
  l.records = r.unlocked.records;
  l.bytes = r.unlocked.bytes;
  l.timer_min_ns = r.unlocked.timer_min_ns;
  l.timer_avg_ns = r.unlocked.timer_avg_ns;
  l.lock_ns = r.locked.lock_ns;
  l.lock_faults = r.locked.lock_minflt;
  l.series.push_back(series("unlocked_first", "without locking: first touch", r.unlocked.first));
  if (r.ok) {
    l.series.push_back(series("locked_first", "after mlock: first pass", r.locked.first));
    l.series.push_back(series("locked_second", "after mlock: second pass", r.locked.second));
    l.series.push_back(series("pretouched_locked_first", "written, then mlock: first pass", r.pretouched.first));
  }
  l.finding = latency_finding(r);
  return l;
}

std::string format_latency(const LatencyReport& r) {
  std::ostringstream o;
  const auto& u = r.unlocked;
  const auto& l = r.locked;
  o << "Real latency on this kernel: " << u.records << " buffers x " << u.bytes << " bytes (" << u.first.pages
    << " page touches per pass), measured now" << (r.hypervisor.empty() ? "" : " on " + r.hypervisor) << "\n";
  o << "  timer: one measurement (two clock reads) costs " << u.timer_min_ns << " ns at best, " << u.timer_avg_ns
    << " ns on average; it is inside every number below\n";
  o << line("without locking, first touch:", u.first);
  if (!r.ok) {
    o << "  with mlock: not measured: " << r.error << "\n";
    return o.str();
  }
  o << "  mlock of every record took " << ms(l.lock_ns) << " (" << l.lock_minflt << " faults, paid up front)\n";
  o << line("with mlock, first pass:", l.first);
  o << line("with mlock, second pass:", l.second);
  o << line("written, then mlock, first pass:", r.pretouched.first);
  o << "  VmLck while locked: " << l.vm_lck_kb << " kB, VmRSS " << l.vm_rss_kb << " kB\n";
  o << "  " << latency_finding(r) << "\n";
  o << "  (worst cases include preemption by other processes on this machine; the fault counts do not)\n";
  return o.str();
}

}  // namespace pp::real
