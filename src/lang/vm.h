// pinpages lang — the bytecode VM: interpreted processes on top of a pp::Os.
//
//   Vm ──owns──► Proc (pid 1)   pc, value stack, frames, Memory (bytes at real addresses)
//        └─────► Proc (fork)    an exact copy, continuing from the same pc
//   every load/store ──► Os::touch;   malloc, mlock, fork, ... ──► the Os call itself
//
// Scheduling is deterministic (a lesson must replay identically):
//   * after fork() the CHILD runs first, until it exits, blocks in wait(), or sleeps;
//     then the most recently preempted ready process (the parent) resumes;
//   * wait()/waitpid() block until a child has exited (then reap it);
//   * sleep()/usleep()/nanosleep() advance modelled time and let other ready
//     processes run; when nobody is ready, time jumps to the earliest wake-up.
//   * exec*() replaces the image (Os::exec) and starts the lesson's main() again with
//     the argv given to exec, so a lesson branches on argc/argv to act as "the new program".
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/os.h"
#include "lang/block_map.h"
#include "lang/builtins.h"
#include "lang/bytecode.h"
#include "lang/libstate.h"
#include "lang/memory.h"

namespace pp::lang {

enum class PState : std::uint8_t { Ready, Waiting, Sleeping, Exited };

struct Frame {
  int func = -1;
  int ret_pc = -1;
  u64 fp = 0;
  std::size_t vbase = 0;
  int once_depth = 0;
  int caller_stmt = -1;  // the statement the call was made from (steps resume there)
  int thread = 0;        // > 0: the start routine of that thread (builtins_thread.cpp)
};

struct FileDesc {
  std::string path;
  int os_fd = -1;   // fd in the Os once the file exists there
  u64 size = 0;
  bool create = false;
};

struct Proc {
  int pid = 0, ppid = 0;
  PState st = PState::Ready;
  int pc = 0;
  std::vector<std::int64_t> vs;  // value stack
  std::vector<Frame> frames;
  u64 sp = 0;                    // stack pointer in the target process
  Memory mem;
  ImageLayout layout;
  u64 rodata = 0;
  int err = 0;                   // errno
  int once_depth = 0;            // inside a `//@ step once` statement
  int cur_stmt = -1;
  double wake_us = 0;
  int exit_status = 0;           // wait() status word
  bool reaped = false;
  BlockMap blocks;               // malloc/mmap'd/sbrk'd block → size (lesson object reports)
  BlockMap freed;                // blocks given back with free(), until reused (reports)
  std::map<int, FileDesc> fds;
  std::vector<std::string> argv;
};

// What the engine sees of a run (steps are built from these).
struct VmHooks {
  virtual ~VmHooks() = default;
  virtual void on_stmt(Proc& p, int stmt) = 0;   // a statement begins (outside `step once`)
  virtual void on_once_end(Proc& p) { (void)p; }
  // A function returned: activity belongs to the caller's statement p.cur_stmt again.
  virtual void on_return(Proc& p) { (void)p; }
  // An Os call made by a library function; `text` indexes Program::texts (-1: none).
  // `id` is the library function (BI_NONE for a death by signal), `fn` its C name
  // ("kill" for a death by signal), `args` the argument values it was called with, and
  // r.ret what the C code receives.
  virtual void on_call(Proc& p, int text, Builtin id, const char* fn, const std::vector<std::int64_t>& args,
                       const OpResult& r) = 0;
  virtual void on_touch(Proc& p, const OpResult& r) = 0;  // loads/stores, memset, ...
  virtual void on_output(Proc& p, const std::string& s) = 0;
  virtual void on_switch(Proc& from, Proc& to) = 0;    // another process runs now
  virtual void on_exit(Proc& p) = 0;
};

struct VmError {
  int line = 0, col = 0, pid = 0;
  std::string msg;
};

struct VmLimits {
  u64 max_instructions = 200'000'000;
  // Host seconds run() may spend without progress() (the engine calls it for every
  // step it records); 0 = none. An endless loop makes no step and stops here; a long
  // program that keeps making steps is bounded by the step and history limits instead.
  double max_seconds = 0;
  // run() returns (as after pause(), nothing lost) once one call has run this long, so a
  // page can run a program in slices between frames; 0 = never. Not a limit: the run
  // continues with the next run().
  double slice_seconds = 0;
  int max_depth = 5000;
  std::size_t max_value_stack = 1 << 20;
};

// Everything a Vm holds between two instructions. Memory pages are shared copy-on-write
// with the running VM, so a saved state costs its block lists and page maps, not bytes.
struct VmState {
  std::vector<Proc> procs;
  std::vector<int> ready;  // indices into procs
  int cur = -1;
  std::optional<VmError> error;
  bool stopped = false;
  u64 icount = 0;
  double now_us = 0, run_seconds = 0;
  int last_child = 0;
  unsigned rand = 1;
  LibState lib;
};

class Vm {
 public:
  Vm(const Program& prog, const Code& code, Os& os, VmHooks& hooks, VmLimits lim = {});
  ~Vm();

