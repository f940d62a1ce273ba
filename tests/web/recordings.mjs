// Browser tests of recordings: a real kernel's run of each Linux lesson, loaded into the
// page through window.pinpages.loadRecording (and the file picker, drag and drop,
// #recording=URL, the one-file page), must show the kernel's steps in state().kernel
// and the same model-vs-kernel agreement as `pinpages real --all`; bad recordings must
// say what is wrong and leave the page usable. Screenshots of side by side and of the
// latency chart at 1024×768, 1920×1080 and a phone go to the artifacts directory.
//
//   node tests/web/recordings.mjs [--web build/web] [--single build/web-single/pinpages.html]
//        [--artifacts build/artifacts] [--pinpages build/native/pinpages] [--only name]
//
// As root with the native build present, every Linux lesson is recorded afresh
// (scripts/record-lessons into a temporary folder) and `pinpages real --all` gives the
// expected agreement; otherwise the shipped recordings (assets/recordings) are loaded
// and each one's own "agreement" (written by `pinpages real --record`) is expected.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launch, pageKit, watchConsole, suite, suiteArgs } from './browser.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = suiteArgs({ pinpages: { type: 'string', default: join(root, 'build/native/pinpages') } });
const webDir = args.web;
const single = args.single;
const artifacts = args.artifacts;
const pinpages = resolve(args.pinpages);
const only = args.only;

const kit = pageKit(webDir);
const { frames, open, state } = kit;
const test = suite({ only, done: () => { kit.close(); if (tmpRec) rmSync(tmpRec, { recursive: true, force: true }); } });

