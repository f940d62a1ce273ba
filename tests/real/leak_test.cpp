// No-leak: SIGKILL the driver while its labs hold locks; every lab must vanish
// (so VmLck of every remaining lab process is 0).
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "real/real_os.h"

namespace {

struct LabProc { int pid; long long vmlck_kb; int ppid = 0; };

// Every pinpages-lab process on the machine with its VmLck.
std::vector<LabProc> scan_labs() {
  std::vector<LabProc> out;
  DIR* d = opendir("/proc");
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    int pid = std::atoi(e->d_name);
    if (pid <= 0) continue;
    std::ifstream f(std::string("/proc/") + e->d_name + "/status");
    std::string line, name;
    long long lck = -1;
    int ppid = 0;
    bool zombie = false;
    while (std::getline(f, line)) {
      if (line.rfind("Name:", 0) == 0) name = line.substr(6);
      if (line.rfind("State:", 0) == 0) zombie = line.find('Z') != std::string::npos;
      if (line.rfind("VmLck:", 0) == 0) lck = std::stoll(line.substr(6));
      if (line.rfind("PPid:", 0) == 0) ppid = std::atoi(line.c_str() + 5);
    }
    if (name == "pinpages-lab" && !zombie) out.push_back({pid, lck < 0 ? 0 : lck, ppid});
  }
  closedir(d);
  return out;
}

long long vmlck(int pid) {
  for (auto& l : scan_labs())
    if (l.pid == pid) return l.vmlck_kb;
  return -1;  // gone
}

}  // namespace

TEST(RealNoLeak, KilledDriverLeavesNothingLocked) {
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  pid_t drv = fork();
  ASSERT_GE(drv, 0);
  if (drv == 0) {
    dup2(out[1], 1);
    close(out[0]);
    execl(PP_LEAK_DRIVER, "real_leak_driver", nullptr);
    _exit(127);
  }
  close(out[1]);
  FILE* f = fdopen(out[0], "r");
  int lab = 0, child = 0;
  ASSERT_EQ(std::fscanf(f, "READY %d %d", &lab, &child), 2) << "driver did not start";
  EXPECT_GE(vmlck(lab), 2 * 1024) << "the lab should hold its lock now";
  EXPECT_GT(vmlck(child), 0) << "the child should hold its mlockall now";

  kill(drv, SIGKILL);  // the GUI/CLI crashes mid-lesson
  int st = 0;
  waitpid(drv, &st, 0);
  fclose(f);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline && (vmlck(lab) >= 0 || vmlck(child) >= 0))
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(vmlck(lab), -1) << "the lab outlived its driver";
  EXPECT_EQ(vmlck(child), -1) << "the lab's child outlived the driver";
  for (const auto& l : scan_labs())
    std::printf("note: other pinpages-lab %d on this machine, VmLck %lld kB\n", l.pid, l.vmlck_kb);
}

TEST(RealNoLeak, DestructorEndsEveryLab) {
  int lab = 0, child = 0;
  {
    pp::real::RealOs os;
    lab = os.spawn(pp::ImageSpec{}, nullptr);
    ASSERT_GT(lab, 0);
    ASSERT_TRUE(os.mlockall(lab, 3).ok());
    child = static_cast<int>(os.fork(lab).ret);
    ASSERT_GT(child, 0);
    ASSERT_TRUE(os.mlockall(child, 1).ok());
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (std::chrono::steady_clock::now() < deadline && vmlck(child) >= 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(vmlck(lab), -1);
  EXPECT_EQ(vmlck(child), -1);
}

// The same with the real command line: `pinpages real` on the tutorial's mlockall
// lesson (≈500 MB locked), SIGKILLed while its lab holds the lock.
TEST(RealNoLeak, KilledCommandLineMidLessonLeavesNothingLocked) {
  pid_t cli = fork();
  ASSERT_GE(cli, 0);
  if (cli == 0) {
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    execl(PP_PINPAGES, "pinpages", "real", PP_LESSONS_DIR "/01-mlockall.c", "--no-compare", nullptr);
    _exit(127);
  }
  int lab = 0;
  long long seen = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline && seen < 100 * 1024) {
    for (const auto& l : scan_labs())
      if (l.ppid == cli) { lab = l.pid; seen = l.vmlck_kb; }
    int st = 0;
    if (waitpid(cli, &st, WNOHANG) == cli) { cli = -1; break; }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (cli < 0) GTEST_SKIP() << "the lesson finished before it could be killed while locked";
  ASSERT_GT(lab, 0);
  EXPECT_GE(seen, 100 * 1024) << "the lab should hold the lesson's locks now";
  kill(cli, SIGKILL);
  waitpid(cli, nullptr, 0);
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < until && vmlck(lab) >= 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(vmlck(lab), -1) << "the lab outlived `pinpages real`";
  std::printf("killed `pinpages real` while its lab %d had VmLck %lld kB; the lab is gone\n", lab, seen);
}
