// pinpages lang — lexer. Positions are 1-based line:col of the first character.
#include "lang/lexer.h"

#include <cctype>
#include <cstdio>
#include <cstring>

namespace pp::lang {
namespace {

struct Lexer {
  const std::string& s;
  size_t i = 0;
  int line = 1, col = 1, lline = 1;
  bool bol = true;
  LexResult out;

  explicit Lexer(const std::string& src) : s(src) {}

  char peek(size_t k = 0) const { return i + k < s.size() ? s[i + k] : '\0'; }
  void adv() {
    if (i >= s.size()) return;
    if (s[i] == '\n') { line++; col = 1; } else { col++; }
    i++;
  }
  [[noreturn]] void fail(int l, int c, std::string m) { throw LangError{l, c, std::move(m)}; }

  // Skips blanks, comments and backslash-newlines; records //@ annotations.
  void skip_space() {
    for (;;) {
      char c = peek();
      if (c == '\n') { adv(); lline++; bol = true; continue; }
      if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') { adv(); continue; }
      if (c == '\\' && (peek(1) == '\n' || (peek(1) == '\r' && peek(2) == '\n'))) {
        adv(); if (peek() == '\r') adv(); adv();  // logical line continues
        continue;
      }
      if (c == '/' && peek(1) == '/') {
        bool note = peek(2) == '@';
        adv(); adv();
        if (note) adv();
        int nl = line, nc = col;
        std::string text;
        while (i < s.size() && peek() != '\n') { text += peek(); adv(); }
        if (note) {
          size_t a = 0, b = text.size();
          while (a < b && std::isspace((unsigned char)text[a])) { a++; nc++; }
          while (b > a && std::isspace((unsigned char)text[b - 1])) b--;
          out.notes.push_back({nl, nc, text.substr(a, b - a)});
        }
        continue;
      }
      if (c == '/' && peek(1) == '*') {
        int sl = line, sc = col;
        adv(); adv();
        for (;;) {
          if (i >= s.size()) fail(sl, sc, "unterminated comment");
          if (peek() == '*' && peek(1) == '/') { adv(); adv(); break; }
          if (peek() == '\n') lline++;
          adv();
        }
        continue;
      }
      return;
    }
  }

  int escape(int sl, int sc) {
    // at the character after the backslash
    char c = peek();
    adv();
    switch (c) {
      case 'n': return '\n'; case 't': return '\t'; case 'r': return '\r';
      case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
        int v = c - '0';
        for (int k = 0; k < 2 && peek() >= '0' && peek() <= '7'; k++) { v = v * 8 + (peek() - '0'); adv(); }
        return v & 0xff;
      }
      case 'x': {
        int v = 0, n = 0;
        while (std::isxdigit((unsigned char)peek())) {
          char h = peek(); adv(); n++;
          v = (v * 16 + (std::isdigit((unsigned char)h) ? h - '0' : (std::tolower(h) - 'a' + 10))) & 0xff;
        }
        if (!n) fail(sl, sc, "\\x used with no following hex digits");
        return v;
      }
      case 'a': return 7; case 'b': return 8; case 'f': return 12; case 'v': return 11;
      case '\\': return '\\'; case '\'': return '\''; case '"': return '"'; case '?': return '?';
      default: fail(sl, sc, std::string("unknown escape sequence '\\") + c + "'");
    }
  }

