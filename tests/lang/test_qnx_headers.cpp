// QNX headers in the interpreter: QNX's own values for <sys/procmgr.h>,
// <sys/neutrino.h> and <process.h>, and Linux-only locking names refused the way
// QNX's headers refuse them (not declared: a file:line:col error before the run).
#include <gtest/gtest.h>

#include <string>

#include "lang/lexer.h"
#include "lang/preproc.h"

namespace {

using namespace pp::lang;

std::string expand(const std::string& src, bool qnx) {
  PreprocOptions o;
  o.qnx = qnx;
  std::string s;
  for (auto& k : preprocess(lex(src).toks, o))
    if (k.k != Tk::End) s += (s.empty() ? "" : " ") + (k.k == Tk::Int ? std::to_string(k.ival) : k.text);
  return s;
}

TEST(QnxHeaders, ProcmgrAndThreadCtlValuesAreQnxs) {
  // Expected values: QNX's <sys/procmgr.h> and <sys/neutrino.h> (docs/QNX.md).
  EXPECT_EQ(expand("PROCMGR_AID_IO", true), "31");
  EXPECT_EQ(expand("PROCMGR_AID_MEM_LOCK", true), "20");
  EXPECT_EQ(expand("PROCMGR_AID_EOL", true), "65535");
  EXPECT_EQ(expand("PROCMGR_ADN_ROOT", true), "268435456");     // 0x10000000
  EXPECT_EQ(expand("PROCMGR_ADN_NONROOT", true), "536870912");  // 0x20000000
  EXPECT_EQ(expand("PROCMGR_AOP_ALLOW PROCMGR_AOP_DENY", true), "131072 65536");
  EXPECT_EQ(expand("PROCMGR_AOP_INHERIT_YES PROCMGR_AOP_INHERIT_NO", true), "4194304 8388608");
  EXPECT_EQ(expand("_NTO_TCTL_IO_PRIV _NTO_TCTL_IO", true), "1 14");
  EXPECT_EQ(expand("#include <process.h>\nP_WAIT P_NOWAIT", true), "0 1");
}

TEST(QnxHeaders, QnxNamesAreNotLinuxsAndLinuxOnesNotQnxs) {
  EXPECT_EQ(expand("PROCMGR_AID_IO _NTO_TCTL_IO", false), "PROCMGR_AID_IO _NTO_TCTL_IO");
  EXPECT_EQ(expand("MCL_ONFAULT MLOCK_ONFAULT", false), "4 1");
  EXPECT_EQ(expand("#ifdef MCL_ONFAULT\nyes\n#else\nno\n#endif", true), "no");
}

TEST(QnxHeaders, LinuxOnlyLockingNamesAreRefusedWithTheirPosition) {
  struct Case { const char* src; int col; const char* name; };
  for (Case c : {Case{"int f(void)\n{\n  return mlock2(0, 4096, 0);\n}\n", 10, "mlock2"},
                 Case{"int f(void)\n{\n  return mlockall(MCL_CURRENT | MCL_ONFAULT);\n}\n", 33, "MCL_ONFAULT"},
                 Case{"int x = MLOCK_ONFAULT;\n", 9, "MLOCK_ONFAULT"},
                 Case{"void *f(void *p)\n{\n  return mremap(p, 4096, 8192, 1);\n}\n", 10, "mremap"}}) {
    try {
      expand(c.src, true);
      ADD_FAILURE() << c.name << " accepted under QNX";
    } catch (const LangError& e) {
      EXPECT_EQ(e.col, c.col) << c.name;
      EXPECT_NE(e.msg.find("Linux-only"), std::string::npos) << e.msg;
      EXPECT_NE(e.msg.find(c.name), std::string::npos) << e.msg;
    }
    EXPECT_NO_THROW(expand(c.src, false)) << c.name;
  }
}

}  // namespace
