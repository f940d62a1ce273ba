// pinpages UI — the desktop's program editor window (the page has an HTML editor,
// web/editor.js, which serves phones, paste and screen readers better than ImGui can).
//
//   Ctrl+E / the window's Run (Ctrl+Enter) ──► EditorState::want_run ──► AppUi runs it in slices
#pragma once

#include <string>
#include <vector>

#include "engine/trace.h"

namespace pp::ui {

class Ui;

struct EditorState {
  bool open = false;
  bool want_run = false;                 // Run was pressed: AppUi starts the run
  std::string text, args, stdin_text;    // args: one per line or separated by spaces
  std::vector<Diagnostic> errors;        // of the last run, shown at their line:col
  int goto_line = 0;                     // an error was clicked: scroll there
};

// Draws the editor window when open (Ctrl+E toggles it; opening it loads `current`, the
// program on screen, when the editor is empty).
void draw_editor(Ui& ui, EditorState& e, bool running, int steps_so_far, const std::string& current);
// The argv field as the engine wants it: one argument per line.
std::string editor_args(const EditorState& e);

}  // namespace pp::ui
