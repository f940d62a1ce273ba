// Browser tests of "your own program": the editor typed into with real key events,
// errors at line:col, the last good run kept, links that restore program and step (served
// page and the one-file page from file://), an endless loop that leaves the page
// responsive, drag and drop of a .c file, plain programs' default steps. Screenshots of
// the editor at four sizes go to the artifacts directory (look at them).
//
//   node tests/web/editor.mjs [--web build/web] [--single build/web-single/pinpages.html]
//                             [--artifacts build/artifacts] [--only name]
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { resolve, join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launch, pageKit, watchConsole, suite, suiteArgs } from './browser.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = suiteArgs();
const webDir = args.web;
const single = args.single;
const artifacts = args.artifacts;
const only = args.only;

const kit = pageKit(webDir, { firstFrameMs: 90_000 });
const { frames, open, state } = kit;
const test = suite({ only, done: kit.close });

// Typed as a student would (no tabs: Tab indents in the editor, spaces are what we type).
const BROKEN = `#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

int main(void)
{
    char *p = malloc(8192);
    mlock(p, 8192)
    printf("locked\\n");
    return 0;
}
`;
const FIXED = BROKEN.replace('mlock(p, 8192)\n', 'mlock(p, 8192);\n');

// Waits for the run the editor started (Run button / Ctrl+Enter) and returns its result.
async function editorRun(page) {
  await page.waitForFunction(() => window.pinpages.lastResult && window.pinpages.lastResult.pending === false,
    null, { timeout: 30_000 });
  return page.evaluate(() => window.pinpages.lastResult);
}

// Clicks "Your program" where the canvas drew it (state().edit_button_rect, canvas CSS
// pixels), as a person does; the page's own button is for keyboard users only.
async function clickYourProgram(page) {
  const s = await state(page);
  const r = s.edit_button_rect;
  assert(r && r.w > 0 && r.h > 0, `no "Your program" button among the controls: ${JSON.stringify(r)}`);
  const c = await page.evaluate(() => { const b = document.getElementById('canvas').getBoundingClientRect(); return [b.left, b.top]; });
  await page.mouse.click(c[0] + r.x + r.w / 2, c[1] + r.y + r.h / 2);
  await page.waitForFunction(() => !document.getElementById('pp-editor').hidden, null, { timeout: 30_000 });
}

// Opens a link in a fresh browser, as the friend it was sent to would, and waits until
// the page shows `text` as the person's own program.
async function openLinkFresh(url, text) {
  const browser = await launch();
  try {
    const page = await browser.ctx.newPage();
    const con = watchConsole(page);
    await page.goto(url);
    await page.waitForFunction((t) => window.pinpages && window.pinpages.started && window.pinpages.source &&
      window.pinpages.source() === t && window.pinpages.state().lesson === 'program', text, { timeout: 90_000 });
    await frames(page, 3);
    return { browser, page, con };
  } catch (e) {
    await browser.close();
    throw e;
  }
}

async function typeProgram(page, text) {
  await page.click('#pp-ed-text');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  // Auto-indent does not exist here, so the text arrives exactly as typed.
  await page.keyboard.type(text, { delay: 0 });
}

