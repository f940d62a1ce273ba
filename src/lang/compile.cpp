// pinpages lang — typed AST ──► bytecode.
#include <cstring>

#include "lang/bytecode.h"
#include "lang/builtins.h"
#include "lang/lexer.h"

namespace pp::lang {
namespace {

struct Loop {
  std::vector<size_t> breaks, continues;
  int once_level = 0;
  bool is_switch = false;
};

struct Compiler {
  const Program& P;
  const std::set<int>& once;
  Code C;
  std::vector<Loop> loops;
  int once_level = 0;
  int line = 0, col = 0;
  int depth = 0;
  // Left-associative chains (1+1+...+1) are deep trees: bound the recursion.
  struct Nest {
    Compiler& c;
    Nest(Compiler& cc, int l, int co) : c(cc) {
      if (++c.depth > 2000) { c.depth = 0; throw LangError{l, co, "expression too complex (nested more than 2000 levels)"}; }
    }
    ~Nest() { if (c.depth > 0) c.depth--; }
  };

  Compiler(const Program& p, const std::set<int>& o) : P(p), once(o) {}

  size_t emit(Op op, std::int32_t a = 0, std::int64_t b = 0) {
    Ins i;
    i.op = op; i.a = a; i.b = b; i.line = line; i.col = col;
    C.ins.push_back(i);
    return C.ins.size() - 1;
  }
  size_t emit_w(Op op, int w, int s, int f = 0) {
    size_t k = emit(op);
    C.ins[k].w = (std::uint8_t)w; C.ins[k].s = (std::uint8_t)s; C.ins[k].f = (std::uint8_t)f;
    return k;
  }
  void at(const Expr* e) { line = e->line; col = e->col; }
  void patch(size_t k) { C.ins[k].a = (std::int32_t)C.ins.size(); }
  [[noreturn]] void fail(const Expr* e, const std::string& m) { throw LangError{e->line, e->col, m}; }

  static int fkind(const Type* t) { return t->k == TK::Float ? 1 : t->k == TK::Double ? 2 : 0; }

  void load(const Type* t) { emit_w(Op::Load, (int)size_of(t), is_signed(t) ? 1 : 0, fkind(t)); }
  void store(const Type* t) { emit_w(Op::Store, (int)size_of(t), is_signed(t) ? 1 : 0, fkind(t)); }

  void conv(const Type* from, const Type* to) {
    if (to->k == TK::Void || from == to) return;
    bool fi = is_floating(from), ti = is_floating(to);
    if (to->k == TK::Bool && !fi) { emit(Op::PushI, 0, 0); emit(Op::Ne); return; }
    if (to->k == TK::Bool && fi) { emit(Op::PushF, 0, 0); emit(Op::FNe); return; }
    if (fi && ti) { if (to->k == TK::Float && from->k == TK::Double) emit(Op::F2F32); return; }
    if (!fi && ti) { emit_w(Op::I2F, 0, is_signed(from) ? 1 : 0); if (to->k == TK::Float) emit(Op::F2F32); return; }
    if (fi && !ti) { emit_w(Op::F2I, (int)size_of(to), is_signed(to) ? 1 : 0); return; }
    // integer/pointer ↔ integer/pointer: values are kept normalised, so only narrowing
    // or a change of signedness at a width below 8 needs work.
    u64 ts = size_of(to);
    if (ts < 8) emit_w(Op::Trunc, (int)ts, is_signed(to) ? 1 : 0);
  }

  void gen_addr(const Expr* e) {
    Nest guard(*this, e->line, e->col);
    at(e);
    switch (e->k) {
      case EK::Var:
        if (e->sym->kind == SymKind::Local) emit(Op::LocalAddr, 0, e->sym->off);
        else emit(Op::GlobalAddr, e->sym->section, e->sym->off);
        return;
      case EK::Deref: gen(e->a[0]); return;
      case EK::StrLit: emit(Op::GlobalAddr, 2, (std::int64_t)P.string_off[e->str]); return;
      default: fail(e, "expression is not addressable");
    }
  }

  void gen_cond(const Expr* e) {
    gen(e);
    if (is_floating(e->ty)) { emit(Op::PushF, 0, 0); emit(Op::FNe); }
  }

