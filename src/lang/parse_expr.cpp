// pinpages lang — expressions, typed as they are parsed (usual arithmetic conversions,
// pointer arithmetic scaled by element size, member access lowered to offsets).
#include <algorithm>
#include <limits>

#include "lang/builtins.h"
#include "lang/parser.h"
#include "lang/parser_impl.h"
#include "lang/preproc.h"

namespace pp::lang {

Expr* Parser::mk(EK k, const Type* ty, int line, int col) {
  P.expr_pool.push_back(std::make_unique<Expr>());
  Expr* e = P.expr_pool.back().get();
  e->k = k; e->ty = ty; e->line = line; e->col = col;
  return e;
}

Expr* Parser::int_lit(i64 v, const Type* ty, int line, int col) {
  Expr* e = mk(EK::IntLit, ty, line, col);
  e->ival = v;
  return e;
}

bool Parser::is_lvalue(Expr* e) const {
  return e->k == EK::Var || e->k == EK::Deref || e->k == EK::Errno || e->k == EK::StrLit;
}

bool Parser::is_null_const(Expr* e) {
  while (e->k == EK::Cast && (is_integer(e->ty) || (is_pointer(e->ty) && e->ty->base->k == TK::Void))) e = e->a[0];
  return e->k == EK::IntLit && e->ival == 0;
}

Expr* Parser::rvalue(Expr* e) {
  if (e->ty->k == TK::Array) {
    Expr* d = mk(EK::Decay, P.types.ptr(e->ty->base), e->line, e->col);
    d->a.push_back(e);
    return d;
  }
  if (e->ty->k == TK::Func) fail_at(e->line, e->col, "function pointers are not supported in this C subset");
  return e;
}

Expr* Parser::cast_to(Expr* e, const Type* to) {
  if (e->ty == to) return e;
  Expr* c = mk(EK::Cast, to, e->line, e->col);
  c->a.push_back(e);
  return c;
}

Expr* Parser::convert(Expr* e, const Type* to, const char* what) {
  const Type* from = e->ty;
  if (from == to) return e;
  std::string w = what;
  if (to->k == TK::Void) return cast_to(e, to);
  if (is_arith(to) && is_arith(from)) return cast_to(e, to);
  if (is_pointer(to)) {
    if (is_pointer(from)) return cast_to(e, to);  // gcc only warns about incompatible pointers
    if (is_integer(from)) {
      if (is_null_const(e)) return cast_to(e, to);
      fail_at(e->line, e->col, w + " makes pointer from integer without a cast");
    }
  }
  if (is_integer(to) && is_pointer(from)) fail_at(e->line, e->col, w + " makes integer from pointer without a cast");
  if (to->k == TK::Struct && from == to) return e;
  fail_at(e->line, e->col, "incompatible types in " + w + ": cannot convert '" + type_name(from) + "' to '" + type_name(to) + "'");
}

const Type* Parser::promote(const Type* a) {
  if (is_integer(a) && size_of(a) < 4) return P.types.basic(TK::Int);
  return a;
}

const Type* Parser::arith_type(const Type* a, const Type* b) {
  if (a->k == TK::Double || b->k == TK::Double) return P.types.basic(TK::Double);
  if (a->k == TK::Float || b->k == TK::Float) return P.types.basic(TK::Float);
  a = promote(a); b = promote(b);
  if (a == b) return a;
  if (size_of(a) == 8 || size_of(b) == 8) {
    if (a->k == TK::ULong || b->k == TK::ULong) return P.types.basic(TK::ULong);
    return P.types.basic(TK::Long);
  }
  if (a->k == TK::UInt || b->k == TK::UInt) return P.types.basic(TK::UInt);
  return P.types.basic(TK::Int);
}

void Parser::check_lvalue(Expr* e, const Token& at, const char* what) {
  if (e->k == EK::StrLit || !is_lvalue(e)) fail(at, std::string("lvalue required as ") + what);
  if (e->ty->k == TK::Array) fail(at, "assignment to expression with array type");
}

Expr* Parser::make_deref(Expr* ptr, const Token& at) {
  ptr = rvalue(ptr);
  if (!is_pointer(ptr->ty)) fail(at, "invalid type argument of unary '*' (have '" + type_name(ptr->ty) + "')");
  if (ptr->ty->base->k == TK::Void) fail(at, "dereferencing 'void *' pointer");
  if (ptr->ty->base->k == TK::Struct && !ptr->ty->base->sd->complete) fail(at, "dereferencing pointer to incomplete type '" + type_name(ptr->ty->base) + "'");
  Expr* d = mk(EK::Deref, ptr->ty->base, at.line, at.col);
  d->a.push_back(ptr);
  return d;
}

Expr* Parser::make_member(Expr* base, bool arrow, const Token& name, const Token& op_tok) {
  Expr* addr;
  const Type* st;
  if (arrow) {
    base = rvalue(base);
    if (!is_pointer(base->ty) || base->ty->base->k != TK::Struct)
      fail(op_tok, "invalid type argument of '->' (have '" + type_name(base->ty) + "')");
    st = base->ty->base;
    addr = base;
  } else {
    if (base->ty->k != TK::Struct) fail(op_tok, "request for member '" + name.text + "' in something not a structure or union");
    if (!is_lvalue(base)) fail(op_tok, "member access on a struct value is not supported in this C subset");
    st = base->ty;
    addr = mk(EK::AddrOf, P.types.ptr(st), base->line, base->col);
    addr->a.push_back(base);
  }
  if (!st->sd->complete) fail(op_tok, "invalid use of incomplete type '" + type_name(st) + "'");
  const Field* f = st->sd->find(name.text);
  if (!f) fail(name, "'" + type_name(st) + "' has no member named '" + name.text + "'");
  Expr* sum = mk(EK::Binary, P.types.ptr(f->ty), name.line, name.col);
  sum->op = "+";
  sum->a = {addr, int_lit((i64)f->off, P.types.basic(TK::Long), name.line, name.col)};
  Expr* d = mk(EK::Deref, f->ty, base->line, base->col);
  d->a.push_back(sum);
  return d;
}

Expr* Parser::make_binary(const std::string& op, Expr* l, Expr* r, const Token& at) {
  l = rvalue(l); r = rvalue(r);
  const Type* lt = l->ty; const Type* rt = r->ty;
  auto bad = [&]() -> Expr* {
    fail(at, "invalid operands to binary " + op + " (have '" + type_name(lt) + "' and '" + type_name(rt) + "')");
  };
  auto mkb = [&](const Type* ty, Expr* a, Expr* b) {
    Expr* e = mk(EK::Binary, ty, at.line, at.col);
    e->op = op; e->a = {a, b};
    return e;
  };
  Expr* e;
  if (op == "&&" || op == "||") {
    if (!is_scalar(lt) || !is_scalar(rt)) return bad();
    e = mk(op == "&&" ? EK::LogAnd : EK::LogOr, P.types.basic(TK::Int), at.line, at.col);
    e->a = {l, r};
    return e;
  }
  if (op == "+" || op == "-") {
    if (is_pointer(lt) && is_integer(rt)) {
      if (lt->base->k == TK::Struct && !lt->base->sd->complete) fail(at, "arithmetic on pointer to an incomplete type");
      Expr* idx = cast_to(r, P.types.basic(TK::Long));
      u64 sz = size_of(lt->base);
      Expr* scaled = sz == 1 ? idx : mkb(P.types.basic(TK::Long), idx, int_lit((i64)sz, P.types.basic(TK::Long), at.line, at.col));
      if (sz != 1) scaled->op = "*";
      return mkb(lt, l, scaled);
    }
    if (op == "+" && is_integer(lt) && is_pointer(rt)) return make_binary(op, r, l, at);
    if (op == "-" && is_pointer(lt) && is_pointer(rt)) {
      if (size_of(lt->base) != size_of(rt->base)) bad();
      e = mk(EK::PtrDiff, P.types.basic(TK::Long), at.line, at.col);
      e->a = {l, r};
      e->ival = (i64)std::max<u64>(1, size_of(lt->base));
      return e;
    }
  }
  bool cmp = op == "==" || op == "!=" || op == "<" || op == ">" || op == "<=" || op == ">=";
  if (cmp && (is_pointer(lt) || is_pointer(rt))) {
    // Pointers compare as unsigned addresses; 0 is the null pointer.
    if (is_pointer(lt) && is_pointer(rt)) {}
    else if (is_pointer(lt) && is_integer(rt)) r = cast_to(r, lt);
    else if (is_integer(lt) && is_pointer(rt)) l = cast_to(l, rt);
    else bad();
    Expr* b = mkb(P.types.basic(TK::Int), cast_to(l, P.types.basic(TK::ULong)), cast_to(r, P.types.basic(TK::ULong)));
    return b;
  }
  if (!is_arith(lt) || !is_arith(rt)) return bad();
  bool int_only = op == "%" || op == "<<" || op == ">>" || op == "&" || op == "|" || op == "^";
  if (int_only && (!is_integer(lt) || !is_integer(rt))) return bad();
  if (op == "<<" || op == ">>") {
    // Shifts take the promoted left type; the count's type does not matter.
    const Type* ty = promote(lt);
    return mkb(ty, cast_to(l, ty), cast_to(r, P.types.basic(TK::Long)));
  }
  const Type* ty = arith_type(lt, rt);
  Expr* b = mkb(cmp ? P.types.basic(TK::Int) : ty, cast_to(l, ty), cast_to(r, ty));
  b->op_ty = ty;
  return b;
}

Expr* Parser::make_assign(const std::string& op, Expr* l, Expr* r, const Token& at) {
  check_lvalue(l, at, "left operand of assignment");
  if (op == "=") {
    Expr* e = mk(EK::Assign, l->ty, at.line, at.col);
    if (l->ty->k == TK::Struct) {
      if (r->ty != l->ty) fail(at, "incompatible types when assigning to type '" + type_name(l->ty) + "' from type '" + type_name(r->ty) + "'");
      if (!is_lvalue(r)) fail(at, "assigning a struct value that is not a variable is not supported in this C subset");
      e->a = {l, r};
      return e;
    }
    e->a = {l, convert(rvalue(r), l->ty, "assignment")};
    return e;
  }
  std::string bop = op.substr(0, op.size() - 1);
  // Type-check "l op r" as a binary expression, then record the operation type.
  Expr* probe = make_binary(bop, l, r, at);
  Expr* e = mk(EK::OpAssign, l->ty, at.line, at.col);
  e->op = bop;
  if (is_pointer(l->ty)) {
    // p += n: probe is p + n*size; keep the scaled right operand.
    e->op_ty = l->ty;
    e->a = {l, probe->a[1]};
  } else {
    if (!is_arith(l->ty)) fail(at, "invalid operands to binary " + bop);
    const Type* ot = probe->op_ty ? probe->op_ty : probe->ty;
    e->op_ty = ot;
    e->a = {l, probe->a[1]};
  }
  return e;
}

Expr* Parser::expression() {
  Expr* e = assignment();
  while (is(",")) {
    Token at = cur();
    p++;
    Expr* r = assignment();
    Expr* c = mk(EK::Comma, r->ty->k == TK::Array ? P.types.ptr(r->ty->base) : r->ty, at.line, at.col);
    c->a = {e, rvalue(r)};
    e = c;
  }
  return e;
}

Expr* Parser::assignment() {
  Nest guard(*this, cur());
  Expr* l = conditional();
  static const char* ops[] = {"=", "+=", "-=", "*=", "/=", "%=", "<<=", ">>=", "&=", "|=", "^="};
  for (const char* o : ops) {
    if (is(o)) {
      Token at = cur();
      p++;
      Expr* r = assignment();
      return make_assign(o, l, r, at);
    }
  }
  return l;
}

Expr* Parser::conditional() {
  Expr* c = binary(0);
  if (!is("?")) return c;
  Token at = cur();
  p++;
  c = rvalue(c);
  if (!is_scalar(c->ty)) fail_at(c->line, c->col, "used " + type_name(c->ty) + " where scalar is required");
  Expr* a = rvalue(expression());
  expect(":");
  Expr* b = rvalue(conditional());
  const Type* ty;
  if (is_arith(a->ty) && is_arith(b->ty)) ty = arith_type(a->ty, b->ty);
  else if (is_pointer(a->ty) && is_pointer(b->ty)) ty = a->ty->base->k == TK::Void ? b->ty : a->ty;
  else if (is_pointer(a->ty) && is_null_const(b)) ty = a->ty;
  else if (is_pointer(b->ty) && is_null_const(a)) ty = b->ty;
  else if (a->ty == b->ty) ty = a->ty;
  else fail(at, "type mismatch in conditional expression");
  Expr* e = mk(EK::Cond, ty, at.line, at.col);
  e->a = {c, ty->k == TK::Void ? a : cast_to(a, ty), ty->k == TK::Void ? b : cast_to(b, ty)};
  return e;
}

Expr* Parser::binary(int prec) {
  static const std::vector<std::vector<const char*>> levels = {
    {"||"}, {"&&"}, {"|"}, {"^"}, {"&"}, {"==", "!="}, {"<", ">", "<=", ">="}, {"<<", ">>"}, {"+", "-"}, {"*", "/", "%"}};
  if (prec >= (int)levels.size()) return cast_expr();
  Expr* l = binary(prec + 1);
  for (;;) {
    const char* op = nullptr;
    for (const char* o : levels[prec]) if (is(o)) op = o;
    if (!op) return l;
    Token at = cur();
    p++;
    Expr* r = binary(prec + 1);
    l = make_binary(op, l, r, at);
  }
}

Expr* Parser::cast_expr() {
  if (is("(")) {
    size_t save = p;
    p++;
    if (starts_type()) {
      Token at = t[save];
      const Type* ty = parse_type_name();
      expect(")");
      if (is("{")) fail(cur(), "compound literals are not supported in this C subset");
      Expr* e = rvalue(cast_expr());
      if (ty->k == TK::Void) return cast_to(e, ty);
      if (!is_scalar(ty)) fail(at, "conversion to non-scalar type requested");
      if (!is_scalar(e->ty)) fail(at, "cannot convert '" + type_name(e->ty) + "' to '" + type_name(ty) + "'");
      if ((is_floating(ty) && is_pointer(e->ty)) || (is_pointer(ty) && is_floating(e->ty)))
        fail(at, "cannot convert between pointer and floating type");
      Expr* c = mk(EK::Cast, ty, at.line, at.col);
      c->a.push_back(e);
      return c;
    }
    p = save;
  }
  return unary();
}

Expr* Parser::unary() {
  Token at = cur();
  Nest guard(*this, at);
  if (is("++") || is("--")) {
    p++;
    Expr* e = unary();
    check_lvalue(e, at, at.text == "++" ? "increment operand" : "decrement operand");
    if (!is_scalar(e->ty)) fail(at, "wrong type argument to " + std::string(at.text == "++" ? "increment" : "decrement"));
    Expr* r = mk(EK::IncDec, e->ty, at.line, at.col);
    i64 d = is_pointer(e->ty) ? (i64)size_of(e->ty->base) : 1;
    r->ival = at.text == "++" ? d : -d;
    r->a.push_back(e);
    return r;
  }
  if (is("&")) {
    p++;
    Expr* e = cast_expr();
    if (e->k == EK::Deref) { Expr* q = e->a[0]; Expr* c = cast_to(q, P.types.ptr(e->ty)); return c; }
    if (e->k == EK::Errno) fail(at, "taking the address of errno is not supported in this C subset");
    if (e->k == EK::Var || e->k == EK::StrLit) {
      Expr* r = mk(EK::AddrOf, P.types.ptr(e->ty), at.line, at.col);
      r->a.push_back(e);
      return r;
    }
    if (e->ty->k == TK::Func) fail(at, "function pointers are not supported in this C subset");
    fail(at, "lvalue required as unary '&' operand");
  }
  if (is("*")) { p++; Expr* e = cast_expr(); return make_deref(e, at); }
  if (is("-") || is("+") || is("~") || is("!")) {
    p++;
    Expr* e = rvalue(cast_expr());
    if (at.text == "!") {
      if (!is_scalar(e->ty)) fail(at, "wrong type argument to unary exclamation mark");
      Expr* r = mk(EK::Unary, P.types.basic(TK::Int), at.line, at.col);
      r->op = "!"; r->a.push_back(e);
      return r;
    }
    if (at.text == "~" ? !is_integer(e->ty) : !is_arith(e->ty))
      fail(at, std::string("wrong type argument to ") + (at.text == "~" ? "bit-complement" : "unary " + std::string(at.text == "-" ? "minus" : "plus")));
    const Type* ty = promote(e->ty);
    e = cast_to(e, ty);
    if (at.text == "+") return e;
    Expr* r = mk(EK::Unary, ty, at.line, at.col);
    r->op = at.text; r->a.push_back(e);
    return r;
  }
  if (is_kw("sizeof")) {
    p++;
    const Type* ty;
    if (is("(") && (p++, starts_type())) {
      ty = parse_type_name();
      expect(")");
    } else {
      if (t[p - 1].text == "(") p--;
      Expr* e = unary();
      auto vla = e->k == EK::Var ? vla_bytes.find(e->sym) : vla_bytes.end();
      if (vla != vla_bytes.end()) {  // sizeof a variable-length array: its run-time size
        Expr* v = mk(EK::Var, vla->second->ty, at.line, at.col);
        v->sym = vla->second;
        return rvalue(v);
      }
      ty = e->ty;
    }
    if (ty->k == TK::Func) fail(at, "invalid application of 'sizeof' to a function type");
    if (ty->k == TK::Struct && !ty->sd->complete) fail(at, "invalid application of 'sizeof' to incomplete type '" + type_name(ty) + "'");
    if (ty->k == TK::Array && ty->incomplete) fail(at, "invalid application of 'sizeof' to incomplete type");
    return int_lit((i64)size_of(ty), P.types.basic(TK::ULong), at.line, at.col);
  }
  return postfix();
}

Expr* Parser::postfix() {
  Expr* e = primary();
  for (;;) {
    Token at = cur();
    if (is("[")) {
      p++;
      Expr* idx = expression();
      expect("]");
      Expr* l = rvalue(e), *r = rvalue(idx);
      if (!(is_pointer(l->ty) && is_integer(r->ty)) && !(is_integer(l->ty) && is_pointer(r->ty)))
        fail(at, is_pointer(l->ty) || is_pointer(r->ty) ? "array subscript is not an integer" : "subscripted value is neither array nor pointer");
      e = make_deref(make_binary("+", l, r, at), at);
      e->line = l->line; e->col = l->col;
      continue;
    }
    if (is(".") || is("->")) {
      p++;
      if (cur().k != Tk::Ident) fail(cur(), "expected identifier before " + tok_desc(cur()));
      Token name = cur();
      p++;
      e = make_member(e, at.text == "->", name, at);
      continue;
    }
    if (is("++") || is("--")) {
      p++;
      check_lvalue(e, at, at.text == "++" ? "increment operand" : "decrement operand");
      if (!is_scalar(e->ty)) fail(at, "wrong type argument to " + std::string(at.text == "++" ? "increment" : "decrement"));
      Expr* r = mk(EK::IncDec, e->ty, e->line, e->col);
      i64 d = is_pointer(e->ty) ? (i64)size_of(e->ty->base) : 1;
      r->ival = at.text == "++" ? d : -d;
      r->post = true;
      r->a.push_back(e);
      e = r;
      continue;
    }
    if (is("(")) fail(at, "called object is not a function or function pointer");
    return e;
  }
}

Expr* Parser::primary() {
  Token at = cur();
  switch (at.k) {
    case Tk::Int: {
      p++;
      u64 v = at.ival;
      bool dec = !(at.text.size() > 1 && at.text[0] == '0');
      TK k;
      if (at.is_unsigned) k = at.is_long || v > 0xffffffffull ? TK::ULong : TK::UInt;
      else if (at.is_long) k = v <= (u64)std::numeric_limits<i64>::max() || dec ? TK::Long : TK::ULong;
      else if (v <= 0x7fffffffull) k = TK::Int;
      else if (!dec && v <= 0xffffffffull) k = TK::UInt;
      else if (v <= (u64)std::numeric_limits<i64>::max()) k = TK::Long;
      else k = TK::ULong;
      return int_lit((i64)v, P.types.basic(k), at.line, at.col);
    }
    case Tk::Char: p++; return int_lit((i64)at.ival, P.types.basic(TK::Int), at.line, at.col);
    case Tk::Float: {
      p++;
      Expr* e = mk(EK::FloatLit, P.types.basic(at.is_float ? TK::Float : TK::Double), at.line, at.col);
      e->fval = at.is_float ? (double)(float)at.fval : at.fval;
      return e;
    }
    case Tk::Str: {
      std::string s;
      while (cur().k == Tk::Str) { s += cur().text; p++; }  // adjacent literals concatenate
      Expr* e = mk(EK::StrLit, P.types.array(P.types.basic(TK::Char), s.size() + 1), at.line, at.col);
      auto it = std::find(P.strings.begin(), P.strings.end(), s);
      if (it != P.strings.end()) e->str = (int)(it - P.strings.begin());
      else {
        e->str = (int)P.strings.size();
        P.strings.push_back(s);
        P.string_off.push_back(P.rodata_size);
        P.rodata_size += s.size() + 1;
      }
      return e;
    }
    case Tk::Ident: {
      if (starts_type()) fail(at, "expected expression before '" + at.text + "'");
      p++;
      Sym* s = lookup(at.text);
      if (!s) s = getopt_global(at.text);
      if (!s) {
        if (at.text == "errno") return mk(EK::Errno, P.types.basic(TK::Int), at.line, at.col);
        if (not_modelled(at.text)) fail(at, "pinpages does not model " + at.text + (is("(") ? "()" : "") + " yet");
        if (is("(")) fail(at, "implicit declaration of function '" + at.text + "'");
        fail(at, "'" + at.text + "' undeclared");
      }
      if (s->kind == SymKind::Func) {
        if (!is("(")) fail(at, "function pointers are not supported in this C subset");
        return call(s, at);
      }
      if (s->kind == SymKind::EnumConst) return int_lit(s->value, P.types.basic(TK::Int), at.line, at.col);
      if (s->kind == SymKind::Builtin) {
        Sym* file = lookup("FILE");
        return int_lit(s->value, P.types.ptr(file->ty), at.line, at.col);
      }
      if (s->kind == SymKind::Typedef) fail(at, "expected expression before '" + at.text + "'");
      Expr* e = mk(EK::Var, s->ty, at.line, at.col);
      e->sym = s;
      return e;
    }
    case Tk::Punct:
      if (at.text == "(") {
        p++;
        Expr* e = expression();
        expect(")");
        return e;
      }
      break;
    case Tk::End: fail(at, "expected expression at end of input");
  }
  fail(at, "expected expression before " + tok_desc(at));
}

// True when the program included a header declaring library function `name` (or when
// the includes are not known: then nothing is reported).
bool Parser::library_header_included(const std::string& name) const {
  if (!check_includes) return true;
  std::vector<std::string> hs = headers_declaring(name);
  if (hs.empty()) return true;
  for (const std::string& h : hs)
    for (const std::string& inc : included)
      if (header_provides(inc, h)) return true;
  return false;
}

Expr* Parser::call(Sym* f, const Token& name_tok) {
  if (!f->program_declared && P.funcs[f->func].builtin >= 0 && !warned.count(f->name) &&
      !library_header_included(f->name)) {
    // The interpreter knows every library function; gcc only knows those a header declared.
    warned.insert(f->name);
    P.warnings.push_back(LangError{name_tok.line, name_tok.col, "implicit declaration of function '" + f->name +
                                                                    "' (include <" + headers_declaring(f->name)[0] + ">)"});
  }
  p++;  // (
  std::vector<Expr*> args;
  if (!is(")")) {
    for (;;) {
      // pthread_create's start routine: a function's name is the one function
      // "pointer" the interpreter takes (it names the function to run).
      if (f->name == "pthread_create" && args.size() == 2 && cur().k == Tk::Ident && t[p + 1].k == Tk::Punct &&
          (t[p + 1].text == "," || t[p + 1].text == ")")) {
        Sym* fn = lookup(cur().text);
        if (fn && fn->kind == SymKind::Func) {
          args.push_back(int_lit(kThreadFnTag | (i64)fn->func, P.types.ptr(P.types.basic(TK::Void)), cur().line, cur().col));
          p++;
          if (is(")")) break;
          expect(",", "in argument list");
          continue;
        }
      }
      args.push_back(assignment());
      if (is(")")) break;
      expect(",", "in argument list");
    }
  }
  const Token& close = cur();
  expect(")");
  const FuncSig* sig = f->ty->fn;
  if (!sig->unspecified) {
    if (args.size() < sig->params.size()) fail(name_tok, "too few arguments to function '" + f->name + "'");
    if (args.size() > sig->params.size() && !sig->variadic) fail(name_tok, "too many arguments to function '" + f->name + "'");
  }
  Expr* e = mk(EK::Call, sig->ret, name_tok.line, name_tok.col);
  e->sym = f;
  for (size_t i = 0; i < args.size(); i++) {
    Expr* a = rvalue(args[i]);
    if (a->ty->k == TK::Struct) fail_at(a->line, a->col, "passing structs by value is not supported in this C subset");
    if (a->ty->k == TK::Void) fail_at(a->line, a->col, "invalid use of void expression");
    if (i < sig->params.size() && !sig->unspecified) {
      std::string what = "passing argument " + std::to_string(i + 1) + " of '" + f->name + "'";
      a = convert(a, sig->params[i], what.c_str());
    } else if (a->ty->k == TK::Float) a = cast_to(a, P.types.basic(TK::Double));  // default promotions
    else if (is_integer(a->ty)) a = cast_to(a, promote(a->ty));
    e->a.push_back(a);
  }
  e->call_text = (int)P.texts.size();
  P.texts.push_back(source_text(name_tok.line, name_tok.col, close.line, close.col));
  return e;
}

std::string Parser::source_text(int l1, int c1, int l2, int c2) const {
  if (l1 < 1 || l2 < l1 || l2 > (int)src_lines.size() || (l1 == l2 && c2 < c1)) return "";
  std::string out;
  for (int l = l1; l <= l2; l++) {
    const std::string& s = src_lines[l - 1];
    int from = l == l1 ? c1 - 1 : 0;
    int to = l == l2 ? c2 : (int)s.size();
    if (from < 0 || from > (int)s.size()) return "";
    to = std::min<int>(to, (int)s.size());
    std::string part = s.substr(from, to - from);
    if (!out.empty()) {
      size_t a = part.find_first_not_of(" \t");
      part = a == std::string::npos ? "" : part.substr(a);
      out += " ";
    }
    out += part;
  }
  return out;
}

i64 Parser::const_int(Expr* e) {
  ConstVal v = const_eval(e);
  if (v.k != ConstVal::Int) fail_at(e->line, e->col, "expression is not an integer constant");
  return v.i;
}

static i64 wrap_int(i64 v, const Type* ty) {
  switch (size_of(ty)) {
    case 1: return is_signed(ty) ? (i64)(std::int8_t)v : (i64)(std::uint8_t)v;
    case 2: return is_signed(ty) ? (i64)(std::int16_t)v : (i64)(std::uint16_t)v;
    case 4: return is_signed(ty) ? (i64)(std::int32_t)v : (i64)(std::uint32_t)v;
    default: return v;
  }
}

ConstVal Parser::const_eval(Expr* e) {
  Nest guard(*this, t[p < t.size() ? p : t.size() - 1]);
  auto bad = [&]() -> ConstVal { fail_at(e->line, e->col, "initializer element is not constant"); };
  ConstVal r;
  switch (e->k) {
    case EK::IntLit: r.i = e->ival; return r;
    case EK::FloatLit: r.k = ConstVal::Float; r.f = e->fval; return r;
    case EK::Decay:
      if (e->a[0]->k == EK::StrLit) { r.k = ConstVal::Str; r.str = e->a[0]->str; return r; }
      if (e->a[0]->k == EK::Var && e->a[0]->sym->kind == SymKind::Global) { r.k = ConstVal::Addr; r.sym = e->a[0]->sym; return r; }
      return bad();
    case EK::AddrOf:
      if (e->a[0]->k == EK::Var && e->a[0]->sym->kind == SymKind::Global) { r.k = ConstVal::Addr; r.sym = e->a[0]->sym; return r; }
      return bad();
    case EK::Cast: {
      ConstVal v = const_eval(e->a[0]);
      if (is_floating(e->ty)) {
        if (v.k == ConstVal::Int) { r.k = ConstVal::Float; r.f = is_signed(e->a[0]->ty) ? (double)v.i : (double)(u64)v.i; return r; }
        if (e->ty->k == TK::Float) v.f = (float)v.f;
        return v;
      }
      if (v.k == ConstVal::Float) {
        if (!(v.f > -9.3e18 && v.f < 1.8e19)) fail_at(e->line, e->col, "floating constant out of range for conversion");
        r.i = v.f >= 9.2e18 ? (i64)(u64)v.f : (i64)v.f;
        r.i = wrap_int(r.i, e->ty);
        return r;
      }
      if (v.k == ConstVal::Int && is_integer(e->ty)) { v.i = wrap_int(v.i, e->ty); return v; }
      return v;
    }
    case EK::Unary: {
      ConstVal v = const_eval(e->a[0]);
      if (v.k == ConstVal::Float) {
        if (e->op == "-") { v.f = -v.f; return v; }
        if (e->op == "!") { r.i = v.f == 0; return r; }
        return bad();
      }
      if (v.k != ConstVal::Int) return bad();
      if (e->op == "-") r.i = wrap_int((i64)(0ull - (u64)v.i), e->ty);
      else if (e->op == "~") r.i = wrap_int(~v.i, e->ty);
      else r.i = v.i == 0;
      return r;
    }
    case EK::Binary: {
      ConstVal a = const_eval(e->a[0]), b = const_eval(e->a[1]);
      const Type* ot = e->op_ty ? e->op_ty : e->ty;
      if (a.k == ConstVal::Float || b.k == ConstVal::Float) {
        if (a.k != ConstVal::Float || b.k != ConstVal::Float) return bad();
        const std::string& o = e->op;
        if (o == "+") r.f = a.f + b.f; else if (o == "-") r.f = a.f - b.f; else if (o == "*") r.f = a.f * b.f;
        else if (o == "/") r.f = a.f / b.f;
        else {
          r.i = o == "==" ? a.f == b.f : o == "!=" ? a.f != b.f : o == "<" ? a.f < b.f : o == ">" ? a.f > b.f : o == "<=" ? a.f <= b.f : a.f >= b.f;
          return r;
        }
        r.k = ConstVal::Float;
        return r;
      }
      if (a.k == ConstVal::Addr && b.k == ConstVal::Int && e->op == "+") { a.i += b.i; return a; }
      if (a.k != ConstVal::Int || b.k != ConstVal::Int) return bad();
      u64 x = (u64)a.i, y = (u64)b.i;
      bool s = is_signed(ot);
      const std::string& o = e->op;
      i64 v;
      if (o == "+") v = (i64)(x + y); else if (o == "-") v = (i64)(x - y); else if (o == "*") v = (i64)(x * y);
      else if (o == "/" || o == "%") {
        if (y == 0) fail_at(e->line, e->col, "division by zero");
        if (s) v = (b.i == -1) ? (o == "/" ? (i64)(0 - x) : 0) : (o == "/" ? a.i / b.i : a.i % b.i);
        else v = (i64)(o == "/" ? x / y : x % y);
      }
      else if (o == "<<") v = (i64)(x << (y & 63)); else if (o == ">>") v = s ? (a.i >> (y & 63)) : (i64)(x >> (y & 63));
      else if (o == "&") v = (i64)(x & y); else if (o == "|") v = (i64)(x | y); else if (o == "^") v = (i64)(x ^ y);
      else if (o == "==") v = x == y; else if (o == "!=") v = x != y;
      else if (o == "<") v = s ? a.i < b.i : x < y; else if (o == ">") v = s ? a.i > b.i : x > y;
      else if (o == "<=") v = s ? a.i <= b.i : x <= y; else v = s ? a.i >= b.i : x >= y;
      r.i = wrap_int(v, e->ty);
      return r;
    }
    case EK::LogAnd: case EK::LogOr: {
      ConstVal a = const_eval(e->a[0]), b = const_eval(e->a[1]);
      if (a.k != ConstVal::Int || b.k != ConstVal::Int) return bad();
      r.i = e->k == EK::LogAnd ? (a.i && b.i) : (a.i || b.i);
      return r;
    }
    case EK::Cond: {
      ConstVal c = const_eval(e->a[0]);
      if (c.k != ConstVal::Int) return bad();
      return const_eval(c.i ? e->a[1] : e->a[2]);
    }
    default: return bad();
  }
}

std::unique_ptr<Program> parse_program(const std::vector<Token>& toks, const std::string& src,
                                       const std::vector<std::string>* included) {
  auto prog = std::make_unique<Program>();
  // The prelude's tokens come first (at line 0, never shown), then the lesson's.
  static const std::vector<Token> prelude = [] {
    std::vector<Token> v = lex(prelude_source()).toks;
    v.pop_back();
    for (auto& k : v) { k.line = 0; k.col = 0; }
    return v;
  }();
  std::vector<Token> all = prelude;
  all.insert(all.end(), toks.begin(), toks.end());
  if (all.empty() || all.back().k != Tk::End) { Token e; e.k = Tk::End; all.push_back(e); }
  Parser ps(all, src, *prog);
  if (included) ps.included = *included;
  ps.check_includes = included != nullptr;
  ps.parse_translation_unit();
  // Statement token indexes refer to `all`; make them relative to the lesson's tokens.
  for (auto& s : prog->stmts) s.tok -= (int)prelude.size();
  prog->main_tok -= (int)prelude.size();
  return prog;
}

}  // namespace pp::lang
