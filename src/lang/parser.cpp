// pinpages lang — declarations and statements (expressions: parse_expr.cpp).
#include "lang/parser.h"

#include <cmath>

#include "lang/builtins.h"
#include "lang/parser_impl.h"

namespace pp::lang {

const char* prelude_source() {
  return R"(
typedef unsigned long size_t; typedef long ssize_t; typedef int pid_t; typedef long off_t;
typedef long time_t; typedef unsigned long rlim_t; typedef unsigned int uid_t; typedef unsigned int mode_t;
typedef long intptr_t; typedef unsigned long uintptr_t; typedef long ptrdiff_t; typedef int clockid_t;
typedef signed char int8_t; typedef unsigned char uint8_t; typedef short int16_t; typedef unsigned short uint16_t;
typedef int int32_t; typedef unsigned int uint32_t; typedef long int64_t; typedef unsigned long uint64_t;
typedef long suseconds_t; typedef unsigned int useconds_t;
typedef struct _IO_FILE FILE;
struct rlimit { rlim_t rlim_cur; rlim_t rlim_max; };
struct timespec { time_t tv_sec; long tv_nsec; };
struct timeval { time_t tv_sec; suseconds_t tv_usec; };
int printf(const char *fmt, ...); int fprintf(FILE *f, const char *fmt, ...); int puts(const char *s);
int putchar(int c); void perror(const char *s); int snprintf(char *buf, size_t n, const char *fmt, ...);
int sprintf(char *buf, const char *fmt, ...); int fflush(FILE *f); char *strerror(int e);
size_t strlen(const char *s); char *strcpy(char *d, const char *s); char *strncpy(char *d, const char *s, size_t n);
char *strcat(char *d, const char *s); int strcmp(const char *a, const char *b); int strncmp(const char *a, const char *b, size_t n);
int memcmp(const void *a, const void *b, size_t n); void *memset(void *p, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n); void *memmove(void *d, const void *s, size_t n);
int atoi(const char *s); long atol(const char *s); long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base); int abs(int x); long labs(long x); int rand(void); void srand(unsigned int s);
void exit(int status); void _exit(int status); void abort(void);
void *malloc(size_t n); void *calloc(size_t n, size_t size); void *realloc(void *p, size_t n); void free(void *p);
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off); int munmap(void *addr, size_t len);
int mprotect(void *addr, size_t len, int prot); void *mremap(void *addr, size_t old_len, size_t new_len, int flags, ...); int open(const char *path, int flags, ...); int close(int fd);
int ftruncate(int fd, off_t len); int unlink(const char *path); int madvise(void *addr, size_t len, int advice);
int mincore(void *addr, size_t len, unsigned char *vec);
int mlock(const void *addr, size_t len); int mlock2(const void *addr, size_t len, unsigned int flags);
int munlock(const void *addr, size_t len); int mlockall(int flags); int munlockall(void);
int brk(void *addr); void *sbrk(intptr_t incr);
pid_t fork(void); pid_t wait(int *status); pid_t waitpid(pid_t pid, int *status, int options);
pid_t getpid(void); pid_t getppid(void); uid_t getuid(void); uid_t geteuid(void);
int execl(const char *path, const char *arg, ...); int execlp(const char *file, const char *arg, ...);
int execv(const char *path, char *const argv[]); int execvp(const char *file, char *const argv[]);
int posix_spawn(pid_t *pid, const char *path, const void *file_actions, const void *attrp, char *const argv[], char *const envp[]);
int posix_spawnp(pid_t *pid, const char *file, const void *file_actions, const void *attrp, char *const argv[], char *const envp[]);
int spawnl(int mode, const char *path, const char *arg0, ...); int spawnv(int mode, const char *path, char *const argv[]);
int setrlimit(int res, const struct rlimit *rl); int getrlimit(int res, struct rlimit *rl);
unsigned int sleep(unsigned int s); int usleep(useconds_t us); int nanosleep(const struct timespec *req, struct timespec *rem);
int clock_gettime(clockid_t clk, struct timespec *ts); time_t time(time_t *t);
long sysconf(int name); int getpagesize(void); int ThreadCtl(int cmd, void *data); int procmgr_ability(pid_t pid, ...);
void __zero(void *p, size_t n); void __initcopy(void *d, const void *s, size_t n); void *__alloca(size_t n);
struct rusage { struct timeval ru_utime; struct timeval ru_stime; long ru_maxrss; long ru_ixrss; long ru_idrss;
  long ru_isrss; long ru_minflt; long ru_majflt; long ru_nswap; long ru_inblock; long ru_oublock; long ru_msgsnd;
  long ru_msgrcv; long ru_nsignals; long ru_nvcsw; long ru_nivcsw; };
