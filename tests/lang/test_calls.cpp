// The call table: every library function is named and has a handler, the calls that
// only forward to the Os (generated from core/calls.def) pass their arguments through,
// and a step's call record says which function ran, with what, and what it returned.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "deterministic.h"
#include "engine/run.h"
#include "lang/builtin_call.h"

namespace {

using namespace pp::lang;

TEST(CallTable, EveryLibraryFunctionIsNamedAndDispatchable) {
  const HandlerTable& h = builtin_handlers();
  std::set<std::string> names;
  for (int i = 0; i < BI_COUNT; i++) {
    std::string n = builtin_name(i);
    ASSERT_FALSE(n.empty()) << "id " << i;
    EXPECT_NE(n, "?") << "id " << i;
    EXPECT_TRUE(names.insert(n).second) << n << " is listed twice";
    EXPECT_EQ(builtin_id(n), i) << n;
    EXPECT_NE(h[std::size_t(i)], nullptr) << n << " has no handler";
  }
  EXPECT_EQ(builtin_id("not_a_function"), -1);
  EXPECT_STREQ(builtin_name(BI_NONE), "?");
}

TEST(CallTable, ForwardedOsCallsAreLibraryFunctions) {
  // Every row of core/calls.def marked SYSCALL or LIBC is a library function of that name.
  std::vector<std::string> forwarded;
#define PP_FWD_SYSCALL(name) forwarded.push_back(#name);
#define PP_FWD_LIBC(name) forwarded.push_back(#name);
#define PP_FWD_NONE(name)
#define PP_LAB_CALL(name, wire, c, params, args) PP_FWD_##c(name)
#define PP_MODEL_CALL(name, c, params, args) PP_FWD_##c(name)
#include "core/calls.def"
#undef PP_FWD_SYSCALL
#undef PP_FWD_LIBC
#undef PP_FWD_NONE
  const std::vector<std::string> want = {"mallopt", "malloc_trim", "mprotect", "brk", "madvise",
                                         "mlock", "mlock2", "munlock", "mlockall", "munlockall"};
  EXPECT_EQ(forwarded, want);
  for (const std::string& n : forwarded) EXPECT_GE(builtin_id(n), 0) << n;
}

TEST(CallTable, OneDefinitionOfALockCall) {
  for (Builtin b : {BI_mlock, BI_mlock2, BI_munlock, BI_mlockall, BI_munlockall}) {
    EXPECT_TRUE(is_lock_call(b)) << builtin_name(b);
    EXPECT_EQ(builtin_family(b), Family::Locking);
  }
  for (Builtin b : {BI_NONE, BI_malloc, BI_mmap, BI_madvise, BI_setrlimit, BI_ThreadCtl, BI_printf})
    EXPECT_FALSE(is_lock_call(b)) << builtin_name(b);
  // RLIMIT_MEMLOCK can refuse the calls that lock or map (MCL_FUTURE), never an unlock.
  for (Builtin b : {BI_mlock, BI_mlock2, BI_mlockall, BI_mmap, BI_malloc, BI_sbrk, BI_mremap})
    EXPECT_TRUE(may_hit_memlock_limit(b)) << builtin_name(b);
  for (Builtin b : {BI_NONE, BI_munlock, BI_munlockall, BI_free, BI_printf, BI_fork})
    EXPECT_FALSE(may_hit_memlock_limit(b)) << builtin_name(b);
  EXPECT_TRUE(returns_address_or_pid(BI_malloc));
  EXPECT_TRUE(returns_address_or_pid(BI_fork));
  EXPECT_FALSE(returns_address_or_pid(BI_mlock));
}

TEST(CallRecord, ForwardedCallsPassTheirArgumentsAndResults) {
  const char* src =
      "#include <sys/mman.h>\n#include <malloc.h>\n#include <unistd.h>\n"
      "int main(void) {\n"
      "  char *buf = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);\n"
      "  int r = mprotect(buf, 4096, PROT_READ);\n"
      "  r = mlock(buf, 4096);\n"
      "  r = munlock(buf, 4096);\n"
      "  r = mlock2(buf, 4096, MLOCK_ONFAULT);\n"
      "  r = madvise(buf, 4096, 99);\n"
      "  r = mlockall(MCL_CURRENT);\n"
      "  r = munlockall();\n"
      "  r = mallopt(M_MMAP_THRESHOLD, 65536);\n"
      "  return r;\n"
      "}\n";
  pp::Trace t = pp_test::run_lesson("fwd.c", src);
  ASSERT_TRUE(t.errors.empty()) << t.errors[0].format();
  std::map<std::string, const pp::Step*> by_fn;
  for (const pp::Step& s : t.steps)
    if (!s.fn.empty()) by_fn[s.fn] = &s;
  ASSERT_TRUE(by_fn.count("mlock"));
  const pp::Step& lock = *by_fn["mlock"];
  EXPECT_EQ(lock.id, BI_mlock);
  ASSERT_EQ(lock.args.size(), 2u);
  EXPECT_EQ(lock.args[1], 4096);
  EXPECT_EQ(lock.ret, 0);
  EXPECT_EQ(lock.err, 0);
  ASSERT_TRUE(by_fn.count("mprotect"));
  EXPECT_EQ(by_fn["mprotect"]->id, BI_mprotect);
  EXPECT_EQ(by_fn["mprotect"]->args[2], 1);  // PROT_READ
  EXPECT_EQ(by_fn["mprotect"]->ret, 0);
  ASSERT_TRUE(by_fn.count("mlock2"));
  EXPECT_EQ(by_fn["mlock2"]->id, BI_mlock2);
  EXPECT_EQ(by_fn["mlock2"]->args[2], 1);  // MLOCK_ONFAULT
  ASSERT_TRUE(by_fn.count("madvise"));     // advice 99 does not exist: -1, EINVAL
  EXPECT_EQ(by_fn["madvise"]->ret, -1);
  EXPECT_EQ(by_fn["madvise"]->err, pp::err::INVAL);
  ASSERT_TRUE(by_fn.count("mlockall"));
  EXPECT_EQ(by_fn["mlockall"]->args, std::vector<pp::i64>({1}));
  ASSERT_TRUE(by_fn.count("munlockall"));
  EXPECT_TRUE(by_fn["munlockall"]->args.empty());
  ASSERT_TRUE(by_fn.count("mallopt"));     // glibc's convention: 1 = accepted
  EXPECT_EQ(by_fn["mallopt"]->id, BI_mallopt);
  EXPECT_EQ(by_fn["mallopt"]->ret, 1);
  EXPECT_EQ(by_fn["mallopt"]->args, std::vector<pp::i64>({-3, 65536}));  // M_MMAP_THRESHOLD
  for (const char* f : {"mlock", "munlock", "mlock2", "mlockall", "munlockall"})
    EXPECT_TRUE(is_lock_call(by_fn[f]->id)) << f;
  EXPECT_FALSE(is_lock_call(by_fn["madvise"]->id));
}

TEST(CallRecord, LessonMlockallStepInJson) {
  pp::Trace t = pp_test::run_lesson_file(std::string(PP_LESSONS_DIR) + "/01-mlockall.c");
  ASSERT_TRUE(t.errors.empty()) << t.errors[0].format();
  int found = 0;
  for (const pp::Step& s : t.steps) {
    auto j = nlohmann::json::parse(pp::step_json(t, s));
    if (j["fn"] != "mlockall") continue;
    ++found;
    EXPECT_EQ(s.id, BI_mlockall);
    EXPECT_EQ(j["args"], nlohmann::json({3}));  // MCL_CURRENT | MCL_FUTURE
    EXPECT_EQ(j["ret"], 0);
    EXPECT_TRUE(j["errno"].is_null());
  }
  EXPECT_EQ(found, 1);
}

}  // namespace
