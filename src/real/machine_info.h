// pinpages real mode — what machine a real run happened on, for recordings and the
// latency explanation. The struct is plain data (recordings carry it, the web page
// too); machine_info() reads this machine (native Linux only, machine_info.cpp).
#pragma once

#include <cstdint>
#include <string>

namespace pp::real {

struct MachineInfo {
  std::string kernel_release;  // uname -r
  std::string kernel_version;  // uname -v
  std::string arch;            // uname -m
  std::string cpu_model;       // /proc/cpuinfo "model name"
  std::string hypervisor;      // "kvm", "xen", … or "none"; how it was found in hypervisor_evidence
  std::string hypervisor_evidence;
  std::string glibc;           // gnu_get_libc_version()
  std::string privilege;       // "root", "sudo", "CAP_IPC_LOCK (setcap)", "none"
  bool cap_ipc_lock = false;   // the lab had it
  std::uint64_t page_size = 0, ram_kb = 0, swap_kb = 0;
  std::uint64_t rlim_memlock_cur = 0, rlim_memlock_max = 0;  // bytes; ~0 = unlimited
  // Whether reading untouched anonymous memory mapped the shared zero page (mainline) or
  // gave a frame; the model replays the recording with the same setting. A recording
  // without the field was made on a mainline kernel. Evidence: how it was measured, or
  // why it could not be (then the mainline default is assumed).
  bool zero_page = true;
  std::string zero_page_evidence;
  std::string recorded_at;     // UTC, ISO 8601
};

// uname, page size, RAM and swap (/proc/meminfo), RLIMIT_MEMLOCK, privilege, glibc,
// CPU model (/proc/cpuinfo), and the hypervisor: /sys/hypervisor/type, then CPUID's
// hypervisor leaf (x86), then `systemd-detect-virt --vm` — with which one said so.
MachineInfo machine_info();

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
