// pinpages real mode — plain-words explanation of EPERM / ENOMEM / EAGAIN from locking.
#include "real/explain.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "real/real_os.h"
#include "real/reports.h"

namespace pp::real {

std::string limit_kib(u64 bytes) {
  if (bytes == kRlimInfinity) return "unlimited";
  return std::to_string(bytes / 1024) + " KiB";
}

std::string explain_lock_failure(int e, const ProcStatus& st, u64 requested, const std::string& lab_path) {
  if (e != err::PERM && e != err::NOMEM && e != err::AGAIN) return "";
  std::string lab = lab_path.empty() ? find_lab() : lab_path;
  std::ostringstream o;
  const u64 req_kib = (requested + 1023) / 1024;
  // What is locked already + this request (the whole VmSize when the request is unknown).
  const u64 need_kib = req_kib ? st.vm_lck_kb + req_kib : std::max(st.vm_size_kb, st.vm_lck_kb);
  const char* name = e == err::PERM ? "EPERM" : e == err::NOMEM ? "ENOMEM" : "EAGAIN";
  o << "The kernel refused to lock memory: " << name << ".\n";
  if (st.cap_ipc_lock) {
    // With CAP_IPC_LOCK the limit is ignored, so the cause is elsewhere.
    o << "This process has CAP_IPC_LOCK, so RLIMIT_MEMLOCK is not the reason.\n";
    if (e == err::NOMEM)
      o << "ENOMEM here means part of the range is not mapped, or the machine could not "
           "find " << req_kib << " KiB of RAM to pin.\n";
    return o.str();
  }
  o << "The process is not privileged (no CAP_IPC_LOCK), so it may lock at most RLIMIT_MEMLOCK: "
    << "soft limit " << limit_kib(st.rlim_memlock_cur) << ", hard limit " << limit_kib(st.rlim_memlock_max)
    << " (`ulimit -l` prints the soft limit in KiB).\n";
  if (e == err::PERM) {
    o << "EPERM: the limit is 0, so even one page is too much.\n";
  } else {
    if (req_kib)
      o << "It already has " << st.vm_lck_kb << " KiB locked (VmLck) and asked for " << req_kib
        << " KiB more: " << need_kib << " KiB in total, over the limit.\n";
    else
      o << "It already has " << st.vm_lck_kb << " KiB locked (VmLck); this request would pass the limit"
        << " (mlockall(MCL_CURRENT) counts the whole VmSize, " << st.vm_size_kb << " KiB here).\n";
    if (e == err::AGAIN)
      o << "EAGAIN: with mlockall(MCL_FUTURE) in force every new mapping must be locked, "
           "and this one would pass the limit (malloc then returns NULL with ENOMEM).\n";
  }
  o << "What would make it work (any one):\n"
    << "  - raise the limit for this shell: `ulimit -l " << (need_kib ? need_kib : 1) << "`"
    << " (a normal user can only go up to the hard limit, " << limit_kib(st.rlim_memlock_max) << ")\n"
    << "  - raise it for your user for good: a line in /etc/security/limits.conf such as\n"
    << "      " << (std::getenv("SUDO_USER") ? std::getenv("SUDO_USER") : (std::getenv("USER") ? std::getenv("USER") : "youruser"))
    << "  -  memlock  " << (need_kib ? need_kib : 1) << "\n"
    << "    then log in again\n"
    << "  - give the lab the capability instead: `sudo setcap cap_ipc_lock=ep " << lab << "`\n"
    << "  - run with sudo (`sudo pinpages real ...`): the lab keeps only CAP_IPC_LOCK\n"
    << "  - or look at the model instead (`pinpages run`), which needs no privilege.\n";
  return o.str();
}

RealProbe probe_real(bool unprivileged) {
  RealProbe r;
  RealOptions o;
  o.unprivileged = unprivileged;
  RealOs os(o);
  r.lab_path = o.lab_path.empty() ? find_lab() : o.lab_path;
  utsname u{};
  if (uname(&u) == 0) r.kernel = u.release;
  int pid = os.spawn(ImageSpec{}, nullptr);
  if (pid < 0) {
    r.text = "Real mode is not available: " + os.error() + ". The model works without it.";
    return r;
  }
  ProcStatus st = os.status(pid);
  r.ok = true;
  r.cap_ipc_lock = st.cap_ipc_lock;
  r.rlim_cur = st.rlim_memlock_cur;
  r.rlim_max = st.rlim_memlock_max;
  std::ostringstream t;
  t << "Real mode on Linux " << r.kernel << ": ";
  if (st.cap_ipc_lock)
    t << "the lab has CAP_IPC_LOCK, so it may lock any amount (up to the safety cap of half of MemAvailable).";
  else
    t << "the lab has no CAP_IPC_LOCK, so it may lock at most RLIMIT_MEMLOCK = " << limit_kib(st.rlim_memlock_cur)
      << " (`ulimit -l`); run with sudo or `sudo setcap cap_ipc_lock=ep " << r.lab_path
      << "` to lock more, or use the model.";
  r.text = t.str();
  return r;  // ~RealOs ends the lab
}

}  // namespace pp::real
