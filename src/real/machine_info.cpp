// pinpages real mode — describing the machine a real run happened on.
#include "real/machine_info.h"

#include <gnu/libc-version.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace pp::real {
namespace {

std::string first_line(const char* path) {
  std::ifstream f(path);
  std::string s;
  std::getline(f, s);
  return s;
}

std::string proc_field(const char* path, const std::string& key) {
  std::ifstream f(path);
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind(key, 0) != 0) continue;
    auto c = line.find(':');
    if (c == std::string::npos) continue;
    std::string v = line.substr(c + 1);
    v.erase(0, v.find_first_not_of(" \t"));
    return v;
  }
  return "";
}

std::uint64_t kb_of(const std::string& v) { return std::strtoull(v.c_str(), nullptr, 10); }

// CPUID leaf 0x40000000 names the hypervisor when CPUID.1:ECX bit 31 says there is one.
std::string cpuid_hypervisor() {
#if defined(__x86_64__) || defined(__i386__)
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__get_cpuid(1, &a, &b, &c, &d) || !((c >> 31) & 1)) return "";
  __cpuid(0x40000000, a, b, c, d);
  char sig[13] = {};
  std::memcpy(sig, &b, 4);
  std::memcpy(sig + 4, &c, 4);
  std::memcpy(sig + 8, &d, 4);
  std::string s(sig);
  if (s == "KVMKVMKVM") return "kvm";
  if (s == "Microsoft Hv") return "hyperv";
  if (s == "VMwareVMware") return "vmware";
  if (s == "XenVMMXenVMM") return "xen";
  if (s == "TCGTCGTCGTCG") return "qemu";
  return s.empty() ? "unknown" : s;
#else
  return "";
#endif
}

std::string detect_virt() {
  FILE* p = popen("systemd-detect-virt --vm 2>/dev/null", "r");
  if (!p) return "";
  char buf[64] = {};
  if (!std::fgets(buf, sizeof buf, p)) buf[0] = 0;
  pclose(p);
  std::string s(buf);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string privilege() {
  if (geteuid() == 0) return std::getenv("SUDO_UID") ? "sudo" : "root";
  return "user";
}

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char b[32];
  std::strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return b;
}

}  // namespace

MachineInfo machine_info() {
  MachineInfo m;
  utsname u{};
  if (uname(&u) == 0) {
    m.kernel_release = u.release;
    m.kernel_version = u.version;
    m.arch = u.machine;
  }
  m.page_size = static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
  m.ram_kb = kb_of(proc_field("/proc/meminfo", "MemTotal"));
  m.swap_kb = kb_of(proc_field("/proc/meminfo", "SwapTotal"));
  rlimit rl{};
  if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0) {
    m.rlim_memlock_cur = rl.rlim_cur;
    m.rlim_memlock_max = rl.rlim_max;
  }
  m.privilege = privilege();
  m.glibc = gnu_get_libc_version();
  m.cpu_model = proc_field("/proc/cpuinfo", "model name");
  if (std::string t = first_line("/sys/hypervisor/type"); !t.empty()) {
    m.hypervisor = t;
    m.hypervisor_evidence = "/sys/hypervisor/type";
  } else if (std::string c = cpuid_hypervisor(); !c.empty()) {
    m.hypervisor = c;
    m.hypervisor_evidence = "CPUID leaf 0x40000000";
  } else if (std::string v = detect_virt(); !v.empty()) {
    m.hypervisor = v;
    m.hypervisor_evidence = "systemd-detect-virt --vm";
  }
  if (m.hypervisor.empty() || m.hypervisor == "none") {
    m.hypervisor = "none";
    if (m.hypervisor_evidence.empty()) m.hypervisor_evidence = "no hypervisor bit in CPUID, no /sys/hypervisor";
  }
  m.recorded_at = utc_now();
  return m;
}

}  // namespace pp::real