struct sched_param { int sched_priority; };
typedef struct { unsigned long __bits[16]; } cpu_set_t;
int getrusage(int who, struct rusage *usage); int mallopt(int param, int value); int malloc_trim(size_t pad);
int sched_setscheduler(pid_t pid, int policy, const struct sched_param *param); int sched_getscheduler(pid_t pid);
int sched_setparam(pid_t pid, const struct sched_param *param); int sched_getparam(pid_t pid, struct sched_param *param);
int sched_get_priority_max(int policy); int sched_get_priority_min(int policy);
int sched_setaffinity(pid_t pid, size_t size, const cpu_set_t *mask); int sched_yield(void);
int clock_nanosleep(clockid_t clk, int flags, const struct timespec *req, struct timespec *rem);
int clock_getres(clockid_t clk, struct timespec *res); int gettimeofday(struct timeval *tv, void *tz);
int getchar(void); int pause(void); ssize_t read(int fd, void *buf, size_t n); ssize_t write(int fd, const void *buf, size_t n);
ssize_t pread(int fd, void *buf, size_t n, off_t off); ssize_t pwrite(int fd, const void *buf, size_t n, off_t off);
int fsync(int fd); int posix_fadvise(int fd, off_t off, off_t len, int advice);
int memfd_create(const char *name, unsigned int flags); long syscall(long number, ...); pid_t gettid(void);
typedef unsigned long pthread_t; typedef struct { unsigned long __size[7]; } pthread_attr_t;
int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *start_routine, void *arg);
int pthread_join(pthread_t thread, void **retval); pthread_t pthread_self(void);
int pthread_attr_init(pthread_attr_t *attr); int pthread_attr_destroy(pthread_attr_t *attr);
int pthread_attr_setstacksize(pthread_attr_t *attr, size_t size); int pthread_attr_getstacksize(const pthread_attr_t *attr, size_t *size);
int pthread_attr_setschedpolicy(pthread_attr_t *attr, int policy);
int pthread_attr_setschedparam(pthread_attr_t *attr, const struct sched_param *param);
int pthread_attr_setinheritsched(pthread_attr_t *attr, int inherit);
struct option { const char *name; int has_arg; int *flag; int val; };
int getopt(int argc, char *const argv[], const char *optstring);
int getopt_long(int argc, char *const argv[], const char *optstring, const struct option *longopts, int *longindex);
)";
}

Parser::Parser(const std::vector<Token>& toks, const std::string& src, Program& prog) : t(toks), P(prog) {
  std::string line;
  for (char c : src) {
    if (c == '\n') { src_lines.push_back(line); line.clear(); } else line += c;
  }
  src_lines.push_back(line);
  push_scope();
  // Library objects that are variables in C but constants here.
  auto add = [&](const char* n, i64 v) {
    Sym* s = new_sym(SymKind::Builtin, n, nullptr, 0, 0);
    s->value = v;
  };
  add("stdin", 0); add("stdout", 1); add("stderr", 2);
}

std::string Parser::tok_desc(const Token& k) const {
  switch (k.k) {
    case Tk::End: return "end of input";
    case Tk::Str: return "string constant";
    case Tk::Int: case Tk::Float: case Tk::Char: return "numeric constant";
    default: return "'" + k.text + "'";
  }
}

