// The served web page's stand-in for the embedded recordings (builtin_recordings.h): none
// are built in, the page fetches them (runner::add_fetched_recording).
#include "runner/builtin_recordings.h"

namespace pp::rec {
const std::vector<BuiltinRecording>& builtin_recordings() {
  static const std::vector<BuiltinRecording> none;
  return none;
}
bool builtin_recordings_fetched() { return true; }
}  // namespace pp::rec