  Op int_op(const std::string& o, bool s) {
    if (o == "+") return Op::Add;
    if (o == "-") return Op::Sub;
    if (o == "*") return Op::Mul;
    if (o == "/") return s ? Op::DivS : Op::DivU;
    if (o == "%") return s ? Op::ModS : Op::ModU;
    if (o == "<<") return Op::Shl;
    if (o == ">>") return s ? Op::ShrS : Op::ShrU;
    if (o == "&") return Op::And;
    if (o == "|") return Op::Or;
    if (o == "^") return Op::Xor;
    if (o == "==") return Op::Eq;
    if (o == "!=") return Op::Ne;
    if (o == "<") return s ? Op::LtS : Op::LtU;
    if (o == "<=") return s ? Op::LeS : Op::LeU;
    if (o == ">") return s ? Op::GtS : Op::GtU;
    return s ? Op::GeS : Op::GeU;
  }
  Op float_op(const std::string& o) {
    if (o == "+") return Op::FAdd;
    if (o == "-") return Op::FSub;
    if (o == "*") return Op::FMul;
    if (o == "/") return Op::FDiv;
    if (o == "==") return Op::FEq;
    if (o == "!=") return Op::FNe;
    if (o == "<") return Op::FLt;
    if (o == "<=") return Op::FLe;
    if (o == ">") return Op::FGt;
    return Op::FGe;
  }
  static bool is_cmp(const std::string& o) { return o == "==" || o == "!=" || o == "<" || o == ">" || o == "<=" || o == ">="; }

  // Applies `op` to the two values on the stack, computed in type `ot`, result in `rt`.
  void arith(const std::string& op, const Type* ot, const Type* rt) {
    if (is_pointer(ot) || is_pointer(rt)) { emit(op == "-" ? Op::Sub : Op::Add); return; }
    if (is_floating(ot)) {
      emit(float_op(op));
      if (!is_cmp(op) && ot->k == TK::Float) emit(Op::F2F32);
      return;
    }
    emit(int_op(op, is_signed(ot)));
    if (!is_cmp(op) && size_of(rt) < 8) emit_w(Op::Trunc, (int)size_of(rt), is_signed(rt) ? 1 : 0);
  }