void Parser::expect(const char* s, const char* after) {
  if (accept(s)) return;
  // gcc reports a missing ';' at the end of the previous token, which is easier to read.
  if (std::string(s) == ";" && p > 0 && t[p - 1].line != cur().line) {
    const Token& prev = t[p - 1];
    int len = prev.k == Tk::Str ? (int)prev.text.size() + 2 : std::max<int>(1, (int)prev.text.size());
    fail_at(prev.line, prev.col + len, std::string("expected ';'") + (after ? std::string(" ") + after : ""));
  }
  fail(cur(), std::string("expected '") + s + "'" + (after ? std::string(" ") + after : "") + " before " + tok_desc(cur()));
}

Sym* Parser::lookup(const std::string& n) const {
  for (auto it = scopes.rbegin(); it != scopes.rend(); ++it) {
    auto f = it->find(n);
    if (f != it->end()) return f->second;
  }
  return nullptr;
}

StructDef* Parser::lookup_tag(const std::string& n) const {
  for (auto it = tags.rbegin(); it != tags.rend(); ++it) {
    auto f = it->find(n);
    if (f != it->end()) return f->second;
  }
  return nullptr;
}

Sym* Parser::new_sym(SymKind k, const std::string& name, const Type* ty, int line, int col) {
  P.sym_pool.push_back(std::make_unique<Sym>());
  Sym* s = P.sym_pool.back().get();
  s->kind = k; s->name = name; s->ty = ty; s->line = line; s->col = col;
  if (!name.empty()) scopes.back()[name] = s;
  return s;
}

static const char* kTypeWords[] = {"void", "char", "short", "int", "long", "signed", "unsigned", "float",
                                   "double", "_Bool", "struct", "union", "enum", "const", "volatile",
                                   "static", "extern", "typedef", "register", "auto", "inline", "restrict"};

bool Parser::starts_type() const {
  if (cur().k != Tk::Ident) return false;
  for (const char* w : kTypeWords) if (cur().text == w) return true;
  Sym* s = lookup(cur().text);
  return s && s->kind == SymKind::Typedef;
}

