// pinpages page loader: checks the browser can run the app, downloads the wasm with a
// progress bar, starts the Emscripten module and exposes window.pinpages (see README.md).
//
//   fetch + compile pinpages.wasm while it streams (progress), load pinpages.js
//   check WebAssembly + WebGL2 (the canvas's context, handed to the module)
//        └─ missing: readable error  ──► createPinpages(Module) instantiates the compiled module
//                                         └─ single-file build: wasm is already inline
//   first frame drawn ──► load the add-ons (#pp-addons) ──► lesson drawn + add-ons in: started
//
// It runs as soon as it is parsed (the canvas is above it): the downloads start at once,
// and the module starts once the page is parsed.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  // ?simulate=no-wasm / no-webgl2 shows the error path on a browser that has both.
  const simulate = params.get('simulate') || '';

  let frameCountFn = () => 0;
  let resolveReady, rejectReady;
  const ready = new Promise((res, rej) => { resolveReady = res; rejectReady = rej; });
  ready.catch(() => {});  // failures are shown on the page; no unhandled rejection

  const api = {
    ready,                       // resolves once the lesson is drawn, rejects on a fatal error
    started: false,              // true once the default lesson ran and is on the canvas
    error: null,                 // message of a fatal error, or null
    module: null,                // the Emscripten module (for tests and debugging)
    frameCount: () => frameCountFn(),
    // Milliseconds after navigation start (performance.now()), for tests/web/bench.mjs.
    timing: { wasmDownloaded: null, firstFrame: null, ready: null, marks: {} },
    // The address's hash as the page was opened: the UI rewrites it from its first frame
    // on, before the add-ons load (web/recordings.js reads #recording= from here).
    openedWith: location.hash,
    // The link's options (?lesson=…#step=…), decoded by the browser: the query, then the
    // hash, whose keys win. The C side reads them from here (src/app/main_web.cpp).
    linkParams() {
      const p = new URLSearchParams(location.search);
      for (const [k, v] of new URLSearchParams(location.hash.slice(1))) p.set(k, v);
      return p;
    },
    // The same as a JSON object of strings (what main_web.cpp parses).
    linkParamsJson() { return JSON.stringify(Object.fromEntries(api.linkParams())); },
    // Hands a document (a recording) to module `m` for pp_ui_load_recording or
    // pp_ui_builtin_recording to read: in 16 kB pieces, since ccall puts a string argument
    // on the wasm stack, which a document of megabytes would overflow; surrogate pairs whole.
    sendDocument(m, text) {
      m.ccall('pp_ui_recording_clear', null, [], []);
      for (let i = 0; i < text.length;) {
        let end = Math.min(text.length, i + 16384);
        const c = text.charCodeAt(end - 1);
        if (end < text.length && c >= 0xd800 && c <= 0xdbff) end -= 1;
        m.ccall('pp_ui_recording_append', 'number', ['string'], [text.slice(i, end)]);
        i = end;
      }
    },
    // Sets the screen-reader text (the UI calls it through EM_ASM when a step changes).
    narrate(text) {
      const n = $('narration');
      if (n && n.textContent !== text) n.textContent = text;
    },
  };
  window.pinpages = api;
  // Share links are packed by web/editor.js, an add-on that arrives after the first frame:
  // a link asked for before then waits for it.
  const packUntilLoaded = (text) => (addons || Promise.resolve()).then(() => {
    if (api.pack === packUntilLoaded) throw new Error('pinpages: no add-on packs links (web/editor.js)');
    return api.pack(text);
  });
  api.pack = packUntilLoaded;

  // The loading indicator (ring, text and progress bar) shows only once loading has taken
  // a second (the class "slow"; style.css keeps it out of the render tree until then): a
  // fast start needs none, and with software GL every change to it is a frame the
  // compositor draws on the CPUs that start the page (~170 ms of the first frame when the
  // bar followed every chunk). Until then setStatus only keeps the latest text; once
  // shown, the bar changes at most every 100 ms.
  const STATUS_DELAY_MS = 1000, STATUS_EVERY_MS = 100;
  const status = { text: '', fraction: undefined, shown: false, drawnAt: -Infinity, timer: 0 };
  function drawStatus() {
    status.timer = 0;
    status.drawnAt = performance.now();
    $('status-text').textContent = status.text;
    const p = $('progress');
    if (status.fraction === undefined) p.removeAttribute('value');  // indeterminate
    else p.value = status.fraction;
  }
  function setStatus(text, fraction) {
    status.text = text;
    status.fraction = fraction;
    if (!status.shown || status.timer) return;
    const wait = status.drawnAt + STATUS_EVERY_MS - performance.now();
    if (wait <= 0) drawStatus();
    else status.timer = setTimeout(drawStatus, wait);
  }
  setTimeout(() => {
    if (api.timing.firstFrame != null || api.error) return;
    status.shown = true;
    $('status').classList.add('slow');
    drawStatus();
  }, STATUS_DELAY_MS);

  const NO_WEBGL2 = 'This browser cannot draw with WebGL 2, so pinpages cannot show its pages here.';

  function fail(message) {
    if (api.error) return;
    // A shader that did not compile makes the module trip over it later (a missing
    // attribute, a null location): WebGL's reason, when there is one, says more.
    api.error = checkCompiles() || String(message);
    $('status').hidden = true;
    $('error-text').textContent = api.error;
    $('error').hidden = false;
    $('canvas').style.visibility = 'hidden';
    rejectReady(new Error(api.error));
  }

  function hasWasm() {
    if (simulate.includes('no-wasm')) return false;
    return typeof WebAssembly === 'object' && typeof WebAssembly.instantiate === 'function';
  }

  // Dear ImGui's renderer saves and restores the GL state around every frame it draws,
  // reading viewport, scissor box and blend state with glGetIntegerv. Chrome answers those
  // reads only after a round trip to its GPU process, which waits for all the drawing
  // queued before it: with software GL, 10-25 ms each, eight per frame (tests/web/bench.mjs
  // traced ~90 ms of them in the first frame alone). Everything that sets that state goes
  // through this context, so the page keeps its own copy, set as WebGL 2 defines it at
  // creation and updated by the calls that change it, and answers those eight reads from it.
  function shadowDrawState(gl) {
    const full = () => new Int32Array([0, 0, gl.drawingBufferWidth, gl.drawingBufferHeight]);
    const st = new Map([
      [gl.VIEWPORT, full()], [gl.SCISSOR_BOX, full()],
      [gl.BLEND_SRC_RGB, gl.ONE], [gl.BLEND_SRC_ALPHA, gl.ONE],
      [gl.BLEND_DST_RGB, gl.ZERO], [gl.BLEND_DST_ALPHA, gl.ZERO],
      [gl.BLEND_EQUATION_RGB, gl.FUNC_ADD], [gl.BLEND_EQUATION_ALPHA, gl.FUNC_ADD],
    ]);
    const BLEND_FUNCS = new Set([gl.ZERO, gl.ONE, gl.SRC_COLOR, gl.ONE_MINUS_SRC_COLOR, gl.DST_COLOR,
      gl.ONE_MINUS_DST_COLOR, gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA, gl.DST_ALPHA, gl.ONE_MINUS_DST_ALPHA,
      gl.CONSTANT_COLOR, gl.ONE_MINUS_CONSTANT_COLOR, gl.CONSTANT_ALPHA, gl.ONE_MINUS_CONSTANT_ALPHA,
      gl.SRC_ALPHA_SATURATE]);
    const EQUATIONS = new Set([gl.FUNC_ADD, gl.FUNC_SUBTRACT, gl.FUNC_REVERSE_SUBTRACT, gl.MIN, gl.MAX]);
    // A call GL rejects (negative size, unknown enum) changes nothing: neither does the copy.
    const after = (name, record) => {
      const call = gl[name].bind(gl);
      gl[name] = (...a) => { call(...a); record(...a); };
    };
    const box = (key) => (x, y, w, h) => { if (w >= 0 && h >= 0) st.set(key, new Int32Array([x, y, w, h])); };
    const funcs = (sr, dr, sa, da) => {
      if (![sr, dr, sa, da].every((f) => BLEND_FUNCS.has(f))) return;
      st.set(gl.BLEND_SRC_RGB, sr); st.set(gl.BLEND_DST_RGB, dr);
      st.set(gl.BLEND_SRC_ALPHA, sa); st.set(gl.BLEND_DST_ALPHA, da);
    };
    const equations = (r, a) => {
      if (!EQUATIONS.has(r) || !EQUATIONS.has(a)) return;
      st.set(gl.BLEND_EQUATION_RGB, r); st.set(gl.BLEND_EQUATION_ALPHA, a);
    };
    after('viewport', box(gl.VIEWPORT));
    after('scissor', box(gl.SCISSOR_BOX));
    after('blendFunc', (s, d) => funcs(s, d, s, d));
    after('blendFuncSeparate', funcs);
    after('blendEquation', (m) => equations(m, m));
    after('blendEquationSeparate', equations);
    const read = gl.getParameter.bind(gl);
    gl.getParameter = (p) => {
      const v = st.get(p);
      if (v === undefined) return read(p);
      return v instanceof Int32Array ? v.slice() : v;
    };
  }

  // Right after compiling its two shaders and linking them, ImGui's renderer asks for each
  // whether it worked and how long its log is: six more round trips to the GPU process,
  // each waiting for everything queued before it (25-70 ms in all with software GL,
  // traced). The renderer only prints a failure; it draws on either way. So until the
  // first frame is drawn the page answers "compiled" with an empty log, and once it is
  // drawn, asks WebGL for real: a shader that did not compile then stops the page with its
  // log, as plainly as any other start-up failure. The first read of the program's
  // uniforms still waits for the compile, once.
  function deferCompileChecks(gl) {
    const asked = [];    // [kind, object] of every status answered without WebGL
    const deleted = [];  // shaders ImGui deleted before their status was read
    const proto = Object.getPrototypeOf(gl);
    const own = {
      getShaderParameter: (s, p) => (p === gl.COMPILE_STATUS ? (asked.push(['shader', s]), true) : proto.getShaderParameter.call(gl, s, p)),
      getProgramParameter: (pr, p) => (p === gl.LINK_STATUS ? (asked.push(['program', pr]), true) : proto.getProgramParameter.call(gl, pr, p)),
      getShaderInfoLog: () => '',
      getProgramInfoLog: () => '',
      // ImGui deletes its shaders once linked; a deleted shader has no status to read.
      deleteShader: (s) => (asked.some(([, o]) => o === s) ? deleted.push(s) : proto.deleteShader.call(gl, s)),
    };
    Object.assign(gl, own);
    // What went wrong, in WebGL's words, or null; asks only once.
    let checked = false;
    return function check() {
      if (checked) return null;
      checked = true;
      for (const name of Object.keys(own)) delete gl[name];
      const works = ([kind, obj]) => gl.isContextLost() || (kind === 'shader'
        ? gl.getShaderParameter(obj, gl.COMPILE_STATUS) : gl.getProgramParameter(obj, gl.LINK_STATUS));
      const bad = asked.find((a) => !works(a));
      const [kind, obj] = bad || [];
      const log = bad && ((kind === 'shader' ? gl.getShaderInfoLog(obj) : gl.getProgramInfoLog(obj)) || '(no log)').trim();
      for (const sh of deleted) gl.deleteShader(sh);
      if (!bad) return null;
      console.error(`pinpages: WebGL did not ${kind === 'shader' ? 'compile a shader' : 'link the program'}: ${log}`);
      return `This browser's WebGL 2 could not build the page's drawing program, so nothing can be drawn. WebGL said: ${log}`;
    };
  }
  let checkCompiles = () => null;

  // The check makes the canvas's own context, which the module then uses
  // (Module.preinitializedWebGLContext): making one costs 100+ ms with software GL, so it
  // is made once, and a browser without it gets this page's message rather than SDL's.
  // The attributes are those SDL asks for (src/app/platform.cpp): no alpha, no depth, an
  // 8-bit stencil, no multisampling.
  function webGL2Context(canvas) {
    try {
      const gl = canvas.getContext('webgl2', {
        alpha: false, depth: false, stencil: true, antialias: false,
        premultipliedAlpha: true, preserveDrawingBuffer: false,
      });
      if (gl) {
        shadowDrawState(gl);
        checkCompiles = deferCompileChecks(gl);
      }
      return gl;
    } catch (e) {
      return null;
    }
  }

  // The canvas's backing store in device pixels; SDL keeps it in sync on resize.
  function sizeCanvas() {
    const c = $('canvas');
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.max(1, Math.round(c.clientWidth * dpr));
    c.height = Math.max(1, Math.round(c.clientHeight * dpr));
  }

  // fetch() hands over decompressed bytes while Content-Length counts what travels
  // (compressed when the server gzips): the expected size is the server's
  // X-Decoded-Length when it sends one, Content-Length only for uncompressed responses,
  // otherwise unknown (the bar then only counts megabytes).
  async function openWasm(url) {
    // The served page's head started this download already (scripts/lib/page.mjs).
    const early = url === 'pinpages.wasm' ? window.pinpagesWasmFetch : null;
    window.pinpagesWasmFetch = null;
    const resp = await (early || fetch(url));
    if (!resp.ok) throw new Error(`cannot download ${url}: HTTP ${resp.status}`);
    const enc = (resp.headers.get('Content-Encoding') || 'identity').toLowerCase();
    const total = Number(resp.headers.get('X-Decoded-Length')) ||
                  (enc === 'identity' ? Number(resp.headers.get('Content-Length')) : 0) || 0;
    return { resp, total };
  }

  function showProgress(got, total) {
    const mb = (n) => (n / 1048576).toFixed(1);
    if (total) setStatus(`Downloading pinpages… ${mb(got)} of ${mb(total)} MB`, Math.min(1, got / total));
    else setStatus(`Downloading pinpages… ${mb(got)} MB`);
  }

  // Reads a copy of the response's body for the progress bar; resolves when it has ended.
  async function countBody(copy, total) {
    const reader = copy.body.getReader();
    let got = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      got += value.length;
      showProgress(got, total);
    }
  }

  async function fetchWasm(url) {
    const { resp, total } = await openWasm(url);
    if (!resp.body || typeof resp.clone !== 'function') {
      setStatus('Downloading pinpages…');
      return resp.arrayBuffer();
    }
    countBody(resp.clone(), total).catch(() => {});
    return resp.arrayBuffer();
  }

  // Streaming compilation: the wasm compiles while it downloads, straight from the
  // response (application/wasm), so a busy main thread never holds the compiler up; the
  // progress bar counts a copy of the body.
  async function compileWasm(url) {
    const { resp, total } = await openWasm(url);
    const copy = resp.clone();
    // A server that does not know .wasm: the compiler insists on the type.
    const typed = /^application\/wasm\b/i.test(resp.headers.get('Content-Type') || '') ? resp
      : new Response(resp.body, { headers: { 'Content-Type': 'application/wasm' } });
    const compiled = WebAssembly.compileStreaming(typed);
    countBody(copy, total).then(() => { api.timing.wasmDownloaded = performance.now(); }).catch(() => {});
    const mod = await compiled;
    api.timing.marks.compiled = performance.now();
    return mod;
  }

  async function start() {
    if (!hasWasm()) {
      fail('This browser does not support WebAssembly, so pinpages cannot run here.');
      return;
    }
    // WebGL 2 is checked twice: its API now, before anything is downloaded, and the
    // canvas's context when the module starts (below). Making the context costs 100+ ms
    // of CPU with software GL, which the compiler (on the same CPUs) needs until then.
    if (simulate.includes('no-webgl2') || typeof WebGL2RenderingContext !== 'function') {
      fail(NO_WEBGL2);
      return;
    }
    const served = typeof createPinpages !== 'function';
    const streaming = typeof WebAssembly.compileStreaming === 'function' && typeof ReadableStream === 'function' &&
                      typeof Response === 'function' && typeof Response.prototype.clone === 'function';
    let download = null, compiled = null, script = null;
    if (served) {
      setStatus('Downloading pinpages…', 0);
      if (streaming) {
        compiled = compileWasm('pinpages.wasm');
        compiled.catch(() => {});  // awaited below; a failure is reported there
      } else {
        download = fetchWasm('pinpages.wasm');
        download.catch(() => {});
      }
      script = loadScript('pinpages.js');
      script.catch(() => {});
      await (compiled || download);
    }
    const canvas = $('canvas');
    sizeCanvas();

    canvas.addEventListener('webglcontextlost', (e) => {
      e.preventDefault();
      fail('The graphics context was lost (WebGL 2). Reload the page to start again.');
    });
    canvas.addEventListener('mousedown', () => canvas.focus());

    const Module = {
      canvas,
      print: (t) => console.log(t),
      printErr: (t) => console.warn(t),
      onAbort: (what) => fail(`pinpages stopped: ${what}`),
      onFatal: (msg) => fail(msg),
      // Start-up milestones ("compiled", "instantiated", "main", "platform", "ui", "fonts",
      // "gl", "first frame", "lesson", "ready"): ms after navigation start.
      onMark: (name) => { api.timing.marks[name] = performance.now(); },
      // The first frame shows the page running the lesson; ready once a frame of it is drawn.
      onFirstFrame: () => {
        api.timing.firstFrame = performance.now();
        const broken = checkCompiles();
        if (broken) return fail(broken);
        $('status').hidden = true;
        addons = loadAddons();
      },
      // Started once the lesson is drawn and the add-ons (the hooks, the editor) are in.
      onReady: () => {
        api.timing.ready = performance.now();
        (addons || Promise.resolve()).then(() => {
          api.started = true;
          canvas.focus();
          resolveReady(true);
        });
      },
      locateFile: (path) => path,
    };
    // The canvas's context, made when the module asks for it: by then SDL has sized the
    // canvas (twice: it probes the CSS size with a 1×1 canvas), which costs nothing
    // before a context exists and reallocates its buffers after.
    let gl = null;
    Object.defineProperty(Module, 'preinitializedWebGLContext', {
      get() {
        if (!gl && !api.error) {
          gl = webGL2Context(canvas);
          if (!gl) fail(NO_WEBGL2);
        }
        return gl;
      },
    });

    if (served && compiled) {
      // The module compiled while downloading; Emscripten only instantiates it.
      await script;
      const mod = await compiled;
      Module.instantiateWasm = (imports, receive) => {
        WebAssembly.instantiate(mod, imports).then((inst) => {
          api.timing.marks.instantiated = performance.now();
          receive(inst, mod);
        }, (e) => fail(`cannot start pinpages: ${e && e.message ? e.message : e}`));
        return {};  // exports arrive through receive()
      };
    } else if (served) {
      // Served build: pinpages.js + pinpages.wasm next to this page.
      const [wasm] = await Promise.all([download, script]);
      Module.wasmBinary = wasm;
      api.timing.wasmDownloaded = performance.now();
    }
    // Single-file build: createPinpages and the wasm are already inline (and the add-ons,
    // which extended window.pinpages before this ran).
    await domReady;
    setStatus('Starting…');
    const mod = await createPinpages(Module);
    api.module = mod;
    frameCountFn = () => Number(mod._pp_frame_count());
    window.addEventListener('hashchange', () => mod._pp_reload_location());
    // The page draws only while something changes; a tab brought back gets a fresh frame.
    document.addEventListener('visibilitychange', () => mod._pp_redraw(10));
    window.addEventListener('pageshow', () => mod._pp_redraw(10));
  }

  // The add-ons the served page lists (scripts/lib/page.mjs), loaded after the first frame
  // and run in the listed order; resolves when all have run. One that cannot be loaded is
  // reported in the console and the page goes on without it, as a deferred script would.
  // The single file has them inline, run before the module started: nothing to load.
  let addons = null;
  function loadAddons() {
    let list = [];
    try { list = JSON.parse(($('pp-addons') || {}).textContent || '[]'); } catch (e) { list = []; }
    return Promise.all(list.map((src) => loadScript(src, true).catch((e) => console.error(`pinpages: ${e.message}`))));
  }

  // `ordered`: scripts added so run in the order they were added, whichever arrives first.
  function loadScript(src, ordered = false) {
    return new Promise((res, rej) => {
      const s = document.createElement('script');
      s.src = src;
      if (ordered) s.async = false;
      s.onload = res;
      s.onerror = () => rej(new Error(`cannot load ${src}`));
      document.body.appendChild(s);
    });
  }

  window.addEventListener('error', (e) => { if (!api.started) fail(e.message || 'script error'); });
  window.addEventListener('unhandledrejection', (e) => {
    if (!api.started) fail((e.reason && e.reason.message) || String(e.reason));
  });

  const domReady = new Promise((res) => {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', res);
    else res();
  });
  start().catch((e) => fail(e && e.message ? e.message : String(e)));
})();
