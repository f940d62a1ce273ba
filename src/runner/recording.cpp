// pinpages recordings — writing and reading the JSON document (recording.h).
//
// Reading never throws (the web build has no exception catching): the text is parsed
// with allow_exceptions=false, and every field is type-checked before it is read, so a
// bad document ends in one message that names the field.
#include "runner/recording.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "engine/run.h"
#include "runner/recording_read.h"

namespace pp::rec {

using nlohmann::json;

namespace {

json machine_json(const MachineInfo& m) {
  return {{"kernel_release", m.kernel_release}, {"kernel_version", m.kernel_version}, {"arch", m.arch},
          {"cpu_model", m.cpu_model}, {"hypervisor", m.hypervisor}, {"hypervisor_evidence", m.hypervisor_evidence},
          {"glibc", m.glibc}, {"privilege", m.privilege}, {"cap_ipc_lock", m.cap_ipc_lock},
          {"page_size", m.page_size}, {"ram_kb", m.ram_kb}, {"swap_kb", m.swap_kb},
          {"rlimit_memlock_cur", m.rlim_memlock_cur}, {"rlimit_memlock_max", m.rlim_memlock_max},
          {"zero_page", m.zero_page}, {"zero_page_evidence", m.zero_page_evidence}, {"recorded_at", m.recorded_at}};
}

json latency_json(const LatencyRecord& l) {
  json series = json::array();
  for (const LatencySeries& s : l.series)
    series.push_back({{"id", s.id}, {"label", s.label}, {"pages", s.pages}, {"faults", s.faults},
                      {"total_ns", s.total_ns}, {"worst_page_ns", s.worst_page_ns},
                      {"worst_record_ns", s.worst_record_ns}, {"slow_pages", s.slow_pages},
                      {"sys_pgfault", s.sys_pgfault}, {"steal_ms", s.steal_ms}, {"hist_log2_ns", s.hist}});
  return {{"records", l.records}, {"bytes", l.bytes}, {"timer_min_ns", l.timer_min_ns},
          {"timer_avg_ns", l.timer_avg_ns}, {"lock_ns", l.lock_ns}, {"lock_faults", l.lock_faults},
          {"finding", l.finding}, {"series", series}};
}

// The lab's own mappings are named by its absolute path, which says where someone built
// pinpages, not anything about the kernel: a shipped recording names just the program.
std::string without_lab_dir(std::string line) {
  static const std::string lab = "/pinpages-lab\"";
  for (std::size_t at = line.find(lab); at != std::string::npos; at = line.find(lab, at)) {
    std::size_t open = line.rfind('"', at);
    if (open == std::string::npos) break;
    line.erase(open + 1, at + 1 - (open + 1));
    at = open + lab.size();
  }
  return line;
}

}  // namespace

std::string to_json(const Recording& r) {
  json j;
  j["format"] = kFormatName;
  j["format_version"] = r.format;
  j["tool"] = r.tool;
  j["lesson"] = {{"id", r.lesson_id}, {"file", r.lesson_file}, {"title", r.lesson_title}, {"source", r.source}};
  j["machine"] = machine_json(r.machine);
  json errs = json::array();
  for (const Diagnostic& d : r.kernel.errors) errs.push_back(d.message);
  j["errors"] = errs;
  if (r.latency) j["latency"] = latency_json(*r.latency);
  if (r.agreement)
    j["agreement"] = {{"compared", r.agreement->compared}, {"agreed", r.agreement->agreed},
                      {"differing_steps", r.agreement->differing_steps}, {"summary", r.agreement->summary}};
  // Steps last, one per line: a diff of a re-made recording stays readable.
  std::string out = j.dump(-1, ' ', false, json::error_handler_t::replace);
  out.pop_back();  // the closing brace
  out += ",\n\"steps\":[\n";
  for (std::size_t i = 0; i < r.kernel.steps.size(); ++i)
    out += without_lab_dir(step_json(r.kernel, r.kernel.steps[i])) + (i + 1 < r.kernel.steps.size() ? ",\n" : "\n");
  return out + "]}\n";
}

std::string latency_to_json(const LatencyRecord& l) { return latency_json(l).dump(); }

bool parse_recording(const std::string& text, Recording* out, std::string* error) {
  return read_recording_text(text, out, error);
}

namespace {
// "01-mlockall" and "mlockall" name the same lesson.
std::string bare_id(const std::string& id) {
  auto dash = id.find('-');
  if (dash != std::string::npos && dash > 0 && id.find_first_not_of("0123456789") == dash) return id.substr(dash + 1);
  return id;
}
}  // namespace

std::string mismatch(const Recording& r, const std::string& lesson_id, const std::string& source) {
  if (bare_id(r.lesson_id) != bare_id(lesson_id))
    return "this recording is of lesson \"" + r.lesson_id + "\", not \"" + lesson_id + "\"";
  if (r.source != source)
    return "this recording was made from a different version of lesson \"" + lesson_id +
           "\" (its source differs from the one shown)";
  return "";
}

}  // namespace pp::rec
