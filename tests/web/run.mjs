// Headless-browser tests of the web page (node:test: one PASS/FAIL line per case, the
// reporter's summary; exits 1 if any case failed).
//
//   node tests/web/run.mjs [--web build/web] [--single build/web-single/pinpages.html]
//                          [--artifacts build/artifacts] [--only name]
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { resolve, join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launch, pageKit, pixelStats, watchConsole, suite, suiteArgs } from './browser.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = suiteArgs();
const webDir = args.web;
const single = args.single;
const artifacts = args.artifacts;
const only = args.only;

const FIRST_FRAME_MS = 90_000;  // swiftshader on a busy 2-core machine is slow
const kit = pageKit(webDir, { firstFrameMs: FIRST_FRAME_MS });
const { served } = kit;
const test = suite({ only, done: kit.close });


// Waits for window.pinpages.ready and a few more frames (ImGui settles its layout in
// the first frames), failing with the page's own error text if start-up failed.
async function waitFrames(page, n = 5) {
  await page.waitForFunction(() => window.pinpages && (window.pinpages.started || window.pinpages.error),
    null, { timeout: FIRST_FRAME_MS });
  const err = await page.evaluate(() => window.pinpages.error);
  assert(!err, `page reported: ${err}`);
  await page.waitForFunction((k) => window.pinpages.frameCount() >= k, n, { timeout: FIRST_FRAME_MS });
}

async function assertDrawn(ctx, png, label) {
  const s = await pixelStats(ctx, png);
  // A cleared canvas has 1 colour; ImGui text alone brings dozens of anti-aliased shades.
  assert(s.colours >= 20, `${label}: only ${s.colours} distinct colours: canvas looks blank`);
  assert(s.nonBackground >= 0.005, `${label}: only ${(s.nonBackground * 100).toFixed(2)}% of pixels differ from the background`);
  return s;
}


test('served page draws its first frames, console clean', async () => {
  const url = await served();
  const { ctx, close } = await launch();
  try {
    const page = await ctx.newPage();
    const con = watchConsole(page);
    const wasmGets = [];
    page.on('request', (r) => { if (r.method() === 'GET' && new URL(r.url()).pathname.endsWith('/pinpages.wasm')) wasmGets.push(r.url()); });
    const resp = await page.goto(url);
    assert(resp.ok(), `HTTP ${resp.status()}`);
    const wasmType = await page.evaluate(async () => (await fetch('pinpages.wasm', { method: 'HEAD' })).headers.get('content-type'));
    assert(wasmType === 'application/wasm', `pinpages.wasm served as ${wasmType}`);
    await waitFrames(page);
    // Downloaded once, by the head's fetch, whose response the loader compiled (a preload
    // would be buffered by the page's main thread first: scripts/lib/page.mjs).
    assert(wasmGets.length === 1, `pinpages.wasm fetched ${wasmGets.length} times`);
    const head = await page.evaluate(() => ({
      preload: !!document.querySelector('link[rel="preload"][href="pinpages.wasm"]'),
      taken: window.pinpagesWasmFetch === null,
    }));
    assert(!head.preload, 'the page preloads pinpages.wasm');
    assert(head.taken, 'the loader did not take the response the head\'s fetch started');
    const png = await page.screenshot({ path: join(artifacts, 'web-served.png') });
    const s = await assertDrawn(ctx, png, 'served page');
    const statusHidden = await page.evaluate(() => document.getElementById('status').hidden);
    assert(statusHidden, 'loading indicator still visible after the first frame');
    const live = await page.evaluate(() => document.getElementById('narration')?.getAttribute('aria-live'));
    assert(live === 'polite', 'no aria-live narration region');
    writeFileSync(join(artifacts, 'web-console.txt'), con.all.join('\n') + '\n');
    assert(con.errors.length === 0, `console errors:\n  ${con.errors.join('\n  ')}`);
    return `${s.colours} colours, ${(s.nonBackground * 100).toFixed(1)}% drawn`;
  } finally {
    await close();
  }
});

