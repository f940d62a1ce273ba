// pinpages real mode — parsing /proc/self/status and /proc/self/smaps.
#include "real/reports.h"

#include <cstdlib>
#include <cstring>
#include <sstream>

namespace pp::real {

namespace {
u64 kb_after(const std::string& line, std::size_t colon) {
  return std::strtoull(line.c_str() + colon + 1, nullptr, 10);
}
bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
}  // namespace

ProcStatus parse_status(const std::string& text, const proto::LabStatus& ls) {
  ProcStatus st;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    auto c = line.find(':');
    if (c == std::string::npos) continue;
    std::string k = line.substr(0, c);
    if (k == "Pid") st.pid = std::atoi(line.c_str() + c + 1);
    else if (k == "PPid") st.ppid = std::atoi(line.c_str() + c + 1);
    else if (k == "VmSize") st.vm_size_kb = kb_after(line, c);
    else if (k == "VmLck") st.vm_lck_kb = kb_after(line, c);
    else if (k == "VmRSS") st.vm_rss_kb = kb_after(line, c);
    else if (k == "VmSwap") st.vm_swap_kb = kb_after(line, c);
    else if (k == "RssAnon") st.rss_anon_kb = kb_after(line, c);
    else if (k == "RssFile") st.rss_file_kb = kb_after(line, c);
  }
  st.alive = true;
  st.minflt = ls.minflt;
  st.majflt = ls.majflt;
  st.mcl = ls.mcl;
  st.rlim_memlock_cur = ls.rlim_cur;  // RLIM_INFINITY is ~0 on Linux, as kRlimInfinity
  st.rlim_memlock_max = ls.rlim_max;
  st.cap_ipc_lock = ls.cap_ipc_lock != 0;
  return st;
}

std::vector<SmapsEntry> parse_smaps(const std::string& text) {
  std::vector<SmapsEntry> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    // A VMA header starts "start-end perms ..."; field lines start with a capital.
    if (is_hex(line[0]) && line.find('-') != std::string::npos && line.find('-') < 17) {
      SmapsEntry e;
      char* end = nullptr;
      e.start = std::strtoull(line.c_str(), &end, 16);
      e.end = std::strtoull(end + 1, &end, 16);
      std::istringstream h(end);
      std::string off, dev, inode;
      h >> e.perms >> off >> dev >> inode;
      std::getline(h, e.name);
      auto s = e.name.find_first_not_of(' ');
      e.name = s == std::string::npos ? "" : e.name.substr(s);
      out.push_back(std::move(e));
      continue;
    }
    if (out.empty()) continue;
    SmapsEntry& e = out.back();
    auto c = line.find(':');
    if (c == std::string::npos) continue;
    std::string k = line.substr(0, c);
    if (k == "Size") e.size_kb = kb_after(line, c);
    else if (k == "Rss") e.rss_kb = kb_after(line, c);
    else if (k == "Pss") e.pss_kb = kb_after(line, c);
    else if (k == "Locked") e.locked_kb = kb_after(line, c);
    else if (k == "Swap") e.swap_kb = kb_after(line, c);
    else if (k == "Anonymous") e.anon_kb = kb_after(line, c);
    else if (k == "VmFlags") {
      std::string f = line.substr(c + 1);
      auto s = f.find_first_not_of(' ');
      f = s == std::string::npos ? "" : f.substr(s);
      while (!f.empty() && f.back() == ' ') f.pop_back();
      e.vmflags = f;
      std::istringstream fs(f);
      std::string w;
      while (fs >> w) {
        if (w == "lo") e.locked = true;
        if (w == "lf") e.onfault = true;
      }
      e.level = e.locked ? (e.onfault ? LockLevel::OnFault : LockLevel::Locked) : LockLevel::Unlocked;
    }
  }
  return out;
}

std::string errno_str(int e) {
  const char* n = errno_name(e);
  return n ? n : "0";
}

}  // namespace pp::real
