// pinpages real mode — what machine a real run happened on, for recordings and the
// latency explanation (native Linux only).
#pragma once

#include "real/recording.h"

namespace pp::real {

// uname, page size, RAM and swap (/proc/meminfo), RLIMIT_MEMLOCK, privilege, glibc,
// CPU model (/proc/cpuinfo), and the hypervisor: /sys/hypervisor/type, then CPUID's
// hypervisor leaf (x86), then `systemd-detect-virt --vm` — with which one said so.
rec::MachineInfo machine_info();

}  // namespace pp::real
