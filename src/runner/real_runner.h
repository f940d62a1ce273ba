// pinpages runner — running a lesson on this machine's kernel (native Linux only).
//
//   run_on_kernel(file, text, RunOptions, RealOptions)
//     └─ RealOs (src/real: lab processes) + run_lesson_on (src/engine) ─► kernel Trace
//   RealRunner: one worker std::thread (app lifetime) running RealJobs for the desktop
//     └─ run_now(job): run_on_kernel + compare_traces with the model + explanation
//
// Every run of a lesson on the kernel goes through run_on_kernel: `pinpages real`,
// the desktop's real mode and the differential tests use the same options.
//
// Why a worker thread that never ends: the lab has PR_SET_PDEATHSIG, which fires when
// the *thread* that spawned it exits; and a lesson at the tutorial's scale takes
// seconds for real, which the UI thread must never wait for.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "engine/run.h"
#include "real/latency.h"
#include "real/real_os.h"
#include "runner/kernel_run.h"

namespace pp::runner {

// What one run of a lesson on the kernel produced. The labs have ended when it is
// returned: nothing stays locked.
struct KernelRun {
  Trace trace;                 // no steps: the lab did not start or the lesson did not compile
  std::string lab_error;       // RealOs::error() ("" = the lab ran)
  int model_only_calls = 0;    // calls only the model simulates (pressure, QNX)
  int frame_blind_procs = 0;   // forked labs whose frames could not be read (not root)
};

// The RunOptions of a run on the kernel: Linux, and a time budget that fits real work.
RunOptions kernel_run_options(RunOptions ro, const real::RealOptions& opt);
// Runs `text` on a new RealOs (lab processes) with kernel_run_options.
KernelRun run_on_kernel(const std::string& file, const std::string& text, const RunOptions& ro,
                        const real::RealOptions& opt);

struct RealJob {
  std::string key;  // what the UI asks about (lesson file | os | privilege)
  std::string file, text;
  RunOptions ro;
  std::shared_ptr<const Trace> model;  // compared against when the run is done
  real::RealOptions opt;
};

// Runs RealJobs one at a time on a thread that lives as long as the runner (see top).
class RealRunner {
 public:
  RealRunner();
  ~RealRunner();  // finishes the current lesson call, ends its labs, joins
  RealRunner(const RealRunner&) = delete;
  RealRunner& operator=(const RealRunner&) = delete;

  // Newest wins: a queued job not yet started is replaced (stepping through lessons
  // quickly must not queue a minute of real runs).
  void submit(RealJob job);
  void submit_latency(u64 records, u64 bytes, real::RealOptions opt = {});
  std::shared_ptr<const RealRun> result(const std::string& key) const;  // null until done
  std::shared_ptr<const real::LatencyReport> latency() const;
  bool busy(std::string* what = nullptr) const;
  bool latency_busy() const;
  bool wait_idle(int timeout_ms) const;  // tests and screenshots only: the UI never waits

  // Done on the worker; public so the test can run one without a thread.
  static RealRun run_now(const RealJob& job);

 private:
  void loop();
  mutable std::mutex mu_;
  mutable std::condition_variable cv_, idle_cv_;
  std::optional<RealJob> pending_;
  std::optional<std::pair<std::pair<u64, u64>, real::RealOptions>> pending_latency_;
  std::string running_;  // description of the job in progress ("" = idle)
  bool latency_running_ = false;
  std::map<std::string, std::shared_ptr<const RealRun>> done_;
  std::shared_ptr<const real::LatencyReport> latency_;
  bool stop_ = false;
  std::thread worker_;  // last: started once everything above exists
};


}  // namespace pp::runner
