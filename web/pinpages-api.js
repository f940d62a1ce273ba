// pinpages UI hook: window.pinpages.state() / go() / lesson() … for tests, embedding and
// the browser console. Extends the object web/loader.js creates; the C side is
// src/ui/web_bridge.cpp (exported pp_ui_* functions). Also: pinch-to-zoom on touch screens.
//
//   window.pinpages.state()  → { lesson, step, steps, figure, os, zoom, frame_ms, frame_ms_avg,
//                                figure_rect, objects: [{name, pages, locked_pages, …}],
//                                narration, hash, step_json: {…} }   (null before start)
//   window.pinpages.go(step)        jump to a step (clamped)
//   window.pinpages.lesson(id)      open a built-in lesson ("mlockall", "01-mlockall"); true if found
//   window.pinpages.os('linux'|'qnx'), .zoom(factor), .key('next'|'prev'|'presenter'|'figure'|'palette')
//   window.pinpages.frameMs()       CPU time of the last UI frame (ms)
//   window.pinpages.redraw(n)       draw at least n more frames (default 1); the page draws
//                                   only while something changes, so frameCount() stands
//                                   still on an idle page
//   window.pinpages.figurePng()     the address-space figure as a PNG: a blob: object URL
//                                   (valid until the next call, which revokes it)
//   window.pinpages.program(text)   (web/editor.js) runs a C program as the sandbox does, in
//                                   slices; a Promise like load(); state().errors says why a
//                                   run stopped early ("file:line:col: message")
'use strict';

(function () {
  const api = window.pinpages || (window.pinpages = {});
  const mod = () => (api.module && api.module.ccall ? api.module : null);
  const call = (name, ret, types, args) => {
    const m = mod();
    return m ? m.ccall(name, ret, types || [], args || []) : null;
  };

  api.state = function () {
    const s = call('pp_ui_state', 'string');
    return s ? JSON.parse(s) : null;
  };
  api.go = function (step) { call('pp_ui_go', null, ['number'], [step | 0]); return api.state(); };
  api.lesson = function (id) { return call('pp_ui_lesson', 'number', ['string'], [String(id)]) === 1; };
  api.os = function (name) { call('pp_ui_os', null, ['string'], [String(name)]); };
  api.zoom = function (factor) { call('pp_ui_zoom', null, ['number'], [Number(factor)]); };
  api.key = function (name) { call('pp_ui_key', null, ['string'], [String(name)]); };
  api.redraw = function (n) {
    const m = mod();
    if (m && m._pp_redraw) m._pp_redraw(Math.max(1, Math.min(1 << 20, Number(n) | 0 || 1)));
  };
  api.frameMs = function () { const s = api.state(); return s ? s.frame_ms : null; };
  api.figurePng = function () { return call('pp_ui_figure_png', 'string') || null; };

  // Pinch to zoom the figure (SDL turns one finger into mouse events: tap steps, drag pans).
  function installPinch() {
    const canvas = document.getElementById('canvas');
    if (!canvas) return;
    let last = 0;
    const dist = (t) => Math.hypot(t[0].clientX - t[1].clientX, t[0].clientY - t[1].clientY);
    canvas.addEventListener('touchstart', (e) => { if (e.touches.length === 2) last = dist(e.touches); }, { passive: true });
    canvas.addEventListener('touchmove', (e) => {
      if (e.touches.length !== 2 || !last) return;
      e.preventDefault();  // no page zoom while pinching the figure
      const d = dist(e.touches);
      if (d > 0) api.zoom(d / last);
      last = d;
    }, { passive: false });
    canvas.addEventListener('touchend', () => { last = 0; }, { passive: true });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', installPinch);
  else installPinch();
})();
