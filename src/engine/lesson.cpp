// pinpages engine — compiling a lesson and attaching its annotations to statements.
#include "engine/lesson.h"

#include <algorithm>
#include <map>
#include <set>

#include "lang/lexer.h"
#include "lang/parser.h"
#include "lang/preproc.h"

namespace pp {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == '\n') { if (!cur.empty() && cur.back() == '\r') cur.pop_back(); out.push_back(cur); cur.clear(); }
    else cur += c;
  }
  out.push_back(cur);
  return out;
}

std::string trim_copy(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\r"), b = s.find_last_not_of(" \t\r");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

std::string Diagnostic::format() const {
  std::string s = file + ":" + std::to_string(line) + ":" + std::to_string(col) + (warning ? ": warning: " : ": error: ") +
                  message + "\n";
  if (!source_line.empty()) {
    s += "  " + source_line + "\n  ";
    for (int i = 1; i < col && i <= (int)source_line.size(); i++) s += source_line[i - 1] == '\t' ? '\t' : ' ';
    s += "^\n";
  }
  return s;
}

Diagnostic make_diag(const std::string& file, const std::vector<std::string>& lines, int line, int col,
                     const std::string& msg) {
  Diagnostic d;
  d.file = file;
  d.line = line;
  d.col = col;
  d.message = msg;
  if (line >= 1 && line <= (int)lines.size()) d.source_line = lines[line - 1];
  return d;
}

static std::string file_stem(const std::string& path) {
  size_t s = path.find_last_of('/');
  std::string b = s == std::string::npos ? path : path.substr(s + 1);
  size_t d = b.rfind('.');
  b = d == std::string::npos ? b : b.substr(0, d);
  // "01-mlockall" → "mlockall" (lessons/README.md: the id drops the number).
  size_t k = 0;
  while (k < b.size() && b[k] >= '0' && b[k] <= '9') k++;
  if (k > 0 && k < b.size() - 1 && b[k] == '-') b = b.substr(k + 1);
  return b;
}

CompiledLesson compile_lesson(const std::string& file, const std::string& text, std::optional<OsKind> os) {
  CompiledLesson L;
  L.meta.file = file;
  L.meta.id = file_stem(file);
  L.meta.source = text;
  L.lines = split_lines(text);
  auto err = [&](int line, int col, const std::string& m) { L.errors.push_back(make_diag(file, L.lines, line, col, m)); };
  try {
    lang::LexResult lx = lang::lex(text);
    FileNotes fn;
    StepNotes scratch;
    std::vector<const lang::Annotation*> step_notes;
    for (const auto& a : lx.notes) {
      if (is_file_note(a.text)) {
        std::string e;
        int ec = 0;
        if (!parse_note(a, fn, scratch, e, ec)) { err(a.line, a.col + ec, e); return L; }
      } else {
        step_notes.push_back(&a);
      }
    }
    L.meta.title = fn.title.empty() ? L.meta.id : fn.title;
    L.meta.figure_set = fn.figure_set;
    L.meta.machine = fn.machine;
    L.meta.allows_linux = fn.allows_linux;
    L.meta.allows_qnx = fn.allows_qnx;
    L.os = os ? *os : fn.machine.os;
    lang::PreprocOptions po;
    po.qnx = L.os == OsKind::Qnx;
    std::vector<std::string> included;
    po.included = &included;
    std::vector<lang::Token> toks = lang::preprocess(lx.toks, po);
    L.prog = lang::parse_program(toks, text, &included);
    for (const lang::LangError& w : L.prog->warnings) {
      L.warnings.push_back(make_diag(file, L.lines, w.line, w.col, w.msg));
      L.warnings.back().warning = true;
    }
    L.notes.resize(L.prog->stmts.size());
    // Statement starts by position: a note belongs to the statement whose first token
    // is the first token after the note.
    std::map<std::pair<int, int>, int> starts;
    for (size_t i = 0; i < L.prog->stmts.size(); i++) {
      auto key = std::make_pair(L.prog->stmts[i].line, L.prog->stmts[i].col);
      if (!starts.count(key)) starts[key] = (int)i;
    }
    std::pair<int, int> main_pos{-1, -1};
    if (L.prog->main_tok >= 0 && L.prog->main_tok < (int)toks.size())
      main_pos = {toks[L.prog->main_tok].line, toks[L.prog->main_tok].col};
    std::set<int> once;
    for (const lang::Annotation* a : step_notes) {
      auto it = std::upper_bound(toks.begin(), toks.end(), std::make_pair(a->line, a->col),
                                 [](const std::pair<int, int>& pos, const lang::Token& t) {
                                   return pos < std::make_pair(t.line, t.col);
                                 });
      StepNotes* target = nullptr;
      if (it != toks.end() && it->k != lang::Tk::End) {
        auto pos = std::make_pair(it->line, it->col);
        if (pos == main_pos) target = &L.start_notes;
        else if (auto s = starts.find(pos); s != starts.end()) target = &L.notes[s->second];
      }
      if (!target) {
        err(a->line, a->col, "'//@ " + a->text.substr(0, a->text.find(' ')) +
                                 "' must be directly above a statement (or above main() for the start step)");
        return L;
      }
      std::string e;
      int ec = 0;
      FileNotes ignored;
      if (!parse_note(*a, ignored, *target, e, ec)) { err(a->line, a->col + ec, e); return L; }
      if (target->once) {
        for (size_t i = 0; i < L.notes.size(); i++) if (&L.notes[i] == target) once.insert((int)i);
      }
    }
    // Inside a `step once` statement no inner statement starts a step, so annotations
    // there would silently never show: make that a lesson error.
    for (int o : once) {
      int last = L.prog->stmts[o].last;
      for (int i = o + 1; i <= last && i < (int)L.notes.size(); i++) {
        if (L.notes[i].any()) {
          err(L.prog->stmts[i].line, L.prog->stmts[i].col,
              "annotations on a statement inside a '//@ step once' statement never apply (line " +
                  std::to_string(L.prog->stmts[o].line) + " is one step)");
          return L;
        }
      }
    }
    L.code = lang::compile(*L.prog, once);
  } catch (const lang::LangError& e) {
    err(e.line, e.col, e.msg);
  } catch (const std::exception& e) {
    err(1, 1, std::string("internal error: ") + e.what());
  }
  return L;
}

}  // namespace pp
