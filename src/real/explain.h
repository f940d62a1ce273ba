// pinpages real mode — why a real lock failed, in plain words.
//
//   mlock → ENOMEM / EPERM / EAGAIN ──explain_lock_failure──► "Your limit is 64 KiB …
//                                                              ulimit -l … limits.conf …
//                                                              setcap cap_ipc_lock=ep …"
// Used by `pinpages real` and by the UI's real-mode panel.
#pragma once

#include <string>

#include "core/os.h"

namespace pp::real {

// err: the errno the kernel returned; st: the process status right after the call
// (its RLIMIT_MEMLOCK, VmLck, CAP_IPC_LOCK); requested: bytes the call tried to lock
// (for mlockall(MCL_CURRENT), the process's VmSize). Empty when err is not a
// locking failure. lab_path: shown in the setcap suggestion ("" = find_lab()).
std::string explain_lock_failure(int err, const ProcStatus& st, u64 requested,
                                 const std::string& lab_path = "");

// "8192 KiB" / "unlimited" (as `ulimit -l` prints it, in KiB).
std::string limit_kib(u64 bytes);

// What real mode can do here, found by starting a lab for a moment (for the UI's
// Model / Real switch and the CLI's header line).
struct RealProbe {
  bool ok = false;          // a lab started and answered
  bool cap_ipc_lock = false;
  u64 rlim_cur = 0, rlim_max = 0;
  std::string kernel;       // uname -r
  std::string lab_path;
  std::string text;         // one or two plain sentences; the error when !ok
};
RealProbe probe_real(bool unprivileged = false);

}  // namespace pp::real
