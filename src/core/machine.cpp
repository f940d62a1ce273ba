// pinpages core — Machine: the value-type façade over State (copy = snapshot).
//
//   Machine a ──s_──► State ◄──s_── Machine b (copy)      mut() on a: State cloned,
//                      │ chunks shared                      chunks still shared; the
//                      ▼                                    first write to a chunk clones it
#include "core/machine.h"

#include <algorithm>

#include "core/costs.h"
#include "core/state.h"

namespace pp {



namespace {
OpResult bad(int e) {
  OpResult r;
  r.ret = -1;
  r.err = e;
  return r;
}
bool is_live(const detail::State& s, int pid) {
  for (const auto& p : s.procs)
    if (p->pid == pid) return p->alive;
  return false;
}
}  // namespace

Machine::Machine(MachineConfig cfg) : s_(std::make_shared<State>()) {
  // Frame and slot numbers are 24-bit in a PTE: clamp absurd configurations.
  const u64 max_pages = detail::pte::kMaxIdx;
  u64 frames = std::clamp<u64>(cfg.ram_bytes >> kPageShift, 64, max_pages);
  u64 slots = std::min<u64>(cfg.swap_bytes >> kPageShift, max_pages);
  cfg.ram_bytes = frames << kPageShift;
  cfg.swap_bytes = slots << kPageShift;
  s_->cfg = cfg;
  s_->frames.init(std::uint32_t(frames));
  s_->swap.init(std::uint32_t(slots));
}
Machine::Machine(const Machine&) = default;
Machine& Machine::operator=(const Machine&) = default;
Machine::Machine(Machine&&) noexcept = default;
Machine& Machine::operator=(Machine&&) noexcept = default;
Machine::~Machine() = default;

Machine::State& Machine::mut() {
  if (s_.use_count() > 1) s_ = std::make_shared<State>(*s_);
  return *s_;
}

const MachineConfig& Machine::config() const { return s_->cfg; }

// Every operation: validate the pid without cloning, clone, run, check invariants.
#define PP_OP(pid, CALL)                                  \
  if (!is_live(*s_, pid)) return bad(err::SRCH);          \
  OpResult r;                                             \
  {                                                       \
    State& st = mut();                                    \
    detail::Sys k{st, r, pid};                            \
    detail::Proc& p = *k.live(pid);                       \
    CALL;                                                 \
    if (st.cfg.check_invariants && st.violation.empty())  \
      st.violation = check();                             \
  }                                                       \
  return r;

int Machine::spawn(const ImageSpec& img, ImageLayout* out) {
  OpResult r;
  State& st = mut();
  detail::Sys k{st, r, 0};
  int pid = k.do_spawn(img, out);
  if (st.cfg.check_invariants && st.violation.empty()) st.violation = check();
  return pid;
}
OpResult Machine::exec(int pid, const ImageSpec& img, ImageLayout* out) { PP_OP(pid, k.do_exec(p, img, out)) }
OpResult Machine::fork(int pid) { PP_OP(pid, k.do_fork(p)) }
OpResult Machine::exit(int pid, int status) { PP_OP(pid, k.do_exit(p, status)) }
OpResult Machine::wait(int pid, int child) { PP_OP(pid, k.do_wait(p, child)) }
OpResult Machine::malloc(int pid, u64 n) { PP_OP(pid, k.do_malloc(p, n, false)) }
OpResult Machine::calloc(int pid, u64 n, u64 size) {
  if (size && n > ~u64(0) / size) {
    if (!is_live(*s_, pid)) return bad(err::SRCH);
    OpResult r;
    r.ret = 0;
    r.err = err::NOMEM;
    return r;
  }
  PP_OP(pid, k.do_malloc(p, n * size, true))
}
OpResult Machine::realloc(int pid, u64 ptr, u64 n) { PP_OP(pid, k.do_realloc(p, ptr, n)) }
OpResult Machine::free(int pid, u64 ptr) { PP_OP(pid, k.do_free(p, ptr)) }
OpResult Machine::mallopt(int pid, int param, int value) { PP_OP(pid, k.do_mallopt(p, param, value)) }
OpResult Machine::malloc_trim(int pid, u64 pad) { PP_OP(pid, k.do_malloc_trim(p, pad)) }
OpResult Machine::touch(int pid, u64 addr, u64 len, bool write) {
  PP_OP(pid, if (k.touch_range(p, addr, len, write)) r.ret = 0)
}
OpResult Machine::mmap(int pid, u64 addr, u64 len, int prot, int flags, int fd, u64 off) {
  PP_OP(pid, k.do_mmap(p, addr, len, prot, flags, fd, off))
}
OpResult Machine::munmap(int pid, u64 addr, u64 len) { PP_OP(pid, k.do_munmap(p, addr, len); k.gc_shmem()) }
OpResult Machine::mprotect(int pid, u64 addr, u64 len, int prot) { PP_OP(pid, k.do_mprotect(p, addr, len, prot)) }
OpResult Machine::brk(int pid, u64 addr) {
  PP_OP(pid, r.cost_us += costs::kSyscallUs;
        if (addr >= p.start_brk && !k.do_brk(p, addr)) {
          if (p.alive) { r.ret = -1; r.err = err::NOMEM; }
        } else r.ret = 0)
}
OpResult Machine::sbrk(int pid, i64 incr) { PP_OP(pid, k.do_sbrk(p, incr)) }
OpResult Machine::open(int pid, const std::string& path, u64 size_if_created) {
  PP_OP(pid, r.cost_us += costs::kSyscallUs;
        if (path.empty()) { r.ret = -1; r.err = err::NOENT; }
        else if (p.fds.size() >= 1024) { r.ret = -1; r.err = 24; }
        else {
          int id = k.file_id(path, std::min<u64>(size_if_created, u64(1) << 30), false);
          p.fds.push_back(id);
          r.ret = i64(p.fds.size() - 1 + 3);
        })
}
OpResult Machine::madvise(int pid, u64 addr, u64 len, int advice) { PP_OP(pid, k.do_madvise(p, addr, len, advice)) }
OpResult Machine::mremap(int pid, u64 addr, u64 old_len, u64 new_len, int flags, u64 new_addr) {
  PP_OP(pid, k.do_mremap(p, addr, old_len, new_len, flags, new_addr))
}
OpResult Machine::mlock(int pid, u64 addr, u64 len) { PP_OP(pid, k.do_mlock(p, addr, len, false)) }
OpResult Machine::mlock2(int pid, u64 addr, u64 len, int flags) {
  if (s_->cfg.os == OsKind::Qnx) return is_live(*s_, pid) ? bad(err::NOSYS) : bad(err::SRCH);  // Linux-only
  if (flags & ~kMlockOnfault) return is_live(*s_, pid) ? bad(err::INVAL) : bad(err::SRCH);
  PP_OP(pid, k.do_mlock(p, addr, len, flags & kMlockOnfault))
}
OpResult Machine::munlock(int pid, u64 addr, u64 len) { PP_OP(pid, k.do_munlock(p, addr, len)) }
OpResult Machine::mlockall(int pid, int flags) { PP_OP(pid, k.do_mlockall(p, flags)) }
OpResult Machine::munlockall(int pid) { PP_OP(pid, k.do_munlockall(p)) }
OpResult Machine::setrlimit_memlock(int pid, u64 cur, u64 max) {
  PP_OP(pid, r.cost_us += costs::kSyscallUs;
        if (cur > max) { r.ret = -1; r.err = err::INVAL; }
        else if (max > p.rlim_max && !p.cap) { r.ret = -1; r.err = err::PERM; }  // needs CAP_SYS_RESOURCE
        else { p.rlim_cur = cur; p.rlim_max = max; r.ret = 0; })
}
OpResult Machine::set_cap_ipc_lock(int pid, bool have) { PP_OP(pid, p.cap = have; r.ret = 0) }
OpResult Machine::procmgr_ability_io(int pid, bool allow) {
  // PROCMGR_AOP_ALLOW/DENY | PROCMGR_AID_IO in the caller's current domain.
  return procmgr_ability(pid, {allow ? 0x00020000u | 31u : 0x00010000u | 31u});
}
OpResult Machine::procmgr_ability(int pid, const std::vector<std::uint32_t>& words) {
  if (s_->cfg.os != OsKind::Qnx) return is_live(*s_, pid) ? bad(err::NOSYS) : bad(err::SRCH);
  PP_OP(pid, k.do_procmgr_ability(p, words))
}
OpResult Machine::thread_ctl_io(int pid) {
  if (s_->cfg.os != OsKind::Qnx) return is_live(*s_, pid) ? bad(err::NOSYS) : bad(err::SRCH);
  PP_OP(pid, k.do_thread_ctl_io(p))
}
OpResult Machine::pressure(u64 bytes) {
  OpResult r;
  State& st = mut();
  detail::Sys k{st, r, 0};
  k.do_pressure(bytes);
  if (st.cfg.check_invariants && st.violation.empty()) st.violation = check();
  return r;
}

std::vector<int> Machine::pids() const {
  std::vector<int> v;
  for (const auto& p : s_->procs) v.push_back(p->pid);
  return v;
}
bool Machine::exists(int pid) const {
  for (const auto& p : s_->procs)
    if (p->pid == pid) return true;
  return false;
}
const std::vector<Vma>& Machine::vmas(int pid) const {
  static const std::vector<Vma> empty;
  for (const auto& p : s_->procs)
    if (p->pid == pid) return p->vmas;
  return empty;
}
std::uint32_t Machine::frame_count() const { return s_->frames.n; }
std::uint32_t Machine::frames_free() const { return s_->frames.nfree; }
std::uint32_t Machine::swap_slots() const { return s_->swap.n; }
std::uint32_t Machine::swap_free() const { return s_->swap.nfree; }
u64 Machine::pressure_bytes() const { return s_->hog ? u64(s_->hog->size()) << kPageShift : 0; }

}  // namespace pp
