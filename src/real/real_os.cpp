// pinpages real mode — RealOs: the calls, each one round trip to the lab that runs it
// (lifecycle and round trips: real_os_lab.cpp; page inspection: real_os_pages.cpp).
#include "real/real_os.h"

#include <cstring>

#include "real/real_os_internal.h"

namespace pp::real {

using detail::fail;
using detail::page_down;
using detail::page_up;
using detail::req;

OpResult RealOs::malloc(int pid, u64 n) { return op(pid, req(proto::MALLOC, n)); }
OpResult RealOs::calloc(int pid, u64 n, u64 size) { return op(pid, req(proto::CALLOC, n, size)); }
OpResult RealOs::realloc(int pid, u64 ptr, u64 n) { return op(pid, req(proto::REALLOC, ptr, n)); }
OpResult RealOs::free(int pid, u64 ptr) { return op(pid, req(proto::FREE, ptr)); }
OpResult RealOs::mallopt(int pid, int param, int value) {
  return op(pid, req(proto::MALLOPT, static_cast<u64>(static_cast<i64>(param)), static_cast<u64>(static_cast<i64>(value))));
}
OpResult RealOs::malloc_trim(int pid, u64 pad) { return op(pid, req(proto::MALLOC_TRIM, pad)); }
OpResult RealOs::touch(int pid, u64 addr, u64 len, bool write) {
  return op(pid, req(proto::TOUCH, addr, len, write ? 1 : 0));
}
OpResult RealOs::mmap(int pid, u64 addr, u64 len, int prot, int flags, int fd, u64 off) {
  return op(pid, req(proto::MMAP, addr, len, static_cast<u64>(prot), static_cast<u64>(flags),
                     static_cast<u64>(static_cast<i64>(fd)), off));
}
OpResult RealOs::munmap(int pid, u64 addr, u64 len) { return op(pid, req(proto::MUNMAP, addr, len)); }
OpResult RealOs::mprotect(int pid, u64 addr, u64 len, int prot) {
  return op(pid, req(proto::MPROTECT, addr, len, static_cast<u64>(prot)));
}
OpResult RealOs::brk(int pid, u64 addr) { return op(pid, req(proto::BRK, addr)); }
OpResult RealOs::sbrk(int pid, i64 incr) { return op(pid, req(proto::SBRK, static_cast<u64>(incr))); }
OpResult RealOs::open(int pid, const std::string& path, u64 size_if_created) {
  return op(pid, req(proto::OPEN, size_if_created), path);
}
OpResult RealOs::madvise(int pid, u64 addr, u64 len, int advice) {
  return op(pid, req(proto::MADVISE, addr, len, static_cast<u64>(advice)));
}
OpResult RealOs::mremap(int pid, u64 addr, u64 old_len, u64 new_len, int flags, u64 new_addr) {
  return op(pid, req(proto::MREMAP, addr, old_len, new_len, static_cast<u64>(flags), new_addr));
}

OpResult RealOs::mlock(int pid, u64 addr, u64 len) {
  OpResult o = op(pid, req(proto::MLOCK, addr, len));
  if (o.ok()) {
    u64 lo = page_down(addr), hi = page_up(addr + len);
    o.events.push_back(Event{EventKind::Lock, pid, lo, (hi - lo) / kPageSize, -1});
  }
  return o;
}
OpResult RealOs::mlock2(int pid, u64 addr, u64 len, int flags) {
  OpResult o = op(pid, req(proto::MLOCK2, addr, len, static_cast<u64>(flags)));
  if (o.ok()) {
    u64 lo = page_down(addr), hi = page_up(addr + len);
    o.events.push_back(Event{EventKind::Lock, pid, lo, (hi - lo) / kPageSize, -1});
  }
  return o;
}
OpResult RealOs::munlock(int pid, u64 addr, u64 len) {
  OpResult o = op(pid, req(proto::MUNLOCK, addr, len));
  if (o.ok()) {
    u64 lo = page_down(addr), hi = page_up(addr + len);
    o.events.push_back(Event{EventKind::Unlock, pid, lo, (hi - lo) / kPageSize, -1});
  }
  return o;
}
OpResult RealOs::mlockall(int pid, int flags) { return op(pid, req(proto::MLOCKALL, static_cast<u64>(flags))); }
OpResult RealOs::munlockall(int pid) { return op(pid, req(proto::MUNLOCKALL)); }
OpResult RealOs::setrlimit_memlock(int pid, u64 cur, u64 max) { return op(pid, req(proto::SETRLIMIT, cur, max)); }
OpResult RealOs::set_cap_ipc_lock(int pid, bool have) { return op(pid, req(proto::SETCAP, have ? 1 : 0)); }

OpResult RealOs::procmgr_ability_io(int, bool) { ++model_only_; return fail(err::NOSYS); }
OpResult RealOs::thread_ctl_io(int) { ++model_only_; return fail(err::NOSYS); }
OpResult RealOs::procmgr_ability(int, const std::vector<std::uint32_t>&) { ++model_only_; return fail(err::NOSYS); }
OpResult RealOs::pressure(u64 bytes) {
  ++model_only_;
  // Model-only: a real memory hog would disturb everyone on this shared machine
  // (which has no swap anyway). Releasing nothing is trivially fine.
  if (bytes == 0) return OpResult{};
  note_ = "pressure is model-only: real mode does not stress the machine's memory";
  return fail(err::NOSYS);
}

OpResult RealOs::latency(int pid, u64 records, u64 bytes, proto::LatencyMode mode, proto::LatencyNumbers* out) {
  note_.clear();
  refused_ = false;
  Proc* p = find(pid);
  if (!p || !p->alive) return fail(err::SRCH);
  ++gen_;
  Reply r = call(*p, req(proto::LATENCY, records, bytes, mode));
  if (!r.ok) return fail(err::SRCH);
  OpResult o = to_result(r);
  if (r.rep.flags & proto::REFUSED) { refused_ = true; note_ = r.tail.c_str(); }
  else if (out && r.tail.size() >= sizeof *out) std::memcpy(out, r.tail.data(), sizeof *out);
  return o;
}

}  // namespace pp::real
