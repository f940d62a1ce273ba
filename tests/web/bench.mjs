// Speed benchmark of the served page (issue 5, "Speed"): prints numbers, judges nothing.
// Exits non-zero only when the page does not load; a number over its budget is reported,
// never a failure.
//
//   node tests/web/bench.mjs [--web build/web] [--out build/artifacts/bench-web.txt]
//                            [--runs 5] [--frames 60] [--lesson mlockall]
//
//   1. transfer   every resource the page fetches, bytes on the wire (CDP
//                 Network.loadingFinished.encodedDataLength: compressed body + headers)
//                 and decoded body size; total. Budget: 600 KB gzipped.
//   2. start-up   navigation → first frame on the canvas (loader.js records it) and
//                 → interactive (first animation frame at which the first frame is drawn
//                 and window.pinpages.state() answers, seen from inside the page), over
//                 --runs fresh page loads with the cache off. Budgets: first frame
//                 500 ms (median), interactive 1 s. The first frame is the first one the
//                 canvas shows: the page's windows and controls, "Running the lesson…"
//                 where the lesson will be (the lesson runs in the next animation frame).
//                 Also the breakdown: download, compile, instantiate, platform
//                 (SDL/WebGL/ImGui), font atlas, GL set-up, first frame, lesson, from the
//                 marks loader.js, main_web.cpp and platform.cpp record. And the floor
//                 under it: tests/web/floor.html, loaded after each of those loads, only
//                 downloads and compiles pinpages.wasm and draws one WebGL 2 triangle, so
//                 the difference is what pinpages itself adds on this machine. A second
//                 floor: build/web/hello-imgui/ (tests/web/hello_imgui), the smallest
//                 SDL2 + WebGL 2 + Dear ImGui page, loaded after each load as well.
//   3. frame CPU  #lesson=<id>, last step (tutorial figure C, ~125,000 pages): the UI's
//                 own CPU time per frame from window.pinpages.state().frame_ms over
//                 --frames new frames: mean, p95, max. Budget: 4 ms. If the hook has no
//                 frame time, the time between requestAnimationFrame callbacks is
//                 reported instead, and labelled as such.
//   4. runaways   window.pinpages.load(program) of `for (;;) {}`, endless recursion and
//                 endless malloc(16), as the editor's Run does: wall time from the call
//                 to the run's end, and the diagnostic that stopped it (file:line:col).
//                 Budget: 2 s each.
//
// Same browser as the tests (tests/web/browser.mjs: Debian's chromium, software WebGL):
// frame *intervals* reflect swiftshader, the UI's CPU time does not.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { launch, watchConsole } from './browser.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values: opt } = parseArgs({
  options: {
    web: { type: 'string', default: join(root, 'build/web') },
    out: { type: 'string', default: join(root, 'build/artifacts/bench-web.txt') },
    runs: { type: 'string', default: '5' },
    frames: { type: 'string', default: '60' },
    lesson: { type: 'string', default: 'mlockall' },
  },
});
const webDir = resolve(opt.web);
const outFile = resolve(opt.out);
const runs = Math.max(1, Number(opt.runs));
const nFrames = Math.max(5, Number(opt.frames));
const lesson = opt.lesson;
const LOAD_TIMEOUT = 90_000;  // swiftshader on a busy 2-core machine is slow

const BUDGET = { transferKB: 600, interactiveMs: 1000, firstFrameMs: 500, frameMs: 4, runawayMs: 2000 };
const RUNAWAYS = [
  ['for (;;) {}', 'int main(void) {\n  for (;;) {}\n  return 0;\n}\n'],
  ['endless recursion', 'int f(int n) {\n  return f(n + 1) + 1;\n}\nint main(void) {\n  return f(0);\n}\n'],
  ['endless malloc(16)', '#include <stdlib.h>\nint main(void) {\n  for (;;) {\n    char *p = malloc(16);\n    p[0] = 1;\n  }\n}\n'],
];
const lines = [];
const say = (s = '') => { lines.push(s); console.log(s); };
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const ms = (n) => (n == null || Number.isNaN(n) ? 'n/a' : `${n.toFixed(n < 10 ? 2 : 0)} ms`);
const verdict = (ok) => (ok ? 'within budget' : 'OVER budget');
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs) => pct(xs, 50);