  void number(Token& t) {
    size_t st = i;
    bool is_float = false;
    if (peek() == '0' && (peek(1) == 'x' || peek(1) == 'X')) {
      adv(); adv();
      while (std::isxdigit((unsigned char)peek())) adv();
    } else {
      while (std::isdigit((unsigned char)peek())) adv();
      if (peek() == '.') { is_float = true; adv(); while (std::isdigit((unsigned char)peek())) adv(); }
      if (peek() == 'e' || peek() == 'E') {
        is_float = true; adv();
        if (peek() == '+' || peek() == '-') adv();
        if (!std::isdigit((unsigned char)peek())) fail(t.line, t.col, "exponent has no digits");
        while (std::isdigit((unsigned char)peek())) adv();
      }
    }
    std::string body = s.substr(st, i - st);
    std::string suf;
    while (std::isalnum((unsigned char)peek()) || peek() == '_') { suf += peek(); adv(); }
    if (is_float) {
      t.k = Tk::Float;
      t.fval = std::strtod(body.c_str(), nullptr);
      if (suf == "f" || suf == "F") t.is_float = true;
      else if (!suf.empty()) fail(t.line, t.col, "invalid suffix \"" + suf + "\" on floating constant");
    } else {
      t.k = Tk::Int;
      // Digits are checked by hand so overflow and bad octal digits are diagnostics.
      unsigned __int128 v = 0;
      bool hex = body.size() > 1 && (body[1] == 'x' || body[1] == 'X');
      if (hex && body.size() == 2) fail(t.line, t.col, "invalid suffix \"" + body.substr(1) + suf + "\" on integer constant");
      int base = hex ? 16 : (body.size() > 1 && body[0] == '0') ? 8 : 10;
      for (size_t k = hex ? 2 : 0; k < body.size(); k++) {
        char c = body[k];
        int d = std::isdigit((unsigned char)c) ? c - '0' : std::tolower(c) - 'a' + 10;
        if (d >= base) fail(t.line, t.col, std::string("invalid digit \"") + c + "\" in octal constant");
        v = v * base + d;
        if (v > ~0ull) fail(t.line, t.col, "integer constant is too large for its type");
      }
      t.ival = (std::uint64_t)v;
      std::string l;
      for (char c : suf) l += (char)std::tolower(c);
      if (l == "u") t.is_unsigned = true;
      else if (l == "l" || l == "ll") t.is_long = true;
      else if (l == "ul" || l == "lu" || l == "ull" || l == "llu") { t.is_unsigned = true; t.is_long = true; }
      else if (!l.empty()) fail(t.line, t.col, "invalid suffix \"" + suf + "\" on integer constant");
      t.text = body + suf;
    }
  }

  void run() {
    static const char* puncts[] = {
      "...", "<<=", ">>=", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
      "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "##",
      "+", "-", "*", "/", "%", "&", "|", "^", "~", "!", "<", ">", "=", "?", ":", ";", ",",
      ".", "(", ")", "[", "]", "{", "}", "#"};
    for (;;) {
      skip_space();
      Token t;
      t.line = line; t.col = col; t.lline = lline; t.bol = bol;
      bol = false;
      if (i >= s.size()) { t.k = Tk::End; out.toks.push_back(t); return; }
      char c = peek();
      if (std::isalpha((unsigned char)c) || c == '_') {
        t.k = Tk::Ident;
        while (std::isalnum((unsigned char)peek()) || peek() == '_') { t.text += peek(); adv(); }
      } else if (std::isdigit((unsigned char)c) || (c == '.' && std::isdigit((unsigned char)peek(1)))) {
        number(t);
      } else if (c == '\'') {
        adv();
        if (peek() == '\'' ) fail(t.line, t.col, "empty character constant");
        int v;
        if (peek() == '\\') { adv(); v = escape(t.line, t.col); }
        else if (peek() == '\n' || i >= s.size()) fail(t.line, t.col, "missing terminating ' character");
        else { v = (unsigned char)peek(); adv(); }
        if (peek() != '\'') fail(t.line, t.col, "missing terminating ' character");
        adv();
        t.k = Tk::Char;
        t.ival = (std::uint64_t)(std::int64_t)(signed char)v;  // char is signed on x86-64
      } else if (c == '"') {
        adv();
        t.k = Tk::Str;
        for (;;) {
          if (i >= s.size() || peek() == '\n') fail(t.line, t.col, "missing terminating \" character");
          if (peek() == '"') { adv(); break; }
          if (peek() == '\\') { adv(); t.text += (char)escape(t.line, t.col); continue; }
          t.text += peek(); adv();
        }
      } else {
        t.k = Tk::Punct;
        for (const char* p : puncts) {
          size_t n = std::strlen(p);
          if (s.compare(i, n, p) == 0) { t.text = p; for (size_t k = 0; k < n; k++) adv(); break; }
        }
        if (t.text.empty()) {
          char buf[64];
          if ((unsigned char)c < 32 || (unsigned char)c >= 127)
            std::snprintf(buf, sizeof buf, "stray '\\%o' in program", (unsigned)(unsigned char)c);
          else
            std::snprintf(buf, sizeof buf, "stray '%c' in program", c);
          fail(t.line, t.col, buf);
        }
      }
      out.toks.push_back(std::move(t));
    }
  }
};

}  // namespace

LexResult lex(const std::string& src) {
  Lexer L(src);
  L.run();
  return std::move(L.out);
}

}  // namespace pp::lang
