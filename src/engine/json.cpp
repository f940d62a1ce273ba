// pinpages engine — one JSON line per step (`pinpages run --json`; tests/golden/ holds
// every lesson's lines, so a change of this schema is a reviewed diff).
#include <cstdio>

#include <nlohmann/json.hpp>

#include "engine/run.h"

namespace pp {

namespace {
std::string hex(u64 v) {
  char b[32];
  std::snprintf(b, sizeof b, "0x%llx", (unsigned long long)v);
  return b;
}
}  // namespace

std::string step_json(const Trace& t, const Step& s) {
  using nlohmann::json;
  json j;
  j["step"] = s.index;
  j["pid"] = s.pid;
  j["tid"] = s.tid;
  if (s.thread_stack) j["thread_stack"] = s.thread_stack;
  j["line"] = s.line;
  j["source"] = s.source;
  j["call"] = s.call;
  j["fn"] = s.fn.empty() ? json(nullptr) : json(s.fn);
  j["args"] = s.args;
  j["ret"] = s.ret;
  j["errno"] = s.err ? json(errno_name(s.err) ? errno_name(s.err) : "E?") : json(nullptr);
  j["figure"] = s.figure ? json(std::string(1, *s.figure)) : json(nullptr);
  if (!s.figure_caption.empty()) j["figure_caption"] = s.figure_caption;
  if (!s.say.empty()) j["say"] = s.say;
  if (!s.output.empty()) j["output"] = s.output;
  if (s.quiz) {
    j["quiz"] = {{"question", s.quiz->question}, {"choices", s.quiz->choices}, {"answer", s.quiz->answer},
                 {"explain", s.quiz->explanation}};
  }
  j["minflt"] = s.minflt;
  j["majflt"] = s.majflt;
  j["cost_us"] = s.cost_us;
  // What changed, summarised per kind (pages), so a line stays short at any scale.
  json ev = json::object();
  for (const Event& e : s.events) {
    std::string k = event_name(e.kind);
    ev[k] = (ev.contains(k) ? ev[k].get<u64>() : 0) + (e.npages ? e.npages : 1);
  }
  j["events"] = ev;
  json procs = json::array();
  for (const ProcReport& p : s.procs) {
    json pj;
    pj["pid"] = p.status.pid;
    pj["ppid"] = p.status.ppid;
    pj["alive"] = p.status.alive;
    pj["vm_size_kb"] = p.status.vm_size_kb;
    pj["vm_lck_kb"] = p.status.vm_lck_kb;
    pj["vm_rss_kb"] = p.status.vm_rss_kb;
    pj["vm_swap_kb"] = p.status.vm_swap_kb;
    pj["minflt"] = p.status.minflt;
    pj["majflt"] = p.status.majflt;
    json mcl = json::array();
    if (p.status.mcl & mcl::CURRENT) mcl.push_back("MCL_CURRENT");
    if (p.status.mcl & mcl::FUTURE) mcl.push_back("MCL_FUTURE");
    if (p.status.mcl & mcl::ONFAULT) mcl.push_back("MCL_ONFAULT");
    pj["mcl"] = mcl;
    json regions = json::array();
    for (const SmapsEntry& r : p.regions) {
      regions.push_back({{"start", hex(r.start)}, {"end", hex(r.end)}, {"perms", r.perms}, {"name", r.name},
                         {"size_kb", r.size_kb}, {"rss_kb", r.rss_kb}, {"locked_kb", r.locked_kb}, {"swap_kb", r.swap_kb},
                         {"level", lock_level_name(r.level)}, {"vmflags", r.vmflags}});
    }
    pj["regions"] = regions;
    if (t.meta.machine.os == OsKind::Qnx) {  // not /proc names: say what the numbers are
      QuantityLabels l = quantity_labels(OsKind::Qnx);
      pj["labels"] = {{"vm_lck_kb", l.lck}, {"vm_rss_kb", l.rss}, {"vm_size_kb", l.size}, {"vm_swap_kb", l.swap}};
    }
    json objs = json::array();
    for (const ObjectReport& o : p.objects) {
      objs.push_back({{"name", o.name}, {"addr", hex(o.addr)}, {"bytes", o.bytes}, {"pages", o.pages},
                      {"resident_pages", o.resident_pages}, {"locked_pages", o.locked_pages},
                      {"swapped_pages", o.swapped_pages}, {"freed", o.freed}});
    }
    pj["objects"] = objs;
    procs.push_back(pj);
  }
  j["processes"] = procs;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace pp
