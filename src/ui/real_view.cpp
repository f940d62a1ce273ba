// Real mode: the background runner (desktop), recordings as the kernel's run (desktop
// and web), model-vs-kernel pairing per step, and the mode switching around the normal
// layout. The panel is drawn in real_panel.cpp.
#include "ui/real_view.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "imgui.h"
#include "ui/ui.h"
#ifdef PP_REAL_LIVE
#include "real/explain.h"
#include "real/machine_info.h"
#endif

namespace pp::ui {

const char* mode_name(ViewMode m) {
  switch (m) {
    case ViewMode::Model: return "model";
    case ViewMode::Real: return "real";
    case ViewMode::Side: return "side";
  }
  return "model";
}

std::optional<ViewMode> parse_mode(const std::string& s) {
  if (s == "model") return ViewMode::Model;
  if (s == "real" || s == "kernel") return ViewMode::Real;
  if (s == "side" || s == "side-by-side" || s == "both") return ViewMode::Side;
  return std::nullopt;
}

// ------------------------------------------------------------------ runner
#ifdef PP_REAL_LIVE
RealRunner::RealRunner() : worker_([this] { loop(); }) {}

RealRunner::~RealRunner() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
    pending_.reset();
    pending_latency_.reset();
  }
  cv_.notify_all();
  worker_.join();
}

void RealRunner::submit(RealJob job) {
  {
    std::lock_guard<std::mutex> l(mu_);
    pending_ = std::move(job);
  }
  cv_.notify_all();
}

void RealRunner::submit_latency(u64 records, u64 bytes, real::RealOptions opt) {
  {
    std::lock_guard<std::mutex> l(mu_);
    pending_latency_ = std::make_pair(std::make_pair(records, bytes), std::move(opt));
  }
  cv_.notify_all();
}

std::shared_ptr<const RealRun> RealRunner::result(const std::string& key) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = done_.find(key);
  return it == done_.end() ? nullptr : it->second;
}

std::shared_ptr<const real::LatencyReport> RealRunner::latency() const {
  std::lock_guard<std::mutex> l(mu_);
  return latency_;
}

bool RealRunner::busy(std::string* what) const {
  std::lock_guard<std::mutex> l(mu_);
  if (what) *what = running_;
  return !running_.empty() || pending_.has_value();
}

bool RealRunner::latency_busy() const {
  std::lock_guard<std::mutex> l(mu_);
  return latency_running_ || pending_latency_.has_value();
}

bool RealRunner::wait_idle(int timeout_ms) const {
  std::unique_lock<std::mutex> l(mu_);
  return idle_cv_.wait_for(l, std::chrono::milliseconds(timeout_ms), [&] {
    return running_.empty() && !pending_ && !pending_latency_ && !latency_running_;
  });
}

void RealRunner::loop() {
  std::unique_lock<std::mutex> l(mu_);
  for (;;) {
    cv_.wait(l, [&] { return stop_ || pending_ || pending_latency_; });
    if (stop_) return;
    if (pending_) {
      RealJob job = std::move(*pending_);
      pending_.reset();
      running_ = job.key.empty() ? "lesson" : job.key;
      l.unlock();
      auto r = std::make_shared<const RealRun>(run_now(job));
      l.lock();
      if (done_.size() > 16) done_.clear();  // each run holds a trace; a few suffice
      done_[job.key] = r;
      running_.clear();
    } else {
      auto [size, opt] = std::move(*pending_latency_);
      pending_latency_.reset();
      latency_running_ = true;
      l.unlock();
      auto r = std::make_shared<const real::LatencyReport>(real::measure_latency(size.first, size.second, opt));
      l.lock();
      latency_ = r;
      latency_running_ = false;
    }
    idle_cv_.notify_all();
  }
}

namespace {

bool is_lock_call(const std::string& call) {
  // The calls whose ENOMEM/EPERM/EAGAIN come from RLIMIT_MEMLOCK (as `pinpages real` does).
  for (const char* n : {"mlock", "mlockall", "mmap", "malloc", "calloc", "realloc", "sbrk", "brk"})
    if (call.rfind(n, 0) == 0) return true;
  return false;
}

}  // namespace

