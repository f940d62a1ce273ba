// A scripted person at the keyboard for the desktop tests (see script.h).
#include "app/script.h"

#include <SDL.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace pp::app {
namespace {

std::string unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) { out += s[i]; continue; }
    const char c = s[++i];
    out += c == 'n' ? '\n' : c == 't' ? '\t' : c;
  }
  return out;
}

void push_key(Uint32 type, int scancode, int mods, Uint32 window) {
  SDL_Event ev{};
  ev.type = type;
  ev.key.windowID = window;
  ev.key.state = type == SDL_KEYDOWN ? SDL_PRESSED : SDL_RELEASED;
  ev.key.keysym.scancode = static_cast<SDL_Scancode>(scancode);
  ev.key.keysym.sym = SDL_GetKeyFromScancode(ev.key.keysym.scancode);
  ev.key.keysym.mod = static_cast<Uint16>(mods);
  SDL_PushEvent(&ev);
}

void push_text(const std::string& text, Uint32 window) {
  // One character per event: SDL's text events hold 32 bytes, and a keyboard sends one each.
  for (std::size_t i = 0; i < text.size();) {
    std::size_t n = 1;
    while (i + n < text.size() && (static_cast<unsigned char>(text[i + n]) & 0xC0) == 0x80) ++n;
    SDL_Event ev{};
    ev.type = SDL_TEXTINPUT;
    ev.text.windowID = window;
    std::memcpy(ev.text.text, text.data() + i, n);
    SDL_PushEvent(&ev);
    i += n;
  }
}

}  // namespace

bool Script::load(const std::string& path, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = path + ": cannot read the script";
    return false;
  }
  path_ = path;
  std::string text;
  for (int n = 1; std::getline(in, text); ++n) {
    if (text.empty() || text[0] == '#') continue;
    const auto sp = text.find(' ');
    lines_.push_back({n, text.substr(0, sp), sp == std::string::npos ? "" : text.substr(sp + 1)});
  }
  return true;
}

bool Script::queue_keys(const std::string& spec) {
  int mods = 0;
  std::string rest = spec;
  for (;;) {
    const auto plus = rest.find('+');
    if (plus == std::string::npos || plus + 1 == rest.size()) break;
    const std::string m = rest.substr(0, plus);
    if (m == "ctrl") mods |= KMOD_LCTRL;
    else if (m == "shift") mods |= KMOD_LSHIFT;
    else if (m == "alt") mods |= KMOD_LALT;
    else return false;
    rest = rest.substr(plus + 1);
  }
  const SDL_Scancode sc = SDL_GetScancodeFromName(rest.c_str());
  if (sc == SDL_SCANCODE_UNKNOWN) return false;
  frames_.push_back({Event{Event::Down, sc, mods, {}}});
  frames_.push_back({Event{Event::Up, sc, 0, {}}});
  return true;
}

void Script::queue_text(const std::string& text) {
  std::vector<Event> batch;
  std::string run;
  for (char c : text) {
    if (c != '\n' && c != '\t') { run += c; continue; }
    // Characters first, then the key: ImGui inserts a frame's characters before its keys.
    if (!run.empty()) batch.push_back({Event::Text, 0, 0, run});
    run.clear();
    const int sc = c == '\n' ? SDL_SCANCODE_RETURN : SDL_SCANCODE_TAB;
    batch.push_back({Event::Down, sc, 0, {}});
    frames_.push_back(batch);
    frames_.push_back({Event{Event::Up, sc, 0, {}}});  // alone: a Down in the same frame would hide both
    batch.clear();
  }
  if (!run.empty()) batch.push_back({Event::Text, 0, 0, run});
  frames_.push_back(batch);
}

bool Script::run_line(Platform& p, const Line& l) {
  auto fail = [&](const std::string& why) {
    error_ = path_ + ":" + std::to_string(l.number) + ": " + why;
    return false;
  };
  if (l.cmd == "wait") wait_ = std::atoi(l.arg.c_str());
  else if (l.cmd == "key") { if (!queue_keys(l.arg)) return fail("unknown key \"" + l.arg + "\""); }
  else if (l.cmd == "type") queue_text(unescape(l.arg));
  else if (l.cmd == "idle") idle_left_ = std::atoi(l.arg.c_str());
  else if (l.cmd == "screenshot") p.screenshot_path = l.arg;
  else if (l.cmd == "quit") p.quit = true;
  else if (l.cmd == "size") {
    int w = 0, h = 0;
    std::istringstream(l.arg) >> w >> h;
    if (w <= 0 || h <= 0) return fail("size needs a width and a height");
    SDL_SetWindowSize(p.window, w, h);
  } else if (l.cmd == "dump") {
    if (!p.ui) return fail("no UI to dump");
    FILE* f = std::fopen(l.arg.c_str(), "wb");
    if (!f) return fail("cannot write " + l.arg);
    const std::string j = p.ui->test_state_json();
    std::fwrite(j.data(), 1, j.size(), f);
    std::fclose(f);
  } else {
    return fail("unknown command \"" + l.cmd + "\"");
  }
  return true;
}

bool Script::before_frame(Platform& p) {
  if (!error_.empty()) return false;
  const Uint32 window = p.window ? SDL_GetWindowID(p.window) : 0;
  if (!frames_.empty()) {
    int mods = 0;
    for (const Event& e : frames_.front()) mods |= e.kind == Event::Down ? e.mods : 0;
    SDL_SetModState(static_cast<SDL_Keymod>(mods));  // what the backend reads with each key
    for (const Event& e : frames_.front()) {
      if (e.kind == Event::Text) push_text(e.text, window);
      else push_key(e.kind == Event::Down ? SDL_KEYDOWN : SDL_KEYUP, e.scancode, e.mods, window);
    }
    frames_.pop_front();
    return true;
  }
  if (wait_ > 0) { --wait_; return true; }
  if (idle_left_ >= 0) {
    if (p.ui && p.ui->busy()) {
      if (idle_left_-- > 0) return true;
      error_ = path_ + ": a program was still running after the frames \"idle\" allowed";
      return false;
    }
    idle_left_ = -1;
  }
  while (!lines_.empty()) {
    const Line l = lines_.front();
    lines_.pop_front();
    if (!run_line(p, l)) return false;
    if (!frames_.empty() || wait_ > 0 || idle_left_ >= 0 || !p.screenshot_path.empty()) return before_frame(p);
  }
  p.quit = true;
  return true;
}

}  // namespace pp::app