DeclSpec Parser::parse_specs() {
  DeclSpec ds;
  ds.line = cur().line; ds.col = cur().col;
  int n_long = 0, n_short = 0, n_signed = 0, n_unsigned = 0;
  const Type* base = nullptr;
  bool seen_int = false, any = false;
  for (;;) {
    const Token& k = cur();
    if (k.k != Tk::Ident) break;
    const std::string& w = k.text;
    if (w == "const" || w == "volatile" || w == "register" || w == "auto" || w == "inline" || w == "restrict") { p++; any = true; continue; }
    if (w == "typedef") { ds.is_typedef = true; p++; any = true; continue; }
    if (w == "static") { ds.is_static = true; p++; any = true; continue; }
    if (w == "extern") { ds.is_extern = true; p++; any = true; continue; }
    if (w == "long") { n_long++; p++; any = true; continue; }
    if (w == "short") { n_short++; p++; any = true; continue; }
    if (w == "signed") { n_signed++; p++; any = true; continue; }
    if (w == "unsigned") { n_unsigned++; p++; any = true; continue; }
    if (w == "int") { if (seen_int || base) fail(k, "two or more data types in declaration specifiers"); seen_int = true; p++; any = true; continue; }
    if (w == "void" || w == "char" || w == "float" || w == "double" || w == "_Bool") {
      if (base || seen_int) fail(k, "two or more data types in declaration specifiers");
      base = P.types.basic(w == "void" ? TK::Void : w == "char" ? TK::Char : w == "float" ? TK::Float : w == "double" ? TK::Double : TK::Bool);
      p++; any = true; continue;
    }
    if (w == "struct" || w == "union") {
      if (base || seen_int) fail(k, "two or more data types in declaration specifiers");
      bool is_union = w == "union";
      p++;
      std::string tag;
      Token tag_tok = cur();
      if (cur().k == Tk::Ident) { tag = cur().text; p++; }
      StructDef* sd = nullptr;
      if (is("{")) {
        // A definition: a new type in the current scope (or completing a forward one here).
        auto f = tag.empty() ? tags.back().end() : tags.back().find(tag);
        if (f != tags.back().end() && !f->second->complete) sd = f->second;
        else if (f != tags.back().end()) fail(tag_tok, "redefinition of '" + w + " " + tag + "'");
        else { sd = P.types.new_struct(tag, is_union); if (!tag.empty()) tags.back()[tag] = sd; }
        parse_struct_body(sd);
      } else {
        if (tag.empty()) fail(cur(), "expected '{' before " + tok_desc(cur()));
        sd = lookup_tag(tag);
        if (!sd) { sd = P.types.new_struct(tag, is_union); tags.back()[tag] = sd; }
        else if (sd->is_union != is_union) fail(tag_tok, "'" + tag + "' defined as wrong kind of tag");
      }
      base = P.types.structure(sd);
      any = true;
      continue;
    }
    if (w == "enum") {
      if (base || seen_int) fail(k, "two or more data types in declaration specifiers");
      base = parse_enum();
      any = true;
      continue;
    }
    if (!base && !seen_int && !n_long && !n_short && !n_signed && !n_unsigned) {
      Sym* s = lookup(w);
      if (s && s->kind == SymKind::Typedef) { base = s->ty; p++; any = true; continue; }
    }
    break;
  }
  if (!any && cur().k == Tk::Ident && not_modelled(cur().text)) fail(cur(), "pinpages does not model " + cur().text + " yet");
  if (!any) fail(cur(), "expected declaration specifiers before " + tok_desc(cur()));
  if (n_signed && n_unsigned) fail_at(ds.line, ds.col, "both 'signed' and 'unsigned' in declaration specifiers");
  if (n_long > 2 || (n_long && n_short)) fail_at(ds.line, ds.col, "invalid combination of type specifiers");
  if (base) {
    if (base->k == TK::Char && (n_signed || n_unsigned)) base = P.types.basic(n_unsigned ? TK::UChar : TK::SChar);
    else if (base->k == TK::Double && n_long) fail_at(ds.line, ds.col, "'long double' is not supported in this C subset");
    else if (n_long || n_short || n_signed || n_unsigned) fail_at(ds.line, ds.col, "invalid combination of type specifiers");
    ds.ty = base;
  } else if (n_short) {
    ds.ty = P.types.basic(n_unsigned ? TK::UShort : TK::Short);
  } else if (n_long) {
    ds.ty = P.types.basic(n_unsigned ? TK::ULong : TK::Long);
  } else if (seen_int || n_signed || n_unsigned) {
    ds.ty = P.types.basic(n_unsigned ? TK::UInt : TK::Int);
  } else {
    fail_at(ds.line, ds.col, "type specifier missing in declaration");
  }
  return ds;
}

void Parser::parse_struct_body(StructDef* sd) {
  expect("{");
  while (!is("}")) {
    if (cur().k == Tk::End) fail(cur(), "expected '}' at end of input");
    DeclSpec ds = parse_specs();
    if (ds.is_typedef || ds.is_static || ds.is_extern) fail_at(ds.line, ds.col, "storage class in a struct member");
    if (is(";")) { p++; continue; }
    for (;;) {
      Declarator d = parse_declarator(ds.ty, false);
      if (d.ty->k == TK::Func) fail_at(d.line, d.col, "field '" + d.name + "' declared as a function");
      if (d.ty->k == TK::Void) fail_at(d.line, d.col, "field '" + d.name + "' has incomplete type");
      if (d.ty->k == TK::Struct && !d.ty->sd->complete) fail_at(d.line, d.col, "field '" + d.name + "' has incomplete type");
      if (d.ty->k == TK::Array && d.ty->incomplete) fail_at(d.line, d.col, "flexible array members are not supported");
      if (sd->find(d.name)) fail_at(d.line, d.col, "duplicate member '" + d.name + "'");
      if (is(":")) fail(cur(), "bit-fields are not supported in this C subset");
      sd->fields.push_back({d.name, d.ty, 0});
      if (!accept(",")) break;
    }
    expect(";", "at end of declaration");
  }
  p++;
  layout_struct(sd);
}

