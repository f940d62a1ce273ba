// pinpages lang — statements and local declarations.
#include "lang/parser_impl.h"

namespace pp::lang {

Stmt* Parser::new_stmt(SK k, const Token& at) {
  P.stmt_pool.push_back(std::make_unique<Stmt>());
  Stmt* s = P.stmt_pool.back().get();
  s->k = k; s->line = at.line; s->col = at.col;
  s->id = (int)P.stmts.size();
  P.stmts.push_back({at.line, at.col, (int)p, fn ? fn->sym->func : -1});
  return s;
}

Stmt* Parser::block() {
  Token open = cur();
  expect("{");
  Stmt* b = new_stmt(SK::Block, open);
  push_scope();
  while (!is("}")) {
    if (cur().k == Tk::End) fail(cur(), "expected '}' at end of input");
    b->body.push_back(starts_type() && !(peek().k == Tk::Punct && peek().text == ":") ? local_decl() : statement());
  }
  p++;
  pop_scope();
  return b;
}

// Records the range of statement ids nested in each statement (for //@ step once).
Stmt* Parser::statement() {
  Stmt* s = statement_inner();
  P.stmts[s->id].last = (int)P.stmts.size() - 1;
  return s;
}

Stmt* Parser::statement_inner() {
  const Token& at = cur();
  Nest guard(*this, at);
  if (is("{")) return block();
  if (is(";")) { Stmt* s = new_stmt(SK::Empty, at); p++; return s; }
  if (at.k == Tk::Ident) {
    const std::string& w = at.text;
    if (w == "if") {
      Stmt* s = new_stmt(SK::If, at);
      p++;
      expect("(", "after 'if'");
      s->e = rvalue(expression());
      if (!is_scalar(s->e->ty)) fail_at(s->e->line, s->e->col, "used " + type_name(s->e->ty) + " where scalar is required");
      expect(")");
      s->s1 = statement();
      if (is_kw("else")) { p++; s->s2 = statement(); }
      return s;
    }
    if (w == "while") {
      Stmt* s = new_stmt(SK::While, at);
      p++;
      expect("(", "after 'while'");
      s->e = rvalue(expression());
      if (!is_scalar(s->e->ty)) fail_at(s->e->line, s->e->col, "used " + type_name(s->e->ty) + " where scalar is required");
      expect(")");
      loop_depth++;
      s->s1 = statement();
      loop_depth--;
      return s;
    }
    if (w == "do") {
      Stmt* s = new_stmt(SK::DoWhile, at);
      p++;
      loop_depth++;
      s->s1 = statement();
      loop_depth--;
      if (!is_kw("while")) fail(cur(), "expected 'while' before " + tok_desc(cur()));
      p++;
      expect("(");
      s->e = rvalue(expression());
      if (!is_scalar(s->e->ty)) fail_at(s->e->line, s->e->col, "used " + type_name(s->e->ty) + " where scalar is required");
      expect(")");
      expect(";", "after do-while statement");
      return s;
    }
    if (w == "for") {
      Stmt* s = new_stmt(SK::For, at);
      p++;
      expect("(", "after 'for'");
      push_scope();
      if (starts_type()) s->init = local_decl();
      else if (!is(";")) {
        Token it = cur();
        s->init = new_stmt(SK::Expr, it);
        s->init->e = expression();
        expect(";");
      } else p++;
      if (!is(";")) {
        s->e = rvalue(expression());
        if (!is_scalar(s->e->ty)) fail_at(s->e->line, s->e->col, "used " + type_name(s->e->ty) + " where scalar is required");
      }
      expect(";");
      if (!is(")")) s->e2 = expression();
      expect(")");
      loop_depth++;
      s->s1 = statement();
      loop_depth--;
      pop_scope();
      return s;
    }
    if (w == "switch") {
      Stmt* s = new_stmt(SK::Switch, at);
      p++;
      expect("(", "after 'switch'");
      s->e = rvalue(expression());
      if (!is_integer(s->e->ty)) fail_at(s->e->line, s->e->col, "switch quantity not an integer");
      s->e = convert(s->e, promote(s->e->ty), "switch");
      expect(")");
      switch_depth++;
      std::vector<Stmt*> cases;
      case_lists.push_back(&cases);
      s->s1 = statement();
      case_lists.pop_back();
      switch_depth--;
      s->body = cases;
      for (size_t i = 0; i < cases.size(); i++)
        for (size_t j = 0; j < i; j++)
          if (cases[i]->k == cases[j]->k && (cases[i]->k == SK::Default || cases[i]->case_val == cases[j]->case_val))
            fail_at(cases[i]->line, cases[i]->col, cases[i]->k == SK::Default ? "multiple default labels in one switch" : "duplicate case value");
      return s;
    }
    if (w == "case" || w == "default") {
      if (case_lists.empty()) fail(at, std::string(w == "case" ? "case label" : "'default' label") + " not within a switch statement");
      Stmt* s = new_stmt(w == "case" ? SK::Case : SK::Default, at);
      p++;
      if (w == "case") s->case_val = const_int(conditional());
      expect(":");
      case_lists.back()->push_back(s);
      return s;
    }
    if (w == "break") {
      if (!loop_depth && !switch_depth) fail(at, "break statement not within loop or switch");
      Stmt* s = new_stmt(SK::Break, at);
      p++;
      expect(";", "after 'break'");
      return s;
    }
    if (w == "continue") {
      if (!loop_depth) fail(at, "continue statement not within a loop");
      Stmt* s = new_stmt(SK::Continue, at);
      p++;
      expect(";", "after 'continue'");
      return s;
    }
    if (w == "return") {
      Stmt* s = new_stmt(SK::Return, at);
      p++;
      const Type* rt = fn->sig->ret;
      if (!is(";")) {
        Expr* e = rvalue(expression());
        if (rt->k == TK::Void) fail_at(e->line, e->col, "'return' with a value, in function returning void");
        s->e = convert(e, rt, "return");
      } else if (rt->k != TK::Void && fn->name != "main") {
        fail(at, "'return' with no value, in function returning non-void");
      }
      expect(";", "after return statement");
      return s;
    }
    if (w == "goto") fail(at, "goto is not supported in this C subset");
    if (w == "else") fail(at, "'else' without a previous 'if'");
    if (peek().k == Tk::Punct && peek().text == ":" && !lookup(w)) fail(at, "labels are not supported in this C subset");
  }
  Stmt* s = new_stmt(SK::Expr, at);
  s->e = expression();
  expect(";", "after expression");
  return s;
}

Stmt* Parser::local_decl() {
  Token at = cur();
  Stmt* st = new_stmt(SK::Decl, at);
  DeclSpec ds = parse_specs();
  if (accept(";")) return st;
  for (;;) {
    vla_ok = !ds.is_typedef && !ds.is_static && !ds.is_extern;
    Declarator d = parse_declarator(ds.ty, false);
    vla_ok = false;
    if (d.vla_len) {
      vla_local(st, d);
      if (!accept(",")) break;
      continue;
    }
    if (ds.is_typedef) {
      if (scopes.back().count(d.name)) fail_at(d.line, d.col, "redefinition of '" + d.name + "'");
      new_sym(SymKind::Typedef, d.name, d.ty, d.line, d.col);
    } else if (d.ty->k == TK::Func) {
      Sym* g = lookup(d.name);
      if (!g || g->kind != SymKind::Func) fail_at(d.line, d.col, "nested function declarations are not supported");
    } else if (ds.is_static || ds.is_extern) {
      // A static local is a global (in .data/.bss) whose name lives in this block;
      // an extern one names the existing global.
      if (scopes.back().count(d.name)) fail_at(d.line, d.col, "redeclaration of '" + d.name + "'");
      Sym* g = ds.is_extern ? lookup(d.name) : nullptr;
      if (g && g->kind == SymKind::Global) scopes.back()[d.name] = g;
      else declare_global(ds, d);
    } else {
      if (scopes.back().count(d.name)) fail_at(d.line, d.col, "redeclaration of '" + d.name + "'");
      const Type* ty = d.ty;
      if (ty->k == TK::Void) fail_at(d.line, d.col, "variable '" + d.name + "' declared void");
      if (ty->k == TK::Struct && !ty->sd->complete) incomplete_object(d);
      if (ty->k == TK::Array && ty->incomplete) {
        if (!is("=")) fail_at(d.line, d.col, "array size missing in '" + d.name + "'");
        if (peek().k == Tk::Str && ty->base->k == TK::Char) ty = P.types.array(ty->base, peek().text.size() + 1);
        else if (peek().k == Tk::Punct && peek().text == "{") { p++; ty = P.types.array(ty->base, count_init_elems()); p--; }
        else fail_at(d.line, d.col, "invalid initializer for array '" + d.name + "'");
      }
      Sym* s = new_sym(SymKind::Local, d.name, ty, d.line, d.col);
      if (size_of(ty) > (64ull << 20)) fail_at(d.line, d.col, "local variable '" + d.name + "' is too large for the stack");
      frame_off = align_up(frame_off + size_of(ty), std::max<u64>(align_of(ty), size_of(ty) >= 16 ? 16 : 1));
      s->off = (i64)frame_off;
      fn->locals.push_back(s);
      if (accept("=")) {
        Expr* v = mk(EK::Var, ty, d.line, d.col);
        v->sym = s;
        local_initializer(st, v, ty, 0);
      }
    }
    if (!accept(",")) break;
  }
  expect(";", "at end of declaration");
  return st;
}

// `T name[n]` with a run-time n: `name` is a T* to n elements taken from the stack below
// the frame (as gcc moves the stack pointer), its size in a hidden local for sizeof.
void Parser::vla_local(Stmt* st, const Declarator& d) {
  if (scopes.back().count(d.name)) fail_at(d.line, d.col, "redeclaration of '" + d.name + "'");
  if (is("=")) fail(cur(), "variable-sized object may not be initialized");
  const Type* elem = d.ty->base;
  if (elem->k == TK::Void || (elem->k == TK::Struct && !elem->sd->complete))
    fail_at(d.line, d.col, "array type has incomplete element type");
  auto local = [&](const std::string& name, const Type* ty, bool named) {
    Sym* s = new_sym(SymKind::Local, name, ty, d.line, d.col);
    frame_off = align_up(frame_off + size_of(ty), align_of(ty));
    s->off = (i64)frame_off;
    s->named_object = named;
    fn->locals.push_back(s);
    return s;
  };
  const Type* ulong = P.types.basic(TK::ULong);
  Sym* bytes = local("__vla_bytes_" + d.name, ulong, false);
  Sym* arr = local(d.name, d.ty, true);
  vla_bytes[arr] = bytes;
  auto var = [&](Sym* s) { Expr* v = mk(EK::Var, s->ty, d.line, d.col); v->sym = s; return v; };
  Expr* n = cast_to(rvalue(d.vla_len), ulong);
  Expr* size = make_binary("*", n, int_lit((i64)size_of(elem), ulong, d.line, d.col), Token{});
  Expr* set_bytes = mk(EK::Assign, ulong, d.line, d.col);
  set_bytes->a = {var(bytes), size};
  st->inits.push_back(set_bytes);
  Expr* alloc = mk(EK::Call, P.types.ptr(P.types.basic(TK::Void)), d.line, d.col);
  alloc->sym = lookup("__alloca");
  alloc->a.push_back(rvalue(var(bytes)));
  Expr* set_ptr = mk(EK::Assign, d.ty, d.line, d.col);
  set_ptr->a = {var(arr), convert(alloc, d.ty, "initialization")};
  st->inits.push_back(set_ptr);
}

// Emits assignments for `target = initializer`; aggregates are zeroed first (C fills
// the elements an initializer list leaves out with zero).
void Parser::local_initializer(Stmt* st, Expr* target, const Type* ty, int level) {
  if (level > 32) fail(cur(), "initializer nested too deeply");
  auto zero = [&](Expr* tgt) {
    Expr* addr = mk(EK::AddrOf, P.types.ptr(ty), tgt->line, tgt->col);
    addr->a.push_back(tgt);
    Sym* z = lookup("__zero");
    Expr* c = mk(EK::Call, P.types.basic(TK::Void), tgt->line, tgt->col);
    c->sym = z;
    c->a.push_back(cast_to(addr, P.types.ptr(P.types.basic(TK::Void))));
    c->a.push_back(int_lit((i64)size_of(ty), P.types.basic(TK::ULong), tgt->line, tgt->col));
    st->inits.push_back(c);
  };
  if (ty->k == TK::Array && ty->base->k == TK::Char && cur().k == Tk::Str) {
    Token s = cur();
    if (s.text.size() > ty->count) fail(s, "initializer-string for array of 'char' is too long");
    zero(target);
    // Copy the literal from .rodata (the bytes a compiler would copy).
    Expr* lit = primary();
    Expr* addr = mk(EK::AddrOf, P.types.ptr(ty), target->line, target->col);
    addr->a.push_back(target);
    Expr* c = mk(EK::Call, P.types.basic(TK::Void), target->line, target->col);
    c->sym = lookup("__initcopy");
    c->a.push_back(cast_to(addr, P.types.ptr(P.types.basic(TK::Void))));
    c->a.push_back(cast_to(rvalue(lit), P.types.ptr(P.types.basic(TK::Void))));
    c->a.push_back(int_lit((i64)std::min<u64>(s.text.size() + 1, ty->count), P.types.basic(TK::ULong), s.line, s.col));
    st->inits.push_back(c);
    return;
  }
  if (is("{")) {
    p++;
    if (ty->k != TK::Array && ty->k != TK::Struct) {
      local_initializer(st, target, ty, level + 1);
      accept(",");
      expect("}");
      return;
    }
    zero(target);
    size_t n = 0;
    while (!is("}")) {
      Token at = cur();
      if (ty->k == TK::Array) {
        if (n >= ty->count) fail(at, "excess elements in array initializer");
        Expr* base = mk(EK::Decay, P.types.ptr(ty->base), at.line, at.col);
        base->a.push_back(target);
        Expr* off = int_lit((i64)(n * size_of(ty->base)), P.types.basic(TK::Long), at.line, at.col);
        Expr* sum = mk(EK::Binary, P.types.ptr(ty->base), at.line, at.col);
        sum->op = "+";
        sum->a = {base, off};
        Expr* el = mk(EK::Deref, ty->base, at.line, at.col);
        el->a.push_back(sum);
        local_initializer(st, el, ty->base, level + 1);
      } else {
        if (n >= ty->sd->fields.size()) fail(at, "excess elements in struct initializer");
        const Field& f = ty->sd->fields[n];
        Expr* base = mk(EK::AddrOf, P.types.ptr(ty), at.line, at.col);
        base->a.push_back(target);
        Expr* sum = mk(EK::Binary, P.types.ptr(f.ty), at.line, at.col);
        sum->op = "+";
        sum->a = {base, int_lit((i64)f.off, P.types.basic(TK::Long), at.line, at.col)};
        Expr* el = mk(EK::Deref, f.ty, at.line, at.col);
        el->a.push_back(sum);
        local_initializer(st, el, f.ty, level + 1);
      }
      n++;
      if (!accept(",")) break;
    }
    expect("}");
    return;
  }
  Token at = cur();
  Expr* v = assignment();
  if (ty->k == TK::Array) fail(at, "invalid initializer");
  if (ty->k == TK::Struct) {
    if (v->ty != ty) fail(at, "invalid initializer");
  }
  Expr* as = mk(EK::Assign, ty, at.line, at.col);
  as->a = {target, ty->k == TK::Struct ? v : convert(rvalue(v), ty, "initialization")};
  st->inits.push_back(as);
}

}  // namespace pp::lang
