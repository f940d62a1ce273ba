// C syntax colours for the desktop editor (see c_highlight.h).
#include "ui/c_highlight.h"

#include <algorithm>
#include <cctype>
#include <cfloat>
#include <unordered_set>

namespace pp::ui {
namespace {

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

CTok word_kind(std::string_view w) {
  static const std::unordered_set<std::string_view> keywords = {
      "auto", "break", "case", "const", "continue", "default", "do", "else", "enum", "extern", "for", "goto", "if",
      "inline", "register", "restrict", "return", "sizeof", "static", "struct", "switch", "typedef", "union",
      "volatile", "while", "NULL", "true", "false"};
  static const std::unordered_set<std::string_view> types = {
      "char", "double", "float", "int", "long", "short", "signed", "unsigned", "void", "bool", "_Bool", "size_t",
      "ssize_t", "pid_t", "off_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t", "int8_t", "int16_t", "int32_t",
      "int64_t", "uintptr_t", "intptr_t", "pthread_t", "FILE"};
  if (keywords.count(w)) return CTok::Keyword;
  if (types.count(w)) return CTok::Type;
  return CTok::Plain;
}

// Index of the end of a quoted literal starting at `i` (the quote), stopping at the line's end.
std::size_t literal_end(std::string_view t, std::size_t i) {
  const char q = t[i];
  for (++i; i < t.size() && t[i] != '\n'; ++i) {
    if (t[i] == '\\' && i + 1 < t.size() && t[i + 1] != '\n') ++i;
    else if (t[i] == q) return i + 1;
  }
  return i;
}

std::size_t number_end(std::string_view t, std::size_t i) {
  while (i < t.size() && (ident_char(t[i]) || t[i] == '.')) ++i;  // 0x1F, 1.5e3f, 10UL
  return i;
}

// A preprocessor line runs to its end, continued by a backslash before the newline.
std::size_t preproc_end(std::string_view t, std::size_t i) {
  while (i < t.size() && !(t[i] == '\n' && t[i - 1] != '\\')) {
    if (t.compare(i, 2, "//") == 0 || t.compare(i, 2, "/*") == 0) break;  // a comment after it keeps its colour
    ++i;
  }
  return i;
}

}  // namespace

std::vector<CSpan> c_tokens(std::string_view t) {
  std::vector<CSpan> out;
  bool line_start = true;  // only blanks so far on this line (for '#')
  std::size_t i = 0;
  auto add = [&](std::size_t b, std::size_t e, CTok k) { out.push_back({static_cast<int>(b), static_cast<int>(e), k}); };
  while (i < t.size()) {
    const char c = t[i];
    std::size_t e = i + 1;
    if (t.compare(i, 3, "//@") == 0 || t.compare(i, 2, "//") == 0) {
      e = std::min(t.find('\n', i), t.size());
      add(i, e, t.compare(i, 3, "//@") == 0 ? CTok::Annotation : CTok::Comment);
    } else if (t.compare(i, 2, "/*") == 0) {
      std::size_t close = t.find("*/", i + 2);
      e = close == std::string_view::npos ? t.size() : close + 2;
      add(i, e, CTok::Comment);
    } else if (c == '"' || c == '\'') {
      e = literal_end(t, i);
      add(i, e, CTok::String);
    } else if (c == '#' && line_start) {
      e = preproc_end(t, i);
      add(i, e, CTok::Preproc);
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      e = number_end(t, i);
      add(i, e, CTok::Number);
    } else if (ident_start(c)) {
      while (e < t.size() && ident_char(t[e])) ++e;
      if (CTok k = word_kind(t.substr(i, e - i)); k != CTok::Plain) add(i, e, k);
    }
    for (std::size_t k = i; k < e; ++k) {
      if (t[k] == '\n') line_start = true;
      else if (t[k] != ' ' && t[k] != '\t') line_start = false;
    }
    i = e;
  }
  return out;
}

CodeColours code_colours(ImU32 plain, bool high_contrast) {
  CodeColours c{};
  // Blue keywords, teal types, brown strings, purple numbers, grey-green comments, orange
  // lesson annotations, magenta preprocessor: distinct in hue and in lightness, so they
  // still separate for colour-blind readers and on a washed-out projector.
  const ImU32 hi[8] = {plain,
                       IM_COL32(0, 40, 140, 255),  IM_COL32(0, 80, 80, 255),   IM_COL32(110, 45, 0, 255),
                       IM_COL32(90, 20, 120, 255), IM_COL32(60, 70, 60, 255),  IM_COL32(130, 50, 0, 255),
                       IM_COL32(120, 0, 80, 255)};
  const ImU32 std_[8] = {plain,
                         IM_COL32(0, 70, 170, 255),   IM_COL32(0, 115, 115, 255), IM_COL32(160, 75, 0, 255),
                         IM_COL32(125, 50, 160, 255), IM_COL32(95, 110, 95, 255), IM_COL32(190, 80, 0, 255),
                         IM_COL32(165, 25, 110, 255)};
  std::copy(std::begin(high_contrast ? hi : std_), std::end(high_contrast ? hi : std_), c.of);
  return c;
}

void CodeCache::update(const std::string& t) {
  if (t == text && !line_starts.empty()) return;
  text = t;
  spans = c_tokens(text);
  line_starts.assign(1, 0);
  longest = 0;
  int cols = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      line_starts.push_back(static_cast<int>(i + 1));
      cols = 0;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {  // not a UTF-8 continuation byte
      cols += text[i] == '\t' ? 4 : 1;
      longest = std::max(longest, cols);
    }
  }
}

float code_x(ImFont* font, float size, const CodeCache& c, int offset) {
  offset = std::clamp(offset, 0, static_cast<int>(c.text.size()));
  auto it = std::upper_bound(c.line_starts.begin(), c.line_starts.end(), offset);
  const int start = *(it - 1);
  const char* s = c.text.data();
  return font->CalcTextSizeA(size, FLT_MAX, 0, s + start, s + offset).x;
}

void draw_code_layer(ImDrawList* dl, ImFont* font, float size, ImVec2 origin, float line_h, const CodeCache& c,
                     const CodeColours& col, int first, int last) {
  const int nlines = static_cast<int>(c.line_starts.size());
  first = std::max(first, 1);
  last = std::min(last, nlines);
  if (first > last) return;
  const char* s = c.text.data();
  const int first_byte = c.line_starts[first - 1];
  // The first span that reaches the first visible line (a comment may start above it).
  auto sp = std::lower_bound(c.spans.begin(), c.spans.end(), first_byte,
                             [](const CSpan& a, int b) { return a.end <= b; });
  for (int line = first; line <= last; ++line) {
    const int b = c.line_starts[line - 1];
    const int e = line < nlines ? c.line_starts[line] - 1 : static_cast<int>(c.text.size());
    ImVec2 p(origin.x, origin.y + (line - 1) * line_h);
    int at = b;
    while (at < e) {
      while (sp != c.spans.end() && sp->end <= at) ++sp;
      int stop = e;
      CTok kind = CTok::Plain;
      if (sp != c.spans.end() && sp->begin <= at) { kind = sp->kind; stop = std::min(e, sp->end); }
      else if (sp != c.spans.end()) stop = std::min(e, sp->begin);
      dl->AddText(font, size, p, col.of[static_cast<int>(kind)], s + at, s + stop);
      p.x += font->CalcTextSizeA(size, FLT_MAX, 0, s + at, s + stop).x;
      at = stop;
    }
  }
}

}  // namespace pp::ui