test('loading indicator shows download progress until the first frame', async () => {
  const url = await served();
  const { ctx, close } = await launch();
  try {
    const page = await ctx.newPage();
    let release;
    const gate = new Promise((r) => { release = r; });
    // Hold the wasm back so the indicator can be observed, as on a slow connection.
    await page.route('**/pinpages.wasm', async (route) => { await gate; await route.continue(); });
    await page.goto(url);
    // A quick start shows no indicator: it waits a second (web/loader.js), out of the
    // render tree until then.
    const early = await page.evaluate(() => ({
      t: performance.now(),
      status: getComputedStyle(document.getElementById('status')).display,
      ring: document.querySelector('#status .spinner').getClientRects().length,
    }));
    if (early.t < 900) assert(early.status === 'none' && early.ring === 0, `indicator shown at ${early.t.toFixed(0)} ms: ${JSON.stringify(early)}`);
    await page.waitForFunction(() => /Downloading/.test(document.getElementById('status-text').textContent) &&
      getComputedStyle(document.getElementById('status-text')).visibility === 'visible' &&
      document.getElementById('status-text').offsetHeight > 0, null, { timeout: 10_000 });
    const shownAt = await page.evaluate(() => performance.now());
    assert(shownAt >= 1000, `indicator shown at ${shownAt.toFixed(0)} ms, before a second had passed`);
    const during = await page.evaluate(() => ({
      visible: !document.getElementById('status').hidden && document.getElementById('status').offsetHeight > 0,
      progress: document.getElementById('progress').offsetWidth > 0,
      started: window.pinpages.started,
    }));
    assert(during.visible && during.progress, 'no visible loading indicator while downloading');
    assert(!during.started, 'started before the wasm arrived');

    // A slow download gets the ring too, shown and turning while the wasm is held back.
    const ring = await page.evaluate(() => {
      const r = document.querySelector('#status .spinner');
      return { w: r.offsetWidth, opacity: getComputedStyle(r).opacity,
               spins: r.getAnimations().filter((a) => a.animationName === 'spin' && a.playState === 'running').length };
    });
    assert(ring.w > 0 && ring.opacity === '1' && ring.spins === 1, `ring while downloading: ${JSON.stringify(ring)}`);
    release();
    await waitFrames(page, 2);
    const hidden = await page.evaluate(() => document.getElementById('status').hidden);
    assert(hidden, 'indicator still shown after the first frame');
    return `${early.t < 900 ? `hidden at ${early.t.toFixed(0)} ms, ` : ''}shown while downloading (after 1 s, the ring too), hidden after the first frame`;
  } finally {
    await close();
  }
});

// An idle page draws nothing (web/README.md): what brings frames back must be what a person
// does — a key, the mouse, Play — and the page's own hook calls, with no redraw() asked for.
test('an idle page stops drawing; a key, the mouse, a hook call and Play bring frames and the change', async () => {
  const url = await served();
  const { ctx, close } = await launch();
  try {
    const page = await ctx.newPage();
    const con = watchConsole(page);
    await page.goto(`${url}#lesson=mlockall&step=1`);
    await waitFrames(page);
    const count = () => page.evaluate(() => window.pinpages.frameCount());
    const idle = async () => {  // frames until none came for 1 s; returns the count then
      for (let i = 0; i < 30; i++) {
        const k = await count();
        await page.waitForTimeout(1000);
        if (await count() === k) return k;
      }
      throw new Error('the page never stopped drawing');
    };
    const more = (k) => page.waitForFunction((n) => window.pinpages.frameCount() > n, k, { timeout: 10_000 });
    const shot = () => page.screenshot();
    let k = await idle();
    const at1 = await shot();
    await page.waitForTimeout(1000);
    assert.equal(await count(), k, 'an idle page kept drawing');

    await page.keyboard.down('ArrowRight');
    await more(k);
    await page.keyboard.up('ArrowRight');
    k = await idle();
    const st2 = await page.evaluate(() => window.pinpages.state());
    assert.equal(st2.step, 2, `ArrowRight on an idle page: step ${st2.step}, expected 2`);
    const at2 = await shot();
    assert(!at2.equals(at1), 'ArrowRight: the step changed but the screen did not');

    await page.mouse.move(300, 300);
    await more(k);
    k = await idle();

    await page.evaluate(() => window.pinpages.go(5));
    await more(k);
    k = await idle();
    assert(!(await shot()).equals(at2), 'go(5): the screen did not change');

    await page.evaluate(() => window.pinpages.go(0));
    k = await idle();
    await page.keyboard.down('Space');
    await more(k);
    await page.keyboard.up('Space');
    await page.waitForFunction(() => window.pinpages.state().step >= 2, null, { timeout: 20_000 });
    const playing = await count();
    await page.waitForTimeout(500);
    const drawn = (await count()) - playing;
    assert(drawn > 0, 'Play: no frames while it plays');
    assert(con.errors.length === 0, `console errors:\n  ${con.errors.join('\n  ')}`);
    return `idle: no frame in 1 s; key, mouse, go() each drew; Play drew ${drawn} frames in 0.5 s`;
  } finally {
    await close();
  }
});

