// pinpages lang — the typed syntax tree the parser builds and the compiler lowers.
//
// The parser type-checks as it goes (C is declared-before-use), so every Expr carries
// its type, implicit conversions are explicit Cast nodes, `a.b` / `a->b` / `a[i]` are
// already lowered to `*(addr + offset)`, and the compiler only sees:
//   lvalues:  Var, Deref, Errno          rvalues: everything else
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lang/lexer.h"
#include "lang/types.h"

namespace pp::lang {

using i64 = std::int64_t;
using u64 = std::uint64_t;

enum class EK : std::uint8_t {
  IntLit, FloatLit, StrLit, Var, Errno,
  Unary,      // op: "-", "~", "!"
  Binary,     // op: + - * / % << >> & | ^ == != < > <= >=  (arith; pointer +/- already scaled)
  PtrDiff,    // (p - q) / elem size: ival = element size
  LogAnd, LogOr, Cond, Comma,
  Assign,     // a[0] = a[1]
  OpAssign,   // a[0] op= a[1]; a[1] already converted; ival = pointer scale (or 0)
  IncDec,     // a[0]; ival = delta (scaled for pointers), post = true for x++
  Call,       // a = args; fn = function index or builtin
  Deref, AddrOf, Cast, Decay,  // Decay: array/function lvalue used as pointer
};

struct Sym;

struct Expr {
  EK k = EK::IntLit;
  int line = 0, col = 0;
  const Type* ty = nullptr;
  std::string op;
  i64 ival = 0;
  double fval = 0;
  bool post = false;
  std::vector<Expr*> a;
  Sym* sym = nullptr;      // Var, Call
  int str = -1;            // StrLit: index into Program::strings
  int call_text = -1;      // Call: index into Program::texts (the call's source text)
  const Type* op_ty = nullptr;  // OpAssign: type the operation is done in
};

enum class SK : std::uint8_t {
  Expr, Decl, Block, If, While, DoWhile, For, Switch, Case, Default, Break, Continue,
  Return, Empty,
};

struct Stmt {
  SK k = SK::Empty;
  int line = 0, col = 0;
  int id = -1;                  // statement index (step boundary, annotations)
  Expr* e = nullptr;            // expression / condition / return value
  Expr* e2 = nullptr;           // for: increment
  Stmt* init = nullptr;         // for: init statement
  Stmt* s1 = nullptr;           // body / then
  Stmt* s2 = nullptr;           // else
  std::vector<Stmt*> body;      // block, switch body
  std::vector<Expr*> inits;     // Decl: initialising expressions, in order
  i64 case_val = 0;
};

enum class SymKind : std::uint8_t { Local, Global, Func, EnumConst, Typedef, Builtin };

struct Sym {
  SymKind kind = SymKind::Local;
  std::string name;
  const Type* ty = nullptr;
  int line = 0, col = 0;
  i64 off = 0;            // Local: offset below the frame pointer; Global: offset in its section
  int section = 0;        // Global: 0 = .data, 1 = .bss
  int func = -1;          // Func: index into Program::funcs
  i64 value = 0;          // EnumConst / Builtin constant (stdout, stderr)
  bool is_param = false;
  bool named_object = true;  // reported as a lesson object
  bool program_declared = false;  // Func: the program itself declared it (not only the prelude)
};

struct Function {
  std::string name;
  Sym* sym = nullptr;
  const FuncSig* sig = nullptr;
  std::vector<Sym*> params;
  Stmt* body = nullptr;     // null: declared only (a builtin, or an error at call time)
  int builtin = -1;         // library function implemented by the interpreter
  u64 frame_size = 0;
  int line = 0, col = 0;
  std::vector<Sym*> locals; // every local (for object reports)
};

// A global's initial bytes: filled at load time without touching pages (the loader
// maps .data from the file; nothing faults).
// Result of evaluating a constant initializer.
struct ConstVal {
  enum Kind { Int, Float, Str, Addr } k = Int;
  i64 i = 0;              // Int value, or byte offset added to an Addr
  double f = 0;
  int str = -1;
  Sym* sym = nullptr;
};
struct GlobalInit {
  Sym* sym = nullptr;
  u64 off = 0;            // within the global
  const Type* ty = nullptr;
  ConstVal value;         // int, double, string address or global address
};

struct StmtInfo {
  int line = 0, col = 0;
  int tok = -1;           // index of the statement's first token
  int func = -1;
  int last = -1;          // id of the last statement nested in this one (itself if none)
};

struct Program {
  Types types;
  std::vector<LangError> warnings;  // what gcc would warn about (implicit declarations)
  std::vector<std::unique_ptr<Expr>> expr_pool;
  std::vector<std::unique_ptr<Stmt>> stmt_pool;
  std::vector<std::unique_ptr<Sym>> sym_pool;
  std::vector<Function> funcs;
  std::vector<Sym*> globals;
  std::vector<GlobalInit> ginits;
  std::vector<std::string> strings;   // string literals (.rodata)
  std::vector<u64> string_off;        // offset of each in .rodata
  std::vector<std::string> texts;     // call source texts
  std::vector<StmtInfo> stmts;
  u64 data_size = 0, bss_size = 0, rodata_size = 0;
  int main_func = -1;
  int main_tok = -1;                  // first token of main's definition
};

}  // namespace pp::lang
