// pinpages recordings — the latency experiment's numbers as a recording keeps them and
// the Faults & latency chart draws them. Plain data, no dependencies: the UI views
// include it without linking the recording code.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pp::rec {

// One timed pass of the latency experiment (src/real/latency.h), in a portable form.
struct LatencySeries {
  std::string id;     // "unlocked_first", "locked_first", "locked_second", "pretouched_locked_first"
  std::string label;  // "without locking: first touch"
  std::uint64_t pages = 0, faults = 0, total_ns = 0, worst_page_ns = 0, worst_record_ns = 0;
  std::uint64_t slow_pages = 0, sys_pgfault = 0, steal_ms = 0;
  std::vector<std::uint64_t> hist;  // log2 buckets: hist[k] = writes taking [2^k, 2^(k+1)) ns
};

struct LatencyRecord {
  std::uint64_t records = 0, bytes = 0;
  std::uint64_t timer_min_ns = 0, timer_avg_ns = 0;  // cost of one measurement
  std::uint64_t lock_ns = 0, lock_faults = 0;         // mlock of every record
  std::vector<LatencySeries> series;
  std::string finding;  // what the measurements say about a slow locked first pass
  const LatencySeries* find(const std::string& id) const {
    for (const LatencySeries& s : series)
      if (s.id == id) return &s;
    return nullptr;
  }
};

}  // namespace pp::rec