const Type* Parser::parse_enum() {
  p++;  // enum
  if (cur().k == Tk::Ident) p++;
  if (accept("{")) {
    i64 next = 0;
    while (!is("}")) {
      if (cur().k != Tk::Ident) fail(cur(), "expected identifier before " + tok_desc(cur()));
      Token name = cur();
      p++;
      if (accept("=")) next = const_int(conditional());
      if (scopes.back().count(name.text)) fail(name, "redeclaration of '" + name.text + "'");
      Sym* s = new_sym(SymKind::EnumConst, name.text, P.types.basic(TK::Int), name.line, name.col);
      s->value = (i64)(std::int32_t)next;
      next++;
      if (!accept(",")) break;
    }
    expect("}");
  }
  return P.types.basic(TK::Int);
}

Declarator Parser::parse_declarator(const Type* base, bool abstract_ok) {
  Nest guard(*this, cur());
  Declarator d;
  const Type* ty = base;
  while (is("*")) {
    p++;
    ty = P.types.ptr(ty);
    while (is_kw("const") || is_kw("volatile") || is_kw("restrict")) p++;
  }
  d.line = cur().line; d.col = cur().col;
  if (is("(")) {
    if (peek().k == Tk::Punct && peek().text == "*") fail(cur(), "function pointers are not supported in this C subset");
    if (!abstract_ok) fail(cur(), "expected identifier or '(' before " + tok_desc(cur()));
  }
  if (cur().k == Tk::Ident && !starts_type()) {
    d.name = cur().text;
    p++;
  } else if (!abstract_ok) {
    fail(cur(), "expected identifier or '(' before " + tok_desc(cur()));
  }
  // Array dimensions apply innermost-last: int a[2][3] is 2 arrays of 3 ints.
  std::vector<std::pair<u64, bool>> dims;
  bool is_fn = false;
  FuncSig sig;
  while (is("[") || is("(")) {
    if (is("[")) {
      Token at = cur();
      p++;
      if (accept("]")) { dims.push_back({0, true}); continue; }
      Expr* e = conditional();
      bool constant = true;
      try { constant = const_eval(e).k == ConstVal::Int; } catch (const LangError&) { constant = false; }
      if (!constant && !vla_ok && scopes.size() == 1 && !d.name.empty())
        fail_at(d.line, d.col, "variably modified '" + d.name + "' at file scope");
      if (!constant && vla_ok && dims.empty() && !d.vla_len) {
        if (!is_integer(rvalue(e)->ty)) fail_at(e->line, e->col, "size of array '" + d.name + "' has non-integer type");
        d.vla_len = e;  // the outermost dimension of a local: a variable-length array
        expect("]");
        continue;
      }
      i64 n = const_int(e);
      if (n < 0) fail(at, "size of array '" + d.name + "' is negative");
      dims.push_back({(u64)n, false});
      expect("]");
    } else {
      if (is_fn) fail(cur(), "'" + d.name + "' declared as function returning a function");
      if (!dims.empty()) fail(cur(), "declaration of '" + d.name + "' as array of functions");
      p++;
      is_fn = true;
      if (is_kw("void") && peek().k == Tk::Punct && peek().text == ")") { p += 2; continue; }
      if (accept(")")) { sig.unspecified = true; continue; }
      for (;;) {
        if (accept("...")) { sig.variadic = true; expect(")"); break; }
        DeclSpec ps = parse_specs();
        Declarator pd = parse_declarator(ps.ty, true);
        const Type* pt = pd.ty;
        if (pt->k == TK::Array) pt = P.types.ptr(pt->base);  // parameters adjust to pointers
        if (pt->k == TK::Void) fail_at(pd.line, pd.col, "parameter has incomplete type 'void'");
        if (pt->k == TK::Struct) fail_at(pd.line, pd.col, "passing structs by value is not supported in this C subset");
        sig.params.push_back(pt);
        d.param_names.push_back(pd.name);
        d.param_pos.push_back({pd.line, pd.col});
        if (accept(")")) break;
        expect(",");
      }
    }
  }
  for (size_t i = dims.size(); i-- > 0;) {
    if (ty->k == TK::Void) fail_at(d.line, d.col, "declaration of '" + d.name + "' as array of voids");
    if (ty->k == TK::Struct && !ty->sd->complete) fail_at(d.line, d.col, "array type has incomplete element type '" + type_name(ty) + "'");
    if (ty->k == TK::Array && ty->incomplete) fail_at(d.line, d.col, "array type has incomplete element type");
    ty = P.types.array(ty, dims[i].first, dims[i].second);
    if (size_of(ty) > (1ull << 40)) fail_at(d.line, d.col, "size of array '" + d.name + "' is too large");
  }
  if (d.vla_len) {
    if (is_fn) fail_at(d.line, d.col, "variable-length arrays are supported as local variables only");
    ty = P.types.ptr(ty);
  }
  if (is_fn) {
    if (ty->k == TK::Array) fail_at(d.line, d.col, "'" + d.name + "' declared as function returning an array");
    if (ty->k == TK::Struct) fail_at(d.line, d.col, "returning structs by value is not supported in this C subset");
    sig.ret = ty;
    ty = P.types.func(std::move(sig));
  }
  d.ty = ty;
  return d;
}

