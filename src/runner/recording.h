// pinpages recordings — a real kernel's run of a lesson, saved as one JSON document so
// that a page without any privilege (the browser) can replay it next to the model.
//
//   pinpages real LESSON --record F.json ─► Recording ─► to_json ─► F.json
//   F.json ─► parse_recording ─► Recording{machine, lesson source, kernel Trace, latency}
//                                   └─► the UI: Model / Kernel / Side by side
//
// Portable: built for the desktop and the web page alike (nothing here touches the
// running kernel; machine_info() is in src/real/machine_info.cpp, native only).
// The format is documented in docs/RECORDINGS.md; every step uses the schema of
// `pinpages real --json` (engine/json.cpp step_json).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/trace.h"
#include "real/latency_record.h"
#include "real/machine_info.h"

namespace pp::rec {

// Bumped when a reader of an older version would misread a document.
constexpr int kFormatVersion = 1;
constexpr const char* kFormatName = "pinpages-recording";
// A recording larger than this is refused before it is parsed (the biggest shipped
// one is a few MB).
constexpr std::size_t kMaxBytes = 32u << 20;

// What machine the run happened on (real/machine_info.h: a plain struct, filled
// natively by machine_info()).
using MachineInfo = real::MachineInfo;

// What the recorder's model said when the recording was made: per step, did the model
// and this kernel agree (compare.h tolerances). The shipped recordings' test holds the
// current model to it.
struct Agreement {
  int compared = 0, agreed = 0;
  std::vector<int> differing_steps;
  std::string summary;  // compare.h's one line: "mlockall: 9/9 steps agree; figure A agrees; …"
};

struct Recording {
  int format = kFormatVersion;
  std::string tool;  // "pinpages real"
  std::string lesson_id, lesson_file, lesson_title, source;
  MachineInfo machine;
  Trace kernel;  // steps with the kernel's reports (no model snapshots)
  std::optional<LatencyRecord> latency;
  std::optional<Agreement> agreement;  // absent in a recording made without the model
};

std::string to_json(const Recording& r);
// The latency block alone (the schema of `pinpages real --latency --json`).
std::string latency_to_json(const LatencyRecord& l);

// Parses a document; on failure returns false and says what is wrong and which field
// ("steps[3].processes[0].vm_lck_kb: expected a number, found a string").
bool parse_recording(const std::string& text, Recording* out, std::string* error);

// Which built-in lesson a recording is of, and whether its source is that lesson's:
// "" when it matches, else why not.
std::string mismatch(const Recording& r, const std::string& lesson_id, const std::string& source);

}  // namespace pp::rec
