// The browser side of the UI (see web_bridge.h). Browser-only code is guarded with
// __EMSCRIPTEN__; the exported pp_* functions are what web/pinpages-api.js calls.
#include "ui/web_bridge.h"

#include <cstdio>
#include <string>

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

namespace pp::ui::bridge {
namespace {
Target* g_target = nullptr;
std::string g_ret;  // storage for strings returned to JS (valid until the next call)
int g_calls = 0;    // calls that may change the screen, since take_calls()

}  // namespace

void install(Target* t) { g_target = t; }
int take_calls() { int n = g_calls; g_calls = 0; return n; }

#ifdef __EMSCRIPTEN__

EM_JS(void, pp_js_set_hash, (const char* h), {
  var s = UTF8ToString(h);
  if (location.hash.slice(1) !== s) history.replaceState(null, '', '#' + s);
});
EM_JS(void, pp_js_narrate, (const char* t), {
  var s = UTF8ToString(t);
  if (window.pinpages && window.pinpages.narrate) { window.pinpages.narrate(s); return; }
  var n = document.getElementById('narration');
  if (n && n.textContent !== s) n.textContent = s;
});
// The bytes are copied out of the wasm heap (a view of it would change as memory grows).
EM_JS(void, pp_js_download, (const char* name, const char* mime, const unsigned char* data, int len), {
  var blob = new Blob([HEAPU8.slice(data, data + len)], {type: UTF8ToString(mime)});
  var a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = UTF8ToString(name);
  document.body.appendChild(a);
  a.click();
  setTimeout(function() { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
});
// One URL at a time: the previous one is revoked, so repeated calls do not pile up blobs.
EM_JS(void, pp_js_object_url, (const char* mime, const unsigned char* data, int len, char* out, int cap), {
  var blob = new Blob([HEAPU8.slice(data, data + len)], {type: UTF8ToString(mime)});
  if (Module.ppObjectUrl) URL.revokeObjectURL(Module.ppObjectUrl);
  Module.ppObjectUrl = URL.createObjectURL(blob);
  stringToUTF8(Module.ppObjectUrl, out, cap);
});
EM_JS(void, pp_js_copy, (const char* t), {
  var s = UTF8ToString(t);
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(s).catch(function() { window.prompt('Copy this link:', s); });
  } else {
    window.prompt('Copy this link:', s);
  }
  if (window.pinpages) window.pinpages.lastCopied = s;
});

EM_JS(int, pp_js_page_action, (const char* name), {
  var a = window.pinpages && window.pinpages.actions && window.pinpages.actions[UTF8ToString(name)];
  if (typeof a !== 'function') return 0;
  a();
  return 1;
});

EM_JS(void, pp_js_pack, (int id, const char* t), {
  var s = UTF8ToString(t);
  if (window.pinpages && window.pinpages.pack)
    window.pinpages.pack(s).then(function(code) { Module.ccall('pp_ui_packed', null, ['number', 'string'], [id, code]); });
});

// The document goes over as loadRecording's does (window.pinpages.sendDocument, loader.js).
EM_JS(void, pp_js_fetch_recording, (const char* n), {
  var name = UTF8ToString(n);
  fetch('recordings/' + encodeURIComponent(name) + '.json')
    .then(function(r) { return r.ok ? r.text() : ''; })
    .catch(function() { return ''; })
    .then(function(t) {
      window.pinpages.sendDocument(Module, t);
      Module.ccall('pp_ui_builtin_recording', null, ['string'], [name]);
    });
});

void pack(int id, const std::string& text) { pp_js_pack(id, text.c_str()); }
void fetch_recording(const std::string& name) { pp_js_fetch_recording(name.c_str()); }
void set_hash(const std::string& h) { pp_js_set_hash(h.c_str()); }
void narrate(const std::string& t) { pp_js_narrate(t.c_str()); }
std::string save(const std::string& name, const std::string& mime, const std::vector<unsigned char>& b) {
  pp_js_download(name.c_str(), mime.c_str(), b.data(), static_cast<int>(b.size()));
  return "downloaded " + name;
}
void copy_text(const std::string& t) { pp_js_copy(t.c_str()); }
bool page_action(const std::string& name) { return pp_js_page_action(name.c_str()) != 0; }
std::string object_url(const std::string& mime, const std::vector<unsigned char>& b) {
  char url[512] = "";  // "blob:<origin>/<uuid>"
  pp_js_object_url(mime.c_str(), b.data(), static_cast<int>(b.size()), url, sizeof url);
  return url;
}
std::string page_url_without_hash() {
  const char* s = emscripten_run_script_string("location.origin + location.pathname + location.search");
  return s ? s : "";
}

#else

void set_hash(const std::string&) {}
void pack(int, const std::string&) {}
void fetch_recording(const std::string&) {}
void narrate(const std::string&) {}
std::string save(const std::string& name, const std::string&, const std::vector<unsigned char>& b) {
  FILE* f = std::fopen(name.c_str(), "wb");
  if (!f) return "cannot write " + name;
  std::fwrite(b.data(), 1, b.size(), f);
  std::fclose(f);
  return "saved " + name;
}
void copy_text(const std::string& t) { std::printf("%s\n", t.c_str()); std::fflush(stdout); }
bool page_action(const std::string&) { return false; }
std::string page_url_without_hash() { return ""; }
std::string object_url(const std::string&, const std::vector<unsigned char>&) { return ""; }

#endif

}  // namespace pp::ui::bridge

// ------------------------------------------------------------------ exports for JS
// window.pinpages.* in web/pinpages-api.js wraps these with Module.ccall.
#ifdef __EMSCRIPTEN__
#define PP_EXPORT EMSCRIPTEN_KEEPALIVE
#else
#define PP_EXPORT
#endif

using pp::ui::bridge::g_target;
using pp::ui::bridge::g_ret;
using pp::ui::bridge::g_calls;

extern "C" {
PP_EXPORT const char* pp_ui_state() {
  g_ret = g_target ? g_target->state_json() : "null";
  return g_ret.c_str();
}
PP_EXPORT void pp_ui_go(int step) { ++g_calls; if (g_target) g_target->go(step); }
PP_EXPORT int pp_ui_lesson(const char* id) { ++g_calls; return g_target && id && g_target->lesson(id) ? 1 : 0; }
PP_EXPORT void pp_ui_os(const char* os) { ++g_calls; if (g_target && os) g_target->set_os(os); }
PP_EXPORT void pp_ui_zoom(float f) { ++g_calls; if (g_target) g_target->zoom_by(f); }
PP_EXPORT void pp_ui_key(const char* k) { ++g_calls; if (g_target && k) g_target->key(k); }
PP_EXPORT int pp_ui_program(const char* t) { ++g_calls; return g_target && t ? g_target->program(t) : 0; }
PP_EXPORT int pp_ui_load(const char* text, const char* args, const char* os, const char* in, const char* ram,
                         const char* swap, int step) {
  ++g_calls;
  if (!g_target || !text) return 0;
  auto str = [](const char* s) { return std::string(s ? s : ""); };
  return g_target->load({text, str(args), str(os), str(in), str(ram), str(swap), step});
}
PP_EXPORT const char* pp_ui_run_status() {
  g_ret = g_target ? g_target->run_status() : "null";
  return g_ret.c_str();
}
PP_EXPORT const char* pp_ui_source() {
  g_ret = g_target ? g_target->source() : "";
  return g_ret.c_str();
}
PP_EXPORT void pp_ui_sandbox(const char* lines) { ++g_calls; if (g_target && lines) g_target->sandbox(lines); }
PP_EXPORT void pp_ui_packed(int id, const char* code) { ++g_calls; if (g_target && code) g_target->packed(id, code); }
// A recording arrives in pieces (ccall passes strings on the wasm stack, which a
// document of megabytes would overflow): clear, append…, then load.
static std::string g_doc;
PP_EXPORT void pp_ui_recording_clear() { std::string().swap(g_doc); }
PP_EXPORT int pp_ui_recording_append(const char* part) {
  if (part) g_doc += part;
  return static_cast<int>(g_doc.size());
}
PP_EXPORT const char* pp_ui_load_recording(const char* expect) {
  ++g_calls;
  g_ret = g_target ? g_target->load_recording(g_doc, expect ? expect : "") : "the page has not started";
  std::string().swap(g_doc);
  return g_ret.c_str();
}
PP_EXPORT void pp_ui_builtin_recording(const char* name) {
  ++g_calls;
  if (g_target && name) g_target->builtin_recording(name, g_doc);
  std::string().swap(g_doc);
}
PP_EXPORT const char* pp_ui_figure_png() {
  g_ret = g_target ? g_target->figure_png_url() : "";
  return g_ret.c_str();
}
}