test('a runaway program stops and says why; its bounded history still reads back', async () => {
  const url = await served();
  const { ctx, close } = await launch();
  try {
    const page = await ctx.newPage();
    const con = watchConsole(page);
    await page.goto(url);
    await waitFrames(page);
    // Endless: a step per malloc until a limit stops it (time, steps or history bytes).
    const src = '#include <stdlib.h>\nint main(void) {\n  for (;;) {\n    char *p = malloc(16);\n    p[0] = 1;\n  }\n}\n';
    const s = await page.evaluate(async (t) => { await window.pinpages.program(t); return window.pinpages.state(); }, src);
    assert(s && Array.isArray(s.errors) && s.errors.length === 1, `errors: ${JSON.stringify(s && s.errors)}`);
    assert(/^sandbox\.c:[45]:\d+: (time|step|history) limit reached/.test(s.errors[0]), `why: ${s.errors[0]}`);
    assert(s.steps > 1000, `only ${s.steps} steps`);
    // Old steps were dropped from the history; going back recomputes them.
    for (const i of [1, s.steps >> 1, s.steps - 1, 2]) {
      const t = await page.evaluate((k) => window.pinpages.go(k), i);
      assert(t.step === i, `go(${i}) gave step ${t.step}`);
      const procs = t.step_json && t.step_json.processes;
      assert(procs && procs.length === 1 && procs[0].regions.length > 5, `step ${i}: no regions in ${JSON.stringify(t.step_json)}`);
    }
    const heap = await page.evaluate(() => {
      const m = window.pinpages.module;
      return m && m.HEAPU8 ? m.HEAPU8.buffer.byteLength / 1048576 : null;
    });
    assert(heap !== null, 'the module does not expose its memory (Module.HEAPU8)');
    assert(heap < 512, `wasm memory grew to ${heap} MB`);
    // Still answering: the mouse moves, frames follow.
    const before = await page.evaluate(() => window.pinpages.frameCount());
    await page.mouse.move(200, 200);
    await page.mouse.move(210, 205);
    await waitFrames(page, before + 3);
    assert(con.errors.length === 0, `console errors:\n  ${con.errors.join('\n  ')}`);
    return `${s.steps} steps; ${s.errors[0]}; wasm memory ${heap.toFixed(0)} MB`;
  } finally {
    await close();
  }
});