const Type* Parser::parse_type_name() {
  DeclSpec ds = parse_specs();
  if (ds.is_typedef || ds.is_static || ds.is_extern) fail_at(ds.line, ds.col, "storage class in a type name");
  Declarator d = parse_declarator(ds.ty, true);
  if (!d.name.empty()) fail_at(d.line, d.col, "expected ')' before '" + d.name + "'");
  return d.ty;
}

// An object of a struct type never defined: a real header's struct the interpreter does
// not know yet, or the program's own mistake (gcc's message).
void Parser::incomplete_object(const Declarator& d) {
  const std::string tag = (d.ty->sd->is_union ? "union " : "struct ") + d.ty->sd->tag;
  if (not_modelled(tag)) fail_at(d.line, d.col, "pinpages does not model " + tag + " yet");
  fail_at(d.line, d.col, "storage size of '" + d.name + "' isn't known");
}

// getopt's globals (optarg, optind, opterr, optopt) exist only in programs that use
// them, so that every other program's .data/.bss stays exactly as gcc lays it out.
Sym* Parser::getopt_global(const std::string& name) {
  bool ptr = name == "optarg";
  if (!ptr && name != "optind" && name != "opterr" && name != "optopt") return nullptr;
  const Type* ty = ptr ? P.types.ptr(P.types.basic(TK::Char)) : P.types.basic(TK::Int);
  P.sym_pool.push_back(std::make_unique<Sym>());
  Sym* s = P.sym_pool.back().get();
  s->kind = SymKind::Global; s->name = name; s->ty = ty;
  s->named_object = false;
  scopes.front()[name] = s;
  bool one = name == "optind" || name == "opterr";  // both start at 1
  s->section = one ? 0 : 1;
  u64& sec = one ? P.data_size : P.bss_size;
  sec = align_up(sec, size_of(ty));
  s->off = (i64)sec;
  sec += size_of(ty);
  if (one) {
    ConstVal v;
    v.i = 1;
    P.ginits.push_back({s, 0, ty, v});
  }
  return s;
}

void Parser::parse_translation_unit() {
  while (cur().k != Tk::End) global_decl();
  if (P.main_func < 0) fail(cur(), "the lesson has no main() function");
}

