// pinpages recordings shipped with the program: assets/recordings/*.json, embedded at
// build time (src/real/embed_recordings.cmake), made by scripts/record-lessons.
#pragma once

#include <string>
#include <vector>

namespace pp::rec {

struct BuiltinRecording {
  std::string name;  // file stem: "01-mlockall"
  std::string json;  // the document
};
const std::vector<BuiltinRecording>& builtin_recordings();

}  // namespace pp::rec
