// pinpages lang — preprocessor implementation (see preproc.h).
#include "lang/preproc.h"

#include <map>
#include <set>

namespace pp::lang {
namespace {

// System-header constants, Linux x86-64 numbering (core/os.h). The ones only one
// system's headers have are in kLinuxOnly / kQnxOnly below.
const char* kPredefined = R"(
#define NULL ((void *)0)
#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1
#define PROT_NONE 0
#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_ANON 0x20
#define MAP_LAZY 0x80
#define MAP_LOCKED 0x2000
#define MAP_NORESERVE 0x4000
#define MAP_POPULATE 0x8000
#define MAP_FAILED ((void *) -1)
#define MCL_CURRENT 1
#define MCL_FUTURE 2
#define MADV_NORMAL 0
#define MADV_RANDOM 1
#define MADV_SEQUENTIAL 2
#define MADV_WILLNEED 3
#define MADV_DONTNEED 4
#define MADV_FREE 8
#define MADV_COLD 20
#define MADV_PAGEOUT 21
#define MADV_DONTNEED_LOCKED 24
#define RLIMIT_MEMLOCK 8
#define RLIM_INFINITY (~0UL)
#define O_RDONLY 0
#define O_WRONLY 1
#define O_RDWR 2
#define O_CREAT 0100
#define O_EXCL 0200
#define O_TRUNC 01000
#define O_APPEND 02000
#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define EIO 5
#define EBADF 9
#define ECHILD 10
#define EAGAIN 11
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define EINVAL 22
#define ENOSYS 38
#define _SC_PAGESIZE 30
#define _SC_PAGE_SIZE 30
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define WNOHANG 1
#define WIFEXITED(s) (((s) & 0x7f) == 0)
#define WEXITSTATUS(s) (((s) & 0xff00) >> 8)
#define WIFSIGNALED(s) ((((s) & 0x7f) + 1) >> 1 > 0 && ((s) & 0x7f) != 0x7f)
#define WTERMSIG(s) ((s) & 0x7f)
#define SIGBUS 7
#define SIGKILL 9
#define SIGSEGV 11
#define STDIN_FILENO 0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2
#define INT_MAX 2147483647
#define INT_MIN (-2147483647 - 1)
#define UINT_MAX 4294967295U
#define LONG_MAX 9223372036854775807L
#define LONG_MIN (-9223372036854775807L - 1)
#define ULONG_MAX 18446744073709551615UL
#define SIZE_MAX 18446744073709551615UL
#define CHAR_BIT 8
#define true 1
#define false 0
#define bool _Bool
#define RUSAGE_SELF 0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD 1
#define M_MXFAST 1
#define M_TRIM_THRESHOLD (-1)
#define M_TOP_PAD (-2)
#define M_MMAP_THRESHOLD (-3)
#define M_MMAP_MAX (-4)
#define M_CHECK_ACTION (-5)
#define M_PERTURB (-6)
#define M_ARENA_TEST (-7)
#define M_ARENA_MAX (-8)
#define SCHED_OTHER 0
#define SCHED_FIFO 1
#define SCHED_RR 2
#define SCHED_BATCH 3
#define SCHED_IDLE 5
#define SCHED_RESET_ON_FORK 0x40000000
#define CPU_SETSIZE 1024
#define CPU_ZERO(set) memset((set), 0, sizeof(cpu_set_t))
#define CPU_SET(cpu, set) ((set)->__bits[(cpu) / 64] |= (1UL << ((cpu) % 64)))
#define CPU_CLR(cpu, set) ((set)->__bits[(cpu) / 64] &= ~(1UL << ((cpu) % 64)))
#define CPU_ISSET(cpu, set) (((set)->__bits[(cpu) / 64] & (1UL << ((cpu) % 64))) != 0)
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define TIMER_ABSTIME 1
#define EOF (-1)
#define MFD_CLOEXEC 1U
#define MFD_ALLOW_SEALING 2U
#define POSIX_FADV_NORMAL 0
#define POSIX_FADV_RANDOM 1
#define POSIX_FADV_SEQUENTIAL 2
#define POSIX_FADV_WILLNEED 3
#define POSIX_FADV_DONTNEED 4
#define POSIX_FADV_NOREUSE 5
#define SYS_mmap 9
#define SYS_mprotect 10
#define SYS_munmap 11
#define SYS_brk 12
#define SYS_sched_yield 24
#define SYS_mremap 25
#define SYS_mincore 27
#define SYS_madvise 28
#define SYS_getpid 39
#define SYS_getrusage 98
#define SYS_getppid 110
#define SYS_sched_setparam 142
#define SYS_sched_getparam 143
#define SYS_sched_setscheduler 144
#define SYS_sched_getscheduler 145
#define SYS_sched_get_priority_max 146
#define SYS_sched_get_priority_min 147
#define SYS_mlock 149
#define SYS_munlock 150
#define SYS_mlockall 151
#define SYS_munlockall 152
#define SYS_gettid 186
#define SYS_sched_setaffinity 203
#define SYS_clock_gettime 228
#define SYS_clock_getres 229
#define SYS_clock_nanosleep 230
#define SYS_memfd_create 319
#define SYS_mlock2 325
#define __NR_mmap 9
#define __NR_mprotect 10
#define __NR_munmap 11
#define __NR_brk 12
#define __NR_mremap 25
#define __NR_mincore 27
#define __NR_madvise 28
#define __NR_getpid 39
#define __NR_mlock 149
#define __NR_munlock 150
#define __NR_mlockall 151
#define __NR_munlockall 152
#define __NR_gettid 186
#define __NR_memfd_create 319
#define __NR_mlock2 325
#define no_argument 0
#define required_argument 1
#define optional_argument 2
#define PTHREAD_STACK_MIN 16384
#define PTHREAD_INHERIT_SCHED 0
#define PTHREAD_EXPLICIT_SCHED 1
#define __x86_64__ 1
#define __STDC__ 1
)";

// Linux-only: lock-on-fault (Linux 4.4).
const char* kLinuxOnly = R"(
#define __linux__ 1
#define __linux 1
#define __unix__ 1
#define MCL_ONFAULT 4
#define MLOCK_ONFAULT 1
#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#define MREMAP_DONTUNMAP 4
)";

