// Front end: lexer positions, preprocessor, types and x86-64 layout — the layout
// checked against gcc itself (a probe compiled and run here), and whole programs
// checked against gcc's output (differential tests of the interpreter's semantics).
#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include "deterministic.h"
#include "engine/run.h"
#include "lang/lexer.h"
#include "lang/parser.h"
#include "lang/preproc.h"

namespace {

using namespace pp::lang;

TEST(Lexer, PositionsAndLiterals) {
  LexResult r = lex("int x = 0x1F;\n  char *s = \"a\\n\";  //@ say hi\n double d = 1.5e3f;");
  ASSERT_GE(r.toks.size(), 10u);
  EXPECT_EQ(r.toks[0].text, "int");
  EXPECT_EQ(r.toks[0].line, 1);
  EXPECT_EQ(r.toks[0].col, 1);
  EXPECT_EQ(r.toks[3].k, Tk::Int);
  EXPECT_EQ(r.toks[3].ival, 31u);
  EXPECT_EQ(r.toks[3].col, 9);
  EXPECT_EQ(r.toks[5].text, "char");
  EXPECT_EQ(r.toks[5].line, 2);
  EXPECT_EQ(r.toks[5].col, 3);
  EXPECT_EQ(r.toks[9].k, Tk::Str);
  EXPECT_EQ(r.toks[9].text, "a\n");
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_EQ(r.notes[0].text, "say hi");
  EXPECT_EQ(r.notes[0].line, 2);
  EXPECT_EQ(r.notes[0].col, 25);
}

TEST(Lexer, ErrorsHavePositions) {
  try {
    lex("int a;\n  int b = 09;");
    FAIL();
  } catch (const LangError& e) {
    EXPECT_EQ(e.line, 2);
    EXPECT_EQ(e.col, 11);
    EXPECT_EQ(e.msg, "invalid digit \"9\" in octal constant");
  }
}

std::string expand(const std::string& src, bool qnx = false) {
  PreprocOptions o;
  o.qnx = qnx;
  std::vector<Token> t = preprocess(lex(src).toks, o);
  std::string s;
  for (auto& k : t) if (k.k != Tk::End) s += (s.empty() ? "" : " ") + (k.k == Tk::Int ? std::to_string(k.ival) : k.text);
  return s;
}

TEST(Preproc, DefinesConditionalsAndMacros) {
  EXPECT_EQ(expand("#define SIZE 500\nSIZE"), "500");
  EXPECT_EQ(expand("#define SQ(x) ((x)*(x))\nSQ(a+1)"), "( ( a + 1 ) * ( a + 1 ) )");
  EXPECT_EQ(expand("#ifdef NOPE\na\n#else\nb\n#endif"), "b");
  EXPECT_EQ(expand("#define X 2\n#if defined(X) && X > 1\nyes\n#elif 1\nno\n#endif"), "yes");
  EXPECT_EQ(expand("#ifdef __QNX__\nq\n#else\nl\n#endif", true), "q");
  EXPECT_EQ(expand("#ifdef __QNX__\nq\n#else\nl\n#endif", false), "l");
  EXPECT_EQ(expand("#include <sys/mman.h>\nMCL_CURRENT | MCL_FUTURE"), "1 | 2");
  EXPECT_EQ(expand("#define A B\n#define B A\nA"), "A");  // no infinite recursion
}

TEST(Preproc, MacroBombIsAnError) {
  std::string src = "#define a0 x x\n";
  for (int i = 1; i < 30; i++) src += "#define a" + std::to_string(i) + " a" + std::to_string(i - 1) + " a" + std::to_string(i - 1) + "\n";
  src += "a29\n";
  EXPECT_THROW(expand(src), LangError);
}

// Runs a program and returns everything it printed.
std::string run_output(const std::string& src, std::vector<pp::Diagnostic>* errs = nullptr) {
  pp::Trace t = pp_test::run_lesson("t.c", src);
  std::string out;
  for (auto& s : t.steps) out += s.output;
  if (errs) *errs = t.errors;
  else
    for (auto& e : t.errors) ADD_FAILURE() << e.format();
  return out;
}

// Compiles with gcc and runs natively; "" when gcc is not available.
std::string gcc_output(const std::string& src, bool* ok) {
  *ok = false;
  char dir[] = "/tmp/pp_probe_XXXXXX";
  if (!mkdtemp(dir)) return "";
  std::string c = std::string(dir) + "/p.c", exe = std::string(dir) + "/p";
  std::ofstream(c) << src;
  std::string cmd = "gcc -w -o " + exe + " " + c + " 2>/dev/null && " + exe;
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  if (!p) return "";
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p.get())) > 0) out.append(buf.data(), n);
  int rc = pclose(p.release());
  std::system(("rm -rf " + std::string(dir)).c_str());
  *ok = rc == 0 && !out.empty();
  return out;
}


