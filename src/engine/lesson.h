// pinpages engine — a lesson compiled for running: program, bytecode, annotations.
//
//   text ──lex──► tokens + //@ notes ──preprocess──► parse ──► Program ──compile──► Code
//                                 └── file notes (title, machine) / step notes per statement
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/annotations.h"
#include "engine/run.h"
#include "engine/trace.h"
#include "lang/ast.h"
#include "lang/bytecode.h"

namespace pp {

struct CompiledLesson {
  LessonMeta meta;
  std::unique_ptr<lang::Program> prog;
  lang::Code code;
  std::vector<StepNotes> notes;  // per statement id
  StepNotes start_notes;         // step 0: annotations directly above main()
  std::vector<std::string> lines;
  std::vector<Diagnostic> errors;  // non-empty: not runnable
  std::vector<Diagnostic> warnings;
  OsKind os = OsKind::Linux;
};

// `os` (if set) overrides //@ machine os= for preprocessing (__QNX__ vs __linux__).
CompiledLesson compile_lesson(const std::string& file, const std::string& text, std::optional<OsKind> os);

Diagnostic make_diag(const std::string& file, const std::vector<std::string>& lines, int line, int col,
                     const std::string& msg);

std::vector<std::string> split_lines(const std::string& text);
std::string trim_copy(const std::string& s);

}  // namespace pp
