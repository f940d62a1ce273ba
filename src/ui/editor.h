// pinpages UI — the desktop's program editor window (the page has an HTML editor,
// web/editor.js, which serves phones, paste and screen readers better than ImGui can).
//
//   "Edit program" button / Ctrl+E ──► toggle_editor ──► draw_editor (docked on the right)
//   Run button / Ctrl+Enter in the text ──► EditorState::want_run ──► AppUi runs it in slices
#pragma once

#include <string>
#include <vector>

#include "engine/trace.h"
#include "ui/app_ui.h"
#include "ui/c_highlight.h"

namespace pp::ui {

class Ui;

struct EditorState {
  bool open = false;
  bool want_run = false;                 // Run was pressed: AppUi starts the run
  std::string text, args, stdin_text;    // args: one per line or separated by spaces
  std::string save_name = "program.c";   // where "Save" writes (relative: the working directory)
  std::string message;                   // what the last save did
  std::string confirm_replace;           // a file of this name exists: the next Save replaces it
  std::vector<Diagnostic> errors;        // of the last run, shown at their line:col
  int goto_line = 0, goto_col = 0;       // an error was clicked: put the cursor there
  bool focus_text = false;               // the next frame gives the text field the keyboard
  bool text_active = false;              // the text field had the keyboard last frame
  int cursor = 0, cursor_drawn = -1;     // byte offset of the caret; where the view last followed it
  CodeCache code;                        // tokens of `text` for the colours
};

// Opens (loading `current`, the program on screen, when the editor is empty) or closes it.
void toggle_editor(EditorState& e, const std::string& current);
// The part of the window the editor leaves to the other windows (all of it when closed).
FrameInfo beside_editor(const EditorState& e, const FrameInfo& info);
// Draws the editor window when open; Ctrl+E toggles it.
void draw_editor(Ui& ui, EditorState& e, const FrameInfo& info, bool running, int steps_so_far,
                 const std::string& current);
// The argv field as the engine wants it: one argument per line.
std::string editor_args(const EditorState& e);
// {open, text, cursor, message, errors:[{line, col, message}]} for the desktop test hook.
std::string editor_json(const EditorState& e);

}  // namespace pp::ui
