// pinpages core — ModelOs: the Os interface backed by the page-table model.
//
//   interpreter ──► Os& ──► ModelOs ──► Machine (value; copy it for a snapshot)
//
// Every call forwards to the Machine; the interpreter takes `machine()` copies for
// its history (cheap: chunks are shared copy-on-write).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/machine.h"
#include "core/os.h"

namespace pp {

class ModelOs final : public Os {
 public:
  explicit ModelOs(MachineConfig cfg = {}) : m_(std::move(cfg)) {}
  explicit ModelOs(Machine m) : m_(std::move(m)) {}

  Machine& machine() { return m_; }
  const Machine& machine() const { return m_; }

  OsKind kind() const override { return m_.config().os; }
  int spawn(const ImageSpec& img, ImageLayout* out) override { return m_.spawn(img, out); }
  OpResult exec(int pid, const ImageSpec& img, ImageLayout* out) override { return m_.exec(pid, img, out); }
  OpResult fork(int pid) override { return m_.fork(pid); }
  OpResult exit(int pid, int status) override { return m_.exit(pid, status); }
  OpResult wait(int pid, int child) override { return m_.wait(pid, child); }
  OpResult malloc(int pid, u64 n) override { return m_.malloc(pid, n); }
  OpResult calloc(int pid, u64 n, u64 size) override { return m_.calloc(pid, n, size); }
  OpResult realloc(int pid, u64 ptr, u64 n) override { return m_.realloc(pid, ptr, n); }
  OpResult free(int pid, u64 ptr) override { return m_.free(pid, ptr); }
  OpResult mallopt(int pid, int param, int value) override { return m_.mallopt(pid, param, value); }
  OpResult malloc_trim(int pid, u64 pad) override { return m_.malloc_trim(pid, pad); }
  OpResult touch(int pid, u64 addr, u64 len, bool write) override { return m_.touch(pid, addr, len, write); }
  OpResult mmap(int pid, u64 addr, u64 len, int prot, int flags, int fd, u64 off) override {
    return m_.mmap(pid, addr, len, prot, flags, fd, off);
  }
  OpResult munmap(int pid, u64 addr, u64 len) override { return m_.munmap(pid, addr, len); }
  OpResult mprotect(int pid, u64 addr, u64 len, int prot) override { return m_.mprotect(pid, addr, len, prot); }
  OpResult brk(int pid, u64 addr) override { return m_.brk(pid, addr); }
  OpResult sbrk(int pid, i64 incr) override { return m_.sbrk(pid, incr); }
  OpResult open(int pid, const std::string& path, u64 size_if_created) override {
    return m_.open(pid, path, size_if_created);
  }
  OpResult madvise(int pid, u64 addr, u64 len, int advice) override { return m_.madvise(pid, addr, len, advice); }
  OpResult mremap(int pid, u64 addr, u64 old_len, u64 new_len, int flags, u64 new_addr) override {
    return m_.mremap(pid, addr, old_len, new_len, flags, new_addr);
  }
  OpResult mlock(int pid, u64 addr, u64 len) override { return m_.mlock(pid, addr, len); }
  OpResult mlock2(int pid, u64 addr, u64 len, int flags) override { return m_.mlock2(pid, addr, len, flags); }
  OpResult munlock(int pid, u64 addr, u64 len) override { return m_.munlock(pid, addr, len); }
  OpResult mlockall(int pid, int flags) override { return m_.mlockall(pid, flags); }
  OpResult munlockall(int pid) override { return m_.munlockall(pid); }
  OpResult setrlimit_memlock(int pid, u64 cur, u64 max) override { return m_.setrlimit_memlock(pid, cur, max); }
  OpResult set_cap_ipc_lock(int pid, bool have) override { return m_.set_cap_ipc_lock(pid, have); }
  OpResult procmgr_ability_io(int pid, bool allow) override { return m_.procmgr_ability_io(pid, allow); }
  OpResult thread_ctl_io(int pid) override { return m_.thread_ctl_io(pid); }
  OpResult procmgr_ability(int pid, const std::vector<std::uint32_t>& words) override {
    return m_.procmgr_ability(pid, words);
  }
  OpResult pressure(u64 bytes) override { return m_.pressure(bytes); }
  std::vector<int> pids() const override { return m_.pids(); }
  ProcStatus status(int pid) const override { return m_.status(pid); }
  std::vector<SmapsEntry> smaps(int pid) const override { return m_.smaps(pid); }
  PageCounts count_pages(int pid, u64 addr, u64 len) const override { return m_.count_pages(pid, addr, len); }

 private:
  Machine m_;
};

}  // namespace pp
