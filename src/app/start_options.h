// Reading the page address (?lesson=mlockall&step=3&os=qnx&zoom=1.5&embed=1, or the same
// after '#') into StartOptions. Pure C++ so it is unit-tested natively.
#pragma once

#include <string>

#include "ui/app_ui.h"

namespace pp::app {

// `params` is "a=b&c=d" (query and hash joined with '&'); later keys win, so a
// hash overrides the query. Unknown keys and malformed values are ignored.
pp::ui::StartOptions parse_start_options(const std::string& params);

}  // namespace pp::app
