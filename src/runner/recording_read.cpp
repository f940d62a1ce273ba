// pinpages recordings — reading a document into a Recording, field by field, with the
// path of the first field that is wrong in the message.
#include <cstdio>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "runner/recording_read.h"

namespace pp::rec {
namespace {

using nlohmann::json;

// Records the first syntax error of a document that did not parse, without throwing.
struct SyntaxProbe : nlohmann::json_sax<json> {
  std::string message;
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t pos, const std::string& last, const nlohmann::detail::exception& e) override {
    (void)last;
    message = "not valid JSON at byte " + std::to_string(pos) + ": " + e.what();
    return false;
  }
};

// Walks the document; the first wrong field sets `err` and every later read is a no-op.
struct Reader {
  std::string err;
  bool ok() const { return err.empty(); }

  static const char* type_of(const json& v) {
    switch (v.type()) {
      case json::value_t::null: return "null";
      case json::value_t::object: return "an object";
      case json::value_t::array: return "an array";
      case json::value_t::string: return "a string";
      case json::value_t::boolean: return "true/false";
      case json::value_t::binary: return "binary data";
      case json::value_t::discarded: return "nothing";
      default: return "a number";
    }
  }
  void fail(const std::string& path, const std::string& what) {
    if (err.empty()) err = path + ": " + what;
  }
  const json* field(const json& o, const std::string& path, const char* key, bool required = true) {
    if (!ok()) return nullptr;
    if (!o.is_object()) { fail(path, std::string("expected an object, found ") + type_of(o)); return nullptr; }
    auto it = o.find(key);
    if (it == o.end()) {
      if (required) fail(path + "." + key, "missing");
      return nullptr;
    }
    return &*it;
  }
  std::string str(const json& o, const std::string& path, const char* key, bool required = true) {
    const json* v = field(o, path, key, required);
    if (!v || v->is_null()) return "";
    if (!v->is_string()) { fail(path + "." + key, std::string("expected a string, found ") + type_of(*v)); return ""; }
    return v->get<std::string>();
  }
  std::int64_t num(const json& o, const std::string& path, const char* key, bool required = true) {
    const json* v = field(o, path, key, required);
    if (!v) return 0;
    if (v->is_number_unsigned()) return static_cast<std::int64_t>(v->get<std::uint64_t>());
    if (v->is_number_integer()) return v->get<std::int64_t>();
    if (v->is_number_float()) return static_cast<std::int64_t>(v->get<double>());
    fail(path + "." + key, std::string("expected a number, found ") + type_of(*v));
    return 0;
  }
  std::uint64_t unum(const json& o, const std::string& path, const char* key, bool required = true) {
    std::int64_t v = num(o, path, key, required);
    if (v < 0) { fail(path + "." + key, "expected a count, found " + std::to_string(v)); return 0; }
    return static_cast<std::uint64_t>(v);
  }
  bool flag(const json& o, const std::string& path, const char* key, bool required = true) {
    const json* v = field(o, path, key, required);
    if (!v) return false;
    if (!v->is_boolean()) { fail(path + "." + key, std::string("expected true or false, found ") + type_of(*v)); return false; }
    return v->get<bool>();
  }
  const json* arr(const json& o, const std::string& path, const char* key, bool required = true) {
    const json* v = field(o, path, key, required);
    if (!v) return nullptr;
    if (!v->is_array()) { fail(path + "." + key, std::string("expected an array, found ") + type_of(*v)); return nullptr; }
    return v;
  }
  std::uint64_t hex(const json& o, const std::string& path, const char* key) {
    std::string s = str(o, path, key);
    if (!ok()) return 0;
    char* end = nullptr;
    std::uint64_t v = std::strtoull(s.c_str(), &end, 16);
    if (s.rfind("0x", 0) != 0 || !end || *end) fail(path + "." + key, "expected an address like \"0x7f00\", found \"" + s + "\"");
    return v;
  }
};

int errno_from_name(const std::string& name) {
  for (int e = 1; e < 256; ++e) {
    const char* n = errno_name(e);
    if (n && name == n) return e;
  }
  return -1;
}

LockLevel level_from_name(const std::string& s) {
  for (LockLevel l : {LockLevel::Unlocked, LockLevel::Locked, LockLevel::OnFault, LockLevel::Superlocked, LockLevel::Lazy})
    if (s == lock_level_name(l)) return l;
  return LockLevel::Unlocked;
}

void read_process(Reader& rd, const json& pj, const std::string& path, ProcReport* p) {
  ProcStatus& st = p->status;
  st.pid = static_cast<int>(rd.num(pj, path, "pid"));
  st.ppid = static_cast<int>(rd.num(pj, path, "ppid"));
  st.alive = rd.flag(pj, path, "alive");
  st.vm_size_kb = rd.unum(pj, path, "vm_size_kb");
  st.vm_lck_kb = rd.unum(pj, path, "vm_lck_kb");
  st.vm_rss_kb = rd.unum(pj, path, "vm_rss_kb");
  st.vm_swap_kb = rd.unum(pj, path, "vm_swap_kb");
  st.minflt = rd.unum(pj, path, "minflt");
  st.majflt = rd.unum(pj, path, "majflt");
  if (const json* mcl = rd.arr(pj, path, "mcl"))
    for (const json& f : *mcl) {
      if (f == "MCL_CURRENT") st.mcl |= mcl::CURRENT;
      else if (f == "MCL_FUTURE") st.mcl |= mcl::FUTURE;
      else if (f == "MCL_ONFAULT") st.mcl |= mcl::ONFAULT;
    }
  if (const json* regs = rd.arr(pj, path, "regions"))
    for (std::size_t i = 0; i < regs->size() && rd.ok(); ++i) {
      const json& r = (*regs)[i];
      std::string rp = path + ".regions[" + std::to_string(i) + "]";
      SmapsEntry e;
      e.start = rd.hex(r, rp, "start");
      e.end = rd.hex(r, rp, "end");
      e.perms = rd.str(r, rp, "perms");
      e.name = rd.str(r, rp, "name");
      e.size_kb = rd.unum(r, rp, "size_kb");
      e.rss_kb = rd.unum(r, rp, "rss_kb");
      e.locked_kb = rd.unum(r, rp, "locked_kb");
      e.swap_kb = rd.unum(r, rp, "swap_kb");
      e.level = level_from_name(rd.str(r, rp, "level"));
      e.vmflags = rd.str(r, rp, "vmflags");
      e.locked = e.level == LockLevel::Locked || e.vmflags.find("lo") != std::string::npos;
      e.onfault = e.level == LockLevel::OnFault;
      p->regions.push_back(std::move(e));
    }
  if (const json* objs = rd.arr(pj, path, "objects"))
    for (std::size_t i = 0; i < objs->size() && rd.ok(); ++i) {
      const json& o = (*objs)[i];
      std::string op = path + ".objects[" + std::to_string(i) + "]";
      ObjectReport r;
      r.name = rd.str(o, op, "name");
      r.addr = rd.hex(o, op, "addr");
      r.bytes = rd.unum(o, op, "bytes");
      r.pages = rd.unum(o, op, "pages");
      r.resident_pages = rd.unum(o, op, "resident_pages");
      r.locked_pages = rd.unum(o, op, "locked_pages");
      r.swapped_pages = rd.unum(o, op, "swapped_pages");
      r.freed = rd.flag(o, op, "freed", false);
      p->objects.push_back(std::move(r));
    }
}

void read_step(Reader& rd, const json& sj, const std::string& path, Step* s) {
  s->index = static_cast<int>(rd.num(sj, path, "step"));
  s->pid = static_cast<int>(rd.num(sj, path, "pid"));
  s->tid = static_cast<int>(rd.num(sj, path, "tid", false));
  s->line = static_cast<int>(rd.num(sj, path, "line"));
  s->source = rd.str(sj, path, "source");
  s->call = rd.str(sj, path, "call");
  s->fn = rd.str(sj, path, "fn", false);
  s->id = lang::Builtin(lang::builtin_id(s->fn));
  s->ret = rd.num(sj, path, "ret");
  std::string e = rd.str(sj, path, "errno");
  if (!e.empty()) {
    s->err = errno_from_name(e);
    if (s->err < 0) rd.fail(path + ".errno", "unknown errno name \"" + e + "\"");
  }
  std::string fig = rd.str(sj, path, "figure", false);
  if (fig.size() == 1) s->figure = fig[0];
  s->figure_caption = rd.str(sj, path, "figure_caption", false);
  s->say = rd.str(sj, path, "say", false);
  s->output = rd.str(sj, path, "output", false);
  s->minflt = rd.unum(sj, path, "minflt");
  s->majflt = rd.unum(sj, path, "majflt");
  if (const json* procs = rd.arr(sj, path, "processes"))
    for (std::size_t i = 0; i < procs->size() && rd.ok(); ++i) {
      ProcReport p;
      read_process(rd, (*procs)[i], path + ".processes[" + std::to_string(i) + "]", &p);
      s->procs.push_back(std::move(p));
    }
}

void read_machine(Reader& rd, const json& j, MachineInfo* m) {
  const json* mj = rd.field(j, "recording", "machine");
  if (!mj) return;
  const std::string p = "machine";
  m->kernel_release = rd.str(*mj, p, "kernel_release");
  m->kernel_version = rd.str(*mj, p, "kernel_version", false);
  m->arch = rd.str(*mj, p, "arch", false);
  m->cpu_model = rd.str(*mj, p, "cpu_model");
  m->hypervisor = rd.str(*mj, p, "hypervisor");
  m->hypervisor_evidence = rd.str(*mj, p, "hypervisor_evidence", false);
  m->glibc = rd.str(*mj, p, "glibc");
  m->privilege = rd.str(*mj, p, "privilege");
  m->cap_ipc_lock = rd.flag(*mj, p, "cap_ipc_lock");
  m->page_size = rd.unum(*mj, p, "page_size");
  m->ram_kb = rd.unum(*mj, p, "ram_kb");
  m->swap_kb = rd.unum(*mj, p, "swap_kb");
  m->rlim_memlock_cur = rd.unum(*mj, p, "rlimit_memlock_cur");
  m->rlim_memlock_max = rd.unum(*mj, p, "rlimit_memlock_max");
  m->recorded_at = rd.str(*mj, p, "recorded_at", false);
  if (rd.field(*mj, p, "zero_page", false)) m->zero_page = rd.flag(*mj, p, "zero_page");
  m->zero_page_evidence = rd.str(*mj, p, "zero_page_evidence", false);
}

void read_latency(Reader& rd, const json& j, Recording* out) {
  const json* lj = rd.field(j, "recording", "latency", false);
  if (!lj || lj->is_null()) return;
  const std::string p = "latency";
  LatencyRecord l;
  l.records = rd.unum(*lj, p, "records");
  l.bytes = rd.unum(*lj, p, "bytes");
  l.timer_min_ns = rd.unum(*lj, p, "timer_min_ns");
  l.timer_avg_ns = rd.unum(*lj, p, "timer_avg_ns");
  l.lock_ns = rd.unum(*lj, p, "lock_ns");
  l.lock_faults = rd.unum(*lj, p, "lock_faults");
  l.finding = rd.str(*lj, p, "finding", false);
  if (const json* ser = rd.arr(*lj, p, "series"))
    for (std::size_t i = 0; i < ser->size() && rd.ok(); ++i) {
      const json& s = (*ser)[i];
      std::string sp = p + ".series[" + std::to_string(i) + "]";
      LatencySeries x;
      x.id = rd.str(s, sp, "id");
      x.label = rd.str(s, sp, "label");
      x.pages = rd.unum(s, sp, "pages");
      x.faults = rd.unum(s, sp, "faults");
      x.total_ns = rd.unum(s, sp, "total_ns");
      x.worst_page_ns = rd.unum(s, sp, "worst_page_ns");
      x.worst_record_ns = rd.unum(s, sp, "worst_record_ns", false);
      x.slow_pages = rd.unum(s, sp, "slow_pages", false);
      x.sys_pgfault = rd.unum(s, sp, "sys_pgfault", false);
      x.steal_ms = rd.unum(s, sp, "steal_ms", false);
      if (const json* h = rd.arr(s, sp, "hist_log2_ns")) {
        if (h->size() > 64) rd.fail(sp + ".hist_log2_ns", "more than 64 buckets");
        for (std::size_t k = 0; k < h->size() && rd.ok(); ++k) {
          if (!(*h)[k].is_number_unsigned() && !((*h)[k].is_number_integer() && (*h)[k].get<std::int64_t>() >= 0))
            rd.fail(sp + ".hist_log2_ns[" + std::to_string(k) + "]", "expected a count");
          else x.hist.push_back((*h)[k].get<std::uint64_t>());
        }
      }
      l.series.push_back(std::move(x));
    }
  if (rd.ok()) out->latency = std::move(l);
}

}  // namespace

