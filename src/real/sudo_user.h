// pinpages real mode — leaving root for the user who ran `sudo`.
//
// The window, the driver and the lab all start as root under `sudo pinpages …` and
// have no reason to stay root: each becomes the invoking user (SUDO_UID / SUDO_GID),
// keeping at most CAP_IPC_LOCK, which the caller then sets itself. Header-only, because
// the lab (pinpages-lab) links none of pp_real.
#pragma once

#include <grp.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>

namespace pp::real {

struct SudoUser {
  uid_t uid = 0;
  gid_t gid = 0;
};

// The invoking user of `sudo`, when both variables name a non-root user.
inline std::optional<SudoUser> sudo_user() {
  const char* su = std::getenv("SUDO_UID");
  const char* sg = std::getenv("SUDO_GID");
  if (!su || !sg || std::atoi(su) <= 0) return std::nullopt;
  return SudoUser{static_cast<uid_t>(std::atoi(su)), static_cast<gid_t>(std::atoi(sg))};
}

// Becomes `u` for good: supplementary groups, then gid, then uid, since each step needs
// the privilege the next one gives up. With keep_caps the permitted capabilities survive
// the uid change (PR_SET_KEEPCAPS), so the caller can go on to keep CAP_IPC_LOCK. The
// process is marked dumpable again: the uid change cleared that, and without it the
// process cannot read its own /proc/self/pagemap. False (errno set) if a step failed.
inline bool become_user(const SudoUser& u, bool keep_caps) {
  if (keep_caps) prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
  if (setgroups(0, nullptr) != 0 || setresgid(u.gid, u.gid, u.gid) != 0 || setresuid(u.uid, u.uid, u.uid) != 0)
    return false;
  prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
  return true;
}

}  // namespace pp::real
