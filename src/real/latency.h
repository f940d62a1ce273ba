// pinpages real mode — the headline measurement: page faults and worst-case touch
// time of N buffers, first touch without locking vs. after mlock, for real.
//
//   pass 1 (fresh lab): malloc N×B ─► touch every page, timing each ─► faults, worst
//   pass 2 (fresh lab): malloc N×B ─► mlock each ─► touch every page ─► 0 faults
//
// Each pass runs in its own lab process so that neither inherits the other's heap
// (glibc raises its mmap threshold after a free) and nothing stays locked.
#pragma once

#include <string>
#include <vector>

#include "real/proto.h"
#include "real/real_os.h"

namespace pp::real {

struct LatencyReport {
  bool ok = false;
  std::string error;  // lab failure, the safety cap's refusal, or the mlock errno explained
  proto::LatencyNumbers unlocked{}, locked{};
  int lock_err = 0;
};

// The tutorial's scale: 500 records of sizeof(struct record) = 1,024,144 bytes.
constexpr u64 kTutorialRecords = 500;
constexpr u64 kTutorialRecordBytes = 1024144;

LatencyReport measure_latency(u64 records, u64 bytes, const RealOptions& opt = {});
std::string format_latency(const LatencyReport& r);
std::string latency_json(const LatencyReport& r);

}  // namespace pp::real

namespace pp::real {
// `pinpages real --latency [--records N] [--bytes B] [--force] [--json]`; exit code.
int cmd_latency(const std::vector<std::string>& args);
}  // namespace pp::real
