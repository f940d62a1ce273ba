// pinpages lab — small helpers the lab process needs, written against raw libc.
//
// The lab must not call malloc for itself (glibc's first malloc creates the brk
// heap, which is exactly what a lesson wants to watch happen), so nothing here
// allocates: no stdio, no std::string, fixed buffers owned by the caller.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pp::real::lab {

// Reads a whole /proc file into buf (NUL-terminated); returns bytes or -errno.
long read_file(const char* path, char* buf, std::size_t cap);
// Value in kB of "Key:" in a /proc status/meminfo text; 0 when missing.
std::uint64_t field_kb(const char* text, const char* key);
// Writes "msg" to stderr (no allocation).
void say(const char* a, const char* b = nullptr, const char* c = nullptr);
// Decimal of v into buf (NUL-terminated), returns buf.
char* u64_to_str(std::uint64_t v, char* buf);
std::uint64_t now_ns();

// Drops every capability except CAP_IPC_LOCK (and, under sudo, switches to the
// invoking user keeping only that capability). keep_ipc_lock=false (--unprivileged)
// drops that one too, bounding set included. Returns a short note.
const char* drop_privileges(bool keep_ipc_lock);
// set_cap_ipc_lock(false): clears CAP_IPC_LOCK from the effective set (the kernel
// then applies RLIMIT_MEMLOCK); 0 or -errno.
int drop_ipc_lock();
// set_cap_ipc_lock(true): back into the effective set if still permitted, else -EPERM.
int raise_ipc_lock();
// --unprivileged: gone from every set (and the bounding set), no way back.
int drop_ipc_lock_for_good();
bool have_ipc_lock();

}  // namespace pp::real::lab
