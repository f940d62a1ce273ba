// pinpages real mode — what machine a real run happened on, for recordings and the
// latency explanation (native Linux only).
#pragma once

#include "real/recording.h"

namespace pp::real {

// uname, page size, RAM and swap (/proc/meminfo), RLIMIT_MEMLOCK, privilege, glibc,
// CPU model (/proc/cpuinfo), and the hypervisor: /sys/hypervisor/type, then CPUID's
// hypervisor leaf (x86), then `systemd-detect-virt --vm` — with which one said so.
rec::MachineInfo machine_info();

// Does this kernel map the shared zero page when untouched private anonymous memory is
// read (mainline), or give each page a frame (kernels booted with pvm_no_zero_page=1)?
// Measured once per process: two fresh read-only pages are read, then smaps Rss of the
// mapping (0 kB: zero page; works without privilege) and, where PFNs are visible (root),
// pagemap + /proc/kpageflags KPF_ZERO_PAGE decide. If neither can be read, the mainline
// answer is assumed and `evidence` says so.
struct ZeroPageProbe {
  bool zero_page = true;
  std::string evidence;
};
const ZeroPageProbe& zero_page_probe();

}  // namespace pp::real
