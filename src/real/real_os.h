// pinpages real mode — RealOs: the Os interface performed for real by lab processes.
//
//   interpreter ──Os call──► RealOs ──frame──► pinpages-lab (pid P, real malloc/mlock/…)
//                              │ ◄──reply───  ret, errno, faults, ns
//                              │ fork:  lab P forks lab C, hands C's channel back
//                              └ reports: status/smaps/count_pages read by each lab
//                                         from its own /proc/self (+ mincore, pagemap)
//
// Pids are the real kernel pids of the lab processes. Only one lab is started
// (spawn); the rest come from its fork()s. Destroying the RealOs ends every lab
// (closing a lab's channel makes it exit; SIGKILL follows if it does not): no
// memory stays locked after real mode. Not thread-safe: use it from one thread —
// the thread that calls spawn() must outlive the labs (PR_SET_PDEATHSIG fires when
// the creating *thread* exits).
//
// Model-only: pressure() (this machine is shared and has no swap: returns ENOSYS),
// and the QNX calls (ENOSYS on Linux).
#pragma once

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "core/os.h"
#include "real/proto.h"

namespace pp::real {

struct RealOptions {
  std::string lab_path;    // "" = find_lab()
  bool force = false;      // allow locking more than half of MemAvailable
  int timeout_ms = 120000; // one round trip (mlock of GBs takes seconds)
  // Under sudo (euid 0 and SUDO_UID set): once the first lab runs, the driver itself
  // becomes the invoking user again — only the lab needs a privilege (CAP_IPC_LOCK),
  // and it keeps just that one. The CLI sets this; a GUI that spawns labs later
  // must not (a later lab would start without CAP_IPC_LOCK).
  bool drop_driver_root = false;
  // Start the lab without CAP_IPC_LOCK at all (as a plain user would run it); then
  // set_cap_ipc_lock(true) fails with EPERM. Default: the lab keeps the capability
  // (if it has one) and set_cap_ipc_lock toggles it in the effective set.
  bool unprivileged = false;
};

// $PINPAGES_LAB, else pinpages-lab next to the running executable, else the build's.
std::string find_lab();

class RealOs final : public Os {
 public:
  explicit RealOs(RealOptions opt = {});
  ~RealOs() override;
  RealOs(const RealOs&) = delete;
  RealOs& operator=(const RealOs&) = delete;

  OsKind kind() const override { return OsKind::Linux; }

  int spawn(const ImageSpec& img, ImageLayout* out) override;  // -1 on failure (see error())
  // The lab performs the PP_LAB_CALL rows; the PP_MODEL_CALL rows (pressure, QNX) say
  // ENOSYS and count as model-only calls.
#define PP_LAB_CALL(name, wire, c, params, args) OpResult name params override;
#define PP_MODEL_CALL(name, c, params, args) OpResult name params override;
#define PP_QUERY(type, name, params, args) type name params const override;
#include "core/calls.def"

  // ---- beyond Os
  const std::string& error() const { return error_; }          // why spawn/a call failed
  const std::string& last_note() const { return note_; }       // e.g. the safety cap's refusal
  bool refused() const { return refused_; }                    // last call refused by the cap
  // True when count_pages can see frames locked by another process (kpageflags):
  // the driver runs as root. Otherwise locked = this process's own locked VMAs.
  bool sees_frame_locks() const { return kpageflags_fd_ >= 0; }
  bool sees_frame_locks(int pid) const;  // ...for this process (its pagemap shows PFNs)
  // Processes whose frame-level locks could not be seen (driver not root when they
  // started): their locked counts are their own VMAs' only.
  int frame_blind_procs() const { return frame_blind_; }
  // pagemap extras for a range: present / exclusively mapped pages (copy-on-write view).
  proto::RangeCount range_detail(int pid, u64 addr, u64 len) const;
  // Per-page view for the page-table window: one byte of proto::PageBit per page
  // from page_down(addr), plus PG_LOCKED_BIT (32) when the page counts as locked
  // (in a `lo` VMA; for `lf` only once present). Empty if the process is gone.
  static constexpr std::uint8_t PG_LOCKED_BIT = 32;
  std::vector<std::uint8_t> page_bits(int pid, u64 addr, u64 npages) const;
  // Runs the latency experiment inside lab `pid` (see latency.h).
  OpResult latency(int pid, u64 records, u64 bytes, proto::LatencyMode mode, proto::LatencyNumbers* out);
  const proto::Hello* hello(int pid) const;
  std::vector<int> live_lab_pids() const;  // real pids still running
  void shutdown();                         // ends every lab now (the destructor does this too)
  const std::string& temp_dir() const { return dir_; }
  // How many calls could only be answered by the model (pressure, QNX calls):
  // a lesson that makes any cannot be compared with the kernel.
  int model_only_calls() const { return model_only_; }

 private:
  struct Proc {
    int pid = 0, ppid = 0;
    int fd = -1;
    bool alive = true;
    bool reaped = false;   // waited for by the lesson (wait): gone from pids()
    bool ours = false;     // our own child process (the spawned lab): the driver reaps it
    bool kreaped = false;  // reaped by the driver (waitpid); not visible to the lesson
    int exit_code = 0;
    proto::Hello hello{};
    int pagemap_fd = -1;  // /proc/PID/pagemap opened by the driver; -1 unless it shows PFNs (root)
  };
  struct Reply {
    proto::Rep rep{};
    std::string tail;
    int fd = -1;
    bool ok = false;
  };

  Proc* find(int pid);
  const Proc* find(int pid) const;
  Reply call(Proc& p, const proto::Req& q, const std::string& tail = {}) const;
  OpResult op(int pid, proto::Req q, const std::string& tail = {});
  OpResult to_result(const Reply& r) const;
  void lab_died(Proc& p, int sig) const;
  void reap_own(Proc& p, bool block) const;
  bool start_lab(const ImageSpec& img, Proc& out);
  static void fill_layout(const proto::Hello& h, ImageLayout* out);
  void open_pagemap(Proc& p);
  u64 mlocked_frames(const Proc& p, u64 lo, u64 hi, const std::vector<SmapsEntry>& sm) const;

  RealOptions opt_;
  std::string lab_;
  std::string dir_;
  std::string error_, note_;
  bool refused_ = false;
  int model_only_ = 0;
  int kpageflags_fd_ = -1;
  int frame_blind_ = 0;  // /proc/kpageflags (root only): is a frame mlocked by anyone?
  mutable std::vector<Proc> procs_;
  u64 gen_ = 1;  // bumped by every call that may change memory; reports are cached per gen
  mutable std::map<int, std::pair<u64, ProcStatus>> status_cache_;
  mutable std::map<int, std::pair<u64, std::vector<SmapsEntry>>> smaps_cache_;
  mutable std::map<std::tuple<int, u64, u64>, std::pair<u64, proto::RangeCount>> count_cache_;
};

}  // namespace pp::real
