// pinpages engine — annotation parsing (grammar in annotations.h / lessons/README.md).
#include "engine/annotations.h"

#include <cctype>

namespace pp {

namespace {
std::string trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}
std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> w;
  size_t i = 0;
  for (;;) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i == s.size()) return w;
    size_t j = i;
    while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j]))) ++j;
    w.push_back(s.substr(i, j - i));
    i = j;
  }
}
bool is_op(const std::string& o) { return o == "==" || o == "!=" || o == "<" || o == "<=" || o == ">" || o == ">="; }

std::optional<i64> errno_number(const std::string& s) {
  int v = errno_value(s);
  if (v < 0) return std::nullopt;
  return v;
}
std::optional<i64> parse_int(const std::string& s) {
  if (s.empty()) return std::nullopt;
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (i >= s.size()) return std::nullopt;
  i64 v = 0;
  for (; i < s.size(); i++) {
    if (!std::isdigit((unsigned char)s[i])) return std::nullopt;
    if (v > (i64)1e17) return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return s[0] == '-' ? -v : v;
}

// Splits "Q | a | *b" into its parts. A `|` separates parts only outside brackets and
// `backquotes` and when it is not half of `||`, so a question or a choice can quote C
// (mlockall(MCL_CURRENT | MCL_FUTURE), `a | b`, x || y). A part whose brackets or
// backquotes do not balance is rejected: it means the author's `|` fell somewhere else
// than they thought, and the student would see a mangled question.
bool split_quiz(const std::string& text, std::vector<std::string>& parts, std::string& why, int& at) {
  std::vector<char> open;  // expected closers, innermost last
  bool tick = false;
  size_t start = 0;
  auto fail = [&](const std::string& m, size_t i) { why = m; at = static_cast<int>(i); return false; };
  auto close_part = [&](size_t end) {
    if (tick) return fail("//@ quiz: a part has an unclosed '`'", start);
    if (!open.empty()) return fail(std::string("//@ quiz: a part has an unclosed bracket (missing '") + open.back() + "')", start);
    parts.push_back(trim(text.substr(start, end - start)));
    start = end + 1;
    return true;
  };
  for (size_t i = 0; i < text.size(); i++) {
    char c = text[i];
    if (c == '`') { tick = !tick; continue; }
    if (tick) continue;
    if (c == '(') open.push_back(')');
    else if (c == '[') open.push_back(']');
    else if (c == '{') open.push_back('}');
    else if (c == ')' || c == ']' || c == '}') {
      if (open.empty() || open.back() != c) return fail(std::string("//@ quiz: unbalanced '") + c + "' in a part", i);
      open.pop_back();
    } else if (c == '|') {
      if (i + 1 < text.size() && text[i + 1] == '|') { i++; continue; }  // C's ||
      if (!open.empty()) continue;                                       // inside f(a | b)
      if (!close_part(i)) return false;
    }
  }
  return close_part(text.size());
}

}  // namespace

std::optional<u64> parse_size(const std::string& in) {
  std::string s = in;
  if (s.empty()) return std::nullopt;
  size_t i = 0;
  u64 v = 0;
  while (i < s.size() && std::isdigit((unsigned char)s[i])) {
    if (v > (1ull << 50)) return std::nullopt;
    v = v * 10 + (s[i++] - '0');
  }
  if (i == 0) return std::nullopt;
  std::string suf = s.substr(i);
  for (auto& c : suf) c = (char)std::toupper((unsigned char)c);
  if (suf.empty() || suf == "B") return v;
  u64 mul = 0;
  if (suf[0] == 'K') mul = 1ull << 10; else if (suf[0] == 'M') mul = 1ull << 20;
  else if (suf[0] == 'G') mul = 1ull << 30; else if (suf[0] == 'T') mul = 1ull << 40;
  std::string rest = suf.substr(1);
  if (!mul || !(rest.empty() || rest == "B" || rest == "IB")) return std::nullopt;
  if (v > (~0ull) / mul) return std::nullopt;
  return v * mul;
}

bool is_file_note(const std::string& text) {
  std::string k = text.substr(0, text.find_first_of(" \t"));
  return k == "title" || k == "machine" || k == "figures";
}

std::string figure_caption(const std::string& set, char fig) {
  if (set == "mlockall") {
    if (fig == 'A') return "Just started: nothing in the address space is pinned yet; any page may be paged out.";
    if (fig == 'B') return "After mlockall(MCL_CURRENT | MCL_FUTURE): every page mapped now is pinned in RAM.";
    if (fig == 'C') return "malloc() grows the address space (the heap, or a fresh mapping for a big block); because of MCL_FUTURE the new pages are pinned the moment they appear.";
  }
  if (set == "mlock") {
    if (fig == 'A') return "Before mlock: the buffer in the read/write data segment is ordinary memory and can be paged out.";
    if (fig == 'B') return "After mlock: the pages holding the buffer are pinned and cannot be paged out.";
  }
  return "";
}