test('typed program: error at line:col in the gutter and the hook, last good run kept; fixed, it runs', async () => {
  const { ctx, close } = await launch();
  try {
    const { page, con } = await open(ctx, 'lesson=mlockall&step=2');
    const before = await state(page);
    await clickYourProgram(page);
    assert(await page.isVisible('#pp-editor'), 'the editor did not open');
    await typeProgram(page, BROKEN);
    const typed = await page.inputValue('#pp-ed-text');
    assert(typed === BROKEN, `the editor does not hold what was typed: ${JSON.stringify(typed)}`);
    await page.evaluate(() => { window.pinpages.lastResult = null; });
    await page.keyboard.press('Control+Enter');
    const bad = await editorRun(page);
    assert(!bad.ok && bad.steps === 0, `a program with a syntax error ran: ${JSON.stringify(bad)}`);
    const e = bad.errors[0];
    // As gcc says it: at the end of line 8, where the ';' is missing.
    assert(e && e.line === 8 && e.col === 19 && /expected ';'/.test(e.message),
      `the error is not at 8:19 (the missing ';'): ${JSON.stringify(bad.errors)}`);
    const gutter = await page.$$eval('#pp-ed-gutter .ln.err', (l) => l.map((x) => ({ text: x.textContent, title: x.title })));
    assert(gutter.length === 1 && gutter[0].text.endsWith('8') && gutter[0].title.includes(e.message),
      `gutter marker wrong: ${JSON.stringify(gutter)}`);
    const listed = await page.textContent('#pp-ed-errors');
    assert(listed.includes(`${e.line}:${e.col}: ${e.message}`), `error list says: ${listed}`);
    const kept = await state(page);
    assert(kept.lesson === before.lesson && kept.steps === before.steps && kept.step === before.step,
      `the last good run did not stay on screen: ${kept.lesson} ${kept.step}/${kept.steps}`);

    await typeProgram(page, FIXED);
    await page.evaluate(() => { window.pinpages.lastResult = null; });
    await page.click('#pp-ed-run');
    const good = await editorRun(page);
    assert(good.ok && good.steps > 0 && good.errors.length === 0, `the fixed program did not run: ${JSON.stringify(good)}`);
    const s = await state(page);
    assert(s.lesson === 'program' && s.steps === good.steps && s.steps > 0, `state after the run: ${s.lesson} ${s.steps}`);
    assert(await page.evaluate(() => window.pinpages.source()) === FIXED, 'source() is not the typed program');
    assert((await page.$$('#pp-ed-gutter .ln.err')).length === 0, 'the error marker stayed after the fix');
    const out = s.step_json ? JSON.stringify(s) : '';
    assert(out.length > 0, 'no step state');
    assert(con.errors.length === 0, `console errors: ${con.errors.join(' | ')}`);
    return `error "${e.line}:${e.col}: ${e.message}", then ${good.steps} steps`;
  } finally {
    await close();
  }
});