test('a long program that keeps making steps runs to its end (100 MiB touched, getrusage + printf each page)', async () => {
  const url = await served();
  const { ctx, close } = await launch();
  try {
    const page = await ctx.newPage();
    const con = watchConsole(page);
    await page.goto(url);
    await waitFrames(page);
    // 51,200 steps: the limits stop loops that make no step and endless allocation, not this.
    const src = '#include <stdio.h>\n#include <stdlib.h>\n#include <sys/resource.h>\n\nint main(void) {\n' +
      '  long size = 100L * 1024 * 1024;\n  char *p = malloc(size);\n  struct rusage ru;\n  long i;\n' +
      '  for (i = 0; i < size; i += 4096) {\n    p[i] = 1;\n    getrusage(RUSAGE_SELF, &ru);\n' +
      '    printf("%ld minor %ld major %ld\\n", i / 4096, ru.ru_minflt, ru.ru_majflt);\n  }\n  return 0;\n}\n';
    const s = await page.evaluate(async (t) => { await window.pinpages.program(t); return window.pinpages.state(); }, src);
    assert(s && Array.isArray(s.errors) && s.errors.length === 0, `stopped: ${JSON.stringify(s && s.errors)}`);
    assert(s.steps > 51200, `only ${s.steps} steps`);
    // The last printf (page 25,599), recomputed from a checkpoint: every page resident.
    const t = await page.evaluate((k) => window.pinpages.go(k), s.steps - 2);
    const j = t.step_json || {};
    assert(/^25599 minor \d+ major 0\n$/.test(j.output || ''), `step ${t.step} printed ${JSON.stringify(j.output)}`);
    const procs = j.processes || [];
    assert(procs.length === 1 && procs[0].vm_rss_kb >= 100 * 1024, `VmRSS ${procs[0] && procs[0].vm_rss_kb} kB`);
    assert(con.errors.length === 0, `console errors:\n  ${con.errors.join('\n  ')}`);
    return `${s.steps} steps to the end; last page ${j.output.trim()}`;
  } finally {
    await close();
  }
});

test('HiDPI: canvas backing store is CSS size × devicePixelRatio', async () => {
  const url = await served();
  const { ctx, close } = await launch([], { deviceScaleFactor: 2 });
  try {
    const page = await ctx.newPage();
    const con = watchConsole(page);
    await page.goto(url);
    await waitFrames(page);
    const m = await page.evaluate(() => {
      const c = document.getElementById('canvas');
      return { dpr: devicePixelRatio, w: c.width, h: c.height, cw: c.clientWidth, ch: c.clientHeight,
               vw: innerWidth, vh: innerHeight };
    });
    assert(m.dpr === 2, `devicePixelRatio ${m.dpr}`);
    assert(m.cw === m.vw && m.ch === m.vh, `canvas ${m.cw}x${m.ch} does not fill the ${m.vw}x${m.vh} window`);
    assert(Math.abs(m.w - m.cw * 2) <= 2 && Math.abs(m.h - m.ch * 2) <= 2,
      `backing store ${m.w}x${m.h} for CSS ${m.cw}x${m.ch} at dpr 2`);
    // Resizing the window resizes the canvas (SDL listens for it).
    await page.setViewportSize({ width: 900, height: 600 });
    await page.waitForFunction(() => document.getElementById('canvas').width === 1800, null, { timeout: 20_000 });
    const png = await page.screenshot({ path: join(artifacts, 'web-hidpi.png') });
    await assertDrawn(ctx, png, 'HiDPI page');
    assert(con.errors.length === 0, `console errors:\n  ${con.errors.join('\n  ')}`);
    return `${m.w}x${m.h} device pixels for ${m.cw}x${m.ch} CSS pixels`;
  } finally {
    await close();
  }
});

