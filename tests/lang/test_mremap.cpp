// mremap and realloc of big blocks through the interpreter: the printed lines are
// what tests/programs/grow_buffer.c printed on the kernel (Linux 6.x, glibc 2.36),
// and the bytes the program wrote move with the mapping.
#include <gtest/gtest.h>

#include "deterministic.h"

namespace {

std::string output(const pp::Trace& t) {
  std::string out;
  for (const auto& s : t.steps) out += s.output;
  return out;
}

TEST(Mremap, GrowBufferPrintsWhatTheKernelPrinted) {
  pp::Trace t = pp_test::run_lesson_file(std::string(PP_PROGRAMS_DIR) + "/grow_buffer.c");
  ASSERT_TRUE(t.errors.empty()) << t.errors[0].format();
  EXPECT_EQ(output(t),
            "growing buffers with realloc and mremap\n"
            // The kernel says 1025: glibc made its heap at the first printf (stdio's
            // buffer), the model makes it at the first malloc, one page of tcache more
            // (tests/programs/README.md, "stdio's buffer").
            "malloc 4 MiB and write it: 1026 faults\n"
            "realloc to 8 MiB: 0 faults, old data 7\n"
            "write the new half: 1024 faults\n"
            "realloc down to 1 MiB: 0 faults, data 7\n"
            "locked: realloc to 3 MiB: 512 faults\n"
            "write all 3 MiB: 0 faults\n"
            "mremap to 16 pages: same address, 12 faults\n"
            "mremap to 32 pages without MREMAP_MAYMOVE: Cannot allocate memory\n"
            "with MREMAP_MAYMOVE: moved, 16 faults, \"kept\"\n"
            "write all 32 pages: 0 faults\n"
            "shrink to 8 pages: ok\n");
}

TEST(Mremap, FixedMoveCarriesTheBytesAndLeavesZeroBehind) {
  pp::Trace t = pp_test::run_lesson("prog.c", R"(#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
int main(void) {
  char *a = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  char *to = mmap(NULL, 8 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  strcpy(a + 4096, "second page");
  char *b = mremap(a, 2 * 4096, 4 * 4096, MREMAP_MAYMOVE | MREMAP_FIXED, to + 4096);
  printf("%d %s [%d]\n", b == to + 4096, b + 4096, b[3 * 4096]);
  printf("%d\n", mremap(b, 4096, 4096, MREMAP_FIXED, to) == MAP_FAILED);
  return 0;
}
)");
  ASSERT_TRUE(t.errors.empty()) << t.errors[0].format();
  EXPECT_EQ(output(t), "1 second page [0]\n1\n");
}

TEST(Mremap, DontUnmapIsNamedAsNotModelled) {
  pp::Trace t = pp_test::run_lesson("prog.c", R"(#define _GNU_SOURCE
#include <sys/mman.h>
int main(void) {
  char *a = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  mremap(a, 4096, 4096, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL);
  return 0;
}
)");
  ASSERT_FALSE(t.errors.empty());
  EXPECT_EQ(t.errors[0].line, 5);
  EXPECT_EQ(t.errors[0].col, 3);
  EXPECT_EQ(t.errors[0].message, "pinpages does not model mremap(MREMAP_DONTUNMAP) yet");
}

}  // namespace