void Parser::global_decl() {
  if (accept(";")) return;
  size_t start = p;
  DeclSpec ds;
  if (cur().k == Tk::Ident && cur().text == "main" && !lookup("main") && t[p + 1].text == "(") {
    // K&R style `main() { ... }`: gcc accepts it (the return type defaults to int).
    ds.line = cur().line; ds.col = cur().col;
    ds.ty = P.types.basic(TK::Int);
  } else {
    ds = parse_specs();
  }
  if (accept(";")) return;  // struct/enum declaration only
  for (;;) {
    Declarator d = parse_declarator(ds.ty, false);
    if (ds.is_typedef) {
      Sym* old = scopes.back().count(d.name) ? scopes.back()[d.name] : nullptr;
      if (old && (old->kind != SymKind::Typedef || old->ty != d.ty)) fail_at(d.line, d.col, "conflicting types for '" + d.name + "'");
      new_sym(SymKind::Typedef, d.name, d.ty, d.line, d.col);
    } else if (d.ty->k == TK::Func) {
      Sym* s = lookup(d.name);
      if (s && s->kind != SymKind::Func) fail_at(d.line, d.col, "'" + d.name + "' redeclared as different kind of symbol");
      bool was_program_declared = s && s->program_declared;
      if (s && d.line > 0) s->program_declared = true;
      if (!s) {
        s = new_sym(SymKind::Func, d.name, d.ty, d.line, d.col);
        s->program_declared = d.line > 0;  // the prelude's tokens are at line 0
        s->func = (int)P.funcs.size();
        P.funcs.push_back(Function{});
        Function& f = P.funcs.back();
        f.name = d.name; f.sym = s; f.sig = d.ty->fn; f.line = d.line; f.col = d.col;
        f.builtin = builtin_id(d.name);
      } else if (s->ty->fn->params.size() != d.ty->fn->params.size() && !s->ty->fn->unspecified && !d.ty->fn->unspecified) {
        // A program may define its own function with a library name whose header it did
        // not include (gcc accepts that); its definition then replaces the library's.
        bool own = !was_program_declared && is("{") && !library_header_included(d.name);
        if (!own) fail_at(d.line, d.col, "conflicting types for '" + d.name + "'");
      }
      if (is("{")) {
        if (P.funcs[s->func].body) fail_at(d.line, d.col, "redefinition of '" + d.name + "'");
        if (d.name == "main") { P.main_func = s->func; P.main_tok = (int)start; }
        // The definition's signature wins (a prototype "int f()" may precede it).
        s->ty = d.ty;
        P.funcs[s->func].sig = d.ty->fn;
        P.funcs[s->func].builtin = -1;
        function_def(d, s);
        return;
      }
    } else {
      declare_global(ds, d);
    }
    if (!accept(",")) break;
  }
  expect(";", "after top level declarator");
}

void Parser::declare_global(const DeclSpec& ds, Declarator& d) {
  if (d.ty->k == TK::Void) fail_at(d.line, d.col, "variable '" + d.name + "' declared void");
  Sym* s = scopes.back().count(d.name) ? scopes.back()[d.name] : nullptr;
  if (s && s->kind != SymKind::Global) fail_at(d.line, d.col, "'" + d.name + "' redeclared as different kind of symbol");
  bool has_init = is("=");
  if (s) {
    // Tentative definitions and extern declarations may repeat with the same type (an array
    // may be completed); initialising twice may not.
    bool same = s->ty == d.ty || (s->ty->k == TK::Array && d.ty->k == TK::Array && s->ty->base == d.ty->base &&
                                  (s->ty->incomplete || d.ty->incomplete));
    if (!same) fail_at(d.line, d.col, "conflicting types for '" + d.name + "'");
    if (has_init && s->value) fail_at(d.line, d.col, "redefinition of '" + d.name + "'");
    if (!has_init) return;
  }
  const Type* ty = d.ty;
  if (ty->k == TK::Struct && !ty->sd->complete) incomplete_object(d);
  if (!s) s = new_sym(SymKind::Global, d.name, ty, d.line, d.col);
  if (has_init) {
    p++;
    // An array of unknown size takes its size from the initializer.
    if (ty->k == TK::Array && ty->incomplete) {
      if (cur().k == Tk::Str && ty->base->k == TK::Char) ty = P.types.array(ty->base, cur().text.size() + 1);
      else if (is("{")) ty = P.types.array(ty->base, count_init_elems());
      s->ty = ty;
    }
    s->value = 1;  // initialised (a second initialiser is a redefinition)
    size_t first = P.ginits.size();
    global_initializer(s, ty, 0);
    // gcc puts globals initialised to zero in .bss, like uninitialised ones.
    bool zero = true;
    for (size_t i = first; i < P.ginits.size() && zero; i++) {
      const ConstVal& v = P.ginits[i].value;
      zero = (v.k == ConstVal::Int && v.i == 0) || (v.k == ConstVal::Float && v.f == 0 && !std::signbit(v.f));
    }
    s->section = zero ? 1 : 0;
    if (zero) P.ginits.resize(first);
  } else {
    s->section = 1;
    if (ty->k == TK::Array && ty->incomplete) s->ty = ty = P.types.array(ty->base, 1);  // gcc: assumed to have one element
  }
  u64 a = std::max<u64>(align_of(ty), size_of(ty) >= 16 ? 16 : 1);  // gcc aligns big arrays to 16
  u64& sec = s->section == 0 ? P.data_size : P.bss_size;
  sec = align_up(sec, a);
  s->off = (i64)sec;
  sec += size_of(ty);
  P.globals.push_back(s);
  (void)ds;
}

