// pinpages recordings — the reader behind parse_recording (recording_read.cpp).
#pragma once

#include <string>

#include "runner/recording.h"

namespace pp::rec {
bool read_recording_text(const std::string& text, Recording* out, std::string* error);
}  // namespace pp::rec