// QNX Neutrino <sys/neutrino.h> and <sys/procmgr.h>, with QNX's values.
const char* kQnxOnly = R"(
#define __QNX__ 1
#define __QNXNTO__ 1
#define _NTO_TCTL_IO_PRIV 1
#define _NTO_TCTL_IO 14
#define PROCMGR_AID_MEM_SPECIAL 17u
#define PROCMGR_AID_MEM_LOCK 20u
#define PROCMGR_AID_IO 31u
#define PROCMGR_AID_EOL 0xffffu
#define PROCMGR_AOP_DENY 0x00010000u
#define PROCMGR_AOP_ALLOW 0x00020000u
#define PROCMGR_AOP_SUBRANGE 0x00040000u
#define PROCMGR_AOP_LOCK 0x00080000u
#define PROCMGR_AOP_INHERIT_YES 0x00400000u
#define PROCMGR_AOP_INHERIT_NO 0x00800000u
#define PROCMGR_ADN_ROOT 0x10000000u
#define PROCMGR_ADN_NONROOT 0x20000000u
#define P_WAIT 0
#define P_NOWAIT 1
)";

// Linux calls and flags a QNX program cannot name: QNX's headers don't declare them.
const char* kLinuxOnlyNames[] = {"mlock2", "MCL_ONFAULT", "MLOCK_ONFAULT", "mremap"};

const char* kHeaders[] = {
  "stdio.h", "stdlib.h", "string.h", "strings.h", "sys/mman.h", "sys/resource.h", "sys/wait.h",
  "sys/types.h", "sys/stat.h", "sys/time.h", "unistd.h", "errno.h", "fcntl.h", "stdint.h",
  "stddef.h", "stdbool.h", "limits.h", "inttypes.h", "time.h", "signal.h", "sched.h",
  "sys/neutrino.h", "sys/procmgr.h", "malloc.h", "assert.h", "sys/syscall.h", "spawn.h", "process.h",
  "asm/unistd.h", "pthread.h", "getopt.h", "sys/times.h", "linux/mman.h",
};

struct Macro {
  bool fn = false;
  std::vector<std::string> params;
  std::vector<Token> body;
};

constexpr size_t kMaxTokens = 2'000'000;  // a macro bomb is an error, not a hang

struct Pre {
  std::map<std::string, Macro> macros;
  std::vector<Token> out;
  std::vector<std::string> included;

  [[noreturn]] static void fail(const Token& t, std::string m) { throw LangError{t.line, t.col, std::move(m)}; }