// ------------------------------------------------------------------ the recordings
const asRoot = process.getuid && process.getuid() === 0 && existsSync(pinpages);
let recDir = join(root, 'assets/recordings');
let tmpRec = null;
const expected = {};  // lesson id → agreement summary line
if (asRoot) {
  tmpRec = mkdtempSync(join(tmpdir(), 'pinpages-rec-'));
  execFileSync(join(root, 'scripts/record-lessons'), ['--bin', pinpages, '--out', tmpRec], { stdio: 'inherit' });
  recDir = tmpRec;
  // "  mlockall: 9/9 steps agree; figure A agrees; …" per lesson; the note in brackets
  // (why a model-only lesson differs) is not part of the verdict.
  const all = execFileSync(pinpages, ['real', '--all'], { encoding: 'utf8' });
  for (const line of all.split('\n')) {
    const m = /^ {2}([a-z-]+): (\d+\/\d+ steps agree[^(]*)/.exec(line);
    if (m) expected[m[1]] = `${m[1]}: ${m[2].trim()}`;
  }
}
const recordings = readdirSync(recDir).filter((f) => f.endsWith('.json')).sort().map((f) => {
  const text = readFileSync(join(recDir, f), 'utf8');
  const doc = JSON.parse(text);
  const id = doc.lesson.id;
  return { file: f, text, doc, id, expect: expected[id] || doc.agreement.summary };
});
console.log(`recordings: ${recordings.length} from ${asRoot ? 'a fresh run as root (expected: pinpages real --all)' : recDir}`);

// ------------------------------------------------------------------ helpers
const load = (page, text, lesson) => page.evaluate(([t, l]) => window.pinpages.loadRecording(t, l ? { lesson: l } : undefined), [text, lesson]);
const msgText = (page) => page.evaluate(() => { const m = document.getElementById('recording-msg'); return m && !m.hidden ? m.textContent : ''; });

// The page is still usable: it steps, and its state is whole.
async function usable(page, lesson) {
  const s = await page.evaluate(() => window.pinpages.go(2));
  assert(s && s.step === 2, `after a bad recording the page does not step: ${JSON.stringify(s && s.step)}`);
  if (lesson) assert(s.lesson === lesson, `the lesson changed to ${s.lesson}`);
  await frames(page, 2);
}

// ------------------------------------------------------------------ every lesson, through the hook
test('every recording: state().kernel is the kernel\'s step, agreement as pinpages real --all', async () => {
  const { ctx, close } = await launch();
  try {
    const { page, con } = await open(ctx, 'lesson=mlockall');
    const notes = [];
    for (const r of recordings) {
      const res = await load(page, r.text);
      assert(res.ok, `${r.file}: ${res.error}`);
      await frames(page, 2);
      const s = await state(page);
      assert(s.kernel && s.kernel.source === 'recording', `${r.file}: state().kernel = ${JSON.stringify(s.kernel)}`);
      assert(s.kernel.mode === 'side', `${r.file}: mode ${s.kernel.mode}, expected side by side`);
      assert(s.kernel.steps === r.doc.steps.length, `${r.file}: ${s.kernel.steps} kernel steps, recording has ${r.doc.steps.length}`);
      assert(s.kernel.summary === r.expect, `${r.file}: page says "${s.kernel.summary}", expected "${r.expect}"`);
      assert(s.kernel.machine.kernel_release === r.doc.machine.kernel_release, `${r.file}: machine not shown`);
      // Step by step: the kernel's values are the recording's, the verdict counts add up.
      let agreeing = 0;
      for (let i = 0; i < r.doc.steps.length; i++) {
        const st = await page.evaluate((k) => window.pinpages.go(k), i);
        const want = r.doc.steps[i];
        const got = st.kernel.step;
        assert(got && got.step === i && got.ret === want.ret && got.errno === want.errno && got.line === want.line,
          `${r.file} step ${i}: kernel step ${JSON.stringify(got && [got.step, got.ret, got.errno, got.line])} vs ${JSON.stringify([i, want.ret, want.errno, want.line])}`);
        const lck = (p) => p.processes.map((x) => x.vm_lck_kb).join(',');
        assert(lck(got) === lck(want), `${r.file} step ${i}: VmLck ${lck(got)} vs recorded ${lck(want)}`);
        if (st.kernel.agree) agreeing++;
        else assert(st.kernel.disagreements.length > 0, `${r.file} step ${i}: disagrees without saying why`);
      }
      const m = /(\d+)\/(\d+) steps agree/.exec(r.expect);
      // The per-step verdicts also judge VMAs by kind; they may find more, never fewer, differences.
      assert(agreeing <= Number(m[1]), `${r.file}: ${agreeing} steps agree on the page, ${m[1]} by compare.h`);
      notes.push(`${r.id} ${m[0]}`);
    }
    assert(!con.errors.length, `console errors: ${con.errors.join(' | ')}`);
    return notes.join('; ');
  } finally { await close(); }
});

// The served page fetches a lesson's shipped recording when the lesson opens (its wasm
// does not carry them: src/runner/builtin_recordings.h); it shows once it has arrived.
const kernelFrom = (page, name) => page.waitForFunction((n) => {
  const k = window.pinpages.state().kernel;
  return k && k.source === 'recording' && k.summary.startsWith(`${n}:`) ? k : false;
}, name, { timeout: 20_000 }).then((h) => h.jsonValue());

test('lesson 1 out of the box: figures A, B, C agree and the latency chart opens at the end', async () => {
  const { ctx, close } = await launch([], { viewport: { width: 1280, height: 800 } });
  try {
    const fetched = [];
    ctx.on('requestfinished', (r) => { if (/\/recordings\/[^/]+\.json$/.test(r.url())) fetched.push(r.url().replace(/.*\//, '')); });
    const { page } = await open(ctx, 'lesson=mlockall');
    await kernelFrom(page, 'mlockall').catch(() => {});
    let s = await state(page);
    assert(s.kernel && s.kernel.source === 'recording', `no built-in recording for lesson 1: ${JSON.stringify(s.kernel)}`);
    assert.deepEqual(fetched, ['01-mlockall.json'], `the page fetched ${JSON.stringify(fetched)}`);
    for (const f of ['A', 'B', 'C']) assert(s.kernel.figures[f] === true, `figure ${f}: ${JSON.stringify(s.kernel.figures)}`);
    const lat = s.kernel.latency;
    assert(lat, 'lesson 1 has no latency block');
    const by = Object.fromEntries(lat.series.map((x) => [x.id, x]));
    assert(by.unlocked_first.faults >= 125000, `unlocked first touch: ${by.unlocked_first.faults} faults`);
    assert(by.locked_first.faults === 0 && by.locked_second.faults === 0, 'locked passes fault');
    assert(lat.timer_min_ns > 0, 'no timer cost');
    s = await page.evaluate(() => window.pinpages.go(window.pinpages.state().steps - 1));
    await frames(page, 3);
    await page.screenshot({ path: join(artifacts, 'recording-latency-1280x800.png') });
    // Another lesson brings its own recording; a QNX lesson (none recorded) asks for none.
    await page.evaluate(() => window.pinpages.lesson('mlock'));
    const k = await kernelFrom(page, 'mlock');
    assert(/^mlock: 8\/8 steps agree/.test(k.summary), `lesson mlock: ${k.summary}`);
    await page.evaluate(() => window.pinpages.lesson('qnx'));
    await frames(page, 3);
    await page.evaluate(() => window.pinpages.lesson('mlockall'));  // asked for once only
    await kernelFrom(page, 'mlockall');
    assert.deepEqual(fetched, ['01-mlockall.json', '02-mlock.json'], `the page fetched ${JSON.stringify(fetched)}`);
    return `unlocked ${by.unlocked_first.faults} faults, worst ${(by.unlocked_first.worst_page_ns / 1e3).toFixed(0)} µs; locked 0 faults; ` +
      `fetched ${fetched.join(', ')}`;
  } finally { await close(); }
});

// ------------------------------------------------------------------ bad recordings
test('bad recordings: a clear message, and the page stays usable', async () => {
  const { ctx, close } = await launch();
  try {
    const { page, con } = await open(ctx, 'lesson=mlockall');
    const good = recordings.find((r) => r.id === 'mlock');
    const cases = [
      ['truncated JSON', good.text.slice(0, good.text.length >> 1), '', /^not valid JSON at byte \d+/],
      ['wrong schema', good.text.replace('"vm_lck_kb":', '"vm_lck_kb":"lots","x":'), '', /^steps\[0\]\.processes\[0\]\.vm_lck_kb: expected a number, found a string$/],
      ['not a recording', '{"hello":"world"}', '', /^not a pinpages recording: field "format" must be "pinpages-recording"$/],
      ['another lesson', good.text, 'mlockall', /^this recording is of lesson "mlock", not "mlockall"$/],
      ['newer format', good.text.replace('"format_version":1', '"format_version":9'), '', /format version 9, newer than this pinpages reads/],
    ];
    for (const [what, text, lesson, re] of cases) {
      const res = await load(page, text, lesson);
      assert(!res.ok && re.test(res.error), `${what}: ${JSON.stringify(res)}`);
      assert((await msgText(page)).includes(res.error), `${what}: the page does not show "${res.error}"`);
      await usable(page, 'mlockall');
    }
    // 50 MB of garbage, built in the page (as a file a person would drop).
    const big = await page.evaluate(() => {
      const a = new Uint8Array(50 * 1024 * 1024);
      for (let i = 0; i < a.length; i++) a[i] = (i * 2654435761) >>> 24;
      const t = new TextDecoder('latin1').decode(a);
      return window.pinpages.loadRecording(t);
    });
    assert(!big.ok && /^the file is 50\.0 MB; a recording is at most 32 MB$/.test(big.error), `50 MB: ${JSON.stringify(big)}`);
    await usable(page, 'mlockall');
    const junk = await page.evaluate(() => window.pinpages.loadRecording('\u0001\u0002garbage' + 'x'.repeat(1 << 20)));
    assert(!junk.ok && /^not valid JSON at byte/.test(junk.error), `1 MB junk: ${JSON.stringify(junk)}`);
    await usable(page, 'mlockall');
    assert(!con.errors.length, `console errors: ${con.errors.join(' | ')}`);
  } finally { await close(); }
});

// ------------------------------------------------------------------ the other doors
test('file picker, drag and drop, and #recording=URL open a recording', async () => {
  const { ctx, close } = await launch();
  const sub = join(webDir, 'recordings-test');
  try {
    const r = recordings.find((x) => x.id === 'fork-exec');
    const { page } = await open(ctx, 'lesson=mlockall');
    await page.setInputFiles('#recording-file', join(recDir, r.file));
    await page.waitForFunction(() => { const k = window.pinpages.state().kernel; return k && k.lesson === 'fork-exec'; }, null, { timeout: 20_000 });
    // Drop: a File built in the page, handed over in a drop event as the browser does.
    const r2 = recordings.find((x) => x.id === 'mcl-flags');
    await page.evaluate((t) => {
      const dt = new DataTransfer();
      dt.items.add(new File([t], 'mcl.json', { type: 'application/json' }));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, r2.text);
    await page.waitForFunction(() => { const k = window.pinpages.state().kernel; return k && k.lesson === 'mcl-flags'; }, null, { timeout: 20_000 });
    // A link: same-origin URL in the hash.
    mkdirSync(sub, { recursive: true });
    copyFileSync(join(recDir, recordings.find((x) => x.id === 'no-sudo').file), join(sub, 'no-sudo.json'));
    const { page: p2 } = await open(ctx, 'lesson=no-sudo&recording=recordings-test/no-sudo.json');
    await p2.waitForFunction(() => { const k = window.pinpages.state().kernel; return k && k.mode === 'side' && k.lesson === 'no-sudo'; }, null, { timeout: 20_000 });
    const { page: p3 } = await open(ctx, 'lesson=mlock&recording=recordings-test/missing.json');
    await p3.waitForFunction(() => /cannot fetch/.test(document.getElementById('recording-msg').textContent), null, { timeout: 20_000 });
    await usable(p3, 'mlock');
  } finally { rmSync(sub, { recursive: true, force: true }); await close(); }
});

test('one-file page: built-in kernel runs and loadRecording from file://', async () => {
  assert(existsSync(single), `${single} missing: build web-single-fast first`);
  const { ctx, close } = await launch(['--allow-file-access-from-files']);
  try {
    const page = await ctx.newPage();
    const con = watchConsole(page);
    await page.goto(`${pathToFileURL(single).href}#lesson=mlock`);
    await page.waitForFunction(() => window.pinpages && (window.pinpages.started || window.pinpages.error), null, { timeout: 90_000 });
    await page.waitForFunction(() => window.pinpages.state && window.pinpages.state(), null, { timeout: 30_000 });
    let s = await page.evaluate(() => window.pinpages.state());
    assert(s.kernel && s.kernel.source === 'recording' && /mlock: 8\/8/.test(s.kernel.summary), `built-in: ${JSON.stringify(s.kernel && s.kernel.summary)}`);
    const r = recordings.find((x) => x.id === 'unlock-rules');
    const res = await load(page, r.text);
    assert(res.ok, res.error);
    s = await page.evaluate(() => window.pinpages.state());
    assert(s.kernel.summary === r.expect, `one-file page says ${s.kernel.summary}`);
    assert(!con.errors.length, `console errors: ${con.errors.join(' | ')}`);
  } finally { await close(); }
});

// ------------------------------------------------------------------ screenshots (look at them)
test('screenshots: side by side and the latency chart at three sizes', async () => {
  const sizes = [['1024x768', 1024, 768], ['1920x1080', 1920, 1080], ['phone', 390, 844]];
  for (const [name, width, height] of sizes) {
    const { ctx, close } = await launch([], { viewport: { width, height }, deviceScaleFactor: 1 });
    try {
      const { page } = await open(ctx, 'lesson=mlockall');
      const r = recordings.find((x) => x.id === 'mlockall');
      assert((await load(page, r.text)).ok, 'load');
      await page.evaluate(() => { const p = window.pinpages; const n = p.state().steps; for (let i = 0; i < n; i++) if (p.go(i).figure === 'B') return; });
      await frames(page, 4);
      await page.screenshot({ path: join(artifacts, `recording-side-${name}.png`) });
      await page.evaluate(() => window.pinpages.go(window.pinpages.state().steps - 1));
      await frames(page, 4);
      await page.screenshot({ path: join(artifacts, `recording-latency-${name}.png`) });
    } finally { await close(); }
  }
  return `recording-side-*.png, recording-latency-*.png in ${artifacts}`;
});

