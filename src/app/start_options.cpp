#include "app/start_options.h"

#include <cstdlib>

namespace pp::app {

pp::ui::StartOptions start_options(const std::map<std::string, std::string>& params) {
  pp::ui::StartOptions o;
  auto get = [&](const char* key) -> const std::string* {
    auto it = params.find(key);
    return it == params.end() ? nullptr : &it->second;
  };
  if (const std::string* v = get("lesson")) o.lesson = *v;
  if (const std::string* v = get("step")) {
    char* end = nullptr;
    long n = std::strtol(v->c_str(), &end, 10);
    if (end && *end == 0 && !v->empty() && n >= 0 && n < 1000000) o.step = static_cast<int>(n);
  }
  if (const std::string* v = get("os"); v && (*v == "linux" || *v == "qnx")) o.os = *v;
  if (const std::string* v = get("zoom")) {
    char* end = nullptr;
    float z = std::strtof(v->c_str(), &end);
    if (end && *end == 0 && !v->empty() && z >= 0.25f && z <= 4.0f) o.zoom = z;
  }
  // A sandbox program: at most a few hundred lines of the sandbox's buttons.
  if (const std::string* v = get("prog"); v && v->size() <= 16384) {
    o.program = *v;
    o.has_program = true;
  }
  if (const std::string* v = get("embed")) o.embed = v->empty() || *v == "1" || *v == "true" || *v == "yes";
  return o;
}

}  // namespace pp::app