  // Expands `in` (all of it) into `dst`. `active` holds the macros being expanded,
  // which C forbids from expanding again (no recursion).
  void expand(const std::vector<Token>& in, std::vector<Token>& dst, std::set<std::string>& active,
              int depth, const Token* site) {
    if (depth > 100) fail(in.empty() ? Token{} : in[0], "macro nesting too deep");
    for (size_t i = 0; i < in.size(); i++) {
      const Token& t = in[i];
      if (dst.size() > kMaxTokens) fail(t, "macro expansion too large");
      auto it = t.k == Tk::Ident ? macros.find(t.text) : macros.end();
      if (it == macros.end() || active.count(t.text)) {
        Token c = t;
        if (site) { c.line = site->line; c.col = site->col; }
        dst.push_back(std::move(c));
        continue;
      }
      const Macro& m = it->second;
      const Token& pos = site ? *site : t;
      std::vector<Token> body;
      if (!m.fn) {
        body = m.body;
      } else {
        if (i + 1 >= in.size() || in[i + 1].k != Tk::Punct || in[i + 1].text != "(") {
          Token c = t;
          if (site) { c.line = site->line; c.col = site->col; }
          dst.push_back(std::move(c));
          continue;
        }
        size_t j = i + 2;
        int level = 0;
        std::vector<std::vector<Token>> args(1);
        for (;; j++) {
          if (j >= in.size() || in[j].k == Tk::End)
            fail(t, "unterminated argument list invoking macro \"" + t.text + "\"");
          const Token& a = in[j];
          if (a.k == Tk::Punct && (a.text == "(" || a.text == "[")) level++;
          if (a.k == Tk::Punct && (a.text == ")" || a.text == "]")) {
            if (level == 0 && a.text == ")") break;
            level--;
          }
          if (a.k == Tk::Punct && a.text == "," && level == 0) { args.emplace_back(); continue; }
          args.back().push_back(a);
        }
        if (m.params.empty() && args.size() == 1 && args[0].empty()) args.clear();
        if (args.size() != m.params.size())
          fail(t, "macro \"" + t.text + "\" requires " + std::to_string(m.params.size()) +
                      " arguments, but " + std::to_string(args.size()) + " given");
        // Arguments are fully expanded before substitution (no # or ## in this subset).
        std::vector<std::vector<Token>> xargs(args.size());
        for (size_t a = 0; a < args.size(); a++) expand(args[a], xargs[a], active, depth + 1, nullptr);
        for (const Token& b : m.body) {
          size_t p = 0;
          while (p < m.params.size() && !(b.k == Tk::Ident && b.text == m.params[p])) p++;
          if (p < m.params.size()) body.insert(body.end(), xargs[p].begin(), xargs[p].end());
          else body.push_back(b);
          if (body.size() > kMaxTokens) fail(t, "macro expansion too large");
        }
        i = j;
      }
      active.insert(t.text);
      expand(body, dst, active, depth + 1, &pos);
      active.erase(t.text);
    }
  }

  // --- #if expressions
  struct IfEval {
    const std::vector<Token>& v;
    size_t i = 0;
    const Token& at() const { return v[i < v.size() ? i : v.size() - 1]; }
    bool is(const char* p) const { return i < v.size() && v[i].k == Tk::Punct && v[i].text == p; }
    int depth = 0;
    long long primary() {
      if (++depth > 200) fail(at(), "#if expression nested too deeply");
      struct Down { int& d; ~Down() { d--; } } down{depth};
      if (i >= v.size()) fail(v.empty() ? Token{} : v.back(), "#if with no expression");
      const Token& t = v[i];
      if (is("(")) { i++; long long r = cond(); if (!is(")")) fail(at(), "missing ')' in expression"); i++; return r; }
      if (is("-")) { i++; return -primary(); }
      if (is("+")) { i++; return primary(); }
      if (is("!")) { i++; return !primary(); }
      if (is("~")) { i++; return ~primary(); }
      if (t.k == Tk::Int || t.k == Tk::Char) { i++; return (long long)t.ival; }
      if (t.k == Tk::Ident) { i++; return 0; }  // undefined identifiers are 0 in #if
      fail(t, "token \"" + t.text + "\" is not valid in preprocessor expressions");
    }
    long long bin(int prec) {
      static const std::vector<std::vector<std::string>> levels = {
        {"||"}, {"&&"}, {"|"}, {"^"}, {"&"}, {"==", "!="}, {"<", ">", "<=", ">="}, {"<<", ">>"}, {"+", "-"}, {"*", "/", "%"}};
      if (prec >= (int)levels.size()) return primary();
      long long l = bin(prec + 1);
      for (;;) {
        std::string op;
        for (auto& o : levels[prec]) if (is(o.c_str())) op = o;
        if (op.empty()) return l;
        Token opt = v[i];
        i++;
        long long r = bin(prec + 1);
        if ((op == "/" || op == "%") && r == 0) fail(opt, "division by zero in #if");
        if (op == "||") l = l || r; else if (op == "&&") l = l && r; else if (op == "|") l |= r;
        else if (op == "^") l ^= r; else if (op == "&") l &= r; else if (op == "==") l = l == r;
        else if (op == "!=") l = l != r; else if (op == "<") l = l < r; else if (op == ">") l = l > r;
        else if (op == "<=") l = l <= r; else if (op == ">=") l = l >= r;
        else if (op == "<<") l = (long long)((unsigned long long)l << (r & 63)); else if (op == ">>") l >>= (r & 63);
        else if (op == "+") l = (long long)((unsigned long long)l + (unsigned long long)r);
        else if (op == "-") l = (long long)((unsigned long long)l - (unsigned long long)r);
        else if (op == "*") l = (long long)((unsigned long long)l * (unsigned long long)r);
        else if (op == "/") l = (r == -1) ? (long long)(0ull - (unsigned long long)l) : l / r;
        else l = (r == -1) ? 0 : l % r;
      }
    }
    long long cond() {
      long long c = bin(0);
      if (is("?")) {
        i++;
        long long a = cond();
        if (!is(":")) fail(at(), "expected ':' in #if expression");
        i++;
        long long b = cond();
        return c ? a : b;
      }
      return c;
    }
  };

