// Browser tests of the teaching UI (issue 5): the tutorial's figures in headless Chromium.
//   mlockall: step with the keyboard to figures A, B, C; the hook's per-object locked
//   pages must match "pinned" (B, C) / "not pinned" (A), and the pinned colour/hatch must
//   appear in the figure's pixels at B and C and not at A. mlock: A, B likewise.
//   Permalinks (#lesson=…&step=…) restore the step; stepping rewrites the hash; the
//   aria-live region narrates; ?embed=1 draws. Prints frame-time numbers (benchmark).
//
//   node tests/web/ui-figures.mjs [--web build/web] [--artifacts build/artifacts] [--only name]
// Screenshots: build/artifacts/fig-mlockall-{A,B,C}.png, fig-mlock-{A,B}.png.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { resolve, join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { figurePng, launch, pageKit, watchConsole, suite, suiteArgs } from './browser.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = suiteArgs();
const webDir = args.web;
const artifacts = args.artifacts;
const only = args.only;

const FIRST_FRAME_MS = 90_000;
const kit = pageKit(webDir, { firstFrameMs: FIRST_FRAME_MS });
const { served, frames, open, state, press } = kit;
const test = suite({ only, done: kit.close });

// Steps with the keyboard until the step carries `fig` (right first; back left if a key
// overshoot ever happens); returns its state.
async function stepToFigure(page, fig) {
  let dir = 'ArrowRight';
  for (let guard = 0; guard < 200; guard++) {
    const s = await state(page);
    if (s.figure === fig) return s;
    if (dir === 'ArrowRight' && s.step >= s.steps - 1) dir = 'ArrowLeft';
    else if (dir === 'ArrowLeft' && s.step <= 0) throw new Error(`figure ${fig} not found`);
    await press(page, dir);
  }
  throw new Error(`figure ${fig}: too many steps`);
}

// Fraction of the figure's pixels in the pinned colour (hatch lines, borders, pin marks).
async function pinnedFraction(page, s) {
  const r = s.figure_rect;
  const png = await page.screenshot({ clip: { x: r.x, y: r.y, width: r.w, height: r.h } });
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width; c.height = img.height;
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    const near = (a, b) => Math.abs(a - b) <= 40;
    for (let i = 0; i < d.length; i += 4)
      if (near(d[i], 0xC2) && near(d[i + 1], 0x18) && near(d[i + 2], 0x5B)) n++;
    return n / (d.length / 4);
  }, png.toString('base64'));
}

function checkObjects(s, wantPinned, names) {
  const byName = new Map(s.objects.map((o) => [o.name, o]));
  for (const n of names) {
    const o = byName.get(n);
    assert(o, `figure ${s.figure}: no object ${n} in state().objects (${[...byName.keys()].join(', ')})`);
    if (wantPinned) assert(o.pages > 0 && o.locked_pages === o.pages, `figure ${s.figure}: ${n} has ${o.locked_pages}/${o.pages} pages locked, want all`);
    else assert(o.locked_pages === 0, `figure ${s.figure}: ${n} has ${o.locked_pages} pages locked, want none`);
  }
  if (!wantPinned) for (const o of s.objects) assert(o.locked_pages === 0, `figure ${s.figure}: ${o.name} is locked`);
}

