// Running the person's own program in slices (see user_program.h).
#include "ui/user_program.h"

#include <cstdio>

#include <nlohmann/json.hpp>

namespace pp::ui {

nlohmann::json errors_json(const std::vector<Diagnostic>& errors) {
  nlohmann::json a = nlohmann::json::array();
  for (const Diagnostic& d : errors) a.push_back({{"line", d.line}, {"col", d.col}, {"message", d.message}});
  return a;
}

int UserProgram::start(ProgramRequest req) {
  rejected_ = false;
  req_ = std::move(req);
  session_ = std::make_unique<RunSession>(req_.file, req_.text, req_.options);
  seen_steps_ = 0;
  progress_at_ = 0;
  return ++id_;
}

int UserProgram::reject(ProgramRequest req, const std::string& why) {
  session_.reset();
  Trace t;
  Diagnostic d;
  d.file = req.file;
  d.message = why;
  t.errors.push_back(std::move(d));
  done_ = std::make_shared<const Trace>(std::move(t));
  req_ = done_req_ = std::move(req);
  done_id_ = ++id_;
  rejected_ = true;
  return id_;
}

std::shared_ptr<const Trace> UserProgram::tick() {
  if (rejected_) {
    rejected_ = false;
    return done_;
  }
  if (!session_) return nullptr;
  if (!session_->advance(kSliceSeconds)) {
    if (session_->steps() != seen_steps_) {
      seen_steps_ = session_->steps();
      progress_at_ = session_->seconds();
    }
    if (session_->seconds() - progress_at_ < kWallSeconds) return nullptr;
    char buf[128];
    std::snprintf(buf, sizeof buf,
                  "time limit reached: the program ran for more than %g s without a step (an endless loop?); "
                  "stopped here",
                  kWallSeconds);
    session_->stop(buf);
  }
  done_ = std::make_shared<const Trace>(session_->take());
  session_.reset();
  done_req_ = req_;
  done_id_ = id_;
  return done_;
}

std::string UserProgram::status_json() const {
  nlohmann::json j = {{"id", id_}, {"running", session_ != nullptr}};
  bool done = !session_ && done_ && done_id_ == id_;
  j["done"] = done;
  if (session_) j["steps"] = session_->steps();
  if (done) {
    j["ok"] = done_->errors.empty();
    j["steps"] = done_->steps.size();
    j["errors"] = errors_json(done_->errors);
    j["notes"] = done_->notes;
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace pp::ui