// web/loader.js answers ImGui's per-frame reads of viewport, scissor and blend state from
// its own copy (a GL read waits for the GPU process): the copy must be what GL holds, after
// the page's frames, after a resize, and after calls GL rejects.
test('the page\'s copy of the draw state is what WebGL holds', async () => {
  const url = await served();
  const { ctx, close } = await launch();
  try {
    const page = await ctx.newPage();
    await page.goto(url);
    await waitFrames(page);
    // In one task, so no frame can come between the calls and the reads: `calls` (source
    // text, run with `gl`) first, then each value read through the copy and from GL.
    const compare = (calls = '') => page.evaluate((body) => {
      const gl = document.getElementById('canvas').getContext('webgl2');
      new Function('gl', body)(gl);
      while (gl.getError() !== gl.NO_ERROR) { /* the errors rejected calls raised */ }
      const real = (p) => WebGL2RenderingContext.prototype.getParameter.call(gl, p);
      const names = ['VIEWPORT', 'SCISSOR_BOX', 'BLEND_SRC_RGB', 'BLEND_DST_RGB', 'BLEND_SRC_ALPHA',
                     'BLEND_DST_ALPHA', 'BLEND_EQUATION_RGB', 'BLEND_EQUATION_ALPHA'];
      const show = (v) => (v && v.length !== undefined ? Array.from(v).join(',') : String(v));
      return {
        shadowed: gl.getParameter !== WebGL2RenderingContext.prototype.getParameter,
        buffer: [gl.drawingBufferWidth, gl.drawingBufferHeight].join(','),
        diff: names.filter((n) => show(gl.getParameter(gl[n])) !== show(real(gl[n])))
          .map((n) => `${n}: copy ${show(gl.getParameter(gl[n]))}, GL ${show(real(gl[n]))}`),
        viewport: show(real(gl.VIEWPORT)),
      };
    }, calls);
    const a = await compare();
    assert(a.shadowed, 'the loader did not install its copy of the draw state');
    assert.deepEqual(a.diff, [], 'after the first frames');
    assert(a.viewport === `0,0,${a.buffer}`, `the page draws with viewport ${a.viewport}, buffer ${a.buffer}`);
    await page.setViewportSize({ width: 900, height: 600 });
    await page.waitForFunction(() => document.getElementById('canvas').width === 900, null, { timeout: 20_000 });
    const n = await page.evaluate(() => window.pinpages.frameCount());
    await page.evaluate(() => window.pinpages.go(1));
    await page.waitForFunction((k) => window.pinpages.frameCount() >= k + 2, n, { timeout: 20_000 });
    const b = await compare();
    assert.deepEqual(b.diff, [], 'after a resize');
    assert(b.viewport === '0,0,900,600', `after the resize the page draws with viewport ${b.viewport}`);
    // Calls GL rejects change neither; accepted ones change both.
    const rejected = await compare(`gl.viewport(0, 0, -5, 10); gl.scissor(1, 2, 3, -4);
      gl.blendFuncSeparate(gl.SRC_ALPHA, 12345, gl.ONE, gl.ZERO); gl.blendEquationSeparate(gl.FUNC_ADD, 999);`);
    assert.deepEqual(rejected.diff, [], 'after 4 calls GL rejects');
    const accepted = await compare(`gl.viewport(1, 2, 30, 40); gl.blendFunc(gl.DST_COLOR, gl.ONE_MINUS_SRC_ALPHA);
      gl.blendEquation(gl.MAX); gl.scissor(3, 4, 50, 60);`);
    assert.deepEqual(accepted.diff, [], 'after 4 calls GL accepts');
    assert(accepted.viewport === '1,2,30,40', `viewport ${accepted.viewport} after gl.viewport(1, 2, 30, 40)`);
    const m = await page.evaluate(() => window.pinpages.frameCount());
    await page.evaluate(() => window.pinpages.go(2));
    await page.waitForFunction((k) => window.pinpages.frameCount() >= k + 2, m, { timeout: 20_000 });
    const d = await compare();
    assert.deepEqual(d.diff, [], 'after the next frames');
    return '8 values equal after the first frames, a resize to 900×600, 4 rejected and 4 accepted calls, and more frames';
  } finally {
    await close();
  }
});

