// The desktop's background runner and the one way a lesson runs on the kernel.
#include "runner/real_runner.h"

#include <chrono>

#include "lang/builtins.h"
#include "real/explain.h"
#include "real/machine_info.h"

namespace pp::runner {

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

RunOptions kernel_run_options(RunOptions ro, const real::RealOptions& opt) {
  ro.os = OsKind::Linux;
  // The model's budget (1.5 s without a new step = an endless loop) is too tight here:
  // every call is a round trip to a lab, and one call may be real work of seconds
  // (mlockall populating 126,000 pages, more on a loaded machine). A step may take as
  // long as one round trip is allowed to (RealOptions::timeout_ms), and no longer.
  ro.max_seconds = opt.timeout_ms / 1000.0;
  return ro;
}

KernelRun run_on_kernel(const std::string& file, const std::string& text, const RunOptions& ro,
                        const real::RealOptions& opt) {
  KernelRun out;
  real::RealOs os(opt);
  out.trace = run_lesson_on(os, file, text, kernel_run_options(ro, opt));
  out.lab_error = os.error();
  out.model_only_calls = os.model_only_calls();
  out.frame_blind_procs = os.frame_blind_procs();
  return out;  // ~RealOs ends every lab here
}

RealRun RealRunner::run_now(const RealJob& job) {
  RealRun out;
  out.key = job.key;
  auto t0 = std::chrono::steady_clock::now();
  if (job.model && job.model->meta.machine.os == OsKind::Qnx) {
    out.lab_error = "this is a QNX lesson: the running kernel is Linux, so only the model can show it";
    return out;
  }
  KernelRun k = run_on_kernel(job.file, job.text, job.ro, job.opt);
  auto t = std::make_shared<Trace>(std::move(k.trace));
  if (t->steps.empty()) {
    // No step 0 means spawn failed (the lab) or the lesson did not compile (the model
    // shows that diagnostic too).
    if (!k.lab_error.empty()) out.lab_error = k.lab_error;
    else if (!t->errors.empty()) out.lab_error = "the lesson did not run: " + t->errors.front().message;
    else out.lab_error = "the lab did not start";
    out.trace = t;
    return out;
  }
  out.lab_ok = true;
  if (k.model_only_calls > 0)
    out.compare.notes.push_back("this lesson makes " + std::to_string(k.model_only_calls) +
                                " model-only call(s) (memory pressure / QNX): the kernel cannot follow them here");
  if (!t->steps.front().procs.empty()) {
    const ProcStatus& st = t->steps.front().procs.front().status;
    out.cap_ipc_lock = st.cap_ipc_lock;
    out.rlim_cur = st.rlim_memlock_cur;
    out.rlim_max = st.rlim_memlock_max;
  }
  for (const Step& s : t->steps) {
    if (!s.err || !lang::may_hit_memlock_limit(s.id) || s.procs.empty()) continue;
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
  // The labs ended in run_on_kernel: the trace holds every report, and no memory stays locked.
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace pp::runner
