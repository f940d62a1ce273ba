// Frames on the driver↔lab channel (channel.h): exact reads with a timeout that pick
// up a passed descriptor, and length-prefixed sends that may pass one.
#include "real/channel.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace pp::real::chan {

bool read_exact(int fd, void* p, std::size_t n, int timeout_ms, int* passed_fd) {
  auto* c = static_cast<char*>(p);
  while (n) {
    pollfd pf{fd, POLLIN, 0};
    int pr = ::poll(&pf, 1, timeout_ms);
    if (pr < 0 && errno == EINTR) continue;
    if (pr <= 0) return false;  // timeout: the lab is stuck or gone
    iovec iov{c, n};
    msghdr m{};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    alignas(cmsghdr) char cbuf[CMSG_SPACE(sizeof(int) * 4)];
    m.msg_control = cbuf;
    m.msg_controllen = sizeof cbuf;
    ssize_t r = ::recvmsg(fd, &m, MSG_CMSG_CLOEXEC);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;  // EOF: the lab died
    for (cmsghdr* cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm)) {
      if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
        int k = static_cast<int>((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        for (int i = 0; i < k; ++i) {
          int f;
          std::memcpy(&f, CMSG_DATA(cm) + i * sizeof(int), sizeof f);
          if (passed_fd && *passed_fd < 0) *passed_fd = f; else ::close(f);
        }
      }
    }
    c += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

bool send_frame(int fd, const void* data, std::uint32_t len, int passfd) {
  iovec iov[2] = {{&len, 4}, {const_cast<void*>(data), len}};
  msghdr m{};
  m.msg_iov = iov;
  m.msg_iovlen = 2;
  alignas(cmsghdr) char cbuf[CMSG_SPACE(sizeof(int))];
  if (passfd >= 0) {
    m.msg_control = cbuf;
    m.msg_controllen = sizeof cbuf;
    cmsghdr* c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &passfd, sizeof(int));
  }
  std::size_t total = 4 + len, sent = 0;
  while (sent < total) {
    ssize_t r = ::sendmsg(fd, &m, MSG_NOSIGNAL);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    sent += static_cast<std::size_t>(r);
    if (sent >= total) break;
    // Partial write: continue with plain writes of the rest (fd already passed).
    m.msg_control = nullptr;
    m.msg_controllen = 0;
    std::size_t skip = sent;
    int k = 0;
    for (; k < 2 && skip >= iov[k].iov_len; ++k) skip -= iov[k].iov_len;
    iov[k].iov_base = static_cast<char*>(iov[k].iov_base) + skip;
    iov[k].iov_len -= skip;
    m.msg_iov = iov + k;
    m.msg_iovlen = static_cast<std::size_t>(2 - k);
  }
  return true;
}

}  // namespace pp::real::chan
