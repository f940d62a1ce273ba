// pinpages real mode — frames on the channel between the driver (RealOs) and a lab.
//
//   driver ──[u32 length][proto::Req + tail]──► lab
//   driver ◄─[u32 length][proto::Rep + tail]─── lab   (+ one fd: fork's child channel)
//
// The channel is a SOCK_STREAM socketpair. Both sides link this file; the lab has no
// libstdc++ at run time and never mallocs for itself, so it is libc only.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pp::real::chan {

// Reads exactly n bytes, waiting at most timeout_ms for each piece (-1: forever).
// A descriptor passed with them (SCM_RIGHTS) goes to *passed_fd if it is still -1,
// else it is closed. False on timeout, EOF or error: the peer is gone or stuck.
bool read_exact(int fd, void* p, std::size_t n, int timeout_ms, int* passed_fd = nullptr);
// Sends one frame: the length, then `len` bytes of data, passing `passfd` if >= 0.
bool send_frame(int fd, const void* data, std::uint32_t len, int passfd = -1);

}  // namespace pp::real::chan
