// pinpages real mode — turning the kernel's /proc texts into the core's report structs.
//
//   /proc/self/status ──parse_status──► ProcStatus   (+ LabStatus: mlockall flags,
//   /proc/self/smaps  ──parse_smaps───► SmapsEntry[]    RLIMIT_MEMLOCK, CAP_IPC_LOCK)
//
// Kept apart from RealOs so that tests can feed them captured texts.
#pragma once

#include <string>
#include <vector>

#include "core/os.h"
#include "real/proto.h"

namespace pp::real {

ProcStatus parse_status(const std::string& text, const proto::LabStatus& ls);
std::vector<SmapsEntry> parse_smaps(const std::string& text);
// errno_name() as a string, "0" for success (core/os.h holds the one errno table).
std::string errno_str(int e);

}  // namespace pp::real
