// pinpages lang — internals shared by parser.cpp (declarations, statements) and
// parse_expr.cpp (expressions and their typing). Not part of the interface.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "lang/ast.h"
#include "lang/lexer.h"

namespace pp::lang {

struct DeclSpec {
  const Type* ty = nullptr;
  bool is_typedef = false, is_static = false, is_extern = false;
  int line = 0, col = 0;
};

struct Declarator {
  std::string name;
  const Type* ty = nullptr;
  int line = 0, col = 0;
  std::vector<Sym*> params;  // for a function declarator: parameters (unplaced)
  std::vector<std::string> param_names;
  std::vector<std::pair<int, int>> param_pos;
  Expr* vla_len = nullptr;  // a local `T name[n]` with n known only at run time (ty is then T*)
};


class Parser {
 public:
  Parser(const std::vector<Token>& toks, const std::string& src, Program& prog);
  void parse_translation_unit();

  // --- tokens
  const std::vector<Token>& t;
  size_t p = 0;
  Program& P;
  std::vector<std::string> src_lines;

  const Token& cur() const { return t[p]; }
  const Token& peek(size_t k = 1) const { return t[p + k < t.size() ? p + k : t.size() - 1]; }
  bool is(const char* s) const { return t[p].k == Tk::Punct && t[p].text == s; }
  bool is_kw(const char* s) const { return t[p].k == Tk::Ident && t[p].text == s; }
  bool accept(const char* s) { if (is(s)) { p++; return true; } return false; }
  void expect(const char* s, const char* after = nullptr);
  [[noreturn]] void fail(const Token& at, const std::string& m) const { throw LangError{at.line, at.col, m}; }
  [[noreturn]] void fail_at(int line, int col, const std::string& m) const { throw LangError{line, col, m}; }
  std::string tok_desc(const Token& k) const;

  // Nesting guard: deeply nested input is a diagnostic, not a native stack overflow.
  int depth = 0;
  struct Nest {
    Parser& ps;
    Nest(Parser& p, const Token& at) : ps(p) {
      if (++ps.depth > 256) { ps.depth = 0; throw LangError{at.line, at.col, "nested too deeply (more than 256 levels)"}; }
    }
    ~Nest() { if (ps.depth > 0) ps.depth--; }
  };

  // --- scopes
  std::vector<std::map<std::string, Sym*>> scopes;
  std::vector<std::map<std::string, StructDef*>> tags;
  Sym* lookup(const std::string& n) const;
  StructDef* lookup_tag(const std::string& n) const;
  Sym* new_sym(SymKind k, const std::string& name, const Type* ty, int line, int col);
  void push_scope() { scopes.emplace_back(); tags.emplace_back(); }
  void pop_scope() { scopes.pop_back(); tags.pop_back(); }

  // --- declarations (parser.cpp)
  bool starts_type() const;
  DeclSpec parse_specs();
  Declarator parse_declarator(const Type* base, bool abstract_ok);
  const Type* parse_type_name();  // for casts and sizeof
  void parse_struct_body(StructDef* sd);
  const Type* parse_enum();
  void global_decl();
  void function_def(const Declarator& d, Sym* fsym);
  void declare_global(const DeclSpec& ds, Declarator& d);
  [[noreturn]] void incomplete_object(const Declarator& d);
  void vla_local(Stmt* st, const Declarator& d);
  Sym* getopt_global(const std::string& name);
  bool library_header_included(const std::string& name) const;
  void global_initializer(Sym* s, const Type* ty, u64 off);
  u64 count_init_elems();
  Stmt* local_decl();
  void local_initializer(Stmt* st, Expr* addr_of_target, const Type* ty, int depth);
  i64 const_int(Expr* e);
  ConstVal const_eval(Expr* e);
  u64 align_up(u64 v, u64 a) { return (v + a - 1) / a * a; }

  // --- statements (parser.cpp)
  Function* fn = nullptr;
  u64 frame_off = 0;
  std::vector<std::string> included;  // headers the program #included
  bool check_includes = false;        // warn, as gcc does, about library calls with no header
  std::set<std::string> warned;
  bool vla_ok = false;                 // parsing a local declaration: `T a[n]` may have a run-time n
  std::map<const Sym*, Sym*> vla_bytes;  // a variable-length array → the local holding its size
  int loop_depth = 0, switch_depth = 0;
  std::vector<std::vector<Stmt*>*> case_lists;
  Stmt* statement();
  Stmt* statement_inner();
  Stmt* new_stmt(SK k, const Token& at);
  Stmt* block();

  // --- expressions (parse_expr.cpp)
  Expr* expression();
  Expr* assignment();
  Expr* conditional();
  Expr* binary(int prec);
  Expr* cast_expr();
  Expr* unary();
  Expr* postfix();
  Expr* primary();
  Expr* call(Sym* f, const Token& name_tok);

  Expr* mk(EK k, const Type* ty, int line, int col);
  Expr* rvalue(Expr* e);                      // array→pointer decay, function check
  Expr* convert(Expr* e, const Type* to, const char* what);  // implicit conversion
  Expr* cast_to(Expr* e, const Type* to);     // explicit (or already checked) conversion
  Expr* int_lit(i64 v, const Type* ty, int line, int col);
  const Type* arith_type(const Type* a, const Type* b);
  const Type* promote(const Type* a);
  Expr* make_binary(const std::string& op, Expr* l, Expr* r, const Token& at);
  Expr* make_assign(const std::string& op, Expr* l, Expr* r, const Token& at);
  Expr* make_deref(Expr* ptr, const Token& at);
  Expr* make_member(Expr* base, bool arrow, const Token& name, const Token& op_tok);
  void check_lvalue(Expr* e, const Token& at, const char* what);
  bool is_null_const(Expr* e);
  bool is_lvalue(Expr* e) const;
  std::string source_text(int l1, int c1, int l2, int c2) const;
};

}  // namespace pp::lang