RealRun RealRunner::run_now(const RealJob& job) {
  RealRun out;
  out.key = job.key;
  auto t0 = std::chrono::steady_clock::now();
  if (job.model && job.model->meta.machine.os == OsKind::Qnx) {
    out.lab_error = "this is a QNX lesson: the running kernel is Linux, so only the model can show it";
    return out;
  }
  RunOptions ro = job.ro;
  ro.os = OsKind::Linux;
  // Every call is a round trip to the lab and really populates memory: the model's 1.5 s
  // endless-loop guard is too tight on a loaded machine (as `pinpages real`: 120 s).
  ro.max_seconds = 120;
  real::RealOs os(job.opt);
  auto t = std::make_shared<Trace>(run_lesson_on(os, job.file, job.text, ro));
  if (t->steps.empty()) {
    // No step 0 means spawn failed (the lab) or the lesson did not compile (the model
    // shows that diagnostic too).
    if (!os.error().empty()) out.lab_error = os.error();
    else if (!t->errors.empty()) out.lab_error = "the lesson did not run: " + t->errors.front().message;
    else out.lab_error = "the lab did not start";
    out.trace = t;
    return out;
  }
  out.lab_ok = true;
  if (os.model_only_calls() > 0)
    out.compare.notes.push_back("this lesson makes " + std::to_string(os.model_only_calls()) +
                                " model-only call(s) (memory pressure / QNX): the kernel cannot follow them here");
  if (!t->steps.front().procs.empty()) {
    const ProcStatus& st = t->steps.front().procs.front().status;
    out.cap_ipc_lock = st.cap_ipc_lock;
    out.rlim_cur = st.rlim_memlock_cur;
    out.rlim_max = st.rlim_memlock_max;
  }
  for (const Step& s : t->steps) {
    if (!s.err || !is_lock_call(s.call) || s.procs.empty()) continue;
    const ProcStatus* st = &s.procs.front().status;
    for (const ProcReport& p : s.procs)
      if (p.status.pid == s.pid) st = &p.status;
    if (st->cap_ipc_lock) continue;  // not a privilege problem: the diff says what happened
    std::string why = real::explain_lock_failure(s.err, *st, 0, job.opt.lab_path);
    if (why.empty()) continue;
    out.refused_step = s.index;
    out.explanation = why;
    break;
  }
  if (job.model) {
    auto notes = std::move(out.compare.notes);
    out.model = model_as_kernel(job.file, job.text, job.ro, *job.model, real::zero_page_probe().zero_page);
    if (out.model)
      notes.push_back("this kernel maps no zero page (" + real::zero_page_probe().evidence +
                      "): reading untouched memory gives it a frame; the model is compared running the same way");
    out.compare = real::compare_traces(out.model ? *out.model : *job.model, *t);
    out.compare.notes.insert(out.compare.notes.begin(), notes.begin(), notes.end());
  }
  out.trace = t;
  // The labs end here (~RealOs): the trace holds every report, and no memory stays locked.
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}
#endif  // PP_REAL_LIVE

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

// ------------------------------------------------------------------ RealView
RealView::RealView() {
  if (const char* m = std::getenv("PINPAGES_MODE"))
    if (auto v = parse_mode(m)) mode = *v;
#ifdef PP_REAL_LIVE
  if (const char* w = std::getenv("PINPAGES_REAL_WAIT")) wait_first = *w && *w != '0';
  if (const char* u = std::getenv("PINPAGES_REAL_UNPRIVILEGED")) unprivileged = *u && *u != '0';
  if (const char* l = std::getenv("PINPAGES_REAL_LATENCY")) {
    long long n = std::atoll(l);
    if (n > 0) runner_.submit_latency(static_cast<u64>(n), real::kTutorialRecordBytes, base_opt);
  }
#endif
}

void RealView::attach_builtin_recording() {
  // The shipped recordings are the kernel's answer wherever no lab can run (the web
  // page); on the desktop a live run is the answer, and a loaded recording only when asked.
#ifndef PP_REAL_LIVE
  if (!model_ || !model_->meta.allows_linux || (ro_.os && *ro_.os == OsKind::Qnx)) return;
  if (model_->meta.machine.os == OsKind::Qnx) return;
  if (auto r = builtin_recording_for(text_)) attach_recording(r);
#endif
}

#ifdef PP_REAL_LIVE
std::shared_ptr<const rec::LatencyRecord> RealView::live_latency(std::string* where) {
  auto lat = runner_.latency();
  if (!lat || !lat->ok) return nullptr;
  if (lat != live_lat_src_) {
    live_lat_src_ = lat;
    live_lat_ = std::make_shared<const rec::LatencyRecord>(real::latency_record(*lat));
  }
  *where = "measured now on this machine" + (lat->hypervisor.empty() || lat->hypervisor == "none" ? std::string() : ", " + lat->hypervisor);
  return live_lat_;
}

std::string RealView::live_recording_json() const {
  rec::Recording r;
  r.tool = "pinpages desktop";
  r.lesson_id = model_->meta.id;
  r.lesson_file = model_->meta.file;
  r.lesson_title = model_->meta.title;
  r.source = text_;
  r.machine = real::machine_info();
  r.machine.cap_ipc_lock = run_->cap_ipc_lock;
  r.machine.rlim_memlock_cur = run_->rlim_cur;
  r.machine.rlim_memlock_max = run_->rlim_max;
  r.kernel.steps = run_->trace->steps;
  r.kernel.errors = run_->trace->errors;
  rec::Agreement ag;
  ag.compared = run_->compare.compared;
  ag.agreed = run_->compare.agreed;
  for (const auto& d : run_->compare.diffs) ag.differing_steps.push_back(d.step);
  ag.summary = run_->compare.summary(model_->meta.id);
  r.agreement = ag;
  if (live_lat_) r.latency = *live_lat_;
  return rec::to_json(r);
}
#else
std::shared_ptr<const rec::LatencyRecord> RealView::live_latency(std::string*) { return nullptr; }
std::string RealView::live_recording_json() const { return ""; }
#endif

