// Privileges of the lab: as root it keeps CAP_IPC_LOCK only (bounding set too, so
// not even a re-exec regains more); under sudo it also becomes the invoking user.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "real/real_os.h"

using namespace pp;
using namespace pp::real;

namespace {
std::string field(int pid, const std::string& key) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind(key + ":", 0) == 0) {
      auto v = line.substr(key.size() + 1);
      return v.substr(v.find_first_not_of(" \t"));
    }
  return "";
}
constexpr const char* kIpcLockOnly = "0000000000004000";  // bit 14 = CAP_IPC_LOCK
}  // namespace

TEST(RealPrivilege, RootLabKeepsOnlyCapIpcLock) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  RealOs os;
  int pid = os.spawn(ImageSpec{}, nullptr);
  ASSERT_GT(pid, 0) << os.error();
  EXPECT_EQ(field(pid, "CapEff"), kIpcLockOnly);
  EXPECT_EQ(field(pid, "CapPrm"), kIpcLockOnly);
  EXPECT_EQ(field(pid, "CapBnd"), kIpcLockOnly);
  // ...and after an exec of a fresh image.
  ASSERT_TRUE(os.exec(pid, ImageSpec{}, nullptr).ok());
  EXPECT_EQ(field(pid, "CapEff"), kIpcLockOnly);
  EXPECT_TRUE(os.mlockall(pid, mcl::CURRENT).ok()) << "CAP_IPC_LOCK still works";
}

TEST(RealPrivilege, SudoLabBecomesTheInvokingUser) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  setenv("SUDO_UID", "65534", 1);
  setenv("SUDO_GID", "65534", 1);
  {
    RealOs os;  // drop_driver_root stays off: this test process must remain root
    int pid = os.spawn(ImageSpec{}, nullptr);
    unsetenv("SUDO_UID");
    unsetenv("SUDO_GID");
    ASSERT_GT(pid, 0) << os.error();
    EXPECT_EQ(field(pid, "Uid").substr(0, 5), "65534");
    EXPECT_EQ(field(pid, "CapEff"), kIpcLockOnly);
    EXPECT_EQ(field(pid, "CapAmb"), kIpcLockOnly) << "ambient: survives the lab's re-exec";
    OpResult m = os.malloc(pid, 1 << 20);
    ASSERT_TRUE(os.mlock(pid, static_cast<u64>(m.ret), 1 << 20).ok()) << "locks beyond ulimit -l";
    EXPECT_TRUE(os.open(pid, "/home/student/data.bin", 8192).ok()) << "temp dir writable by the user";
    ASSERT_TRUE(os.exec(pid, ImageSpec{}, nullptr).ok());
    EXPECT_EQ(field(pid, "CapEff"), kIpcLockOnly);
    EXPECT_TRUE(os.mlockall(pid, mcl::CURRENT).ok());
    // The lab's own pagemap stays readable (it made itself dumpable again).
    // mlockall populated the whole [stack]: pagemap must say "present" for it.
    EXPECT_EQ(os.range_detail(pid, os.hello(pid)->stack_top - 4096, 4096).present, 1u);
  }
  unsetenv("SUDO_UID");
  unsetenv("SUDO_GID");
}
