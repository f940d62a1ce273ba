// pinpages UI — what window.pinpages.state() reports about the windows (web/README.md
// lists every field; tests/web/*.mjs read them). AppUi adds the fields it owns (the
// lesson's short id, the link, the program run, the kernel panel).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace pp::ui {

class Ui;

nlohmann::json ui_state_json(Ui& ui);
// Serialised for the page; bytes that are not UTF-8 (a program's output) become U+FFFD
// instead of an exception, which the page's build could not catch.
std::string dump_json(const nlohmann::json& j);
// Parses JSON that this program wrote itself (step_json, the kernel panel); a malformed
// text gives null rather than an exception.
nlohmann::json parse_own_json(const std::string& text);

}  // namespace pp::ui