// Copy link on `url`'s page, then open the link in a fresh browser: same text, same step.
async function linkRoundTrip(openPage, name) {
  const text = FIXED.replace('8192', '3 * 4096').replace('8192', '3 * 4096');
  const first = await launch();
  let url, step;
  try {
    const page = await openPage(first.ctx);
    const r = await page.evaluate((t) => window.pinpages.load(t, { args: ['one', 'two'] }), text);
    assert(r.ok && r.steps >= 4, `the program did not run: ${JSON.stringify(r)}`);
    step = Math.min(3, r.steps - 1);
    await page.evaluate((n) => window.pinpages.go(n), step);
    await frames(page, 2);
    await page.evaluate(() => window.pinpages.editor.open());
    await page.click('#pp-ed-link');
    await page.waitForFunction(() => !document.getElementById('pp-ed-linkout').hidden, null, { timeout: 10_000 });
    url = await page.inputValue('#pp-ed-linkout');
    assert(/#.*lesson=program/.test(url) && /[#&]code=/.test(url) && url.includes(`step=${step}`), `${name}: link ${url}`);
    assert(url.includes('args=one%0Atwo'), `${name}: the link lost argv: ${url}`);
  } finally {
    await first.close();
  }
  const second = await openLinkFresh(url, text);
  try {
    const { page, con } = second;
    const s = await state(page);
    assert(s.step === step, `${name}: the link opened step ${s.step}, not ${step}`);
    assert(await page.inputValue('#pp-ed-text') === text, `${name}: the editor does not show the linked program`);
    // The editor marks the current step's line in its gutter.
    await page.waitForFunction((l) => {
      const c = document.querySelector('#pp-ed-gutter .ln.cur');
      return c && c.textContent === String(l);
    }, s.line, { timeout: 10_000 });
    assert(con.errors.length === 0, `console errors: ${con.errors.join(' | ')}`);
    return `${url.length} characters, step ${step}`;
  } finally {
    await second.browser.close();
  }
}

test('Copy link → a fresh page restores the program and the step (served page)', async () =>
  linkRoundTrip(async (ctx) => (await open(ctx, 'lesson=mlockall')).page, 'served'));

test('Copy link → a fresh page restores the program and the step (one-file page, file://)', async () => {
  assert(existsSync(single), `${single} missing: build the web-single-fast preset first`);
  return linkRoundTrip(async (ctx) => {
    const page = await ctx.newPage();
    await page.goto(pathToFileURL(single).href);
    await page.waitForFunction(() => window.pinpages && window.pinpages.started, null, { timeout: 90_000 });
    return page;
  }, 'file://');
});

// A program that reads its standard input, run on a machine of the person's choosing.
const READER = `#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

int main(void)
{
    int n = 0;
    while (getchar() != EOF)
        n++;
    char *p = malloc(4096);
    mlock(p, 4096);
    printf("read %d bytes\\n", n);
    munlock(p, 4096);
    return 0;
}
`;
const INPUT = 'two lines\nof input & more\n';

// Everything the program printed in its run, step by step (state().step_json.output).
const printed = (page) => page.evaluate(() => {
  const p = window.pinpages, n = p.state().steps, at = p.state().step;
  let out = '';
  for (let i = 0; i < n; i++) out += p.go(i).step_json.output || '';
  p.go(at);
  return out;
});

test('a link carries stdin and the machine (RAM, swap, OS) with the text, args and step', async () => {
  const first = await launch();
  let url, step;
  try {
    const { page } = await open(first.ctx, 'lesson=mlockall');
    await clickYourProgram(page);
    await page.fill('#pp-ed-text', READER);
    await page.fill('#pp-ed-args', 'alpha beta');
    await page.click('#pp-ed-ram');
    await page.keyboard.type('256M');
    await page.click('#pp-ed-swap');
    await page.keyboard.type('0');
    await page.click('.pp-ed-row summary');
    await page.fill('#pp-ed-stdin', INPUT);
    await page.click('#pp-ed-run');
    const r = await editorRun(page);
    assert(r.ok && r.steps >= 3, `the program did not run: ${JSON.stringify(r)}`);
    const s = await state(page);
    assert.equal(s.machine.ram_bytes, 256 * 1048576, 'the RAM field did not reach the run');
    assert.equal(s.machine.swap_bytes, 0, 'the swap field did not reach the run');
    assert.deepEqual(s.program, { args: ['alpha', 'beta'], stdin: INPUT, ram: '256M', swap: '0' });
    assert((await printed(page)).includes(`read ${INPUT.length} bytes`), 'the program did not read the stdin field');
    step = r.steps - 2;
    await page.evaluate((n) => window.pinpages.go(n), step);
    await frames(page, 2);
    await page.click('#pp-ed-link');
    await page.waitForFunction(() => !document.getElementById('pp-ed-linkout').hidden, null, { timeout: 10_000 });
    url = await page.inputValue('#pp-ed-linkout');
    for (const part of ['lesson=program', `step=${step}`, 'os=linux', 'ram=256M', 'swap=0', 'stdin=', 'args=alpha%0Abeta'])
      assert(url.includes(part), `the link lacks ${part}: ${url}`);
    // A size that is not one: said so, and the run on screen stays.
    const bad = await page.evaluate((t) => window.pinpages.load(t, { ram: 'lots' }), READER);
    assert(!bad.ok && bad.steps === 0 && /RAM size "lots" is not a size/.test(bad.errors[0].message),
      `a bad RAM size: ${JSON.stringify(bad)}`);
    assert.equal((await state(page)).machine.ram_bytes, 256 * 1048576, 'a bad size replaced the shown run');
  } finally {
    await first.close();
  }
  const second = await openLinkFresh(url, READER);
  try {
    const { page, con } = second;
    const s = await state(page);
    assert.equal(s.step, step, 'the link opened another step');
    assert.equal(s.os, 'linux');
    assert.equal(s.machine.ram_bytes, 256 * 1048576, 'the link lost the RAM size');
    assert.equal(s.machine.swap_bytes, 0, 'the link lost the swap size');
    assert.deepEqual(s.program, { args: ['alpha', 'beta'], stdin: INPUT, ram: '256M', swap: '0' });
    // The editor shows what the link restored, so the next Run keeps it.
    assert.equal(await page.inputValue('#pp-ed-text'), READER);
    assert.equal(await page.inputValue('#pp-ed-stdin'), INPUT);
    assert.equal(await page.inputValue('#pp-ed-ram'), '256M');
    assert.equal(await page.inputValue('#pp-ed-swap'), '0');
    assert.equal(await page.inputValue('#pp-ed-args'), 'alpha beta');
    assert((await printed(page)).includes(`read ${INPUT.length} bytes`), 'the restored run did not read the linked stdin');
    assert(con.errors.length === 0, `console errors: ${con.errors.join(' | ')}`);
    return `${url.length} characters, step ${step}, RAM 256M, swap 0, ${INPUT.length} bytes of stdin`;
  } finally {
    await second.browser.close();
  }
});

test('a 3 KB program fits a link under 2,000 characters', async () => {
  const { ctx, close } = await launch();
  try {
    const { page } = await open(ctx, 'lesson=mlockall');
    const lesson = await page.evaluate(() => window.pinpages.source());
    // The lesson as a student's program (its C, without the //@ teaching lines), and
    // the lesson itself with its prose: both cut to 3 KB.
    const code = lesson.split('\n').filter((l) => !l.trim().startsWith('//@')).join('\n').slice(0, 3072);
    const prose = lesson.slice(0, 3072);
    const sizes = [];
    for (const text of [code, prose]) {
      const packed = await page.evaluate((t) => window.pinpages.pack(t), text);
      assert(await page.evaluate((c) => window.pinpages.unpack(c), packed) === text, 'unpack(pack(text)) differs');
      assert(/^[A-Za-z0-9_-]+$/.test(packed), 'the packed text is not base64url');
      const url = `http://127.0.0.1:8000/#lesson=program&step=12&os=linux&code=${packed}`;
      assert(url.length < 2000, `a 3 KB program makes a ${url.length}-character link`);
      sizes.push(url.length);
    }
    return `3 KB of C → ${sizes[0]}-character link; 3 KB of the lesson with its narration → ${sizes[1]}`;
  } finally {
    await close();
  }
});

test('endless loop: the error arrives within 3 s, frames keep coming, the steps so far stay browsable', async () => {
  const { ctx, close } = await launch();
  try {
    const { page } = await open(ctx, 'lesson=mlockall');
    const loop = `#include <stdlib.h>

int main(void)
{
    for (int i = 0; ; i++) {
        if (i < 40)
            malloc(4096);
    }
    return 0;
}
`;
    const r = await page.evaluate(async (t) => {
      let rafs = 0, worst = 0, last = performance.now(), on = true;
      const tick = (now) => { rafs++; worst = Math.max(worst, now - last); last = now; if (on) requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
      const t0 = performance.now();
      const res = await window.pinpages.load(t);
      const ms = performance.now() - t0;
      on = false;
      return { res, ms, rafs, worst };
    }, loop);
    assert(!r.res.ok && r.res.errors.length === 1, `the endless loop was not stopped with an error: ${JSON.stringify(r.res)}`);
    const e = r.res.errors[0];
    assert(/time limit/.test(e.message) && e.line >= 5 && e.line <= 7 && e.col > 0, `error: ${JSON.stringify(e)}`);
    assert(r.ms < 3000, `the error took ${Math.round(r.ms)} ms`);
    // A run that blocked the page would give one frame with a gap as long as the run.
    // Sliced, frames keep coming however slow each one is on a loaded machine.
    assert(r.rafs >= 4 && r.worst < r.ms / 2,
      `${r.rafs} animation frames in ${Math.round(r.ms)} ms, longest gap ${Math.round(r.worst)} ms: the page froze`);
    const s = await state(page);
    assert(s.incomplete && s.steps > 40, `not marked incomplete or steps missing: ${s.incomplete} ${s.steps}`);
    const mid = await page.evaluate(() => window.pinpages.go(20));
    assert(mid.step === 20 && mid.line === 7, `step 20 not browsable: step ${mid.step} line ${mid.line}`);
    assert(s.error_list[0].line === e.line, 'state() does not carry the error');
    return `${Math.round(r.ms)} ms, ${r.rafs} frames (longest gap ${Math.round(r.worst)} ms), ${s.steps} steps kept`;
  } finally {
    await close();
  }
});

test('a .c file dropped on the page opens in the editor (and runs)', async () => {
  const { ctx, close } = await launch();
  try {
    const { page } = await open(ctx, 'lesson=mlockall');
    const dt = await page.evaluateHandle((t) => {
      const d = new DataTransfer();
      d.items.add(new File([t], 'dropped.c', { type: 'text/x-c' }));
      return d;
    }, FIXED);
    await page.dispatchEvent('#canvas', 'dragover', { dataTransfer: dt });
    await page.dispatchEvent('#canvas', 'drop', { dataTransfer: dt });
    await page.waitForFunction((t) => document.getElementById('pp-ed-text').value === t, FIXED, { timeout: 10_000 });
    assert(await page.isVisible('#pp-editor'), 'the editor is not shown');
    await page.waitForFunction(() => window.pinpages.state().lesson === 'program', null, { timeout: 30_000 });
    assert(await page.evaluate(() => window.pinpages.source()) === FIXED, 'the dropped program is not the one shown');
    return (await page.textContent('#pp-ed-status')).trim();
  } finally {
    await close();
  }
});

test('plain program: one step per call, loops folded past a few hundred steps, with a note', async () => {
  const { ctx, close } = await launch();
  try {
    const { page } = await open(ctx, 'lesson=mlockall');
    const few = await page.evaluate(() => window.pinpages.load(
      '#include <stdlib.h>\n#include <sys/mman.h>\nint main(void)\n{\n    char *p = malloc(4096);\n    int x = 1;\n    mlock(p, 4096);\n    return x - 1;\n}\n'));
    // start, malloc, mlock, return (exit): the plain `int x = 1;` reaches no OS call.
    assert(few.ok && few.steps === 4 && few.notes.length === 0, `plain steps: ${JSON.stringify(few)}`);
    const many = await page.evaluate(() => window.pinpages.load(
      '#include <stdlib.h>\nint main(void)\n{\n    for (int i = 0; i < 1000; i++)\n        malloc(64);\n    return 0;\n}\n'));
    assert(many.ok && many.steps < 10 && many.notes.length === 1 && /each loop is shown as one step/.test(many.notes[0]),
      `loop not folded: ${JSON.stringify(many)}`);
    const s = await page.evaluate(() => window.pinpages.go(1));
    assert(s.line === 4 && /malloc\(64\)/.test(s.step_json.call || JSON.stringify(s.step_json)),
      `the folded loop's step: line ${s.line} ${JSON.stringify(s.step_json).slice(0, 200)}`);
    return `${few.steps} steps; 1000 mallocs → ${many.steps} steps`;
  } finally {
    await close();
  }
});

test('screenshots: the editor at 1024×768, 1280×800, 1920×1080 and a phone', async () => {
  const sizes = [[1024, 768, 1], [1280, 800, 1], [1920, 1080, 1], [390, 844, 3]];
  const shots = [];
  for (const [w, h, dpr] of sizes) {
    const { ctx, close } = await launch([], { viewport: { width: w, height: h }, deviceScaleFactor: dpr,
                                              isMobile: w < 500, hasTouch: w < 500 });
    try {
      const { page } = await open(ctx, 'lesson=mlockall');
      await page.evaluate(() => window.pinpages.editor.open());
      const r = await page.evaluate((t) => window.pinpages.load(t), FIXED);
      assert(r.ok, 'the program did not run');
      await page.evaluate(() => window.pinpages.go(2));
      await page.evaluate((t) => { const ta = document.getElementById('pp-ed-text'); ta.value = t; ta.dispatchEvent(new Event('input')); }, BROKEN);
      await page.click('#pp-ed-run');
      await page.waitForFunction(() => document.querySelectorAll('#pp-ed-gutter .ln.err').length === 1, null, { timeout: 30_000 });
      await frames(page, 3);
      const box = await page.evaluate(() => {
        const e = document.getElementById('pp-editor').getBoundingClientRect();
        const c = document.getElementById('canvas').getBoundingClientRect();
        return { e: [e.left, e.top, e.right, e.bottom], c: [c.left, c.top, c.right, c.bottom] };
      });
      // The canvas gives way: side by side on screens, one above the other on phones.
      const overlap = !(box.e[2] <= box.c[0] + 1 || box.e[3] <= box.c[1] + 1);
      assert(!overlap, `editor and canvas overlap at ${w}×${h}: ${JSON.stringify(box)}`);
      const file = `editor-${w}x${h}.png`;
      await page.screenshot({ path: join(artifacts, file) });
      shots.push(file);
    } finally {
      await close();
    }
  }
  return shots.join(', ');
});

test('sandbox hook: program(text) runs an endless loop in slices, a Promise like load(); the page keeps drawing', async () => {
  const { ctx, close } = await launch();
  try {
    const { page } = await open(ctx, 'lesson=mlockall');
    const loop = '#include <stdlib.h>\n\nint main(void)\n{\n    char *p = malloc(4096);\n    for (;;)\n        p[0]++;\n    return 0;\n}\n';
    const r = await page.evaluate(async (t) => {
      let rafs = 0, worst = 0, last = performance.now(), on = true;
      const tick = (now) => { rafs++; worst = Math.max(worst, now - last); last = now; if (on) requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
      const t0 = performance.now();
      const pending = window.pinpages.program(t);
      const isPromise = pending instanceof Promise;
      const res = await pending;
      const ms = performance.now() - t0;
      on = false;
      return { isPromise, res, ms, rafs, worst, st: window.pinpages.state() };
    }, loop);
    assert(r.isPromise, 'program() did not return a Promise');
    assert(!r.res.ok && r.res.errors.length === 1, `the endless loop was not stopped with an error: ${JSON.stringify(r.res)}`);
    const e = r.res.errors[0];
    assert(/time limit/.test(e.message) && e.line >= 6 && e.line <= 7 && e.col > 0, `error: ${JSON.stringify(e)}`);
    assert(r.ms < 3000, `the error took ${Math.round(r.ms)} ms`);
    assert(r.rafs >= 4 && r.worst < r.ms / 2,
      `${r.rafs} animation frames in ${Math.round(r.ms)} ms, longest gap ${Math.round(r.worst)} ms: the page froze`);
    // Shown as the sandbox shows its programs, with the reason in state().errors.
    assert(r.st.lesson === 'sandbox' && r.st.steps > 0, `not shown as the sandbox: ${r.st.lesson}, ${r.st.steps} steps`);
    assert(/^sandbox\.c:[67]:\d+: time limit reached/.test(r.st.errors[0] || ''), `state().errors: ${JSON.stringify(r.st.errors)}`);
    // A caller that ignores the result still gets the run: the program shows a few frames later.
    const ok = '#include <sys/mman.h>\nint main(void)\n{\n    mlockall(MCL_CURRENT);\n    return 0;\n}\n';
    await page.evaluate((t) => { window.pinpages.program(t); }, ok);
    await page.waitForFunction(() => { const s = window.pinpages.state(); return s.lesson === 'sandbox' && s.errors.length === 0 && !s.running; },
      null, { timeout: 30_000 });
    const src = await page.evaluate(() => window.pinpages.source());
    assert(src === ok, 'the ignored run did not show its program');
    return `${Math.round(r.ms)} ms to the error, ${r.rafs} frames (longest gap ${Math.round(r.worst)} ms)`;
  } finally {
    await close();
  }
});
