// pinpages UI — running the person's own program: a run advances a slice per frame, so
// the page keeps drawing (and answering clicks) while a long or endless program runs.
//
//   Run / pinpages.load(text) ──► UserProgram::start ──► RunSession
//   every frame: tick(slice) ──► RunSession::advance ──► … ──► finished Trace ──► AppUi shows it
//                └─ no new step for the page's wall-clock limit: RunSession::stop (file:line:col error,
//                   the steps so far kept and browsable, marked as an incomplete run)
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "engine/run.h"

namespace pp::ui {

struct ProgramRequest {
  std::string text;
  std::string file = "program.c";
  RunOptions options;
  std::string ram, swap;  // RAM and swap sizes as given ("256M"; options has them in bytes)
  int go_step = 0;  // the step to show once it has run (a shared link's step)
  bool sandbox = false;  // a sandbox program (window.pinpages.program): shown as the sandbox
};

class UserProgram {
 public:
  // Slice of each frame the run may use, and the wall-clock time without a new step after
  // which a run is stopped (an endless loop must not keep the page busy; the VM's own
  // budget counts only its slices, which stretch over many frames). A long program that
  // keeps making steps runs on, bounded by the step and history limits, as natively.
  static constexpr double kSliceSeconds = 0.012;
  static constexpr double kWallSeconds = 1.5;

  // Starts a run, replacing an unfinished one. Returns its id (for the JS hook).
  int start(ProgramRequest req);
  // A request that cannot run (a bad option): finished at once with `why` as its only
  // error and no steps, as a program that does not compile. Returns its id.
  int reject(ProgramRequest req, const std::string& why);
  // Runs one slice; returns the finished trace once (null while running or idle).
  std::shared_ptr<const Trace> tick();
  bool running() const { return session_ != nullptr; }
  int steps_so_far() const { return session_ ? session_->steps() : 0; }
  // The request of the run tick() just returned.
  const ProgramRequest& finished_request() const { return done_req_; }
  // {id, running, done, ok, steps, errors:[{line, col, message}], notes:[…]} of the last run.
  std::string status_json() const;

 private:
  std::unique_ptr<RunSession> session_;
  ProgramRequest req_, done_req_;
  int id_ = 0, done_id_ = 0;
  int seen_steps_ = 0;         // steps recorded at the last tick
  double progress_at_ = 0;     // session seconds when a new step last appeared
  std::shared_ptr<const Trace> done_;
  bool rejected_ = false;  // reject()'s run, not yet returned by tick()
};

// Errors of a run as the hook returns them: [{line, col, message}].
nlohmann::json errors_json(const std::vector<Diagnostic>& errors);

}  // namespace pp::ui
