// pinpages real mode — measuring first-touch faults and worst-case touch time for real.
#include "real/latency.h"

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "real/explain.h"
#include "real/reports.h"

namespace pp::real {

namespace {
bool run_pass(u64 records, u64 bytes, bool lock, const RealOptions& opt, proto::LatencyNumbers* out,
              std::string* error, int* lock_err) {
  RealOs os(opt);
  ImageSpec img;
  int pid = os.spawn(img, nullptr);
  if (pid < 0) { *error = os.error(); return false; }
  OpResult r = os.latency(pid, records, bytes, lock, out);
  if (os.refused()) { *error = os.last_note(); return false; }
  if (r.err == err::SRCH) { *error = os.error(); return false; }
  if (lock && out->lock_err) {
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
std::string per_page(const proto::LatencyNumbers& n) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f us", n.pages ? static_cast<double>(n.touch_ns) / 1e3 / static_cast<double>(n.pages) : 0.0);
  return b;
}
}  // namespace

LatencyReport measure_latency(u64 records, u64 bytes, const RealOptions& opt) {
  LatencyReport rep;
  std::string e;
  if (!run_pass(records, bytes, false, opt, &rep.unlocked, &e, &rep.lock_err)) { rep.error = e; return rep; }
  if (!run_pass(records, bytes, true, opt, &rep.locked, &e, &rep.lock_err)) { rep.error = e; return rep; }
  rep.ok = true;
  return rep;
}

std::string format_latency(const LatencyReport& r) {
  std::ostringstream o;
  const auto& u = r.unlocked;
  const auto& l = r.locked;
  o << "Real latency on this kernel: " << u.records << " buffers x " << u.bytes << " bytes ("
    << u.pages << " page touches per pass), measured now\n";
  o << "  without locking: first touch " << u.touch_minflt << " minor + " << u.touch_majflt
    << " major faults, " << ms(u.touch_ns) << " in total (" << per_page(u) << " per page); worst record "
    << us(u.worst_record_ns) << ", worst page " << us(u.worst_page_ns) << ", " << u.slow_pages
    << " pages over 10 us\n";
  if (!r.ok) {
    o << "  with mlock: not measured: " << r.error << "\n";
    return o.str();
  }
  o << "  with mlock:      mlock took " << ms(l.lock_ns) << " (" << l.lock_minflt
    << " faults, paid up front); then touch " << l.touch_minflt << " minor + " << l.touch_majflt
    << " major faults, " << ms(l.touch_ns) << " in total (" << per_page(l) << " per page); worst record "
    << us(l.worst_record_ns) << ", worst page " << us(l.worst_page_ns) << ", " << l.slow_pages
    << " pages over 10 us\n";
  o << "  VmLck while locked: " << l.vm_lck_kb << " kB, VmRSS " << l.vm_rss_kb << " kB\n";
  o << "  (worst cases include preemption by other processes on this machine; the fault counts do not)\n";
  return o.str();
}

std::string latency_json(const LatencyReport& r) {
  auto pass = [](const proto::LatencyNumbers& n) {
    std::ostringstream o;
    o << "{\"touch_minflt\":" << n.touch_minflt << ",\"touch_majflt\":" << n.touch_majflt
      << ",\"touch_ns\":" << n.touch_ns << ",\"worst_record_ns\":" << n.worst_record_ns
      << ",\"worst_page_ns\":" << n.worst_page_ns << ",\"slow_pages\":" << n.slow_pages
      << ",\"lock_ns\":" << n.lock_ns
      << ",\"lock_minflt\":" << n.lock_minflt << ",\"vm_lck_kb\":" << n.vm_lck_kb
      << ",\"vm_rss_kb\":" << n.vm_rss_kb << "}";
    return o.str();
  };
  std::ostringstream o;
  o << "{\"records\":" << r.unlocked.records << ",\"bytes\":" << r.unlocked.bytes
    << ",\"pages\":" << r.unlocked.pages << ",\"ok\":" << (r.ok ? "true" : "false")
    << ",\"unlocked\":" << pass(r.unlocked) << ",\"locked\":" << pass(r.locked) << "}";
  return o.str();
}

int cmd_latency(const std::vector<std::string>& args) {
  u64 records = kTutorialRecords, bytes = kTutorialRecordBytes;
  RealOptions opt;
  bool json = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--latency") continue;
    if (a == "--records" && i + 1 < args.size()) records = std::strtoull(args[++i].c_str(), nullptr, 10);
    else if (a == "--bytes" && i + 1 < args.size()) bytes = std::strtoull(args[++i].c_str(), nullptr, 10);
    else if (a == "--force") opt.force = true;
    else if (a == "--json") json = true;
    else { std::fprintf(stderr, "pinpages real --latency: unknown option %s\n", a.c_str()); return 2; }
  }
  if (records == 0 || bytes == 0 || records > 1000000) {
    std::fprintf(stderr, "pinpages real --latency: --records must be 1..1000000 and --bytes > 0\n");
    return 2;
  }
  LatencyReport r = measure_latency(records, bytes, opt);
  if (json) std::printf("%s\n", latency_json(r).c_str());
  else std::printf("%s", format_latency(r).c_str());
  if (!r.ok && !json) std::fprintf(stderr, "%s\n", r.error.c_str());
  return r.ok ? 0 : 1;
}

}  // namespace pp::real