// Number of top-level elements in the brace initializer at the cursor (for "a[] = {...}").
u64 Parser::count_init_elems() {
  size_t q = p + 1;
  int depth = 0;
  u64 n = 0;
  bool any = false;
  for (; q < t.size() && t[q].k != Tk::End; q++) {
    if (t[q].k == Tk::Punct && (t[q].text == "{" || t[q].text == "(")) depth++;
    else if (t[q].k == Tk::Punct && (t[q].text == "}" || t[q].text == ")")) { if (depth == 0) break; depth--; }
    else if (depth == 0 && t[q].k == Tk::Punct && t[q].text == ",") { n++; any = false; continue; }
    any = true;
  }
  return n + (any ? 1 : 0);
}

void Parser::global_initializer(Sym* s, const Type* ty, u64 off) {
  Nest guard(*this, cur());
  if (is("{")) {
    Token open = cur();
    p++;
    if (ty->k == TK::Array) {
      u64 n = 0;
      while (!is("}")) {
        if (n >= ty->count) fail(cur(), "excess elements in array initializer");
        global_initializer(s, ty->base, off + n * size_of(ty->base));
        n++;
        if (!accept(",")) break;
      }
    } else if (ty->k == TK::Struct) {
      size_t n = 0;
      while (!is("}")) {
        if (n >= ty->sd->fields.size()) fail(cur(), "excess elements in struct initializer");
        global_initializer(s, ty->sd->fields[n].ty, off + ty->sd->fields[n].off);
        n++;
        if (!accept(",")) break;
        if (ty->sd->is_union) break;
      }
    } else {
      global_initializer(s, ty, off);
      accept(",");
    }
    if (!is("}")) fail(cur(), "expected '}' before " + tok_desc(cur()));
    p++;
    (void)open;
    return;
  }
  if (ty->k == TK::Array && ty->base->k == TK::Char && cur().k == Tk::Str) {
    Token st = cur();
    p++;
    if (st.text.size() > ty->count) fail(st, "initializer-string for array of 'char' is too long");
    for (size_t i = 0; i < st.text.size(); i++) {
      ConstVal v;
      v.i = (i64)(signed char)st.text[i];
      P.ginits.push_back({s, off + i, P.types.basic(TK::Char), v});
    }
    return;
  }
  Token at = cur();
  Expr* e = assignment();
  if (ty->k == TK::Array || ty->k == TK::Struct) fail(at, "invalid initializer");
  e = convert(rvalue(e), ty, "initialization");
  P.ginits.push_back({s, off, ty, const_eval(e)});  // rejects non-constant initializers, with a position
}

void Parser::function_def(const Declarator& d, Sym* fsym) {
  Function* f = &P.funcs[fsym->func];
  fn = f;
  frame_off = 0;
  push_scope();
  const FuncSig* sig = d.ty->fn;
  f->params.clear();
  f->locals.clear();
  for (size_t i = 0; i < sig->params.size(); i++) {
    if (d.param_names[i].empty()) fail_at(d.param_pos[i].first, d.param_pos[i].second, "parameter name omitted");
    if (scopes.back().count(d.param_names[i])) fail_at(d.param_pos[i].first, d.param_pos[i].second, "redefinition of parameter '" + d.param_names[i] + "'");
    Sym* s = new_sym(SymKind::Local, d.param_names[i], sig->params[i], d.param_pos[i].first, d.param_pos[i].second);
    frame_off = align_up(frame_off + size_of(s->ty), align_of(s->ty));
    s->off = (i64)frame_off;
    s->is_param = true;
    f->params.push_back(s);
    f->locals.push_back(s);
  }
  f->body = block();
  pop_scope();
  f->frame_size = align_up(frame_off, 16);
  fn = nullptr;
}

}  // namespace pp::lang
