// pinpages UI — C syntax colours for the desktop editor: a tokenizer (pure, testable)
// and the layer that paints its tokens where ImGui's text field has its glyphs.
//
//   EditorState::text ──► c_tokens() (only when the text changed) ──► draw_code_layer()
//                                                                      (under the text field)
// The page has its own highlighter (web/editor.js); this one serves the ImGui window only.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "imgui.h"

namespace pp::ui {

enum class CTok : unsigned char { Plain, Keyword, Type, String, Number, Comment, Annotation, Preproc };

struct CSpan {
  int begin = 0, end = 0;  // byte offsets into the text, end exclusive
  CTok kind = CTok::Plain;
};

// The coloured spans of `text` in order (plain text between them is not listed). Unclosed
// comments and strings run to the end of the text / line, as a compiler would read them.
std::vector<CSpan> c_tokens(std::string_view text);

struct CodeColours {
  ImU32 of[8];  // indexed by CTok
};
// Colours for a light background with at least 4.5:1 contrast; `high_contrast` darkens them.
CodeColours code_colours(ImU32 plain, bool high_contrast);

// The tokens, re-made only when the text changes (a frame must not re-tokenize 2,000 lines).
struct CodeCache {
  std::string text;
  std::vector<CSpan> spans;
  std::vector<int> line_starts;  // byte offset of each line
  int longest = 0;               // columns of the longest line (a tab counts 4)
  void update(const std::string& t);
};

// Paints lines [first, last] (1-based, clipped to the text) of `c.text` with the top-left of
// line 1 at `origin`, `line_h` apart, in `font` at `size`, the way ImGui's text field lays
// them out (no wrapping, tabs as the font's tab advance).
void draw_code_layer(ImDrawList* dl, ImFont* font, float size, ImVec2 origin, float line_h, const CodeCache& c,
                     const CodeColours& col, int first, int last);
// x offset of byte `offset` within its line, as the layer draws it.
float code_x(ImFont* font, float size, const CodeCache& c, int offset);

}  // namespace pp::ui
