// pinpages lang — parser + type checker: preprocessed tokens ──► typed Program.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "lang/ast.h"
#include "lang/lexer.h"

namespace pp::lang {

// `src` is the lesson text (for the source text of calls shown in steps).
// Throws LangError at the first error.
// `included`: the headers the program #included (for gcc's implicit-declaration warning).
std::unique_ptr<Program> parse_program(const std::vector<Token>& toks, const std::string& src,
                                       const std::vector<std::string>* included = nullptr);

// The declarations of the C library functions, types and structs the interpreter
// provides (size_t, struct rlimit, malloc, mlock, ...), parsed before the lesson.
const char* prelude_source();

}  // namespace pp::lang