bool parse_note(const lang::Annotation& a, FileNotes& file, StepNotes& step, std::string& err, int& err_col) {
  const std::string& t = a.text;
  size_t sp = t.find_first_of(" \t");
  std::string key = t.substr(0, sp);
  std::string rest = sp == std::string::npos ? "" : trim(t.substr(sp));
  int rest_col = sp == std::string::npos ? (int)t.size() : (int)t.find_first_not_of(" \t", sp);
  err_col = 0;
  auto bad = [&](const std::string& m, int col = 0) { err = m; err_col = col; return false; };
  if (key == "title") { if (rest.empty()) return bad("//@ title needs a text", rest_col); file.title = rest; return true; }
  if (key == "figures") {
    if (rest != "mlockall" && rest != "mlock") return bad("//@ figures must be 'mlockall' or 'mlock'", rest_col);
    file.figure_set = rest;
    return true;
  }
  if (key == "machine") {
    for (const std::string& w : words(rest)) {
      size_t eq = w.find('=');
      int col = (int)t.find(w);
      if (eq == std::string::npos) return bad("expected key=value in //@ machine, got '" + w + "'", col);
      std::string k = w.substr(0, eq), v = w.substr(eq + 1);
      if (k == "ram" || k == "swap") {
        auto sz = parse_size(v);
        if (!sz) return bad("bad size '" + v + "' (use e.g. 512M or 1G)", col + (int)eq + 1);
        (k == "ram" ? file.machine.ram_bytes : file.machine.swap_bytes) = *sz;
      } else if (k == "os") {
        if (v == "linux") { file.allows_linux = true; file.allows_qnx = false; file.machine.os = OsKind::Linux; }
        else if (v == "qnx") { file.allows_linux = false; file.allows_qnx = true; file.machine.os = OsKind::Qnx; }
        else if (v == "both") { file.allows_linux = true; file.allows_qnx = true; file.machine.os = OsKind::Linux; }
        else return bad("os must be linux, qnx or both", col + (int)eq + 1);
      } else if (k == "procnto") {
        if (v == "ml") file.machine.procnto = QnxProcnto::LockAll;
        else if (v == "mL") file.machine.procnto = QnxProcnto::SuperlockAll;
        else if (v == "default" || v.empty()) file.machine.procnto = QnxProcnto::Default;
        else return bad("procnto must be ml or mL", col + (int)eq + 1);
      } else if (k == "zero_page") {
        if (v == "on") file.machine.zero_page = true;
        else if (v == "off") file.machine.zero_page = false;
        else return bad("zero_page must be on or off", col + (int)eq + 1);
      } else {
        return bad("unknown //@ machine key '" + k + "' (ram, swap, os, procnto, zero_page)", col);
      }
    }
    return true;
  }
  if (key == "say") { if (rest.empty()) return bad("//@ say needs a text", rest_col); step.say.push_back(rest); return true; }
  if (key == "figure") {
    if (rest.size() != 1 || rest[0] < 'A' || rest[0] > 'C') return bad("//@ figure must be A, B or C", rest_col);
    step.figure = rest[0];
    return true;
  }
  if (key == "step") {
    if (rest.empty()) { step.force = true; return true; }
    if (rest == "once") { step.once = true; step.force = true; return true; }
    if (rest == "each") return true;  // the default
    return bad("//@ step takes nothing, 'once' or 'each'", rest_col);
  }
  if (key == "quiz") {
    Quiz q;
    std::vector<std::string> parts;
    std::string why;
    int why_at = 0;
    if (!split_quiz(rest, parts, why, why_at)) return bad(why, rest_col + why_at);
    if (parts.size() < 3) return bad("//@ quiz needs a question and at least two choices separated by '|'", rest_col);
    if (parts.size() > 6) return bad("//@ quiz has more than five choices", rest_col);
    q.question = parts[0];
    for (size_t i = 1; i < parts.size(); i++) {
      std::string c = parts[i];
      if (!c.empty() && c[0] == '*') {
        if (q.answer >= 0) return bad("//@ quiz has more than one answer marked with '*'", rest_col);
        q.answer = (int)i - 1;
        c = trim(c.substr(1));
      }
      if (c.empty()) return bad("//@ quiz has an empty choice", rest_col);
      q.choices.push_back(c);
    }
    if (q.answer < 0) return bad("//@ quiz: mark the correct choice with '*'", rest_col);
    q.explanation = step.explain;
    step.quiz = q;
    return true;
  }
  if (key == "explain") {
    if (rest.empty()) return bad("//@ explain needs a text", rest_col);
    step.explain = step.explain.empty() ? rest : step.explain + " " + rest;
    if (step.quiz) step.quiz->explanation = step.explain;
    return true;
  }
  if (key == "sudo") {
    if (rest == "off") step.actions.push_back({EnvAction::SudoOff, 0, "sudo off"});
    else if (rest == "on") step.actions.push_back({EnvAction::SudoOn, 0, "sudo on"});
    else return bad("//@ sudo takes 'on' or 'off'", rest_col);
    return true;
  }
  if (key == "drop-cap") { step.actions.push_back({EnvAction::SudoOff, 0, "sudo off"}); return true; }
  if (key == "ulimit-l" || key == "pressure") {
    std::optional<u64> sz = rest == "unlimited" && key == "ulimit-l" ? std::optional<u64>(kRlimInfinity) : parse_size(rest);
    if (!sz) return bad("bad size '" + rest + "' (use e.g. 64K, 900M or 0)", rest_col);
    step.actions.push_back({key == "pressure" ? EnvAction::Pressure : EnvAction::Ulimit, *sz, key + " " + rest});
    return true;
  }
  if (key == "expect") {
    ExpectFact f;
    f.text = rest;
    f.line = a.line;
    f.col = a.col + rest_col;
    std::string body = rest;
    if (body.rfind("child:", 0) == 0) { f.child = true; body = trim(body.substr(6)); }
    std::vector<std::string> w = words(body);
    if (w.empty()) return bad("//@ expect needs a fact", rest_col);
    const std::string& head = w[0];
    if (w.size() == 3 && is_op(w[1])) {
      f.op = w[1];
      if (head == "VmLck" || head == "VmRSS" || head == "VmSize" || head == "VmSwap") {
        auto sz = parse_size(w[2]);
        if (!sz) return bad("bad size '" + w[2] + "' in //@ expect", rest_col);
        f.kind = ExpectFact::Field; f.field = head; f.value = (i64)*sz;
      } else if (head == "ret" || head == "minflt" || head == "majflt") {
        auto v = parse_int(w[2]);
        if (!v) return bad("expected a number after '" + head + " " + w[1] + "', got '" + w[2] + "'", rest_col);
        f.kind = head == "ret" ? ExpectFact::Ret : head == "minflt" ? ExpectFact::Minflt : ExpectFact::Majflt;
        f.value = *v;
      } else if (head == "errno") {
        if (f.op != "==" && f.op != "!=") return bad("errno can only be compared with == or !=", rest_col);
        auto v = w[2] == "0" ? std::optional<i64>(0) : errno_number(w[2]);
        if (!v) return bad("unknown errno name '" + w[2] + "'", rest_col);
        f.kind = ExpectFact::Errno; f.value = *v;
      } else if (head == "signal") {
        // The signal that ended the process: 0 while it lives or after a normal exit.
        if (f.op != "==" && f.op != "!=") return bad("signal can only be compared with == or !=", rest_col);
        std::optional<i64> v = w[2] == "SIGBUS" ? 7 : w[2] == "SIGKILL" ? 9 : w[2] == "SIGSEGV" ? 11 : parse_int(w[2]);
        if (!v) return bad("unknown signal '" + w[2] + "' (SIGBUS, SIGKILL, SIGSEGV or a number)", rest_col);
        f.kind = ExpectFact::Signal; f.value = *v;
      } else {
        return bad("unknown quantity '" + head + "' in //@ expect (VmLck, VmRSS, VmSize, VmSwap, ret, errno, minflt, majflt, signal)", rest_col);
      }
      step.expects.push_back(f);
      return true;
    }
    bool quantity = head == "VmLck" || head == "VmRSS" || head == "VmSize" || head == "VmSwap" || head == "ret" ||
                    head == "errno" || head == "minflt" || head == "majflt" || head == "signal";
    if (quantity) {
      if (w.size() != 3) return bad("expected '" + head + " <op> <value>' in //@ expect", rest_col);
      return bad("unknown operator '" + w[1] + "' (use == != < <= > >=)", rest_col + (int)body.find(w[1]) + (f.child ? (int)(rest.size() - body.size()) : 0));
    }
    f.kind = ExpectFact::Object;
    f.object = head;
    if (w.size() < 2) return bad("//@ expect " + head + ": give locked=, resident= or swapped=", rest_col);
    for (size_t i = 1; i < w.size(); i++) {
      size_t eq = w[i].find('=');
      if (eq == std::string::npos) return bad("expected locked=, resident= or swapped=, got '" + w[i] + "'", rest_col);
      ExpectFact::Cond c;
      c.what = w[i].substr(0, eq);
      std::string v = w[i].substr(eq + 1);
      if (c.what != "locked" && c.what != "resident" && c.what != "swapped" && c.what != "level")
        return bad("unknown page state '" + c.what + "' (locked, resident, swapped, level)", rest_col);
      if (c.what == "level") {
        if (v != "unlocked" && v != "locked" && v != "onfault" && v != "superlocked" && v != "lazy")
          return bad("unknown level '" + v + "' (unlocked, locked, onfault, superlocked, lazy)", rest_col);
        c.name = v;
      } else if (v == "all") c.mode = 0;
      else if (v == "none") c.mode = 1;
      else if (auto n = parse_int(v); n && *n >= 0) { c.mode = 2; c.n = (u64)*n; }
      else return bad("expected all, none or a page count, got '" + v + "'", rest_col);
      f.conds.push_back(c);
    }
    step.expects.push_back(f);
    return true;
  }
  return bad("unknown annotation '//@ " + key + "'", 0);
}

}  // namespace pp