async function figureCase(lesson, figs, minPinned) {
  const { ctx, close } = await launch();
  const notes = [];
  try {
    const { page, con } = await open(ctx, `lesson=${lesson}`);
    const s0 = await state(page);
    assert(s0.lesson === lesson, `opened lesson ${s0.lesson}, want ${lesson}`);
    for (const [fig, pinned, names] of figs) {
      let s = await stepToFigure(page, fig);
      if (s.quiz_pending) {
        // Predict-then-reveal: the diagram waits for an answer. Answer from the keyboard.
        await page.keyboard.press('Digit1');
        await frames(page, 1);
        await press(page, 'Enter');
        s = await state(page);
        assert(!s.quiz_pending, `figure ${fig}: quiz still pending after 1 + Enter`);
      }
      await frames(page, 3);
      checkObjects(s, pinned, names);
      const frac = await pinnedFraction(page, s);
      if (pinned) assert(frac > minPinned, `figure ${fig}: pinned colour covers only ${(frac * 100).toFixed(2)}% of the figure`);
      else assert(frac < 0.0005, `figure ${fig}: pinned colour appears (${(frac * 100).toFixed(3)}%) before anything is pinned`);
      const narration = await page.evaluate(() => document.getElementById('narration').textContent);
      assert(narration.includes(`Figure ${fig}`), `aria-live narration lacks "Figure ${fig}": ${narration.slice(0, 120)}`);
      assert(/step=\d+/.test(await page.evaluate(() => location.hash)), 'hash does not hold the step');
      await page.screenshot({ path: join(artifacts, `fig-${lesson}-${fig}.png`) });
      // The PNG export (software-rasterized figure) through the hook.
      const { url, type, png } = await figurePng(page);
      assert(url && url.startsWith('blob:') && type === 'image/png' && png && png.length > 15_000,
        `figurePng() returned no PNG (${url}, ${type}, ${png && png.length} bytes)`);
      assert(png.subarray(1, 4).toString() === 'PNG', 'figurePng() bytes are not a PNG');
      writeFileSync(join(artifacts, `fig-${lesson}-${fig}-export.png`), png);
      notes.push(`${fig}@${s.step} pinned ${(frac * 100).toFixed(1)}%`);
    }
    assert(con.errors.length === 0, `console errors: ${con.errors.join(' | ')}`);
  } finally {
    await close();
  }
  return notes.join(', ');
}

test('mlockall: figures A, B, C by keyboard — hooked state and pixels', () =>
  figureCase('mlockall', [['A', false, ['a']], ['B', true, ['a', 'a[0]', 'a[499]']], ['C', true, ['scratch', 'a[0]']]], 0.01));

test('mlock: figures A, B by keyboard — hooked state and pixels', () =>
  figureCase('mlock', [['A', false, ['buffer']], ['B', true, ['buffer']]], 0.001));  // 4 pages of a 1 GiB machine

test('permalink restores the step; stepping rewrites the hash; hashchange re-opens', async () => {
  const { ctx, close } = await launch();
  try {
    const { page } = await open(ctx, 'lesson=mlockall&step=5');
    let s = await state(page);
    assert(s.lesson === 'mlockall' && s.step === 5, `permalink gave ${s.lesson} step ${s.step}`);
    await press(page, 'ArrowRight');
    const hash = await page.evaluate(() => location.hash);
    assert(hash.includes('step=6') && hash.includes('lesson=mlockall'), `hash after → is ${hash}`);
    await page.evaluate(() => { location.hash = '#lesson=mlock&step=2'; });
    await page.waitForFunction(() => { const t = window.pinpages.state(); return t.lesson === 'mlock' && t.step === 2; },
      null, { timeout: 20_000 });
    s = await page.evaluate(() => window.pinpages.go(3));
    assert(s.step === 3, `go(3) gave ${s.step}`);
    return `hash ${hash}`;
  } finally {
    await close();
  }
});

test('embed (?embed=1) and phone viewport draw the figure', async () => {
  const { ctx, close } = await launch([], { viewport: { width: 390, height: 780 }, hasTouch: true, isMobile: true });
  try {
    const { page } = await open(ctx, 'lesson=mlockall&step=4', '?embed=1');
    const s = await state(page);
    assert(s.figure_rect.w > 100 && s.figure_rect.h > 100, `figure too small: ${JSON.stringify(s.figure_rect)}`);
    await page.screenshot({ path: join(artifacts, 'fig-phone-embed.png') });
    return `figure ${Math.round(s.figure_rect.w)}×${Math.round(s.figure_rect.h)}`;
  } finally {
    await close();
  }
});

