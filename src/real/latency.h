// pinpages real mode — the headline measurement: page faults and worst-case touch
// time of N buffers, first touch without locking vs. after mlock, for real.
//
//   run 1 (fresh lab): malloc N×B ─► touch every page, timing each ─► faults, worst; again
//   run 2 (fresh lab): malloc N×B ─► mlock each ─► touch every page ─► 0 faults; again
//   run 3 (fresh lab): malloc N×B ─► write every page ─► mlock ─► touch, timed; again
//
// Each run has two timed passes (first and second touch) and happens in its own lab
// process so that none inherits another's heap (glibc raises its mmap threshold after
// a free) and nothing stays locked. Run 3 is the control for a slow locked first pass:
// its pages were written by the program before mlock, not only populated by mlock.
#pragma once

#include <string>
#include <vector>

#include "real/proto.h"
#include "real/real_os.h"
#include "real/latency_record.h"

namespace pp::real {

struct LatencyReport {
  bool ok = false;
  std::string error;  // lab failure, the safety cap's refusal, or the mlock errno explained
  proto::LatencyNumbers unlocked{}, locked{}, pretouched{};
  int lock_err = 0;
  std::string hypervisor;  // machine_info's verdict, for the explanation
};

// The portable form a recording keeps and the charts draw (real/latency_record.h).
rec::LatencyRecord latency_record(const LatencyReport& r);
// What the numbers say about a locked first pass that is slower than the second.
std::string latency_finding(const LatencyReport& r);

// The tutorial's scale: 500 records of sizeof(struct record) = 1,024,144 bytes.
constexpr u64 kTutorialRecords = 500;
constexpr u64 kTutorialRecordBytes = 1024144;

LatencyReport measure_latency(u64 records, u64 bytes, const RealOptions& opt = {});
std::string format_latency(const LatencyReport& r);

}  // namespace pp::real