// web/loader.js answers ImGui's "did it compile?" with yes until the first frame is drawn,
// then asks WebGL: no such question may reach WebGL before the first frame, and each of
// the two shaders and the program must be asked about after it.
test('the shaders\' compile checks reach WebGL after the first frame, once each', async () => {
  const url = await served();
  const { ctx, close } = await launch();
  try {
    const page = await ctx.newPage();
    await page.addInitScript(() => {
      const P = WebGL2RenderingContext.prototype;
      const asked = (window.__asked = []);
      for (const [name, pname] of [['getShaderParameter', 0x8B81], ['getProgramParameter', 0x8B82]]) {
        const real = P[name];
        P[name] = function (obj, p) {
          if (p === pname) asked.push({ name, t: performance.now(), obj });
          return real.call(this, obj, p);
        };
      }
    });
    await page.goto(url);
    await page.waitForFunction(() => window.pinpages && window.pinpages.started, null, { timeout: 60_000 });
    const r = await page.evaluate(() => ({
      first: window.pinpages.timing.firstFrame,
      asked: window.__asked.map((a) => ({ name: a.name, t: a.t, distinct: window.__asked.filter((b) => b.obj === a.obj).length })),
    }));
    const early = r.asked.filter((a) => a.t < r.first);
    assert.deepEqual(early.map((a) => a.name), [], `asked WebGL before the first frame (${r.first.toFixed(0)} ms)`);
    const count = (n) => r.asked.filter((a) => a.name === n).length;
    assert(count('getShaderParameter') === 2, `compile status asked ${count('getShaderParameter')} times, want 2 (one per shader)`);
    assert(count('getProgramParameter') === 1, `link status asked ${count('getProgramParameter')} times, want 1`);
    assert(r.asked.every((a) => a.distinct === 1), 'one object was asked about twice');
    return `2 compile and 1 link status asked, all after the first frame (${r.first.toFixed(0)} ms)`;
  } finally {
    await close();
  }
});

test('single-file page renders from file://', async () => {
  assert(existsSync(single), `${single} missing: build the web-single preset first`);
  const { ctx, close } = await launch();
  try {
    const page = await ctx.newPage();
    const con = watchConsole(page);
    const requests = [];
    page.on('request', (r) => { if (!r.url().startsWith('data:')) requests.push(r.url()); });
    await page.goto(pathToFileURL(single).href);
    await waitFrames(page);
    const png = await page.screenshot({ path: join(artifacts, 'web-single.png') });
    const s = await assertDrawn(ctx, png, 'single-file page');
    const extra = requests.filter((u) => u !== pathToFileURL(single).href);
    assert(extra.length === 0, `the one-file page fetched other files: ${extra.join(', ')}`);
    assert(con.errors.length === 0, `console errors:\n  ${con.errors.join('\n  ')}`);
    return `${s.colours} colours, no other files fetched`;
  } finally {
    await close();
  }
});

async function expectError(url, args, init, pattern, shot) {
  const { ctx, close } = await launch(args);
  try {
    const page = await ctx.newPage();
    if (init) await page.addInitScript(init);
    await page.goto(url);
    await page.waitForFunction(() => window.pinpages && window.pinpages.error, null, { timeout: 30_000 });
    const shown = await page.evaluate(() => {
      const e = document.getElementById('error');
      return { visible: !e.hidden && e.offsetHeight > 0, text: e.innerText, started: window.pinpages.started,
               why: document.getElementById('error-text').textContent };
    });
    assert(shown.visible, 'error box not visible');
    assert(pattern.test(shown.text), `error text does not explain the problem: ${shown.text}`);
    assert(!shown.started, 'app started anyway');
    await page.screenshot({ path: join(artifacts, shot) });
    return `shows "${shown.why}"`;
  } finally {
    await close();
  }
}

test('no WebGL2 (browser started with 3D APIs disabled): readable error', async () =>
  expectError(await served(), ['--disable-3d-apis'], null, /WebGL 2/, 'web-no-webgl2.png'));

test('no WebGL2 (?simulate=no-webgl2): readable error', async () =>
  expectError(`${await served()}?simulate=no-webgl2`, [], null, /WebGL 2/, 'web-simulated-no-webgl2.png'));

// The compile checks wait for the first frame (web/loader.js): a shader WebGL rejects must
// still stop the page with WebGL's own words, not leave an empty canvas.
test('a shader WebGL cannot compile: readable error with WebGL\'s log', async () =>
  expectError(await served(), [], () => {
    const real = WebGL2RenderingContext.prototype.shaderSource;
    WebGL2RenderingContext.prototype.shaderSource = function (s, src) {
      return real.call(this, s, src.replace('Out_Color = ', 'Out_Color = no_such_value + '));
    };
  }, /could not build the page's drawing program[\s\S]*no_such_value/, 'web-shader-error.png'));

test('no WebAssembly (window.WebAssembly deleted): readable error', async () =>
  expectError(await served(), [], () => { delete window.WebAssembly; }, /WebAssembly/, 'web-no-wasm.png'));