  ImageSpec image_spec() const;
  // Spawns the first process (argv[0] = lesson name); false with error() set on failure.
  bool start(const std::vector<std::string>& argv);
  // Runs until every process has exited, an error, or stop() was called from a hook.
  void run();
  void stop() { stopped_ = true; }
  // Makes run() return after the current instruction; run() again continues.
  void pause() { paused_ = true; }
  // The program made a step: the time budget (VmLimits::max_seconds) starts again.
  void progress() { progressed_ = true; }
  // stop() was called, or an error: run() would do nothing more.
  bool stopped() const { return stopped_; }

  // Checkpoints: a Vm restored from save() (over an Os in the same state) continues
  // exactly as the saved one would have.
  VmState save() const;
  void restore(const VmState& st);
  VmLimits& limits() { return lim_; }

  const std::optional<VmError>& error() const { return error_; }
  const std::vector<std::unique_ptr<Proc>>& procs() const { return procs_; }
  Proc* current() const { return cur_; }
  Proc* find(int pid) const;
  double now_us() const { return now_us_; }
  void add_time(double us) { now_us_ += us; }
  u64 instructions() const { return icount_; }
  const Program& program() const { return P; }
  Os& os() { return os_; }
  int last_child() const { return last_child_; }

  LibState lib;  // the C library's own state (builtins_posix.cpp)
  // The thread running in p: its tid inside a pthread_create'd start routine, else p.pid.
  int thread_id(const Proc& p) const;
  // The top of thread `tid`'s stack mapping (guard page at its bottom), or 0.
  u64 thread_stack_top(int pid, int tid) const;

  // Helpers for builtins.cpp.
  bool touch(Proc& p, u64 addr, u64 n, bool write);
  bool read_mem(Proc& p, u64 addr, void* out, u64 n);
  bool write_mem(Proc& p, u64 addr, const void* in, u64 n);
  bool read_cstr(Proc& p, u64 addr, std::string& out, u64 max = 1 << 20);
  // A NULL-terminated char* array (execv's and posix_spawn's argv); NULL reads as empty.
  bool read_argv(Proc& p, u64 addr, const char* who, std::vector<std::string>& argv);
  void fail(const std::string& msg);
  void segfault(Proc& p, const std::string& why);
  void kill(Proc& p, int status_word);
  // The model may kill processes by itself (OOM killer, SIGSEGV on a locked stack that
  // cannot grow, SIGBUS on QNX): mark them dead here too. Called after every Os call.
  void reap_killed(const OpResult& r);
  int live_processes() const;

 private:
  friend struct BuiltinCall;
  void exec_one(Proc& p);
  bool builtin(Proc& p, const Ins& in);  // false: blocked, retry the instruction later
  bool spawn_builtin(Proc& p, const Ins& in);  // posix_spawn, spawnl, spawnv (builtins_spawn.cpp)
  void call(Proc& p, int func, int nargs, int ret_pc);
  void setup_image(Proc& p, const std::vector<std::string>& argv);
  void exit_proc(Proc& p, int code, bool signal);
  void schedule();
  void switch_to(Proc* next);
  void push_ready(Proc* p);
  void thread_return(Proc& p, const Frame& fr, std::int64_t v);  // builtins_thread.cpp

  const Program& P;
  const Code& C;
  Os& os_;
  VmHooks& hooks_;
  VmLimits lim_;
  std::vector<std::unique_ptr<Proc>> procs_;
  std::vector<Proc*> ready_;  // preempted ready processes (most recent last)
  Proc* cur_ = nullptr;
  std::optional<VmError> error_;
  bool stopped_ = false, paused_ = false;
  u64 icount_ = 0;
  double run_seconds_ = 0;  // host time spent in run() so far
  double progress_at_ = 0;  // run_seconds_ when progress() was last seen
  bool progressed_ = false;
  double now_us_ = 0;
  int last_child_ = 0;
  unsigned rand_ = 1;
  const Ins* cur_ins_ = nullptr;
};

}  // namespace pp::lang
