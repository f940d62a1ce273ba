// The list of Os calls (core/calls.def) and the snapshot hook the engine uses instead of
// asking which Os it has.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "core/model_os.h"

namespace {

using namespace pp;

TEST(OsCalls, TheListIsWhatTheLabAndTheModelAnswer) {
  std::vector<std::string> lab, model, queries;
#define PP_LAB_CALL(name, wire, c, params, args) lab.push_back(#name);
#define PP_MODEL_CALL(name, c, params, args) model.push_back(#name);
#define PP_QUERY(type, name, params, args) queries.push_back(#name);
#include "core/calls.def"
  const std::vector<std::string> want_lab = {
      "exec", "fork", "exit", "wait", "malloc", "calloc", "realloc", "free", "mallopt", "malloc_trim",
      "touch", "mmap", "munmap", "mprotect", "brk", "sbrk", "open", "madvise", "mremap",
      "mlock", "mlock2", "munlock", "mlockall", "munlockall", "setrlimit_memlock", "set_cap_ipc_lock"};
  EXPECT_EQ(lab, want_lab);
  EXPECT_EQ(model, std::vector<std::string>({"procmgr_ability_io", "thread_ctl_io", "procmgr_ability", "pressure"}));
  EXPECT_EQ(queries, std::vector<std::string>({"pids", "status", "smaps", "count_pages"}));
}

TEST(OsCalls, ModelOsForwardsToItsMachine) {
  ModelOs os;
  Os& any = os;
  ImageLayout lay;
  int pid = any.spawn(ImageSpec{}, &lay);
  ASSERT_GT(pid, 0);
  OpResult m = any.malloc(pid, 1 << 20);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(any.mlock(pid, u64(m.ret), 1 << 20).err, err::OK);
  // What the Os reports is the Machine's state (the forwarding is generated).
  EXPECT_EQ(any.status(pid).vm_lck_kb, os.machine().status(pid).vm_lck_kb);
  EXPECT_GE(any.status(pid).vm_lck_kb, 1024u);
  EXPECT_EQ(any.mlockall(pid, 0).err, err::INVAL);
}

TEST(OsCalls, TheSnapshotHookIsTheModelsMachine) {
  ModelOs os;
  const Os& any = os;
  EXPECT_EQ(any.snapshot_source(), &os.machine());
}

}  // namespace
