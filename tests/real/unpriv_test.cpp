// The unprivileged path: a lab that dropped CAP_IPC_LOCK for real, with a small
// RLIMIT_MEMLOCK, gets the kernel's ENOMEM / EPERM / EAGAIN, and the explanation
// names the numbers and the ways out.
#include <gtest/gtest.h>
#include <unistd.h>

#include "real/explain.h"
#include "real/real_os.h"
#include "real/reports.h"

using namespace pp;
using namespace pp::real;

TEST(RealUnprivileged, SmallLimitGivesEnomemZeroGivesEperm) {
  RealOs os;
  ImageLayout lay;
  int pid = os.spawn(ImageSpec{}, &lay);
  ASSERT_GT(pid, 0) << os.error();
  ASSERT_TRUE(os.set_cap_ipc_lock(pid, false).ok());
  ASSERT_TRUE(os.setrlimit_memlock(pid, 64 * 1024, 64 * 1024).ok());
  ProcStatus s = os.status(pid);
  EXPECT_FALSE(s.cap_ipc_lock);
  EXPECT_EQ(s.rlim_memlock_cur, 64u * 1024);

  OpResult m = os.malloc(pid, 1 << 20);
  ASSERT_TRUE(m.ok());
  u64 p = static_cast<u64>(m.ret);
  OpResult l = os.mlock(pid, p, 1 << 20);
  EXPECT_EQ(l.err, err::NOMEM);
  std::string why = explain_lock_failure(l.err, os.status(pid), 1 << 20);
  EXPECT_NE(why.find("ulimit -l"), std::string::npos) << why;
  EXPECT_NE(why.find("64 KiB"), std::string::npos) << why;
  EXPECT_NE(why.find("1024 KiB"), std::string::npos) << why;
  EXPECT_NE(why.find("limits.conf"), std::string::npos) << why;
  EXPECT_NE(why.find("setcap cap_ipc_lock=ep"), std::string::npos) << why;
  std::printf("%s", why.c_str());

  // Within the limit it works.
  EXPECT_TRUE(os.mlock(pid, p, 32 * 1024).ok());
  EXPECT_TRUE(os.munlock(pid, p, 32 * 1024).ok());

  // mlockall(MCL_CURRENT) compares the whole VmSize with the limit.
  EXPECT_EQ(os.mlockall(pid, mcl::CURRENT).err, err::NOMEM);
  // MCL_FUTURE alone succeeds; a later big mmap then fails with EAGAIN.
  ASSERT_TRUE(os.mlockall(pid, mcl::FUTURE).ok());
  OpResult mm = os.mmap(pid, 0, 1 << 20, prot::READ | prot::WRITE, mapf::PRIVATE | mapf::ANONYMOUS, -1, 0);
  EXPECT_EQ(mm.err, err::AGAIN);
  OpResult big = os.malloc(pid, 1 << 20);
  EXPECT_EQ(big.ret, 0);
  EXPECT_EQ(big.err, err::NOMEM);
  ASSERT_TRUE(os.munlockall(pid).ok());

  ASSERT_TRUE(os.setrlimit_memlock(pid, 0, 0).ok());
  OpResult z = os.mlock(pid, p, 4096);
  EXPECT_EQ(z.err, err::PERM);
  std::string why0 = explain_lock_failure(z.err, os.status(pid), 4096);
  EXPECT_NE(why0.find("EPERM"), std::string::npos) << why0;
  EXPECT_NE(why0.find("0 KiB"), std::string::npos) << why0;
  EXPECT_EQ(os.mmap(pid, 0, 4096, prot::READ, mapf::PRIVATE | mapf::ANONYMOUS | mapf::LOCKED, -1, 0).err,
            err::PERM);
  EXPECT_EQ(os.status(pid).vm_lck_kb, 0u);

  // `//@ sudo on`: the capability comes back into the effective set; the limit of 0
  // no longer matters. (Only if the lab had it to begin with: root or setcap.)
  if (!probe_real().cap_ipc_lock) return;
  ASSERT_TRUE(os.set_cap_ipc_lock(pid, true).ok());
  EXPECT_TRUE(os.status(pid).cap_ipc_lock);
  EXPECT_TRUE(os.mlock(pid, p, 1 << 20).ok());
}

// A lab started without the capability at all (as `pinpages real` by a plain user).
TEST(RealUnprivileged, LabWithoutCapabilityCannotRegainIt) {
  RealOptions o;
  o.unprivileged = true;
  RealOs os(o);
  int pid = os.spawn(ImageSpec{}, nullptr);
  ASSERT_GT(pid, 0) << os.error();
  EXPECT_FALSE(os.status(pid).cap_ipc_lock);
  EXPECT_EQ(os.set_cap_ipc_lock(pid, true).err, err::PERM);
  ASSERT_TRUE(os.setrlimit_memlock(pid, 64 * 1024, 64 * 1024).ok());
  OpResult m = os.malloc(pid, 1 << 20);
  EXPECT_EQ(os.mlock(pid, static_cast<u64>(m.ret), 1 << 20).err, err::NOMEM);
  // Not even a fresh image (exec) brings it back.
  ASSERT_TRUE(os.exec(pid, ImageSpec{}, nullptr).ok());
  EXPECT_FALSE(os.status(pid).cap_ipc_lock);
  EXPECT_EQ(os.set_cap_ipc_lock(pid, true).err, err::PERM);
}

TEST(RealUnprivileged, ExplanationWithCapabilityBlamesTheRange) {
  ProcStatus st;
  st.cap_ipc_lock = true;
  std::string s = explain_lock_failure(err::NOMEM, st, 4096);
  EXPECT_NE(s.find("not mapped"), std::string::npos);
  EXPECT_EQ(explain_lock_failure(err::INVAL, st, 4096), "");
}

TEST(RealUnprivileged, ProbeSaysWhatRealModeCanDo) {
  RealProbe p = probe_real(true);
  ASSERT_TRUE(p.ok) << p.text;
  EXPECT_FALSE(p.cap_ipc_lock);
  EXPECT_NE(p.text.find("ulimit -l"), std::string::npos) << p.text;
  if (geteuid() == 0) {
    RealProbe q = probe_real(false);
    EXPECT_TRUE(q.cap_ipc_lock) << q.text;
  }
}
