#include "app/start_options.h"

#include <cstdlib>

namespace pp::app {
namespace {

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string url_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() &&
               hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

pp::ui::StartOptions parse_start_options(const std::string& params) {
  pp::ui::StartOptions o;
  size_t pos = 0;
  while (pos <= params.size()) {
    size_t amp = params.find('&', pos);
    if (amp == std::string::npos) amp = params.size();
    std::string part = params.substr(pos, amp - pos);
    pos = amp + 1;
    if (part.empty()) continue;
    size_t eq = part.find('=');
    std::string key = url_decode(part.substr(0, eq));
    std::string val = eq == std::string::npos ? "" : url_decode(part.substr(eq + 1));
    if (key == "lesson") {
      o.lesson = val;
    } else if (key == "step") {
      char* end = nullptr;
      long v = std::strtol(val.c_str(), &end, 10);
      if (end && *end == 0 && !val.empty() && v >= 0 && v < 1000000) o.step = static_cast<int>(v);
    } else if (key == "os") {
      if (val == "linux" || val == "qnx") o.os = val;
    } else if (key == "zoom") {
      char* end = nullptr;
      float v = std::strtof(val.c_str(), &end);
      if (end && *end == 0 && !val.empty() && v >= 0.25f && v <= 4.0f) o.zoom = v;
    } else if (key == "prog") {
      // A sandbox program: at most a few hundred lines of the sandbox's buttons.
      if (val.size() <= 16384) { o.program = val; o.has_program = true; }
    } else if (key == "embed") {
      o.embed = val.empty() || val == "1" || val == "true" || val == "yes";
    }
  }
  return o;
}

}  // namespace pp::app
