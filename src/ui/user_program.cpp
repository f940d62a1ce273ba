// Running the person's own program in slices (see user_program.h).
#include "ui/user_program.h"

#include <cstdio>

namespace pp::ui {

std::string json_quote(const std::string& s) {
  std::string o = "\"";
  for (char c : s) {
    switch (c) {
      case '"': o += "\\\""; break;
      case '\\': o += "\\\\"; break;
      case '\n': o += "\\n"; break;
      case '\r': o += "\\r"; break;
      case '\t': o += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) { char b[8]; std::snprintf(b, sizeof b, "\\u%04x", c); o += b; }
        else o += c;
    }
  }
  return o + "\"";
}

std::string errors_json(const std::vector<Diagnostic>& errors) {
  std::string j = "[";
  for (std::size_t i = 0; i < errors.size(); ++i) {
    const Diagnostic& d = errors[i];
    j += (i ? "," : "") + std::string("{\"line\":") + std::to_string(d.line) + ",\"col\":" + std::to_string(d.col) +
         ",\"message\":" + json_quote(d.message) + "}";
  }
  return j + "]";
}

int UserProgram::start(ProgramRequest req) {
  req_ = std::move(req);
  session_ = std::make_unique<RunSession>(req_.file, req_.text, req_.options);
  seen_steps_ = 0;
  progress_at_ = 0;
  return ++id_;
}

std::shared_ptr<const Trace> UserProgram::tick() {
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
  std::string j = "{\"id\":" + std::to_string(id_) + ",\"running\":" + (session_ ? "true" : "false");
  bool done = !session_ && done_ && done_id_ == id_;
  j += std::string(",\"done\":") + (done ? "true" : "false");
  if (session_) j += ",\"steps\":" + std::to_string(session_->steps());
  if (done) {
    j += std::string(",\"ok\":") + (done_->errors.empty() ? "true" : "false");
    j += ",\"steps\":" + std::to_string(done_->steps.size());
    j += ",\"errors\":" + errors_json(done_->errors);
    j += ",\"notes\":[";
    for (std::size_t i = 0; i < done_->notes.size(); ++i) j += (i ? "," : "") + json_quote(done_->notes[i]);
    j += "]";
  }
  return j + "}";
}

}  // namespace pp::ui