// The server runs in a process of its own, as scripts/serve's does: in this one, its
// responses would wait behind the harness's own work (the DevTools events of every load).
const server = spawn(process.execPath, [join(root, 'scripts/lib/serve.mjs'), '--dir', webDir, '--port', '0', '--quiet'],
  { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((res, rej) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
    if (m) res(m[1]);
  });
  server.on('exit', (code) => rej(new Error(`the server stopped (exit ${code}): ${out.trim()}`)));
});
const base = `http://127.0.0.1:${port}/`;
// Let the server finish compressing the page's files (it starts when it starts listening),
// as a long-running server would have: the first load should not pay for it.
{
  const { request } = await import('node:http');
  for (const f of ['pinpages.wasm', 'pinpages.js']) {
    await new Promise((res) => {
      request(base + f, { method: 'HEAD', headers: { 'accept-encoding': 'gzip' } }, (r) => { r.resume(); r.on('end', res); })
        .on('error', res).end();
    });
  }
}

// Waits until the first frame is drawn (or the page reports an error) and the JS hook
// answers; returns timings in ms since navigation start (performance.now() of the page).
async function loadPage(page, url) {
  // "Interactive" is observed inside the page, on every animation frame from the start,
  // so the harness's own round trips to a busy page do not count.
  await page.addInitScript(() => {
    const poll = () => {
      const p = window.pinpages;
      if (p && p.started && (typeof p.state !== 'function' || p.state())) {
        window.__ppInteractive = performance.now();
        return;
      }
      if (!(p && p.error)) requestAnimationFrame(poll);
    };
    requestAnimationFrame(poll);
  });
  await page.goto(url);
  await page.waitForFunction(() => window.pinpages && (window.pinpages.started || window.pinpages.error),
    null, { timeout: LOAD_TIMEOUT });
  const err = await page.evaluate(() => window.pinpages.error);
  if (err) throw new Error(`page reported: ${err}`);
  const interactive = await (await page.waitForFunction(() => window.__ppInteractive || false,
    null, { timeout: LOAD_TIMEOUT })).jsonValue();
  const t = await page.evaluate(() => ({
    firstFrame: window.pinpages.timing ? window.pinpages.timing.firstFrame : null,
    wasm: window.pinpages.timing ? window.pinpages.timing.wasmDownloaded : null,
    dcl: performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? null,
    marks: (window.pinpages.timing && window.pinpages.timing.marks) || {},
    hook: typeof window.pinpages.state === 'function',
  }));
  return { ...t, interactive };
}

// Share of the CPUs' time spent busy over `ms` (/proc/stat; "n/a" elsewhere). On a virtual
// machine the load average also counts waits that use no CPU, so both are printed.
async function cpuBusy(ms) {
  const read = () => {
    try {
      const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
      return { idle: f[3] + (f[4] || 0), total: f.reduce((a, b) => a + b, 0) };
    } catch { return null; }
  };
  const a = read();
  await new Promise((r) => setTimeout(r, ms));
  const b = read();
  if (!a || !b || b.total === a.total) return 'n/a';
  return (100 * (1 - (b.idle - a.idle) / (b.total - a.total))).toFixed(0);
}

// A new page whose loads bypass the HTTP cache (a first visit), and its DevTools session.
async function uncachedPage() {
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  return { page, cdp };
}

// One fresh load of tests/web/floor.html, served as if it were a file of the page (the
// same origin, so it fetches the page's pinpages.wasm); with `url`, of another floor page
// that sets window.floor the same way (the web tree's hello-imgui/index.html).
async function loadFloor(url = null) {
  const { page, cdp } = await uncachedPage();
  if (!url) await page.route(`${base}floor.html`, (r) => r.fulfill({ path: join(root, 'tests/web/floor.html'), contentType: 'text/html' }));
  try {
    await page.goto(url || `${base}floor.html`);
    await page.waitForFunction(() => window.floor && (window.floor.timing.firstFrame != null || window.floor.error),
      null, { timeout: LOAD_TIMEOUT });
    return await page.evaluate(() => ({ ...window.floor.timing, error: window.floor.error }));
  } catch (e) {
    return { firstFrame: null, marks: {}, error: e.message };
  } finally {
    await cdp.detach().catch(() => {});
    await page.close();
  }
}

