// pinpages program editor: write, paste, open or drop a C program, run it on the model,
// share it by link. An HTML <textarea> (over a highlighted copy of the text) rather than
// an ImGui text field: the browser's own text field gives phones their native editing
// and paste, screen readers a real text box, and every keyboard its usual keys.
//
//   window.pinpages.source()              the program on screen (lesson, sandbox or own)
//   window.pinpages.load(text, {args, os, stdin, ram, swap, step})
//        → Promise {ok, steps, errors: [{line, col, message}], notes}   (runs in slices)
//   window.pinpages.program(text)         a sandbox program, in slices too: the same Promise
//   window.pinpages.pack(text) / unpack(code)   deflate-raw + base64url (links)
//   window.pinpages.editor.open() / close() / text()
//
// Links: #lesson=program&step=N&os=linux&code=<packed text>[&args=<a\nb>][&stdin=…][&ram=256M][&swap=0]
// (the C side writes the address bar); sandbox links carry their lines the same way.
'use strict';

(function () {
  const api = window.pinpages || (window.pinpages = {});
  const mod = () => (api.module && api.module.ccall ? api.module : null);
  const call = (name, ret, types, args) => {
    const m = mod();
    return m ? m.ccall(name, ret, types || [], args || []) : null;
  };

  // ---------------------------------------------------------------- links
  const b64url = (bytes) => {
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  };
  const unb64url = (code) => {
    const s = atob(code.replace(/-/g, '+').replace(/_/g, '/'));
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  };
  async function pipe(bytes, stream) {
    const res = new Response(new Blob([bytes]).stream().pipeThrough(stream));
    return new Uint8Array(await res.arrayBuffer());
  }
  api.pack = async (text) => b64url(await pipe(new TextEncoder().encode(text), new CompressionStream('deflate-raw')));
  api.unpack = async (code) => new TextDecoder().decode(await pipe(unb64url(code), new DecompressionStream('deflate-raw')));

  const hashParams = () => Object.fromEntries(api.linkParams());

  // ---------------------------------------------------------------- running
  api.source = () => call('pp_ui_source', 'string') || '';
  api.sandbox = (lines) => { call('pp_ui_sandbox', null, ['string'], [String(lines)]); };
  const frame = () => new Promise((res) => requestAnimationFrame(res));

  // Waits, a frame at a time, for the run `id` the C side advances a slice per frame;
  // `progress(steps)` hears of it meanwhile. Resolves with {ok, steps, errors, notes}.
  async function finish(id, progress) {
    for (;;) {
      await frame();
      const st = JSON.parse(call('pp_ui_run_status', 'string') || 'null');
      if (!st || st.id !== id) return { ok: false, steps: 0, errors: [], notes: [], superseded: true };
      if (st.running) { if (progress) progress(st.steps); continue; }
      await frame();  // the finished run is shown from the next frame on
      return { ok: st.ok, steps: st.steps, errors: st.errors, notes: st.notes };
    }
  }

  api.load = async function (text, opts) {
    opts = opts || {};
    await api.ready;
    const args = Array.isArray(opts.args) ? opts.args.map(String) : [];
    const str = (v) => (v === undefined || v === null ? '' : String(v));
    const id = call('pp_ui_load', 'number', ['string', 'string', 'string', 'string', 'string', 'string', 'number'],
                    [String(text), args.join('\n'), str(opts.os), str(opts.stdin), str(opts.ram), str(opts.swap),
                     opts.step | 0]);
    ui.running(true);
    api.lastResult = { pending: true };  // what the last run gave (a Run click has no caller)
    const r = await finish(id, ui.progress);
    if (r.superseded) return r;
    ui.finished(r);
    api.lastResult = Object.assign({ pending: false }, r);
    return r;
  };

  // A sandbox program: runs in slices like load() (the page keeps drawing) and shows as
  // the sandbox does, at its last step before exit. Same result as load(); the run
  // happens whether or not the caller waits for it.
  api.program = async function (text) {
    await api.ready;
    return finish(call('pp_ui_program', 'number', ['string'], [String(text)]), null);
  };

  // ---------------------------------------------------------------- C highlighting
  // Prism (npm prismjs: core + clike + c, put on the page by scripts/lib/page.mjs) knows C;
  // lesson annotations (//@ …) are ours, so they get a token of their own before comments.
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const prism = window.Prism && window.Prism.languages && window.Prism.languages.c ? window.Prism : null;
  if (prism && !prism.languages.c.annotation)
    prism.languages.insertBefore('c', 'comment', { annotation: { pattern: /\/\/@.*/, greedy: true } });
  const highlight = (src) => (prism ? prism.highlight(src, prism.languages.c, 'c') : esc(src)) + '\n';

  // ---------------------------------------------------------------- the panel
  const TEMPLATE = `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int main(int argc, char *argv[])
{
    size_t size = 4 << 20;           /* 4 MiB */
    char *buf = malloc(size);
    memset(buf, 0, size);            /* touch every page */
    if (mlock(buf, size) != 0) {
        perror("mlock");
        return 1;
    }
    printf("locked %zu bytes\\n", size);
    munlock(buf, size);
    free(buf);
    return 0;
}
`;

  const ui = {};
  function build() {
    const root = document.createElement('section');
    root.id = 'pp-editor';
    root.setAttribute('aria-label', 'Program editor');
    root.hidden = true;
    root.innerHTML = `
      <div class="pp-ed-bar" role="toolbar" aria-label="Program">
        <button id="pp-ed-run" class="primary" title="Run the program (Ctrl+Enter)">Run</button>
        <button id="pp-ed-new" title="Start from a short template">New</button>
        <button id="pp-ed-lesson" title="Put the program on screen (lesson or sandbox) into the editor">Edit shown</button>
        <label class="pp-ed-file" title="Open a .c file">Open…<input id="pp-ed-open" type="file" accept=".c,.h,text/x-c,text/plain"></label>
        <button id="pp-ed-save" title="Download the program as a .c file">Download .c</button>
        <button id="pp-ed-link" title="Copy a link that opens this program at this step">Copy link</button>
        <button id="pp-ed-close" aria-label="Close the editor" title="Close (the program stays)">✕</button>
      </div>
      <label class="pp-ed-row">argv <input id="pp-ed-args" type="text" spellcheck="false" autocapitalize="off"
             placeholder="arguments, separated by spaces" aria-label="program arguments (argv[1] …)"></label>
      <div class="pp-ed-row pp-ed-machine">
        <label>RAM <input id="pp-ed-ram" type="text" size="6" spellcheck="false" autocapitalize="off"
               placeholder="1G" aria-label="RAM size of the machine (e.g. 256M; empty: the program's //@ machine or 1G)"></label>
        <label>swap <input id="pp-ed-swap" type="text" size="6" spellcheck="false" autocapitalize="off"
               placeholder="512M" aria-label="swap size of the machine (e.g. 0 or 1G; empty: the program's //@ machine or 512M)"></label>
      </div>
      <details class="pp-ed-row"><summary>standard input</summary>
        <textarea id="pp-ed-stdin" rows="3" spellcheck="false" aria-label="standard input"
                  placeholder="empty: getchar() returns EOF"></textarea></details>
      <div class="pp-ed-code">
        <div id="pp-ed-gutter" aria-hidden="true"></div>
        <div class="pp-ed-wrap">
          <pre id="pp-ed-hl" aria-hidden="true"></pre>
          <textarea id="pp-ed-text" spellcheck="false" autocapitalize="off" autocomplete="off" wrap="off"
                    aria-label="C program (Ctrl+Enter runs it; Escape then Tab leaves the editor)"
                    aria-describedby="pp-ed-errors"></textarea>
        </div>
      </div>
      <div id="pp-ed-status" role="status" aria-live="polite"></div>
      <ul id="pp-ed-errors" aria-label="errors"></ul>
      <input id="pp-ed-linkout" type="text" readonly hidden aria-label="link to this program">`;
    document.body.appendChild(root);
    const toggle = document.createElement('button');
    toggle.id = 'pp-edit-toggle';
    toggle.textContent = '✎ Your program';
    // Shown only while it has the keyboard focus (Tab from the page): mouse and touch use
    // the same button drawn among the canvas's controls, which covers nothing.
    toggle.className = 'pp-focus-only';
    toggle.title = 'Write, paste, open or drop a C program and run it here';
    document.body.appendChild(toggle);
    return root;
  }

  function install() {
    const root = build();
    const $ = (id) => document.getElementById(id);
    const ta = $('pp-ed-text'), hl = $('pp-ed-hl'), gutter = $('pp-ed-gutter');
    const status = $('pp-ed-status'), errs = $('pp-ed-errors');
    let errors = [], curLine = 0, escaped = false;

    function paint() {
      hl.innerHTML = highlight(ta.value);
      const n = ta.value.split('\n').length;
      const bad = new Map(errors.map((e) => [e.line, e]));
      let g = '';
      for (let i = 1; i <= n; i++) {
        const e = bad.get(i);
        const cls = (e ? ' err' : '') + (i === curLine ? ' cur' : '');
        g += `<div class="ln${cls}"${e ? ` title="${esc(`${e.line}:${e.col}: ${e.message}`)}"` : ''}>${e ? '●' : ''}${i}</div>`;
      }
      gutter.innerHTML = g;
      mark();
      sync();
    }
    // The current step's line and the error lines, as bands behind the text.
    function mark() {
      hl.querySelectorAll('.band').forEach((b) => b.remove());
      const lh = parseFloat(getComputedStyle(ta).lineHeight) || 18;
      const top = parseFloat(getComputedStyle(ta).paddingTop) || 0;
      const band = (line, cls) => {
        const d = document.createElement('div');
        d.className = 'band ' + cls;
        d.style.top = `${top + (line - 1) * lh}px`;
        d.style.height = `${lh}px`;
        hl.appendChild(d);
      };
      for (const e of errors) if (e.line > 0) band(e.line, 'err');
      if (curLine > 0) band(curLine, 'cur');
    }
    function sync() {
      hl.style.transform = `translate(${-ta.scrollLeft}px, ${-ta.scrollTop}px)`;
      gutter.style.transform = `translateY(${-ta.scrollTop}px)`;
    }
    function showErrors(list) {
      errors = list || [];
      errs.innerHTML = '';
      for (const e of errors) {
        const li = document.createElement('li');
        const b = document.createElement('button');
        b.textContent = `${e.line}:${e.col}: ${e.message}`;
        b.addEventListener('click', () => goTo(e.line, e.col));
        li.appendChild(b);
        errs.appendChild(li);
      }
      paint();
    }
    function goTo(line, col) {
      const lines = ta.value.split('\n');
      let at = 0;
      for (let i = 0; i < line - 1 && i < lines.length; i++) at += lines[i].length + 1;
      at += Math.max(0, col - 1);
      ta.focus();
      ta.setSelectionRange(at, at);
      const lh = parseFloat(getComputedStyle(ta).lineHeight) || 18;
      ta.scrollTop = Math.max(0, (line - 3) * lh);
      sync();
    }
    const say = (t) => { status.textContent = t; };

    ui.running = (on) => { if (on) say('Running…'); root.classList.toggle('running', !!on); };
    ui.progress = (n) => say(`Running… ${n} steps so far`);
    ui.finished = (r) => {
      root.classList.remove('running');
      showErrors(r.errors);
      if (r.ok) say(`Ran: ${r.steps} steps.${r.notes && r.notes.length ? ' Note: ' + r.notes.join(' ') : ''}`);
      else if (r.steps > 0) say(`Incomplete run: ${r.steps} steps recorded, then stopped (${r.errors.length} error${r.errors.length === 1 ? '' : 's'} below). The steps so far can be browsed.`);
      else say(`It does not compile: ${r.errors.length} error${r.errors.length === 1 ? '' : 's'} below. The last good run stays on screen.`);
    };

    function open(text) {
      if (typeof text === 'string') { ta.value = text; paint(); }
      else if (!ta.value) { ta.value = api.source() || TEMPLATE; paint(); }
      root.hidden = false;
      document.body.classList.add('pp-editing');
      window.dispatchEvent(new Event('resize'));  // SDL re-reads the canvas's CSS size
    }
    function close() {
      root.hidden = true;
      document.body.classList.remove('pp-editing');
      window.dispatchEvent(new Event('resize'));
      const canvas = $('canvas');
      if (canvas) canvas.focus();  // the page's own "Your program" button is on the canvas
    }
    const args = () => $('pp-ed-args').value.split(/\s+/).filter(Boolean);
    const run = () => api.load(ta.value, { args: args(), stdin: $('pp-ed-stdin').value,
                                           ram: $('pp-ed-ram').value.trim(), swap: $('pp-ed-swap').value.trim() });
    // Shows a link's run options in the fields, so the next Run keeps them.
    function setOptions(o) {
      $('pp-ed-args').value = (o.args || []).join(' ');
      $('pp-ed-stdin').value = o.stdin || '';
      if (o.stdin) $('pp-ed-stdin').closest('details').open = true;
      $('pp-ed-ram').value = o.ram || '';
      $('pp-ed-swap').value = o.swap || '';
    }
    async function copyLink() {
      let st = api.state();
      // The address bar gets the packed text a frame or two after a run: wait for it.
      for (let i = 0; i < 30 && st && (st.lesson === 'program' || st.lesson === 'sandbox') && !/(^|&)code=/.test(st.hash); i++) {
        await frame();
        st = api.state();
      }
      const url = location.href.split('#')[0] + '#' + (st ? st.hash : '');
      const out = $('pp-ed-linkout');
      out.value = url;
      out.hidden = false;
      api.lastCopied = url;
      try {
        await navigator.clipboard.writeText(url);
        say(`Link copied (${url.length} characters).`);
      } catch (e) {
        out.select();
        say('Copy the link from the field below.');
      }
      return url;
    }
    function download() {
      const a = document.createElement('a');
      a.href = URL.createObjectURL(new Blob([ta.value], { type: 'text/x-c' }));
      a.download = 'program.c';
      document.body.appendChild(a);
      a.click();
      setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    }
    async function openFile(file) {
      if (!file) return;
      open(await file.text());
      say(`Opened ${file.name}.`);
      run();
    }

    const toggleEditor = () => (root.hidden ? open() : close());
    $('pp-edit-toggle').addEventListener('click', toggleEditor);
    // The "Your program" button in the canvas's controls (src/ui/controls.cpp) calls this.
    (api.actions || (api.actions = {})).editor = toggleEditor;
    $('pp-ed-close').addEventListener('click', close);
    $('pp-ed-run').addEventListener('click', run);
    $('pp-ed-new').addEventListener('click', () => { open(TEMPLATE); showErrors([]); ta.focus(); });
    $('pp-ed-lesson').addEventListener('click', () => { open(api.source()); showErrors([]); });
    $('pp-ed-save').addEventListener('click', download);
    $('pp-ed-link').addEventListener('click', copyLink);
    $('pp-ed-open').addEventListener('change', (e) => openFile(e.target.files[0]));
    ta.addEventListener('input', paint);
    ta.addEventListener('scroll', sync);
    ta.addEventListener('keydown', (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') { e.preventDefault(); run(); return; }
      if (e.key === 'Escape') { escaped = true; return; }
      // Tab indents; after Escape it moves the focus on, so the keyboard never gets stuck.
      if (e.key === 'Tab' && !escaped && !e.shiftKey) {
        e.preventDefault();
        document.execCommand('insertText', false, '    ');
      }
      escaped = false;
    });
    // SDL listens on the window and cancels key presses (so no character would reach the
    // text field) and would step the lesson on arrows: the editor's keys stop here.
    for (const t of ['keydown', 'keypress', 'keyup']) root.addEventListener(t, (e) => e.stopPropagation());
    // A .c file dropped anywhere on the page opens in the editor.
    window.addEventListener('dragover', (e) => { e.preventDefault(); document.body.classList.add('pp-drop'); });
    window.addEventListener('dragleave', () => document.body.classList.remove('pp-drop'));
    window.addEventListener('drop', (e) => {
      e.preventDefault();
      document.body.classList.remove('pp-drop');
      const f = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
      if (f) openFile(f);
    });
    // The current step's line, while the editor shows the program that runs.
    setInterval(() => {
      if (root.hidden || !api.started) return;
      const st = api.state();
      const line = st && st.lesson === 'program' && api.source() === ta.value ? st.line : 0;
      if (line !== curLine) { curLine = line; paint(); }
    }, 250);

    api.editor = { open, close, text: () => ta.value, copyLink, run, setOptions };
  }

  // A link with a program: unpack it, run it, show its step (the C side waits for it).
  async function fromLink() {
    const p = hashParams();
    if (!p.code || (p.lesson !== 'program' && p.lesson !== 'sandbox')) return;
    let text;
    try {
      text = await api.unpack(p.code);
    } catch (e) {
      await api.ready;
      api.editor.open('');
      document.getElementById('pp-ed-status').textContent = 'This link\'s program is damaged (it was cut short?): it cannot be unpacked.';
      return;
    }
    await api.ready;
    const step = parseInt(p.step, 10) || 0;
    if (p.lesson === 'sandbox') { api.sandbox(text); call('pp_ui_go', null, ['number'], [step]); return; }
    const o = { args: p.args ? p.args.split('\n') : [], os: p.os, stdin: p.stdin || '', ram: p.ram || '', swap: p.swap || '', step };
    api.editor.open(text);
    api.editor.setOptions(o);
    await api.load(text, o);
  }

  function boot() {
    install();
    fromLink();
    window.addEventListener('hashchange', () => {
      const st = api.state && api.state();
      const p = hashParams();
      if (p.code && st && !(st.hash || '').includes('code=' + p.code)) fromLink();
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
  else boot();
})();
