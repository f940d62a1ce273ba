// The desktop editor's C tokenizer: which bytes get which colour.
#include "ui/c_highlight.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using pp::ui::c_tokens;
using pp::ui::CTok;

namespace {

// "kind:text" per coloured span, in order: easy to read when a test fails.
std::vector<std::string> spans(const std::string& src) {
  static const char* names[] = {"plain", "kw", "type", "str", "num", "com", "note", "pre"};
  std::vector<std::string> out;
  for (const auto& s : c_tokens(src))
    out.push_back(std::string(names[static_cast<int>(s.kind)]) + ":" + src.substr(s.begin, s.end - s.begin));
  return out;
}

using V = std::vector<std::string>;

TEST(CHighlight, KeywordsTypesNumbersComments) {
  EXPECT_EQ(spans("int x = 0x1F; // hi\nreturn x;"), (V{"type:int", "num:0x1F", "com:// hi", "kw:return"}));
  EXPECT_EQ(spans("unsigned long n = 10UL, f = 1.5e3f;"), (V{"type:unsigned", "type:long", "num:10UL", "num:1.5e3f"}));
  EXPECT_EQ(spans("size_t sizeof_x = sizeof(x);"), (V{"type:size_t", "kw:sizeof"}));  // a word, not a prefix
}

TEST(CHighlight, StringsAndChars) {
  EXPECT_EQ(spans("puts(\"a\\\"b // no\"); c = '\\'';"), (V{"str:\"a\\\"b // no\"", "str:'\\''"}));
  // An unclosed string ends at its line, not at the end of the file.
  EXPECT_EQ(spans("s = \"open\nint y;"), (V{"str:\"open", "type:int"}));
}

TEST(CHighlight, BlockCommentsSpanLines) {
  EXPECT_EQ(spans("/* one\n   two */ return;"), (V{"com:/* one\n   two */", "kw:return"}));
  EXPECT_EQ(spans("x = a / b; /* open"), (V{"com:/* open"}));
}

TEST(CHighlight, PreprocessorOnlyAtLineStart) {
  EXPECT_EQ(spans("#include <stdio.h>\n  # define N 4 // four\nx = a # b;"),
            (V{"pre:#include <stdio.h>", "pre:# define N 4 ", "com:// four"}));
  EXPECT_EQ(spans("#define M(a) \\\n  (a + 1)\nint z;"), (V{"pre:#define M(a) \\\n  (a + 1)", "type:int"}));
}

TEST(CHighlight, LessonAnnotations) {
  EXPECT_EQ(spans("mlockall(MCL_CURRENT); //@ figure A\n// plain"), (V{"note://@ figure A", "com:// plain"}));
}

TEST(CHighlight, LinesAndWidth) {
  pp::ui::CodeCache c;
  c.update("ab\n\tc\n\nlonger");
  EXPECT_EQ(c.line_starts, (std::vector<int>{0, 3, 6, 7}));
  EXPECT_EQ(c.longest, 6);  // "longer"; the tab line counts 4 + 1
  c.update("\t\tx");
  EXPECT_EQ(c.longest, 9);
}

}  // namespace