std::string RealView::key() const {
  return file_ + "|" + (ro_.os && *ro_.os == OsKind::Qnx ? "qnx" : "linux") + (unprivileged ? "|user" : "|cap") + "|" +
         std::to_string(std::hash<std::string>{}(text_));
}

void RealView::lesson_changed(const std::string& file, const std::string& text, const RunOptions& ro,
                              std::shared_ptr<const Trace> model) {
  file_ = file;
  text_ = text;
  ro_ = ro;
  model_ = std::move(model);
  run_.reset();
  recorded_.reset();
  pairs_.clear();
  attach_builtin_recording();
  if (mode != ViewMode::Model) ensure_submitted();
}

void RealView::ensure_submitted() {
  if (!model_ || recorded_) return;
#ifndef PP_REAL_LIVE
  return;  // no lab here: only recordings
#endif
  std::string k = key();
  if (k == submitted_) return;
  submitted_ = k;
#ifdef PP_REAL_LIVE
  RealJob j;
  j.key = k;
  j.file = file_;
  j.text = text_;
  j.ro = ro_;
  j.model = model_;
  j.opt = base_opt;
  j.opt.unprivileged = unprivileged;
  runner_.submit(std::move(j));
#endif
}

const StepPair& RealView::pair_for(int step) {
  auto it = pairs_.find(step);
  if (it != pairs_.end()) return it->second;
  if (pairs_.size() > 64) pairs_.clear();
  static const StepPair empty;
  if (!model_) return empty;
  const Trace& m = run_ && run_->lab_ok && run_->model ? *run_->model : *model_;
  return pairs_[step] = pair_step(m, run_ && run_->lab_ok ? run_->trace.get() : nullptr, step);
}

void RealView::set_mode(Ui& ui, ViewMode m) {
  mode = m;
  if (m != ViewMode::Model) ensure_submitted();
  swap_traces(ui);
}

// Real mode browses the kernel's trace in every window (narration, code, page table,
// faults read its reports); the others browse the model's.
void RealView::swap_traces(Ui& ui) {
  if (!model_) return;
  std::shared_ptr<const Trace> want = model_;
  if (mode == ViewMode::Real && run_ && run_->lab_ok && run_->trace) want = run_->trace;
  if (ui.trace == want) return;
  if (ui.trace != model_ && !(run_ && ui.trace == run_->trace)) return;  // sandbox etc.: not ours
  int keep = ui.step;
  ui.set_trace(want, ui.lesson_id);
  ui.go(keep);
}

FrameInfo RealView::before_frame(Ui& ui, const FrameInfo& info) {
  if (mode != ViewMode::Model) ensure_submitted();
#ifdef PP_REAL_LIVE
  if (wait_first) {  // screenshots and tests: the first frame shows the finished run
    runner_.wait_idle(300000);
    wait_first = false;
  }
#endif
  if (recorded_) {
    if (run_ != recorded_) {
      run_ = recorded_;
      pairs_.clear();
    }
  } else if (mode != ViewMode::Model) {
#ifdef PP_REAL_LIVE
    std::string k = key();
    if (!run_ || run_->key != k)
      if (auto r = runner_.result(k)) {
        run_ = r;
        pairs_.clear();
      }
#endif
  }
  show_latency(ui);
  swap_traces(ui);
  FrameInfo fi = info;
  if (mode == ViewMode::Model || ui.figure_only) return fi;
  float W = info.width > 0 ? static_cast<float>(info.width) : ImGui::GetIO().DisplaySize.x;
  if (ImGui::GetIO().DisplaySize.x > 0) W = std::min(W, ImGui::GetIO().DisplaySize.x);
  panel_y_ = 0;
  if (W < 720) {
    // A phone: no room beside the layout, so the panel is a sheet under it.
    float H = info.height > 0 ? static_cast<float>(info.height) : ImGui::GetIO().DisplaySize.y;
    if (ImGui::GetIO().DisplaySize.y > 0) H = std::min(H, ImGui::GetIO().DisplaySize.y);
    panel_x_ = 0;
    panel_y_ = std::floor(H * 0.5f);
    fi.height = static_cast<int>(panel_y_);
    return fi;
  }
  // The normal layout turns into its phone layout below 720 px: keep it above that
  // when the window allows, and give the panel what is left (at least 380 px).
  panel_x_ = std::floor(W * (mode == ViewMode::Side ? 0.56f : 0.60f));
  if (W >= 720 + 380) panel_x_ = std::clamp(panel_x_, 730.0f, W - 380);
  fi.width = static_cast<int>(panel_x_);
  return fi;
}

}  // namespace pp::ui