TEST(Types, StructRecordLayoutMatchesGcc) {
  // Our own number first: the tutorial's record is 1,024,144 bytes on x86-64.
  std::string prog = R"(#include <stdio.h>
struct record { char name[128]; int count; unsigned char dummy_array[1024000]; struct record *next; };
struct mixed { char c; double d; short s; int i; char tail; };
struct nested { char c; struct mixed m[3]; long l; char end[3]; };
union u { char c; double d; int a[3]; };
int main(void) {
  struct record r;
  printf("%zu %ld %zu %zu %zu %zu %zu %zu %zu %zu\n", sizeof(struct record), (long)((char *)&r.next - (char *)&r),
         sizeof(struct mixed), sizeof(struct nested), sizeof(union u), sizeof(long), sizeof(void *), sizeof(short),
         sizeof(float), sizeof(double));
  return 0;
}
)";
  std::string ours = run_output(prog);
  EXPECT_EQ(ours.substr(0, ours.find(' ')), "1024144");
  bool ok;
  std::string theirs = gcc_output(prog, &ok);
  if (!ok) GTEST_SKIP() << "gcc not available for the ground-truth probe";
  EXPECT_EQ(ours, theirs);
}

// Pure-computation programs: the interpreter must print exactly what gcc's binary prints.
const char* kDiffPrograms[] = {
  R"(#include <stdio.h>
int main(void) {
  int a = 7, b = -3; unsigned u = 3000000000u; long l = -1L; unsigned char c = 250; short s = 32767;
  c += 10; s++;
  printf("%d %d %d %d %d\n", a / b, a % b, -a / 2, a << 3, b >> 1);
  printf("%u %u %lu %ld %d %d\n", u + u, u / 7, (unsigned long)l, l * 3, c, s);
  printf("%d %d %d %d\n", a > b, u > 1, (unsigned)b > 5u, !a);
  printf("%x %X %o %#x %08.3f %-6d| %+d %e %g %g\n", 255, 48879, 8, 255, 3.14159, 42, 5, 1234.5, 0.00001234, 1e20);
  double d = 10.0 / 4; float f = 1.0f / 3;
  printf("%.3f %f %d %ld\n", d, f, (int)2.99, (long)-2.5);
  printf("%5s|%-5s|%.2s|%c%c\n", "ab", "cd", "xyz", 'o', 'k');
  return 0;
})",
  R"(#include <stdio.h>
#include <string.h>
#include <stdlib.h>
struct node { int v; struct node *next; };
typedef struct node node_t;
enum { A = 3, B, C = 10 };
static int counter;
int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
void bump(int *p) { (*p)++; counter++; }
int main(void) {
  node_t *head = NULL;
  for (int i = 0; i < 5; i++) { node_t *n = malloc(sizeof *n); n->v = i * i; n->next = head; head = n; }
  int sum = 0;
  for (node_t *n = head; n; n = n->next) sum += n->v;
  int arr[10]; int *p = arr;
  for (int i = 0; i < 10; i++) *p++ = i;
  int x = 0; bump(&x); bump(&x);
  char buf[32]; strcpy(buf, "hello"); strcat(buf, " world");
  char out[64]; snprintf(out, sizeof out, "[%s:%d]", buf, (int)strlen(buf));
  printf("%d %d %d %d %d %d %s %d\n", sum, fib(15), arr[9] - arr[2], (int)(p - arr), x, counter, out, B + C);
  int k = 0, m = 0;
  while (k < 100) { k += 7; if (k % 2) continue; m++; }
  do { m--; } while (m > 3);
  switch (k) { case 105: printf("105\n"); case 1: printf("fall\n"); break; default: printf("d\n"); }
  printf("%d %d %d\n", k, m, strcmp("abc", "abd") < 0);
  int grid[3][4]; for (int i = 0; i < 3; i++) for (int j = 0; j < 4; j++) grid[i][j] = i * 10 + j;
  printf("%d %d %zu %zu\n", grid[2][3], grid[1][0], sizeof grid, sizeof grid[0]);
  long big = 1; for (int i = 0; i < 62; i++) big *= 2;
  printf("%ld %lu %d\n", big, (unsigned long)big * 4, (int)big);
  return 0;
})",
  R"(#include <stdio.h>
