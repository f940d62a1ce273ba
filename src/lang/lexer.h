// pinpages lang — tokens of the C subset, with exact line:col for diagnostics.
//
//   source text ──lex──► [Token ...] + [//@ annotations]  ──preprocess──► tokens for the parser
//
// `//@ ...` comments are kept aside (with their position) because they carry the
// lesson's teaching annotations; every other comment is dropped.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pp::lang {

// Every front-end error is thrown as this and turned into a pp::Diagnostic at the top;
// the interpreter itself never throws past run_lesson.
struct LangError {
  int line = 0, col = 0;
  std::string msg;
};

enum class Tk : std::uint8_t { Ident, Int, Float, Char, Str, Punct, End };

struct Token {
  Tk k = Tk::End;
  int line = 0, col = 0;
  int lline = 0;      // logical line (a backslash-newline continues the previous one)
  bool bol = false;   // first token of its logical line (a '#' here starts a directive)
  std::string text;   // identifier / punctuator / decoded string literal
  std::uint64_t ival = 0;
  double fval = 0;
  bool is_unsigned = false, is_long = false, is_float = false;
};

struct Annotation {
  int line = 0, col = 0;  // position of the first character after "//@"
  std::string text;       // trimmed
};

struct LexResult {
  std::vector<Token> toks;  // ends with one Tk::End
  std::vector<Annotation> notes;
};

LexResult lex(const std::string& src);  // throws LangError

}  // namespace pp::lang
