// pinpages lang — bytecode for the VM.
//
// Why bytecode and not an AST walker: fork() must clone a *running* process (its
// value stack, call frames and program counter), and a step may end at any
// statement; with an explicit stack both are plain data copies.
//
//   every value is one 64-bit slot (integers normalised to their C width, doubles)
//   lvalues are addresses in the target process; Load/Store go through its memory
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "lang/ast.h"

namespace pp::lang {

enum class Op : std::uint8_t {
  PushI, PushF, LocalAddr, GlobalAddr,  // GlobalAddr: a = 0 .data, 1 .bss, 2 .rodata
  Load, Store, Memcpy, Dup, Pop,
  Add, Sub, Mul, DivS, DivU, ModS, ModU, Shl, ShrS, ShrU, And, Or, Xor, Neg, Not, LNot,
  Eq, Ne, LtS, LtU, LeS, LeU, GtS, GtU, GeS, GeU,
  FAdd, FSub, FMul, FDiv, FNeg, FEq, FNe, FLt, FLe, FGt, FGe,
  Trunc,     // w = width, s = signed: wrap to a C integer type
  I2F,       // s = source signed
  F2I,       // w, s = target
  F2F32,     // round a double to float precision
  Jmp, Jz, Jnz,
  Call,      // a = function index, n = argument count
  Builtin,   // a = builtin id, n = argument count, b = mask of double arguments, t = call text
  Ret,
  Stmt,      // a = statement id: a step boundary may fall here
  OnceBegin, OnceEnd,
  LoadErrno, StoreErrno,
  IncDec,    // w, s, f (0 int, 1 float, 2 double); b = delta; a = 1 for postfix
};

struct Ins {
  Op op = Op::PushI;
  std::uint8_t w = 0, s = 0, f = 0;
  std::int32_t a = 0, n = 0, t = -1;
  std::int64_t b = 0;
  std::int32_t line = 0, col = 0;
};

struct FuncCode {
  int entry = -1;  // -1: no body (a library function or an undefined one)
};

struct Code {
  std::vector<Ins> ins;
  std::vector<FuncCode> funcs;  // parallel to Program::funcs
};

// Lowers a parsed program. `once` holds the statement ids marked `//@ step once`.
// Throws LangError for constructs that parse but cannot run.
Code compile(const Program& prog, const std::set<int>& once);

}  // namespace pp::lang
