// Pairing a kernel's run with the model's, and recordings as kernel runs.
#include "runner/kernel_run.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "engine/text.h"
#include "runner/builtin_recordings.h"

namespace pp::runner {

std::shared_ptr<const Trace> model_as_kernel(const std::string& file, const std::string& text, RunOptions ro,
                                             const Trace& model, bool kernel_zero_page) {
  if (model.meta.machine.os != OsKind::Linux || model.meta.machine.zero_page == kernel_zero_page) return nullptr;
  ro.os = OsKind::Linux;
  ro.ram_bytes = model.meta.machine.ram_bytes;
  ro.swap_bytes = model.meta.machine.swap_bytes;
  ro.zero_page = kernel_zero_page;
  return std::make_shared<const Trace>(run_lesson(file, text, ro));
}

RealRun run_from_recording(std::shared_ptr<const rec::Recording> r, const Trace& model, const std::string& key) {
  RealRun out;
  out.key = key;
  auto t = std::make_shared<Trace>(r->kernel);
  t->meta = model.meta;  // the windows read the lesson's title, figures and machine from here
  out.lab_ok = !t->steps.empty();
  out.model = model_as_kernel(model.meta.file, r->source, RunOptions{}, model, r->machine.zero_page);
  out.compare = real::compare_traces(out.model ? *out.model : model, *t);
  out.cap_ipc_lock = r->machine.cap_ipc_lock;
  out.rlim_cur = r->machine.rlim_memlock_cur;
  out.rlim_max = r->machine.rlim_memlock_max;
  out.trace = t;
  out.recording = std::move(r);
  return out;
}

namespace {
std::vector<rec::BuiltinRecording>& fetched_recordings() {
  static std::vector<rec::BuiltinRecording> v;
  return v;
}
// The embedded recordings, then those the page fetched; stops when f returns true.
template <class F>
void each_recording(F&& f) {
  for (const rec::BuiltinRecording& b : rec::builtin_recordings())
    if (f(b)) return;
  for (const rec::BuiltinRecording& b : fetched_recordings())
    if (f(b)) return;
}
}  // namespace

bool recording_known(const std::string& name) {
  bool known = false;
  each_recording([&](const rec::BuiltinRecording& b) { return known = b.name == name; });
  return known;
}

void add_fetched_recording(const std::string& name, const std::string& json) {
  if (!recording_known(name)) fetched_recordings().push_back({name, json});
}

std::shared_ptr<const rec::Recording> builtin_recording_for(const std::string& source) {
  // Parsed once each (tens of kB of JSON); failures (and "none") are remembered as null.
  static std::map<std::string, std::shared_ptr<const rec::Recording>> parsed;
  std::shared_ptr<const rec::Recording> found;
  each_recording([&](const rec::BuiltinRecording& b) {
    auto it = parsed.find(b.name);
    if (it == parsed.end()) {
      auto r = std::make_shared<rec::Recording>();
      std::string err;
      it = parsed.emplace(b.name, rec::parse_recording(b.json, r.get(), &err) ? r : nullptr).first;
    }
    if (it->second && it->second->source == source) found = it->second;
    return found != nullptr;
  });
  return found;
}

// ------------------------------------------------------------------ pairing
std::string region_kind(const std::string& n, const std::string& perms) {
  if (n == "[heap]" || n == "[stack]") return n;
  if (n == "[vvar]" || n == "[vdso]" || n == "[vsyscall]" || n == "[vvar_vclock]") return "";  // kernel's, never locked
  if (n.find(".so") != std::string::npos) return "libraries";
  // The kernel shows a program's .bss past its last file page as an anonymous VMA, the
  // model names it after the program: judged together, as "private writable memory".
  bool rw_private = perms.size() >= 4 && perms[1] == 'w' && perms[3] == 'p';
  if (n.empty() || rw_private) return "data, .bss, anonymous";
  if (n[0] == '[') return n;
  return "program code, files";
}

int StepPair::disagreements() const {
  int n = static_cast<int>(diffs.size());
  for (const RegionPair& r : regions) n += r.agree ? 0 : 1;
  return n;
}

namespace {

std::string ret_text(const Step& s) {
  if (s.call.empty()) return "";
  char b[40];
  if (s.ret > 0xFFFFFFFFll) std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(s.ret));
  else std::snprintf(b, sizeof b, "%lld", static_cast<long long>(s.ret));
  return b;
}

std::string err_text(int e) {
  if (!e) return "0";
  const char* n = errno_name(e);
  return n ? n : std::to_string(e);
}

bool starts(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

void add_regions(StepPair& sp, int proc, const ProcReport* m, const ProcReport* r) {
  std::map<std::string, RegionPair> by;
  std::vector<std::string> order;
  auto add = [&](const ProcReport* pr, bool model) {
    if (!pr) return;
    for (const SmapsEntry& e : pr->regions) {
      std::string k = region_kind(e.name, e.perms);
      if (k.empty()) continue;
      auto [it, fresh] = by.try_emplace(k);
      if (fresh) order.push_back(k);
      RegionPair& rp = it->second;
      rp.proc = proc;
      rp.kind = k;
      (model ? rp.in_model : rp.in_real) = true;
      (model ? rp.model_locked_kb : rp.real_locked_kb) += e.locked_kb;
      (model ? rp.model_kb : rp.real_kb) += e.size_kb;
    }
  };
  add(m, true);
  add(r, false);
  for (const std::string& k : order) {
    RegionPair rp = by[k];
    // Lock state, not size: the lab's image and libc differ from the model's in kB.
    if (rp.in_model && rp.in_real) rp.agree = (rp.model_locked_kb > 0) == (rp.real_locked_kb > 0);
    sp.regions.push_back(rp);
  }
}

// The model's half of an object row; the kernel's half is filled in where it exists.
static ObjectPair model_side(int proc, const ObjectReport& o) {
  ObjectPair op;
  op.proc = proc;
  op.name = o.name;
  op.pages = o.pages;
  op.model_locked = o.locked_pages;
  op.model_resident = o.resident_pages;
  op.model_swapped = o.swapped_pages;
  return op;
}

}  // namespace

StepPair pair_step(const Trace& model, const Trace* real, int step, const real::CompareOptions& opt) {
  StepPair sp;
  if (step < 0 || step >= static_cast<int>(model.steps.size())) return sp;
  const Step& m = model.steps[step];
  sp.model_call = m.call;
  sp.ret.model = ret_text(m);
  sp.err.model = err_text(m.err);
  if (!real || step >= static_cast<int>(real->steps.size())) {
    for (std::size_t p = 0; p < m.procs.size(); ++p) {
      for (const ObjectReport& o : m.procs[p].objects) sp.objects.push_back(model_side(static_cast<int>(p), o));
    }
    return sp;
  }
  const Step& r = real->steps[step];
  sp.have_real = true;
  sp.real_call = r.call;
  sp.ret.real = ret_text(r);
  sp.err.real = err_text(r.err);
  // The verdicts on ret/errno come from compare.h itself (one step each side), so the
  // panel and `pinpages real` can never disagree about what agrees.
  Trace tm, tr;
  tm.steps.push_back(m);
  tr.steps.push_back(r);
  real::CompareReport cr = real::compare_traces(tm, tr, opt);
  for (const real::StepDiff& d : cr.diffs)
    for (const std::string& w : d.what) {
      sp.diffs.push_back(w);
      if (starts(w, "ret:")) sp.ret.agree = false;
      if (starts(w, "errno:")) sp.err.agree = false;
    }
  std::size_t np = std::max(m.procs.size(), r.procs.size());
  for (std::size_t p = 0; p < np; ++p) {
    const ProcReport* mp = p < m.procs.size() ? &m.procs[p] : nullptr;
    const ProcReport* rp = p < r.procs.size() ? &r.procs[p] : nullptr;
    ProcPair pp;
    auto kb = [](const ProcReport* x, u64 ProcStatus::*f) { return x ? human_kb(x->status.*f) : std::string("—"); };
    pp.model_pid = mp ? mp->status.pid : 0;
    pp.real_pid = rp ? rp->status.pid : 0;
    pp.vm_lck = {kb(mp, &ProcStatus::vm_lck_kb), kb(rp, &ProcStatus::vm_lck_kb), true};
    pp.vm_rss = {kb(mp, &ProcStatus::vm_rss_kb), kb(rp, &ProcStatus::vm_rss_kb), true};
    pp.vm_size = {kb(mp, &ProcStatus::vm_size_kb), kb(rp, &ProcStatus::vm_size_kb), true};
    sp.procs.push_back(pp);
    if (mp) {
      for (const ObjectReport& o : mp->objects) {
        ObjectPair op = model_side(static_cast<int>(p), o);
        const ObjectReport* ro = nullptr;
        if (rp)
          for (const ObjectReport& x : rp->objects)
            if (x.name == o.name) { ro = &x; break; }
        auto cell = [](u64 a, const ObjectReport* ro, u64 ObjectReport::*f, u64 slack) {
          Pair c;
          c.model = std::to_string(a);
          if (!ro) { c.real = "missing"; c.agree = false; return c; }
          u64 b = ro->*f;
          c.real = std::to_string(b);
          c.agree = (a > b ? a - b : b - a) <= slack;
          return c;
        };
        op.locked = cell(o.locked_pages, ro, &ObjectReport::locked_pages, 0);
        op.resident = cell(o.resident_pages, ro, &ObjectReport::resident_pages, opt.compare_resident ? opt.resident_slack : ~u64(0));
        op.swapped = cell(o.swapped_pages, ro, &ObjectReport::swapped_pages, 0);
        if (ro) {
          op.real_locked = ro->locked_pages;
          op.real_resident = ro->resident_pages;
          op.real_swapped = ro->swapped_pages;
        }
        sp.objects.push_back(op);
      }
    }
    add_regions(sp, static_cast<int>(p), mp, rp);
  }
  return sp;
}

}  // namespace pp::runner