test('phone: pinch with two fingers zooms the figure, a tap on it steps', async () => {
  const { ctx, close } = await launch([], { viewport: { width: 390, height: 780 }, hasTouch: true, isMobile: true });
  try {
    const { page } = await open(ctx, 'lesson=mlockall&step=4', '?embed=1');
    const s0 = await state(page);
    const r = s0.figure_rect;
    const cx = r.x + r.w / 2, cy = r.y + r.h / 2;
    const cdp = await ctx.newCDPSession(page);
    const touch = (type, pts) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: pts.map(([x, y]) => ({ x, y })) });
    await touch('touchStart', [[cx - 40, cy], [cx + 40, cy]]);
    for (let k = 1; k <= 5; k++) await touch('touchMove', [[cx - 40 - 16 * k, cy], [cx + 40 + 16 * k, cy]]);
    await touch('touchEnd', []);
    await frames(page, 3);
    const s1 = await state(page);
    assert(s1.zoom > s0.zoom * 1.5, `pinch: zoom ${s0.zoom} -> ${s1.zoom}`);
    await page.touchscreen.tap(r.x + r.w * 0.8, r.y + r.h * 0.5);
    await page.waitForFunction((k) => window.pinpages.state().step === k, s0.step + 1, { timeout: 20_000 });
    return `pinch zoom ${s0.zoom.toFixed(2)} -> ${s1.zoom.toFixed(2)}, tap stepped ${s0.step} -> ${s0.step + 1}`;
  } finally {
    await close();
  }
});

test('presenter mode (P) on a devicePixelRatio-2 screen: larger, crisp text', async () => {
  const { ctx, close } = await launch([], { deviceScaleFactor: 2 });
  try {
    const { page } = await open(ctx, 'lesson=mlockall&step=4');
    await page.keyboard.press('KeyP');
    await page.waitForFunction(() => window.pinpages.state().presenter, null, { timeout: 20_000 });
    await frames(page, 3);
    await page.screenshot({ path: join(artifacts, 'fig-presenter-dpr2.png') });
    await page.keyboard.press('KeyP');
    await page.waitForFunction(() => !window.pinpages.state().presenter, null, { timeout: 20_000 });
    return 'P toggles presenter mode';
  } finally {
    await close();
  }
});

test('F: figure only, in browser full screen; F again restores both', async () => {
  const { ctx, close } = await launch();
  try {
    const { page } = await open(ctx, 'lesson=mlockall&step=4');
    await page.keyboard.press('KeyF');
    await page.waitForFunction(() => window.pinpages.state().figure_only && document.fullscreenElement !== null,
      null, { timeout: 20_000 });
    await frames(page, 3);
    await page.screenshot({ path: join(artifacts, 'fig-fullscreen-B.png') });
    await page.keyboard.press('KeyF');
    await page.waitForFunction(() => !window.pinpages.state().figure_only && document.fullscreenElement === null,
      null, { timeout: 20_000 });
    return 'F enters and leaves full screen with the figure-only view';
  } finally {
    await close();
  }
});

test('benchmark: UI frame CPU time at full tutorial scale (prints, not timed)', async () => {
  const { ctx, close } = await launch();
  try {
    const t0 = Date.now();
    const { page } = await open(ctx, 'lesson=mlockall');
    const firstMs = Date.now() - t0;
    const s = await stepToFigure(page, 'B');
    await frames(page, 10);
    const samples = [];
    for (let i = 0; i < 60; i++) {
      await frames(page, 1);
      samples.push(await page.evaluate(() => window.pinpages.frameMs()));
    }
    // A step's first visit builds its page runs and frame grid (cached afterwards).
    const stepCost = [];
    for (let st = 0; st < s.steps; st++) {
      await page.evaluate((k) => window.pinpages.go(k), st);
      await frames(page, 1);
      stepCost.push(await page.evaluate(() => window.pinpages.frameMs()));
    }
    samples.sort((a, b) => a - b);
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    const line = `frame CPU at figure B (step ${s.step}): mean ${mean.toFixed(2)} ms, median ${samples[30].toFixed(2)} ms, ` +
      `p95 ${samples[56].toFixed(2)} ms, max ${samples[59].toFixed(2)} ms (budget 4 ms); first frame of a new step: ` +
      `max ${Math.max(...stepCost).toFixed(1)} ms; page to first frame ${firstMs} ms`;
    writeFileSync(join(artifacts, 'ui-frame-time.txt'), line + '\n');
    return line;
  } finally {
    await close();
  }
});

