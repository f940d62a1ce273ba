// pinpages lab — /proc reading, tiny formatting and privilege handling without malloc.
#include "real/lab_sys.h"
#include "real/sudo_user.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace pp::real::lab {

long read_file(const char* path, char* buf, std::size_t cap) {
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -errno;
  std::size_t n = 0;
  while (n + 1 < cap) {
    ssize_t r = ::read(fd, buf + n, cap - 1 - n);
    if (r < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      return -e;
    }
    if (r == 0) break;
    n += static_cast<std::size_t>(r);
  }
  buf[n] = 0;
  ::close(fd);
  return static_cast<long>(n);
}

std::uint64_t field_kb(const char* text, const char* key) {
  std::size_t kl = std::strlen(key);
  for (const char* p = text; p && *p;) {
    if (std::strncmp(p, key, kl) == 0 && p[kl] == ':') return std::strtoull(p + kl + 1, nullptr, 10);
    p = std::strchr(p, '\n');
    if (p) ++p;
  }
  return 0;
}

void say(const char* a, const char* b, const char* c) {
  const char* parts[] = {"pinpages-lab: ", a, b, c, "\n"};
  for (const char* s : parts)
    if (s) {
      ssize_t r = ::write(2, s, std::strlen(s));
      (void)r;
    }
}

char* u64_to_str(std::uint64_t v, char* buf) {
  char tmp[24];
  int n = 0;
  do { tmp[n++] = static_cast<char>('0' + v % 10); v /= 10; } while (v);
  for (int i = 0; i < n; ++i) buf[i] = tmp[n - 1 - i];
  buf[n] = 0;
  return buf;
}

std::uint64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<std::uint64_t>(ts.tv_nsec);
}

// capget/capset through the raw syscalls: libcap is not needed for three words.
static bool get_caps(__user_cap_data_struct d[2]) {
  __user_cap_header_struct h{_LINUX_CAPABILITY_VERSION_3, 0};
  return syscall(SYS_capget, &h, d) == 0;
}
static int set_caps(const __user_cap_data_struct d[2]) {
  __user_cap_header_struct h{_LINUX_CAPABILITY_VERSION_3, 0};
  return syscall(SYS_capset, &h, d) == 0 ? 0 : -errno;
}

bool have_ipc_lock() {
  __user_cap_data_struct d[2]{};
  if (!get_caps(d)) return false;
  return (d[0].effective >> CAP_IPC_LOCK) & 1u;
}

int drop_ipc_lock() {
  // Effective set only: the kernel's capable(CAP_IPC_LOCK) checks it, so from now on
  // RLIMIT_MEMLOCK applies for real. Permitted keeps the bit so that a lesson's
  // `//@ sudo on` can take it back, as running the next command with sudo would.
  __user_cap_data_struct d[2]{};
  if (!get_caps(d)) return -errno;
  d[0].effective &= ~(1u << CAP_IPC_LOCK);
  return set_caps(d);
}

int raise_ipc_lock() {
  __user_cap_data_struct d[2]{};
  if (!get_caps(d)) return -errno;
  const std::uint32_t bit = 1u << CAP_IPC_LOCK;
  if (!(d[0].permitted & bit)) return -EPERM;  // dropped for good (or never had it)
  d[0].effective |= bit;
  return set_caps(d);
}

int drop_ipc_lock_for_good() {
  __user_cap_data_struct d[2]{};
  if (!get_caps(d)) return -errno;
  const std::uint32_t bit = 1u << CAP_IPC_LOCK;
  d[0].effective &= ~bit;
  d[0].permitted &= ~bit;
  d[0].inheritable &= ~bit;
  // Ambient and bounding must go too, or our own re-exec would bring it back.
  prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, CAP_IPC_LOCK, 0, 0);
  if (prctl(PR_CAPBSET_READ, CAP_IPC_LOCK, 0, 0, 0) == 1) prctl(PR_CAPBSET_DROP, CAP_IPC_LOCK, 0, 0, 0);
  return set_caps(d);
}

const char* drop_privileges(bool keep_ipc_lock) {
  if (geteuid() != 0) {
    // Not root: at most file capabilities (setcap cap_ipc_lock=ep). Keep CAP_IPC_LOCK
    // only; a non-dumpable process could not open its own /proc/self/pagemap.
    __user_cap_data_struct d[2]{};
    if (get_caps(d)) {
      const std::uint32_t bit = keep_ipc_lock ? 1u << CAP_IPC_LOCK : 0u;
      d[0].effective &= bit; d[0].permitted &= bit; d[0].inheritable &= bit;
      d[1].effective = d[1].permitted = d[1].inheritable = 0;
      set_caps(d);
    }
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    return "not root: kept at most CAP_IPC_LOCK";
  }
  // Root: first shrink the bounding set (needs CAP_SETPCAP, so before dropping it):
  // even a later exec as uid 0 can then never regain more than CAP_IPC_LOCK.
  for (int c = 0; c <= 63; ++c) {
    if (c == CAP_IPC_LOCK && keep_ipc_lock) continue;
    if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1) prctl(PR_CAPBSET_DROP, c, 0, 0, 0);
  }
  const char* note = "root: dropped every capability except CAP_IPC_LOCK";
  bool switched = false;
  if (std::optional<SudoUser> su = sudo_user(); su && become_user(*su, true)) {
    switched = true;
    note = "sudo: now the invoking user, with CAP_IPC_LOCK only";
  }
  __user_cap_data_struct d[2]{};
  const std::uint32_t bit = keep_ipc_lock ? 1u << CAP_IPC_LOCK : 0u;
  d[0].effective = d[0].permitted = d[0].inheritable = bit;
  set_caps(d);
  // Ambient keeps the capability across our own re-exec once we are not uid 0.
  if (switched && keep_ipc_lock) prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_IPC_LOCK, 0, 0);
  // setuid makes the process non-dumpable, which hides /proc/self/pagemap from it.
  prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
  return note;
}

}  // namespace pp::real::lab