  void gen(const Expr* e) {
    Nest guard(*this, e->line, e->col);
    at(e);
    switch (e->k) {
      case EK::IntLit: emit(Op::PushI, 0, e->ival); return;
      case EK::FloatLit: { std::int64_t bits; double d = e->fval; std::memcpy(&bits, &d, 8); emit(Op::PushF, 0, bits); return; }
      case EK::StrLit: gen_addr(e); return;
      case EK::Var: case EK::Deref:
        gen_addr(e);
        if (e->ty->k == TK::Array || e->ty->k == TK::Struct || e->ty->k == TK::Func) return;
        at(e);
        load(e->ty);
        return;
      case EK::Errno: emit(Op::LoadErrno); return;
      case EK::Decay: case EK::AddrOf: gen_addr(e->a[0]); return;
      case EK::Cast: gen(e->a[0]); conv(e->a[0]->ty, e->ty); return;
      case EK::Unary:
        gen(e->a[0]);
        at(e);
        if (e->op == "!") {
          if (is_floating(e->a[0]->ty)) { emit(Op::PushF, 0, 0); emit(Op::FEq); } else emit(Op::LNot);
        } else if (e->op == "-") {
          if (is_floating(e->ty)) emit(Op::FNeg);
          else { emit(Op::Neg); if (size_of(e->ty) < 8) emit_w(Op::Trunc, (int)size_of(e->ty), is_signed(e->ty)); }
        } else {
          emit(Op::Not);
          if (size_of(e->ty) < 8) emit_w(Op::Trunc, (int)size_of(e->ty), is_signed(e->ty));
        }
        return;
      case EK::Binary: {
        gen(e->a[0]);
        gen(e->a[1]);
        at(e);
        const Type* ot = e->op_ty ? e->op_ty : is_cmp(e->op) ? e->a[0]->ty : e->ty;
        arith(e->op, ot, e->ty);
        return;
      }
      case EK::PtrDiff:
        gen(e->a[0]); gen(e->a[1]); at(e);
        emit(Op::Sub);
        if (e->ival != 1) { emit(Op::PushI, 0, e->ival); emit(Op::DivS); }
        return;
      case EK::LogAnd: case EK::LogOr: {
        bool is_and = e->k == EK::LogAnd;
        gen_cond(e->a[0]);
        size_t j1 = emit(is_and ? Op::Jz : Op::Jnz);
        gen_cond(e->a[1]);
        size_t j2 = emit(is_and ? Op::Jz : Op::Jnz);
        emit(Op::PushI, 0, is_and ? 1 : 0);
        size_t j3 = emit(Op::Jmp);
        patch(j1); patch(j2);
        emit(Op::PushI, 0, is_and ? 0 : 1);
        patch(j3);
        return;
      }
      case EK::Cond: {
        gen_cond(e->a[0]);
        size_t jz = emit(Op::Jz);
        gen(e->a[1]);
        size_t j = emit(Op::Jmp);
        patch(jz);
        gen(e->a[2]);
        patch(j);
        return;
      }
      case EK::Comma: gen(e->a[0]); emit(Op::Pop); gen(e->a[1]); return;
      case EK::Assign: {
        const Expr* l = e->a[0];
        if (l->k == EK::Errno) { gen(e->a[1]); emit(Op::StoreErrno); return; }
        if (e->ty->k == TK::Struct) {
          gen_addr(l); gen_addr(e->a[1]); at(e);
          emit(Op::Memcpy, 0, (std::int64_t)size_of(e->ty));
          return;
        }
        gen_addr(l);
        gen(e->a[1]);
        at(e);
        store(e->ty);
        return;
      }
      case EK::OpAssign: {
        const Expr* l = e->a[0];
        if (l->k == EK::Errno) {
          emit(Op::LoadErrno);
          conv(l->ty, e->op_ty);
          gen(e->a[1]); at(e);
          arith(e->op, e->op_ty, e->op_ty);
          conv(e->op_ty, l->ty);
          emit(Op::StoreErrno);
          return;
        }
        gen_addr(l);
        emit(Op::Dup);
        load(l->ty);
        conv(l->ty, e->op_ty);
        gen(e->a[1]);
        at(e);
        arith(e->op, e->op_ty, e->op_ty);
        conv(e->op_ty, l->ty);
        store(l->ty);
        return;
      }
      case EK::IncDec: {
        const Expr* l = e->a[0];
        if (l->k == EK::Errno) {
          emit(Op::LoadErrno);
          if (e->post) emit(Op::Dup);
          emit(Op::PushI, 0, e->ival); emit(Op::Add); emit_w(Op::Trunc, 4, 1);
          emit(Op::StoreErrno);
          if (e->post) emit(Op::Pop);
          return;
        }
        gen_addr(l);
        at(e);
        size_t k = emit_w(Op::IncDec, (int)size_of(l->ty), is_signed(l->ty) ? 1 : 0, fkind(l->ty));
        C.ins[k].b = e->ival;
        C.ins[k].a = e->post ? 1 : 0;
        return;
      }
      case EK::Call: {
        const Function& f = P.funcs[e->sym->func];
        for (const Expr* a : e->a) gen(a);
        at(e);
        if (f.body) {
          size_t k = emit(Op::Call, e->sym->func);
          C.ins[k].n = (int)e->a.size();
          return;
        }
        if (f.builtin < 0) fail(e, "undefined reference to '" + f.name + "'");
        std::int64_t mask = 0;
        for (size_t i = 0; i < e->a.size() && i < 64; i++) if (is_floating(e->a[i]->ty)) mask |= std::int64_t(1) << i;
        size_t k = emit(Op::Builtin, f.builtin, mask);
        C.ins[k].n = (int)e->a.size();
        C.ins[k].t = e->call_text;
        return;
      }
    }
  }

  void jump_out(Loop& l, bool is_break) {
    for (int i = once_level; i > l.once_level; i--) emit(Op::OnceEnd);
    size_t j = emit(Op::Jmp);
    (is_break ? l.breaks : l.continues).push_back(j);
  }

  Loop* innermost(bool for_continue) {
    for (auto it = loops.rbegin(); it != loops.rend(); ++it)
      if (!for_continue || !it->is_switch) return &*it;
    return nullptr;
  }

