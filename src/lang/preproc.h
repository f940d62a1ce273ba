// pinpages lang — a tiny C preprocessor on tokens.
//
// Supports what lessons need: #include of known system headers (accepted and ignored:
// their declarations are built into the interpreter), object-like and simple
// function-like #define, #undef, #if/#ifdef/#ifndef/#elif/#else/#endif with defined(),
// #error and #pragma (ignored). The constants of the system headers (MAP_*, MCL_*,
// errno values, ...) are predefined with Linux numbering.
#pragma once

#include <string>
#include <vector>

#include "lang/lexer.h"

namespace pp::lang {

struct PreprocOptions {
  bool qnx = false;  // defines __QNX__/__QNXNTO__ instead of __linux__
  std::vector<std::string>* included = nullptr;  // out: the headers the program #included
};

std::vector<Token> preprocess(const std::vector<Token>& in, const PreprocOptions& opt);  // throws LangError

// True for the system headers the interpreter knows ("stdio.h", "sys/mman.h", ...).
bool known_header(const std::string& name);
std::vector<std::string> known_headers();

}  // namespace pp::lang
