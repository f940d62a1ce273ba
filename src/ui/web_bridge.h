// pinpages UI — the page side of the UI: URL hash, aria-live narration, downloads,
// clipboard, and the C functions behind window.pinpages (web/pinpages-api.js).
// Natively the same calls write files / print, so app_ui.cpp has no #ifdefs.
#pragma once

#include <string>
#include <vector>

namespace pp::ui::bridge {

// A run of the person's own program as the page asks for it: `args` are argv[1..] one per
// line; empty `os` keeps the current one; `ram`/`swap` are sizes as `//@ machine` writes
// them ("256M"), empty for the program's own.
struct LoadRequest {
  std::string text, args, os, stdin_text, ram, swap;
  int step = 0;  // shown once it has run (a link's step)
};

// What web_bridge.cpp's exported C functions call into (implemented in app_ui.cpp).
struct Target {
  virtual ~Target() = default;
  virtual std::string state_json() = 0;
  virtual void go(int step) = 0;
  virtual bool lesson(const std::string& id) = 0;
  virtual void set_os(const std::string& os) = 0;
  virtual void zoom_by(float factor) = 0;
  virtual void key(const std::string& name) = 0;  // "next", "prev", "presenter", …
  virtual std::string figure_png_url() = 0;  // a blob: URL of the figure as a PNG
  // Runs a C text as the sandbox does, in slices like load(); returns the run's id.
  virtual int program(const std::string& text) = 0;
  // The person's own program (web/editor.js): runs it in slices; returns the run's id.
  virtual int load(const LoadRequest& request) = 0;
  virtual std::string run_status() = 0;    // UserProgram::status_json()
  virtual std::string source() = 0;        // the program shown now (lesson, sandbox or own)
  virtual void sandbox(const std::string& lines) = 0;  // opens the sandbox with these lines
  virtual void packed(int id, const std::string& code) = 0;  // pack()'s answer
  // Opens a recording (docs/RECORDINGS.md): "" when shown, else what is wrong with it.
  virtual std::string load_recording(const std::string& json, const std::string& expect_lesson) = 0;
  // fetch_recording()'s answer: the shipped recording `name`, "" when the page has none.
  virtual void builtin_recording(const std::string& name, const std::string& json) = 0;
};
void install(Target* t);  // also keeps this file's exports linked in
// Calls from the page that may change what is on screen since the last take_calls():
// the page draws only while something changes (src/app/platform.h), and a hook call is
// such a change just as a key press is.
int take_calls();

void set_hash(const std::string& hash);       // replaceState: no history flood, no hashchange
void narrate(const std::string& text);        // #narration (aria-live)
std::string save(const std::string& name, const std::string& mime, const std::vector<unsigned char>& bytes);
void copy_text(const std::string& text);      // clipboard (web) / stdout (desktop)
std::string page_url_without_hash();          // "" natively
// Runs window.pinpages.actions[name]() (the page's add-ons register them: "editor",
// "recording"); false when the page has no such action, natively always.
bool page_action(const std::string& name);
// Compresses `text` for a link (deflate-raw + base64url, in the browser); the answer
// arrives later through Target::packed(id, code). Natively: nothing.
void pack(int id, const std::string& text);
// Fetches the shipped recording `name` (web/recordings/NAME.json, next to the page); the
// answer arrives later through Target::builtin_recording(name, json). Natively: nothing
// (the recordings are built in there).
void fetch_recording(const std::string& name);
// An object URL of `bytes` (a Blob made from a copy of them); valid until the next call.
// Natively "".
std::string object_url(const std::string& mime, const std::vector<unsigned char>& bytes);

}  // namespace pp::ui::bridge
