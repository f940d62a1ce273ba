// What a page address (?lesson=mlockall&step=3&os=qnx&zoom=1.5&embed=1, or the same after
// '#') opens. The browser decodes the address (web/loader.js, URLSearchParams); this
// checks the values. Pure C++ so it is unit-tested natively.
#pragma once

#include <map>
#include <string>

#include "ui/app_ui.h"

namespace pp::app {

// `params`: the link's keys and decoded values. Unknown keys and malformed values are
// ignored (the defaults stay).
pp::ui::StartOptions start_options(const std::map<std::string, std::string>& params);

}  // namespace pp::app