  bool eval_if(const Token& dir, std::vector<Token> line) {
    std::vector<Token> v;
    for (size_t i = 0; i < line.size(); i++) {
      if (line[i].k == Tk::Ident && line[i].text == "defined") {
        bool paren = i + 1 < line.size() && line[i + 1].text == "(";
        size_t n = i + (paren ? 2 : 1);
        if (n >= line.size() || line[n].k != Tk::Ident) fail(line[i], "operator \"defined\" requires an identifier");
        Token t = line[i];
        t.k = Tk::Int; t.ival = macros.count(line[n].text) ? 1 : 0;
        v.push_back(t);
        i = n;
        if (paren) {
          if (i + 1 >= line.size() || line[i + 1].text != ")") fail(line[i], "missing ')' after \"defined\"");
          i++;
        }
        continue;
      }
      v.push_back(line[i]);
    }
    std::vector<Token> x;
    std::set<std::string> active;
    expand(v, x, active, 0, nullptr);
    if (x.empty()) fail(dir, "#if with no expression");
    IfEval e{x};
    long long r = e.cond();
    if (e.i != x.size()) fail(x[e.i], "missing binary operator before token \"" + x[e.i].text + "\"");
    return r != 0;
  }

  void define(const Token& dir, const std::vector<Token>& line) {
    if (line.empty() || line[0].k != Tk::Ident) fail(line.empty() ? dir : line[0], "macro names must be identifiers");
    Macro m;
    size_t i = 1;
    // Function-like only when '(' follows the name with no space in between.
    if (line.size() > 1 && line[1].k == Tk::Punct && line[1].text == "(" && line[1].line == line[0].line &&
        line[1].col == line[0].col + (int)line[0].text.size()) {
      m.fn = true;
      i = 2;
      for (;;) {
        if (i >= line.size()) fail(line[0], "missing ')' in macro parameter list");
        if (line[i].text == ")" && line[i].k == Tk::Punct) { i++; break; }
        if (line[i].k == Tk::Punct && line[i].text == "...") fail(line[i], "variadic macros are not supported");
        if (line[i].k != Tk::Ident) fail(line[i], "expected parameter name, found \"" + line[i].text + "\"");
        m.params.push_back(line[i].text);
        i++;
        if (i < line.size() && line[i].text == ",") i++;
        else if (i < line.size() && line[i].text != ")") fail(line[i], "expected ',' or ')' in macro parameter list");
      }
    }
    for (; i < line.size(); i++) {
      if (line[i].k == Tk::Punct && (line[i].text == "#" || line[i].text == "##"))
        fail(line[i], "the '" + line[i].text + "' operator is not supported in this C subset");
      m.body.push_back(line[i]);
    }
    macros[line[0].text] = std::move(m);
  }

