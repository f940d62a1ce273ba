// pinpages real mode — describing the machine a real run happened on.
#include "real/machine_info.h"

#include <fcntl.h>
#include <gnu/libc-version.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
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

// smaps Rss (kB) of the mapping that starts at `addr`; -1 when smaps cannot be read.
long long smaps_rss_kb(std::uintptr_t addr) {
  std::ifstream f("/proc/self/smaps");
  std::string line;
  bool ours = false;
  while (std::getline(f, line)) {
    char* end = nullptr;
    unsigned long long start = std::strtoull(line.c_str(), &end, 16);
    if (end && *end == '-') {  // a mapping's header line: "start-end perms ..."
      ours = start == addr;
      continue;
    }
    if (ours && line.rfind("Rss:", 0) == 0) return std::atoll(line.c_str() + 4);
  }
  return -1;
}

// pagemap's PFN of the page at `addr` (0 when hidden: no CAP_SYS_ADMIN, or not present).
std::uint64_t pfn_of(int pagemap_fd, std::uintptr_t addr, std::uint64_t page) {
  std::uint64_t e = 0;
  if (pread(pagemap_fd, &e, 8, static_cast<off_t>(addr / page * 8)) != 8) return 0;
  if (!(e >> 63)) return 0;
  return e & ((1ull << 55) - 1);
}

// KPF_ZERO_PAGE (bit 24) of a frame; -1 when /proc/kpageflags cannot be read.
int kpf_zero_page(std::uint64_t pfn) {
  int fd = ::open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  std::uint64_t flags = 0;
  ssize_t n = pread(fd, &flags, 8, static_cast<off_t>(pfn * 8));
  ::close(fd);
  return n == 8 ? int((flags >> 24) & 1) : -1;
}

std::string hex(std::uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "%#llx", static_cast<unsigned long long>(v));
  return b;
}

ZeroPageProbe run_zero_page_probe() {
  ZeroPageProbe z;
  const std::uint64_t page = static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
  // Read-only and smaller than a huge page: only the 4 KiB read-fault path can fill it.
  void* m = mmap(nullptr, 2 * page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) {
    z.evidence = "not measured (mmap failed); mainline assumed";
    return z;
  }
  const auto a = reinterpret_cast<std::uintptr_t>(m);
  const volatile char* p = static_cast<const volatile char*>(m);
  (void)p[0];
  (void)p[page];
  std::uint64_t pfn0 = 0, pfn1 = 0;
  if (int fd = ::open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC); fd >= 0) {
    pfn0 = pfn_of(fd, a, page);
    pfn1 = pfn_of(fd, a + page, page);
    ::close(fd);
  }
  const long long rss = smaps_rss_kb(a);
  munmap(m, 2 * page);
  if (pfn0 && pfn1) {  // PFNs visible (root): the frames themselves decide
    const int k0 = kpf_zero_page(pfn0), k1 = kpf_zero_page(pfn1);
    z.zero_page = k0 >= 0 && k1 >= 0 ? (k0 && k1) : pfn0 == pfn1;
    z.evidence = "two read pages: pagemap PFNs " + hex(pfn0) + ", " + hex(pfn1) +
                 (k0 >= 0 && k1 >= 0 ? std::string(", KPF_ZERO_PAGE ") + (z.zero_page ? "set" : "clear")
                                     : std::string(pfn0 == pfn1 ? " (the same frame)" : " (two frames)")) +
                 (rss >= 0 ? ", smaps Rss " + std::to_string(rss) + " kB" : "");
  } else if (rss >= 0) {  // the zero page is never counted in Rss
    z.zero_page = rss == 0;
    z.evidence = "two read pages: smaps Rss " + std::to_string(rss) + " kB";
  } else {
    z.evidence = "not measured (/proc/self/smaps unreadable); mainline assumed";
  }
  return z;
}

}  // namespace

const ZeroPageProbe& zero_page_probe() {
  static const ZeroPageProbe z = run_zero_page_probe();
  return z;
}

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
  m.zero_page = zero_page_probe().zero_page;
  m.zero_page_evidence = zero_page_probe().evidence;
  m.recorded_at = utc_now();
  return m;
}

}  // namespace pp::real