bool read_recording_text(const std::string& text, Recording* out, std::string* error) {
  *out = Recording{};
  auto bad = [&](const std::string& m) { *error = m; return false; };
  if (text.size() > kMaxBytes) {
    char b[160];
    std::snprintf(b, sizeof b, "the file is %.1f MB; a recording is at most %zu MB", text.size() / 1048576.0,
                  kMaxBytes >> 20);
    return bad(b);
  }
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) {
    SyntaxProbe probe;
    json::sax_parse(text, &probe, json::input_format_t::json, false);
    return bad(probe.message.empty() ? "not valid JSON" : probe.message);
  }
  if (!j.is_object()) return bad("not a pinpages recording: the document is not a JSON object");
  auto fmt = j.find("format");
  if (fmt == j.end() || !fmt->is_string() || *fmt != kFormatName)
    return bad(std::string("not a pinpages recording: field \"format\" must be \"") + kFormatName + "\"");
  Reader rd;
  out->format = static_cast<int>(rd.num(j, "recording", "format_version"));
  if (!rd.ok()) return bad(rd.err);
  if (out->format > kFormatVersion)
    return bad("this recording has format version " + std::to_string(out->format) +
               ", newer than this pinpages reads (version " + std::to_string(kFormatVersion) +
               "); open it with a newer pinpages");
  if (out->format < 1) return bad("format_version: expected 1 or more, found " + std::to_string(out->format));
  out->tool = rd.str(j, "recording", "tool", false);
  if (const json* l = rd.field(j, "recording", "lesson")) {
    out->lesson_id = rd.str(*l, "lesson", "id");
    out->lesson_file = rd.str(*l, "lesson", "file", false);
    out->lesson_title = rd.str(*l, "lesson", "title", false);
    out->source = rd.str(*l, "lesson", "source");
  }
  read_machine(rd, j, &out->machine);
  if (const json* steps = rd.arr(j, "recording", "steps")) {
    if (steps->empty()) rd.fail("steps", "empty: the kernel ran no step");
    for (std::size_t i = 0; i < steps->size() && rd.ok(); ++i) {
      Step s;
      read_step(rd, (*steps)[i], "steps[" + std::to_string(i) + "]", &s);
      if (rd.ok() && s.index != static_cast<int>(i))
        rd.fail("steps[" + std::to_string(i) + "].step", "expected " + std::to_string(i) + ", found " + std::to_string(s.index));
      out->kernel.steps.push_back(std::move(s));
    }
  }
  if (const json* errs = rd.arr(j, "recording", "errors", false))
    for (const json& e : *errs)
      if (e.is_string()) out->kernel.errors.push_back(Diagnostic{false, out->lesson_file, 0, 0, e.get<std::string>(), ""});
  read_latency(rd, j, out);
  if (const json* a = rd.field(j, "recording", "agreement", false); a && !a->is_null()) {
    Agreement ag;
    ag.compared = static_cast<int>(rd.num(*a, "agreement", "compared"));
    ag.agreed = static_cast<int>(rd.num(*a, "agreement", "agreed"));
    ag.summary = rd.str(*a, "agreement", "summary", false);
    if (const json* d = rd.arr(*a, "agreement", "differing_steps"))
      for (const json& x : *d) {
        if (!x.is_number_integer()) { rd.fail("agreement.differing_steps", "expected step numbers"); break; }
        ag.differing_steps.push_back(x.get<int>());
      }
    if (rd.ok()) out->agreement = ag;
  }
  if (!rd.ok()) return bad(rd.err);
  out->kernel.meta.id = out->lesson_id;
  out->kernel.meta.file = out->lesson_file;
  out->kernel.meta.title = out->lesson_title;
  out->kernel.meta.source = out->source;
  return true;
}

}  // namespace pp::rec
