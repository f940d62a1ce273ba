// pinpages real mode — RealOs: what the kernel says about the labs' pages (status,
// smaps, page counts, frames), read by each lab from its own /proc/self.
#include "real/real_os.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "real/reports.h"
#include "real/sudo_user.h"
#include "real/real_os_internal.h"

namespace pp::real {

using detail::page_down;
using detail::page_up;
using detail::req;

// ---------------------------------------------------------------- reports
std::vector<int> RealOs::pids() const {
  std::vector<int> v;
  for (const Proc& p : procs_)
    if (!p.reaped) v.push_back(p.pid);  // the first lab stays listed after exit (no lesson parent)
  return v;
}

std::vector<int> RealOs::live_lab_pids() const {
  std::vector<int> v;
  for (const Proc& p : procs_)
    if (p.alive) v.push_back(p.pid);
  return v;
}

const proto::Hello* RealOs::hello(int pid) const {
  const Proc* p = find(pid);
  return p ? &p->hello : nullptr;
}

ProcStatus RealOs::status(int pid) const {
  auto& c = status_cache_[pid];
  if (c.first == gen_) return c.second;
  ProcStatus st;
  st.pid = pid;
  Proc* p = const_cast<RealOs*>(this)->find(pid);
  if (!p) { st.alive = false; return st; }
  st.ppid = p->ppid;
  if (!p->alive) {
    st.alive = false;
    st.exit_code = p->exit_code;
    st.vm_size_kb = st.vm_lck_kb = st.vm_rss_kb = 0;
  } else {
    Reply r = call(*p, req(proto::STATUS));
    if (!r.ok || r.tail.size() < sizeof(proto::LabStatus)) {
      st.alive = false;
      st.exit_code = p->exit_code;
    } else {
      proto::LabStatus ls;
      std::memcpy(&ls, r.tail.data(), sizeof ls);
      st = parse_status(r.tail.substr(sizeof ls), ls);
      st.ppid = p->ppid;  // the lesson's parent (the first lab's parent is the driver)
    }
  }
  c = {gen_, st};
  return st;
}

std::vector<SmapsEntry> RealOs::smaps(int pid) const {
  auto& c = smaps_cache_[pid];
  if (c.first == gen_) return c.second;
  std::vector<SmapsEntry> v;
  Proc* p = const_cast<RealOs*>(this)->find(pid);
  if (p && p->alive) {
    Reply r = call(*p, req(proto::SMAPS));
    if (r.ok) v = parse_smaps(r.tail);
  }
  c = {gen_, v};
  return v;
}

proto::RangeCount RealOs::range_detail(int pid, u64 addr, u64 len) const {
  auto key = std::make_tuple(pid, addr, len);
  auto it = count_cache_.find(key);
  if (it != count_cache_.end() && it->second.first == gen_) return it->second.second;
  proto::RangeCount rc{};
  u64 lo = page_down(addr), hi = len ? page_up(addr + len) : lo;
  rc.pages = (hi - lo) / kPageSize;
  Proc* p = const_cast<RealOs*>(this)->find(pid);
  if (p && p->alive) {
    u64 pair[2] = {addr, len};
    Reply r = call(*p, req(proto::COUNT), std::string(reinterpret_cast<const char*>(pair), sizeof pair));
    if (r.ok && r.tail.size() >= sizeof rc) std::memcpy(&rc, r.tail.data(), sizeof rc);
  }
  if (count_cache_.size() > 4096) count_cache_.clear();
  count_cache_[key] = {gen_, rc};
  return rc;
}

void RealOs::open_pagemap(Proc& p) {
  if (p.pagemap_fd >= 0) ::close(p.pagemap_fd);
  p.pagemap_fd = -1;
  if (kpageflags_fd_ < 0) { ++frame_blind_; return; }
  int fd = ::open(("/proc/" + std::to_string(p.pid) + "/pagemap").c_str(), O_RDONLY | O_CLOEXEC);
  // PFNs are visible only if the opener had CAP_SYS_ADMIN (checked at open): test on
  // the page just below stack_top, which every lab has touched.
  u64 e = 0;
  u64 probe = p.hello.stack_top - kPageSize;
  if (fd >= 0 && ::pread(fd, &e, 8, static_cast<off_t>(probe / kPageSize * 8)) == 8 &&
      (e & ((1ull << 55) - 1)) != 0) {
    p.pagemap_fd = fd;
  } else {
    if (fd >= 0) ::close(fd);
    ++frame_blind_;
  }
}

bool RealOs::sees_frame_locks(int pid) const {
  const Proc* p = find(pid);
  return p && p->pagemap_fd >= 0 && kpageflags_fd_ >= 0;
}

// Pages of [lo, hi) whose frame the kernel marks mlocked (KPF_MLOCKED, bit 33 of
// /proc/kpageflags). 0 when the driver cannot read PFNs (not root).
u64 RealOs::mlocked_frames(const Proc& p, u64 lo, u64 hi, const std::vector<SmapsEntry>& sm) const {
  if (kpageflags_fd_ < 0 || p.pagemap_fd < 0) return 0;
  u64 n = 0;
  std::vector<u64> pm;
  for (u64 a = lo; a < hi;) {
    const SmapsEntry* vma = nullptr;
    for (const SmapsEntry& e : sm)
      if (a >= e.start && a < e.end) { vma = &e; break; }
    if (!vma) { a += kPageSize; continue; }
    u64 end = std::min(hi, vma->end);
    u64 np = (end - a) / kPageSize;
    pm.resize(np);
    ssize_t r = ::pread(p.pagemap_fd, pm.data(), np * 8, static_cast<off_t>(a / kPageSize * 8));
    for (ssize_t i = 0; i < r / 8; ++i) {
      u64 e = pm[static_cast<std::size_t>(i)];
      u64 pfn = e & ((1ull << 55) - 1);
      if (!((e >> 63) & 1) || pfn == 0) continue;
      u64 flags = 0;
      if (::pread(kpageflags_fd_, &flags, 8, static_cast<off_t>(pfn * 8)) == 8 && ((flags >> 33) & 1)) ++n;
    }
    a = end;
  }
  return n;
}

std::vector<std::uint8_t> RealOs::page_bits(int pid, u64 addr, u64 npages) const {
  std::vector<std::uint8_t> out;
  Proc* p = const_cast<RealOs*>(this)->find(pid);
  if (!p || !p->alive) return out;
  u64 first = page_down(addr);
  const u64 chunk = 60000;
  for (u64 done = 0; done < npages;) {
    u64 n = std::min(chunk, npages - done);
    Reply r = call(*p, req(proto::PAGES, first + done * kPageSize, n));
    if (!r.ok) return {};
    out.insert(out.end(), r.tail.begin(), r.tail.end());
    if (r.tail.size() < n) break;
    done += n;
  }
  std::vector<SmapsEntry> sm = smaps(pid);
  for (u64 i = 0; i < out.size(); ++i) {
    u64 a = first + i * kPageSize;
    for (const SmapsEntry& e : sm) {
      if (a < e.start || a >= e.end) continue;
      if (e.locked && (!e.onfault || (out[i] & proto::PG_PRESENT))) out[i] |= PG_LOCKED_BIT;
      break;
    }
  }
  return out;
}

PageCounts RealOs::count_pages(int pid, u64 addr, u64 len) const {
  PageCounts pc;
  u64 lo = page_down(addr), hi = len ? page_up(addr + len) : lo;
  pc.pages = (hi - lo) / kPageSize;
  const Proc* p = find(pid);
  // Reaped: the process is gone, nothing to count. A zombie (exited, not yet waited
  // for) still names the range but has no memory left. Both as the model reports.
  if (!p || p->reaped) return PageCounts{};
  if (!p->alive || pc.pages == 0) return pc;
  proto::RangeCount whole = range_detail(pid, addr, len);
  pc.resident = whole.resident;
  pc.swapped = whole.swapped;
  // Locked: a present frame with PG_mlocked (kpageflags, root) — set while any
  // mapping of it, in this process or another, is locked; never the zero page nor an
  // untouched page. Without kpageflags: present pages of `lo` VMAs (pagemap cannot
  // tell the zero page apart then).
  std::vector<SmapsEntry> sm = smaps(pid);
  if (sees_frame_locks(pid)) {
    pc.locked = mlocked_frames(*p, lo, hi, sm);
    return pc;
  }
  for (const SmapsEntry& e : sm) {
    if (!e.locked) continue;
    u64 s = std::max(lo, e.start), t = std::min(hi, e.end);
    if (s < t) pc.locked += range_detail(pid, s, t - s).present;
  }
  return pc;
}

}  // namespace pp::real