  void stmt(const Stmt* s) {
    Nest guard(*this, s->line, s->col);
    line = s->line; col = s->col;
    emit(Op::Stmt, s->id);
    bool is_once = once.count(s->id) != 0;
    if (is_once) { emit(Op::OnceBegin); once_level++; }
    switch (s->k) {
      case SK::Empty: case SK::Case: case SK::Default: break;
      case SK::Expr: gen(s->e); emit(Op::Pop); break;
      case SK::Decl: for (const Expr* e : s->inits) { gen(e); emit(Op::Pop); } break;
      case SK::Block: for (const Stmt* b : s->body) stmt(b); break;
      case SK::If: {
        gen_cond(s->e);
        size_t jz = emit(Op::Jz);
        stmt(s->s1);
        if (s->s2) {
          size_t j = emit(Op::Jmp);
          patch(jz);
          stmt(s->s2);
          patch(j);
        } else patch(jz);
        break;
      }
      case SK::While: case SK::For: case SK::DoWhile: {
        if (s->k == SK::For && s->init) stmt(s->init);
        loops.push_back(Loop{{}, {}, once_level, false});
        size_t top = C.ins.size();
        size_t jz = SIZE_MAX;
        if (s->k != SK::DoWhile && s->e) { gen_cond(s->e); jz = emit(Op::Jz); }
        stmt(s->s1);
        size_t cont = C.ins.size();
        if (s->k == SK::DoWhile) {
          gen_cond(s->e);
          size_t j = emit(Op::Jnz); C.ins[j].a = (std::int32_t)top;
        } else {
          if (s->e2) { gen(s->e2); emit(Op::Pop); }
          size_t j = emit(Op::Jmp); C.ins[j].a = (std::int32_t)top;
        }
        if (jz != SIZE_MAX) patch(jz);
        Loop l = std::move(loops.back());
        loops.pop_back();
        for (size_t b : l.breaks) patch(b);
        for (size_t c : l.continues) C.ins[c].a = (std::int32_t)cont;
        break;
      }
      case SK::Switch: {
        gen(s->e);
        std::vector<std::pair<size_t, const Stmt*>> stubs;
        for (const Stmt* c : s->body) {
          if (c->k != SK::Case) continue;
          emit(Op::Dup);
          emit(Op::PushI, 0, c->case_val);
          emit(Op::Eq);
          stubs.push_back({emit(Op::Jnz), c});
        }
        emit(Op::Pop);
        size_t to_default = emit(Op::Jmp);
        std::vector<std::pair<size_t, const Stmt*>> entries;
        for (auto& st : stubs) {
          patch(st.first);
          emit(Op::Pop);
          entries.push_back({emit(Op::Jmp), st.second});
        }
        loops.push_back(Loop{{}, {}, once_level, true});
        // Case labels are statements inside the body; record where each one starts.
        size_t body_start = C.ins.size();
        stmt(s->s1);
        Loop l = std::move(loops.back());
        loops.pop_back();
        const Stmt* def = nullptr;
        for (const Stmt* c : s->body) if (c->k == SK::Default) def = c;
        auto label_pc = [&](const Stmt* c) -> std::int32_t {
          for (size_t k = body_start; k < C.ins.size(); k++)
            if (C.ins[k].op == Op::Stmt && C.ins[k].a == c->id) return (std::int32_t)k;
          return (std::int32_t)C.ins.size();
        };
        for (auto& en : entries) C.ins[en.first].a = label_pc(en.second);
        size_t end = C.ins.size();
        C.ins[to_default].a = def ? label_pc(def) : (std::int32_t)end;
        for (size_t b : l.breaks) C.ins[b].a = (std::int32_t)end;
        break;
      }
      case SK::Break: { Loop* l = innermost(false); if (l) jump_out(*l, true); break; }
      case SK::Continue: { Loop* l = innermost(true); if (l) jump_out(*l, false); break; }
      case SK::Return:
        if (s->e) gen(s->e); else emit(Op::PushI, 0, 0);
        emit(Op::Ret);
        break;
    }
    if (is_once) { emit(Op::OnceEnd); once_level--; }
  }
};

}  // namespace

Code compile(const Program& prog, const std::set<int>& once) {
  Compiler c(prog, once);
  c.C.funcs.resize(prog.funcs.size());
  for (size_t i = 0; i < prog.funcs.size(); i++) {
    const Function& f = prog.funcs[i];
    if (!f.body) continue;
    c.C.funcs[i].entry = (int)c.C.ins.size();
    c.once_level = 0;
    c.stmt(f.body);
    c.line = f.line; c.col = f.col;
    c.emit(Op::PushI, 0, 0);  // falling off the end returns 0 (main) / garbage-free 0
    c.emit(Op::Ret);
  }
  return std::move(c.C);
}

}  // namespace pp::lang