  void run(const std::vector<Token>& in) {
    struct Cond { bool active, taken, seen_else; Token at; };
    std::vector<Cond> conds;
    auto live = [&] { for (auto& c : conds) if (!c.active) return false; return true; };
    std::vector<Token> pending;  // text tokens waiting for macro expansion
    auto flush = [&] {
      std::set<std::string> active;
      expand(pending, out, active, 0, nullptr);
      pending.clear();
    };
    size_t i = 0;
    while (i < in.size() && in[i].k != Tk::End) {
      const Token& t = in[i];
      if (!(t.bol && t.k == Tk::Punct && t.text == "#")) {
        if (live()) pending.push_back(t);
        i++;
        continue;
      }
      // A directive: every token on the same logical line.
      std::vector<Token> line;
      size_t j = i + 1;
      while (j < in.size() && in[j].k != Tk::End && in[j].lline == t.lline) line.push_back(in[j++]);
      i = j;
      if (line.empty()) continue;  // the null directive
      const Token& d = line[0];
      std::string name = d.text;
      std::vector<Token> rest(line.begin() + 1, line.end());
      if (name == "ifdef" || name == "ifndef") {
        if (rest.empty() || rest[0].k != Tk::Ident) fail(d, "no macro name given in #" + name + " directive");
        bool on = macros.count(rest[0].text) != 0;
        if (name == "ifndef") on = !on;
        bool l = live();
        conds.push_back({on, on, false, d});
        if (!l) conds.back().active = false, conds.back().taken = true;
        continue;
      }
      if (name == "if") {
        bool l = live();
        bool on = l ? eval_if(d, rest) : false;
        conds.push_back({on, on || !l, false, d});
        continue;
      }
      if (name == "elif" || name == "else") {
        if (conds.empty()) fail(d, "#" + name + " without #if");
        Cond& c = conds.back();
        if (c.seen_else) fail(d, "#" + name + " after #else");
        if (name == "else") { c.seen_else = true; c.active = !c.taken; c.taken = true; continue; }
        if (c.taken) { c.active = false; continue; }
        conds.pop_back();
        bool on = live() ? eval_if(d, rest) : false;
        conds.push_back({on, on, false, d});
        continue;
      }
      if (name == "endif") {
        if (conds.empty()) fail(d, "#endif without #if");
        conds.pop_back();
        continue;
      }
      if (!live()) continue;
      flush();
      if (name == "include") {
        std::string h;
        if (!rest.empty() && rest[0].k == Tk::Str) {
          fail(d, "#include \"" + rest[0].text + "\": only system headers (<...>) can be included in a lesson");
        } else if (!rest.empty() && rest[0].text == "<") {
          size_t k = 1;
          for (; k < rest.size() && rest[k].text != ">"; k++) h += rest[k].text;
          if (k >= rest.size()) fail(d, "missing terminating > character");
        } else {
          fail(d, "#include expects \"FILENAME\" or <FILENAME>");
        }
        if (!known_header(h)) fail(d, h + ": No such file or directory");
        included.push_back(h);
        continue;
      }
      if (name == "define") { define(d, rest); continue; }
      if (name == "undef") {
        if (rest.empty() || rest[0].k != Tk::Ident) fail(d, "no macro name given in #undef directive");
        macros.erase(rest[0].text);
        continue;
      }
      if (name == "error") {
        std::string msg;
        for (auto& r : rest) msg += (msg.empty() ? "" : " ") + (r.k == Tk::Str ? "\"" + r.text + "\"" : r.text);
        fail(t, "#error " + msg);
      }
      if (name == "pragma" || name == "warning" || name == "ident") continue;
      fail(d, "invalid preprocessing directive #" + name);
    }
    if (!conds.empty()) fail(conds.back().at, "unterminated #" + std::string(conds.back().at.text == "ifdef" ? "ifdef" : conds.back().at.text == "ifndef" ? "ifndef" : "if"));
    flush();
    Token end = in.empty() ? Token{} : in.back();
    end.k = Tk::End;
    out.push_back(end);
  }
};

}  // namespace

bool known_header(const std::string& name) {
  for (const char* h : kHeaders) if (name == h) return true;
  return false;
}

std::vector<std::string> known_headers() { return {std::begin(kHeaders), std::end(kHeaders)}; }

std::vector<Token> preprocess(const std::vector<Token>& in, const PreprocOptions& opt) {
  Pre p;
  {
    LexResult pre = lex(std::string(kPredefined) + (opt.qnx ? kQnxOnly : kLinuxOnly));
    Pre boot;
    boot.run(pre.toks);
    p.macros = std::move(boot.macros);
  }
  p.run(in);
  if (opt.qnx)
    for (const Token& t : p.out)
      for (const char* n : kLinuxOnlyNames)
        if (t.k == Tk::Ident && t.text == n)
          Pre::fail(t, std::string("'") + n + "' is Linux-only: QNX Neutrino's headers do not declare it" +
                           (t.text == "mlock2" ? " (use mlock)" : t.text == "mremap" ? " (munmap and mmap again)" : " (QNX has no lock-on-fault)"));
  if (opt.included) *opt.included = p.included;
  return std::move(p.out);
}

}  // namespace pp::lang
