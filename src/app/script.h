// pinpages app — a scripted person at the keyboard, for the desktop tests: with
// PINPAGES_SCRIPT=FILE the window reads FILE and feeds its keys to SDL's event queue,
// so they reach the UI exactly as a keyboard's do (SDL → ImGui's SDL backend → widgets).
//
//   wait N             let N frames pass
//   key ctrl+e         press and release keys (ctrl, shift, alt + a letter, digit or a name:
//                      return escape tab home end up down left right delete backspace)
//   type TEXT          type TEXT (C escapes: \n presses Return, \t Tab, \\ a backslash)
//   idle N             wait until no program is running (at most N frames: else fail)
//   dump FILE          write AppUi::test_state_json() to FILE
//   screenshot FILE    save the next frame as PNG
//   size W H           resize the window
//   quit               close the window (the end of the file does too)
// A bad line stops the window with exit code 3 and a file:line: message.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "app/platform.h"

namespace pp::app {

class Script {
 public:
  bool load(const std::string& path, std::string& error);
  // Before each frame: queues this frame's events. False when the script failed (error()).
  bool before_frame(Platform& p);
  const std::string& error() const { return error_; }

 private:
  struct Line {
    int number = 0;
    std::string cmd, arg;
  };
  bool run_line(Platform& p, const Line& l);
  bool queue_keys(const std::string& spec);
  void queue_text(const std::string& text);

  std::string path_, error_;
  std::deque<Line> lines_;
  // Per-frame batches of work still to do (a key goes down in one frame and up in the
  // next: ImGui 1.86 sees only the state at each frame's start).
  struct Event {
    enum Kind { Down, Up, Text } kind = Text;
    int scancode = 0, mods = 0;
    std::string text;
  };
  std::deque<std::vector<Event>> frames_;
  int wait_ = 0, idle_left_ = -1;
};

}  // namespace pp::app