#include <string.h>
#include <stdlib.h>
struct rec { char name[16]; int count; double score; };
int next_id(void) { static int id = 100; return id++; }
int main(void) {
  struct rec r[3];
  memset(r, 0, sizeof r);
  for (int i = 0; i < 3; i++) { snprintf(r[i].name, sizeof r[i].name, "rec%d", next_id()); r[i].count = i * 3 - 4; r[i].score = i / 3.0; }
  struct rec *p = &r[1];
  p->count *= -2; p++; p->score += 0.25;
  printf("%s %d %.3f | %s %d %.3f | %zu\n", r[1].name, r[1].count, r[1].score, r[2].name, r[2].count, r[2].score, sizeof(struct rec));
  char s[] = "Hello";
  for (char *q = s; *q; q++) if (*q >= 'a' && *q <= 'z') *q = *q - 'a' + 'A';
  unsigned short us = 65535; us += 2; signed char sc = 127; sc++;
  int x = 17; x %= 5; x <<= 3; x |= 1; x ^= 0xff; x &= ~3;
  long arr[5] = {5, 4, 3, 2, 1}; long *e = arr + 4; long n = e - arr;
  double dd = -7.5; int t = dd < 0 ? -1 : 1;
  printf("%s %u %d %d %ld %d %d %d\n", s, us, sc, x, n, t, -7 % 3, (int)dd);
  int *heap = calloc(10, sizeof(int)); heap[9] = 42; heap = realloc(heap, 20 * sizeof(int));
  printf("%d %d %d\n", heap[0], heap[9], memcmp("abc", "abd", 3) < 0);
  free(heap);
  int count = 0; for (int i = 0; i < 100; i++) { if (i % 3 == 0 || i % 5 == 0) count++; }
  printf("%d %d %g %.1e\n", count, (count > 40) && !(count < 10), 1.0 / 3, 123456.0);
  return 0;
})",
  R"(#include <stdio.h>
const char *names[] = {"alpha", "beta", "gamma"};
int zeroed = 0;
int seven = 7;
double zd = 0.0;
static long table[4] = {1, -2};
int main(void) {
  const char *local[] = {"x", "y"};
  int nums[] = {4, 5, 6, 7};
  static int calls;
  calls++;
  printf("%s %s %zu %zu %d %d %d %.1f %ld %ld %d\n", names[2], local[1], sizeof local / sizeof local[0], sizeof nums,
         nums[3], zeroed, seven, zd, table[1], table[3], calls);
  return 0;
})",
};

TEST(Semantics, SameOutputAsGcc) {
  for (const char* prog : kDiffPrograms) {
    bool ok;
    std::string theirs = gcc_output(prog, &ok);
    if (!ok) GTEST_SKIP() << "gcc not available";
    EXPECT_EQ(run_output(prog), theirs);
  }
}

TEST(Parser, ZeroInitialisedGlobalsGoToBss) {
  std::string src = "int a = 0;\nint b = 3;\nint c;\ndouble d = 0.0;\nint main(void) { return a + b + c; }\n";
  PreprocOptions o;
  auto prog = parse_program(preprocess(lex(src).toks, o), src);
  for (const Sym* s : prog->globals) EXPECT_EQ(s->section, s->name == "b" ? 0 : 1) << s->name;
}

TEST(Parser, PreludeAndProgramParse) {
  std::string src = "#include <stdio.h>\nint g = 5;\nint main(void) { return g; }\n";
  PreprocOptions o;
  auto prog = parse_program(preprocess(lex(src).toks, o), src);
  ASSERT_TRUE(prog);
  EXPECT_GE(prog->main_func, 0);
  EXPECT_EQ(prog->data_size, 4u);
}

}  // namespace