let exitCode = 0;
const { ctx, close } = await launch();
try {
  say(`pinpages web benchmark — ${new Date().toISOString()}`);
  say(`page: ${base} (files from ${webDir}), chromium headless, software WebGL (swiftshader)`);
  say(`machine: ${cpus().length} CPUs, ${await cpuBusy(3000)}% busy over 3 s before the first load, ` +
      `load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} ` +
      '(other builds running on these CPUs slow every number below)');
  say();

  // ---- 1 + 2: transfer and start-up, fresh loads with the cache off
  const loads = [];
  const floors = [];  // tests/web/floor.html, loaded after each of the page's loads
  const hellos = [];  // the smallest Dear ImGui page (tests/web/hello_imgui), after each too
  const hello = existsSync(join(webDir, 'hello-imgui', 'hello-imgui.wasm'));
  let transfer = null;
  for (let r = 0; r < runs; ++r) {
    const { page, cdp } = await uncachedPage();
    const con = watchConsole(page);
    const reqs = new Map();
    cdp.on('Network.requestWillBeSent', (e) => reqs.set(e.requestId, { url: e.request.url, decoded: 0 }));
    cdp.on('Network.responseReceived', (e) => {
      const q = reqs.get(e.requestId);
      if (q) {
        q.status = e.response.status;
        q.mime = e.response.mimeType;
        const h = Object.fromEntries(Object.entries(e.response.headers || {}).map(([k, v]) => [k.toLowerCase(), v]));
        q.encoding = h['content-encoding'] || 'identity';
      }
    });
    cdp.on('Network.dataReceived', (e) => { const q = reqs.get(e.requestId); if (q) q.decoded += e.dataLength; });
    cdp.on('Network.loadingFinished', (e) => { const q = reqs.get(e.requestId); if (q) q.wire = e.encodedDataLength; });
    let t;
    try {
      t = await loadPage(page, base);
    } catch (e) {
      writeFileSync(join(dirname(outFile), 'bench-web-console.txt'), con.all.join('\n') + '\n');
      throw e;
    }
    await page.waitForTimeout(300);  // late requests (none expected) and loadingFinished events
    loads.push(t);
    if (r === 0) {
      transfer = [...reqs.values()].filter((q) => !q.url.startsWith('data:'));
    }
    await cdp.detach().catch(() => {});
    await page.close();
    floors.push(await loadFloor());
    if (hello) hellos.push(await loadFloor(`${base}hello-imgui/index.html`));
  }

  say('transfer (first load, cache off; wire = compressed body + HTTP headers)');
  let wire = 0, decoded = 0;
  for (const q of transfer) {
    const name = q.url.startsWith(base) ? q.url.slice(base.length) || '/' : q.url;
    wire += q.wire || 0;
    decoded += q.decoded || 0;
    say(`  ${name.padEnd(22)} ${String(q.wire ?? '?').padStart(9)} B on the wire  ` +
        `${String(q.decoded).padStart(9)} B decoded  ${q.encoding}${q.status && q.status !== 200 ? `  HTTP ${q.status}` : ''}`);
  }
  say(`  ${'total'.padEnd(22)} ${String(wire).padStart(9)} B = ${kb(wire)} (${kb(decoded)} decoded), ` +
      `${transfer.length} requests — budget ${BUDGET.transferKB} KB: ${verdict(wire <= BUDGET.transferKB * 1024)}`);
  say();

  say(`start-up (${runs} fresh load${runs > 1 ? 's' : ''}, ms after navigation start)`);
  loads.forEach((t, i) => say(`  load ${i + 1}: first frame ${ms(t.firstFrame)}, interactive ${ms(t.interactive)}` +
                              ` (DOMContentLoaded ${ms(t.dcl)}, wasm downloaded ${ms(t.wasm)})`));
  if (runs > 1) say('  (load 1 also starts chromium\'s GPU process and software GL: the cold case)');
  // Where the time goes (loader.js and main_web.cpp marks), median of every load:
  // each phase is the time from the previous milestone.
  const phases = [['wasm downloaded', (t) => t.wasm], ['compiled', (t) => t.marks.compiled],
    ['instantiated', (t) => t.marks.instantiated], ['main', (t) => t.marks.main],
    ['platform', (t) => t.marks.platform], ['ui', (t) => t.marks.ui], ['fonts', (t) => t.marks.fonts],
    ['gl', (t) => t.marks.gl], ['first frame', (t) => t.firstFrame],
    ['lesson', (t) => t.marks.lesson], ['ready', (t) => t.marks.ready]];
  if (loads.some((t) => t.marks && t.marks.main != null)) {
    say('  breakdown (median ms at each milestone, in time order; + time since the previous one):');
    // Download and compile overlap (streaming compilation): "wasm downloaded" is when the
    // progress bar's copy of the body ended, which may come after the compiler's.
    const rows = phases.map(([name, get]) => {
      const xs = loads.map(get).filter((x) => x != null);
      return [name, xs.length ? median(xs) : null];
    });
    let prev = 0;
    for (const [name, m] of rows.filter((r) => r[1] != null).sort((a, b) => a[1] - b[1])) {
      say(`    ${name.padEnd(16)} ${ms(m).padStart(8)}   +${ms(m - prev)}`);
      prev = m;
    }
    for (const [name] of rows.filter((r) => r[1] == null)) say(`    ${name.padEnd(16)} n/a`);
    say('    ("main" = the module started, "platform" = SDL + WebGL context + ImGui, "ui" = windows' +
        ' and page hooks, "fonts" = the font atlas rasterized (first frame), "gl" = ImGui\'s shaders' +
        ' compiled and the atlas uploaded, "first frame" = the page\'s windows drawn with "Running' +
        ' the lesson…", "lesson" = the default lesson run after it, "ready" = its first frame drawn)');
  }
  const ff = loads.map((t) => t.firstFrame).filter((x) => x != null);
  const ia = loads.map((t) => t.interactive);
  if (!ff.length) say('  (loader.js records no first-frame time: window.pinpages.timing missing)');
  say(`  median: first frame ${ff.length ? ms(median(ff)) : 'n/a'} — budget ${BUDGET.firstFrameMs} ms: ` +
      `${ff.length ? verdict(median(ff) <= BUDGET.firstFrameMs) : 'n/a'}; ` +
      `interactive ${ms(median(ia))} — budget ${BUDGET.interactiveMs} ms: ${verdict(median(ia) <= BUDGET.interactiveMs)}` +
      `${loads[0].hook ? '' : ' (no window.pinpages.state hook: interactive = first frame seen)'}`);

  const fl = floors.filter((f) => f.firstFrame != null);
  if (fl.length) {
    const m = (k) => ms(median(fl.map((f) => f.marks[k])));
    const floorMs = median(fl.map((f) => f.firstFrame));
    say(`  floor (tests/web/floor.html, a load after each of the above: downloads and compiles pinpages.wasm, ` +
        `then draws one WebGL 2 triangle, nothing of pinpages runs): first frame median ${ms(floorMs)} ` +
        `(compiled ${m('compiled')}, context ${m('context')}, shaders + texture ${m('gl')}); ` +
        `pinpages itself adds ${ff.length ? ms(median(ff) - floorMs) : 'n/a'}`);
  }
  const hl = hellos.filter((f) => f.firstFrame != null);
  if (hl.length) {
    const m = (k) => ms(median(hl.map((f) => f.marks[k])));
    const helloMs = median(hl.map((f) => f.firstFrame));
    say(`  smallest Dear ImGui page (tests/web/hello_imgui: SDL2 + WebGL 2 + ImGui, its own font, one window of ` +
        `text, nothing of pinpages; loaded like the page, after each load): first frame median ${ms(helloMs)} ` +
        `(compiled ${m('compiled')}, instantiated ${m('instantiated')}, platform ${m('platform')}) — ` +
        `budget ${BUDGET.firstFrameMs} ms: ${verdict(helloMs <= BUDGET.firstFrameMs)}; ` +
        `pinpages adds ${ff.length ? ms(median(ff) - helloMs) : 'n/a'} to it`);
  } else if (hello) {
    say(`  smallest Dear ImGui page: did not draw (${hellos.map((f) => f.error).filter(Boolean)[0] || 'no first frame'})`);
  } else {
    say(`  smallest Dear ImGui page: not built (${webDir}/hello-imgui/)`);
  }
  if (!fl.length) {
    say(`  floor: tests/web/floor.html did not draw (${floors.map((f) => f.error).filter(Boolean)[0] || 'no first frame'})`);
  }

  // What the first frame shows, at 1024×768: the canvas as drawn by the animation frame
  // that drew it (read in that same callback, before the lesson's frame replaces it).
  {
    const page = await ctx.newPage();
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.addInitScript(() => {
      const raf = window.requestAnimationFrame.bind(window);
      window.requestAnimationFrame = (cb) => raf((t) => {
        cb(t);
        const p = window.pinpages;
        if (!window.__ppFirst && p && p.timing && p.timing.firstFrame != null) {
          window.__ppFirst = { png: document.getElementById('canvas').toDataURL('image/png'), frames: p.frameCount(),
                               indicator: !document.getElementById('status').hidden };
        }
      });
    });
    await loadPage(page, base);
    const first = await page.evaluate(() => window.__ppFirst || null);
    const shot = join(dirname(outFile), 'bench-web-first-frame.png');
    if (first) {
      mkdirSync(dirname(outFile), { recursive: true });
      writeFileSync(shot, Buffer.from(first.png.split(',')[1], 'base64'));
      say(`  first frame at 1024×768 (frame ${first.frames}, loading indicator ${first.indicator ? 'still shown' : 'hidden'}): ${shot}`);
    } else {
      say('  first frame: not captured (no animation frame saw window.pinpages.timing.firstFrame)');
    }
    await page.close();
    say();
  }

  // ---- 3: UI CPU time per frame at full tutorial scale
  const page = await ctx.newPage();
  const con = watchConsole(page);
  await loadPage(page, `${base}#lesson=${encodeURIComponent(lesson)}`);
  // The tutorial's full scale: the last step tagged with figure C (mlockall: 500 locked
  // 1 MB records), else the step with the largest resident set.
  const at = await page.evaluate(async (id) => {
    const p = window.pinpages;
    if (typeof p.state !== 'function') return { hook: false };
    let s = p.state();
    if (s && s.lesson !== id && s.lesson_id !== id && typeof p.lesson === 'function') { p.lesson(id); s = p.state(); }
    if (!s || typeof p.go !== 'function') return { hook: true, state: !!s };
    const size = (st) => {
      const ps = (st && st.step_json && st.step_json.processes) || [];
      return { rss: ps.reduce((a, q) => a + (q.vm_rss_kb || 0), 0) / 4, lck: ps.reduce((a, q) => a + (q.vm_lck_kb || 0), 0) / 4 };
    };
    let lastC = -1, biggest = 0, bestRss = -1;
    for (let i = 0; i < (s.steps || 0); ++i) {
      const st = p.go(i);
      if (st && st.figure === 'C') lastC = i;
      const r = size(st).rss;
      if (r > bestRss) { bestRss = r; biggest = i; }
    }
    const pick = lastC >= 0 ? lastC : biggest;
    s = p.go(Math.max(0, pick));
    const z = size(s);
    return { hook: true, state: true, lesson: s.lesson, step: s.step, steps: s.steps, figure: s.figure,
             pages: z.rss, locked: z.lck, hasFrameMs: typeof s.frame_ms === 'number' };
  }, lesson);
  // Let the view of the new step be built (its first frames pay for the aggregation).
  // The page draws only while something changes: ask for the frames to be timed.
  const settle = await page.evaluate((n) => { window.pinpages.redraw(n); return window.pinpages.frameCount(); },
    10 + nFrames * 4);
  await page.waitForFunction((k) => window.pinpages.frameCount() >= k + 10, settle, { timeout: LOAD_TIMEOUT });

  const sample = await page.evaluate(async (n) => {
    const p = window.pinpages;
    const hook = typeof p.state === 'function' && p.state() && typeof p.state().frame_ms === 'number';
    const cpu = [], interval = [];
    let lastCount = p.frameCount(), lastT = performance.now();
    const t0 = performance.now();
    while (cpu.length < n && interval.length < n * 4 && performance.now() - t0 < 60000) {
      await new Promise((r) => requestAnimationFrame(r));
      const c = p.frameCount();
      const now = performance.now();
      if (c === lastCount) continue;  // no new UI frame since the last callback
      interval.push((now - lastT) / (c - lastCount));
      lastCount = c;
      lastT = now;
      if (hook) cpu.push(p.state().frame_ms);  // the last frame's UI CPU time (C++ clock)
      else cpu.push(null);
    }
    return { hook, cpu: hook ? cpu : [], interval };
  }, nFrames);
  await page.screenshot({ path: join(dirname(outFile), 'bench-web-last-step.png') });

  const where = at.state
    ? `lesson ${at.lesson}, step ${at.step + 1} of ${at.steps}${at.figure ? `, figure ${at.figure}` : ''}, ` +
      `VmRSS ${at.pages.toLocaleString('en')} pages, VmLck ${at.locked.toLocaleString('en')} pages`
    : `#lesson=${lesson} (no window.pinpages.state hook: could not go to the last step, measured the first)`;
  say(`UI frame CPU time — ${where}`);
  if (sample.hook && sample.cpu.length) {
    say(`  window.pinpages.state().frame_ms over ${sample.cpu.length} frames: mean ${ms(mean(sample.cpu))}, ` +
        `p95 ${ms(pct(sample.cpu, 95))}, max ${ms(Math.max(...sample.cpu))} — ` +
        `budget ${BUDGET.frameMs} ms: ${verdict(pct(sample.cpu, 95) <= BUDGET.frameMs)}`);
  } else {
    say('  the JS hook reports no frame time: FALLBACK, time between requestAnimationFrame callbacks ' +
        'per UI frame (includes GL work and swiftshader, so it overstates the UI\'s CPU time)');
  }
  if (sample.interval.length) {
    say(`  frame interval (rAF, whole frame incl. swiftshader): mean ${ms(mean(sample.interval))}, ` +
        `p95 ${ms(pct(sample.interval, 95))} over ${sample.interval.length} frames` +
        `${sample.hook ? '' : ` — budget ${BUDGET.frameMs} ms: ${verdict(pct(sample.interval, 95) <= BUDGET.frameMs)}`}`);
  }
  if (con.errors.length) say(`  console errors: ${con.errors.slice(0, 3).join(' | ')}`);
  await page.close();
  say();

  // ---- 4: runaway programs, stopped by the page's limits
  const rpage = await ctx.newPage();
  const rcon = watchConsole(rpage);
  await loadPage(rpage, base);
  say('runaway programs (window.pinpages.load, as the editor\'s Run; wall time from the call to the run\'s end)');
  for (const [what, src] of RUNAWAYS) {
    const r = await rpage.evaluate(async (text) => {
      const t0 = performance.now();
      const res = await window.pinpages.load(text);
      return { ms: performance.now() - t0, steps: res.steps, errors: res.errors || [] };
    }, src);
    // load() reports errors as {line, col, message} (the file is the editor's program).
    const e = r.errors[0];
    const why = e ? `program.c:${e.line}:${e.col}: ${e.message}` : '(no diagnostic)';
    const ok = r.ms <= BUDGET.runawayMs && !!e && e.line > 0 && e.col > 0;
    say(`  ${what.padEnd(20)} ${ms(r.ms).padStart(8)}, ${String(r.steps).padStart(6)} steps: ${why} — ` +
        `budget ${BUDGET.runawayMs} ms with file:line:col: ${verdict(ok)}`);
  }
  if (rcon.errors.length) say(`  console errors: ${rcon.errors.slice(0, 3).join(' | ')}`);
  await rpage.close();
} catch (e) {
  say(`benchmark failed: the page did not load: ${e.message}`);
  exitCode = 1;
} finally {
  await close();
  server.kill();
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, lines.join('\n') + '\n');
  console.log(`(written to ${outFile})`);
}
process.exit(exitCode);
