// pinpages recordings shipped with the program: assets/recordings/*.json, made by
// scripts/record-lessons. Embedded at build time (src/runner/embed_recordings.cmake) in
// every build but the served web page's: there they were a third of the wasm's bytes, which
// the page's first frame waits for (all of them), so the page fetches a lesson's recording
// when the lesson opens instead (web/recordings/NAME.json; runner::add_fetched_recording).
// That build links recordings_fetched.cpp (target pp_runner_fetched), whose
// builtin_recordings() is empty and builtin_recordings_fetched() true: an object file
// given to the linker defines the two before the archive member that embeds them is looked
// for, so that member (and its data) is left out.
#pragma once

#include <string>
#include <vector>

namespace pp::rec {

struct BuiltinRecording {
  std::string name;  // file stem: "01-mlockall"
  std::string json;  // the document
};
const std::vector<BuiltinRecording>& builtin_recordings();
bool builtin_recordings_fetched();  // true where the page fetches them (above)

}  // namespace pp::rec
