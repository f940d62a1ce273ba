// Browser tests of the teaching features a class depends on, through the user's doors
// (keyboard, mouse, window.pinpages): predict-then-reveal quizzes, "changed this step",
// layouts for projectors, phones and embeds, notices, the keyboard. Screenshots of the
// tutorial's figures, the fork step, a QNX superlocked step and the presenter quiz go
// to the artifacts directory (look at them).
//
//   node tests/web/teaching.mjs [--web build/web] [--artifacts build/artifacts] [--only name]
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


// The raw string behind state(), so a test can tell "valid JSON" from "threw".
const rawState = (page) => page.evaluate(() => window.pinpages.module.ccall('pp_ui_state', 'string', [], []));

async function typeChar(page, ch) {
  await page.keyboard.press(ch);
  await frames(page, 2);
}

// First step (from 0) whose quiz is there; -1 if none.
async function quizSteps(page) {
  return page.evaluate(() => {
    const p = window.pinpages, out = [];
    const n = p.state().steps;
    for (let i = 0; i < n; i++) { const s = p.go(i); if (s.quiz) out.push(i); }
    p.go(0);
    return out;
  });
}

function balanced(text) {
  const pairs = { ')': '(', ']': '[', '}': '{' };
  const stack = [];
  let tick = false;
  for (const c of text) {
    if (c === '`') { tick = !tick; continue; }
    if (tick) continue;
    if ('([{'.includes(c)) stack.push(c);
    else if (c in pairs) { if (stack.pop() !== pairs[c]) return false; }
  }
  return !tick && stack.length === 0;
}

// Answers the quiz at the current step from the keyboard: a digit, then Enter.
async function answer(page, digit) {
  await typeChar(page, String(digit));
  await press(page, 'Enter');
  const s = await state(page);
  assert(s.quiz_text && s.quiz_text.revealed, `quiz not revealed after ${digit} + Enter`);
  return s;
}

function inside(r, w, h, what) {
  assert(r.w > 0 && r.h > 0, `${what}: empty rectangle ${JSON.stringify(r)}`);
  assert(r.x >= 0 && r.y >= 0 && r.x + r.w <= w + 0.5 && r.y + r.h <= h + 0.5,
    `${what}: ${JSON.stringify(r)} is not inside the ${w}×${h} canvas`);
}

test('mlockall quiz reads "MCL_CURRENT | MCL_FUTURE" with three choices; every lesson\'s quiz parts balance', async () => {
  const { ctx, close } = await launch();
  try {
    const { page } = await open(ctx, 'lesson=mlockall');
    const ids = await page.evaluate(() => ['mlockall', 'mlock', 'mcl-flags', 'unlock-rules', 'fork-exec', 'no-sudo',
      'pressure', 'qnx', 'qnx-procnto']);
    let total = 0, mlockallOk = false;
    for (const id of ids) {
      assert(await page.evaluate((x) => window.pinpages.lesson(x), id), `lesson(${id}) failed`);
      for (const st of await quizSteps(page)) {
        const s = await page.evaluate((k) => window.pinpages.go(k), st);
        const q = s.quiz_text;
        assert(q && q.choices.length >= 2 && q.choices.length <= 5, `${id}@${st}: ${JSON.stringify(q)}`);
        for (const part of [q.question, ...q.choices])
          assert(balanced(part), `${id}@${st}: unbalanced part "${part}"`);
        if (id === 'mlockall' && q.question.includes('MCL_CURRENT | MCL_FUTURE')) {
          assert(q.choices.length === 3, `mlockall quiz has ${q.choices.length} choices: ${q.choices.join(' / ')}`);
          // What the student reads: the narration (aria-live) carries the whole question.
          await frames(page, 2);
          const said = await page.evaluate(() => document.getElementById('narration').textContent);
          assert(said.includes('MCL_CURRENT | MCL_FUTURE'), `narration: ${said.slice(0, 200)}`);
          mlockallOk = true;
        }
        total++;
      }
    }
    assert(mlockallOk, 'no mlockall quiz with MCL_CURRENT | MCL_FUTURE in its question');
    return `${total} quizzes in ${ids.length} lessons, all balanced`;
  } finally {
    await close();
  }
});

test('answers stay with their lesson; a newly chosen lesson opens at step 0, unanswered', async () => {
  const { ctx, close } = await launch();
  try {
    const { page } = await open(ctx, 'lesson=mlockall');
    const [q] = await quizSteps(page);
    await page.evaluate((k) => window.pinpages.go(k), q);
    await frames(page, 2);
    await answer(page, 2);
    assert(await page.evaluate(() => window.pinpages.lesson('mlock')), 'lesson(mlock) failed');
    await frames(page, 2);
    let s = await state(page);
    assert(s.lesson === 'mlock' && s.step === 0, `after switching: ${s.lesson} step ${s.step}`);
    assert(s.answered === 0, `mlock opens with ${s.answered} answered quizzes`);
    for (const st of await quizSteps(page)) {
      s = await page.evaluate((k) => window.pinpages.go(k), st);
      assert(s.quiz_pending && !s.quiz_text.revealed && s.quiz_text.choice < 0, `mlock quiz at ${st} already answered`);
    }
    await page.evaluate(() => window.pinpages.lesson('mlockall'));
    s = await page.evaluate((k) => window.pinpages.go(k), q);
    assert(s.step === q && s.quiz_text.revealed && s.quiz_text.choice === 1, `mlockall's answer was not kept: ${JSON.stringify(s.quiz_text)}`);
    return `answered mlockall@${q}; mlock opened at 0 with its quizzes unanswered; mlockall's answer kept`;
  } finally {
    await close();
  }
});

test('Play (Space) from the step before a quiz stops at the quiz and waits', async () => {
  const { ctx, close } = await launch();
  try {
    const { page } = await open(ctx, 'lesson=mlockall');
    const [q] = await quizSteps(page);
    await page.evaluate((k) => window.pinpages.go(k), q - 1);
    await frames(page, 2);
    await press(page, 'Space');
    await page.waitForFunction((k) => window.pinpages.state().step >= k, q, { timeout: 30_000 });
    await frames(page, 30);  // at 2 steps/s this is long enough to have gone on
    let s = await state(page);
    assert(s.step === q && s.quiz_pending && !s.playing, `play went to step ${s.step} (quiz at ${q}), pending ${s.quiz_pending}`);
    await press(page, 'Space');  // Play again while the quiz waits: still waits
    await frames(page, 10);
    s = await state(page);
    assert(s.step === q && s.quiz_pending, `second Space moved on to ${s.step}`);
    return `stopped at step ${q}`;
  } finally {
    await close();
  }
});

test('no spoilers before the reveal; after it the aria-live narration says right/wrong and explains', async () => {
  const { ctx, close } = await launch();
  try {
    const { page } = await open(ctx, 'lesson=mlockall');
    const qs = await quizSteps(page);
    const figC = await page.evaluate(() => {
      const p = window.pinpages;
      for (let i = 0; i < p.state().steps; i++) if (p.go(i).figure === 'C') return i;
      return -1;
    });
    assert(qs.includes(figC), `figure C (step ${figC}) has no quiz (quizzes at ${qs})`);
    let s = await page.evaluate((k) => window.pinpages.go(k), figC);
    await frames(page, 3);
    const said = await page.evaluate(() => document.getElementById('narration').textContent);
    assert(s.quiz_pending, 'quiz not pending at figure C');
    assert(!/Figure C/.test(said) && !/pinned the moment/.test(said), `narration gives the answer away: ${said}`);
    assert(!s.annotations_shown, 'code pane shows the //@ lines by default');
    assert(s.quiz_text.answer === undefined, 'the hook tells the answer before the reveal');
    await page.screenshot({ path: join(artifacts, 'teach-quiz-pending-C.png') });
    const wrong = s.quiz_text.choices.findIndex((_, i) => i !== 1);  // any choice other than the 2nd
    s = await answer(page, wrong + 1);
    await frames(page, 3);
    const after = await page.evaluate(() => document.getElementById('narration').textContent);
    const right = s.quiz_text.answer === wrong;
    assert(after.includes(right ? 'Right' : 'Not quite'), `narration lacks the verdict: ${after.slice(0, 300)}`);
    assert(after.includes(`The answer is ${s.quiz_text.answer + 1}`), `narration lacks the answer: ${after.slice(0, 300)}`);
    assert(/pinned/.test(after) && after.includes('Figure C'), `narration lacks explanation/caption after the reveal: ${after.slice(0, 400)}`);
    await page.screenshot({ path: join(artifacts, 'teach-quiz-revealed-C.png') });
    return `verdict + explanation read out (${after.length} chars)`;
  } finally {
    await close();
  }
});

async function quizLayoutCase(mode, viewport, shot, extra = {}) {
  const { ctx, close } = await launch([], { viewport, ...extra });
  try {
    const { page } = await open(ctx, 'lesson=mlockall');
    const [q] = await quizSteps(page);
    await page.evaluate((k) => window.pinpages.go(k), q);
    if (mode === 'presenter') await typeChar(page, 'p');
    if (mode === 'figure') await typeChar(page, 'f');
    await frames(page, 6);
    let s = await state(page);
    if (mode === 'presenter') assert(s.presenter, 'P did not turn presenter mode on');
    if (mode === 'figure') assert(s.figure_only, 'F did not turn figure-only on');
    const cw = await page.evaluate(() => document.getElementById('canvas').clientWidth);
    const ch = await page.evaluate(() => document.getElementById('canvas').clientHeight);
    inside(s.quiz_rect, cw, ch, `${mode} quiz_rect`);
    inside(s.figure_rect, cw, ch, `${mode} figure_rect`);
    assert(s.quiz_fits, `${mode}: the quiz does not fit its ${Math.round(s.quiz_rect.w)}×${Math.round(s.quiz_rect.h)} tile (scrolls)`);
    assert(s.figure_rect.h >= 120, `${mode}: figure squeezed to ${Math.round(s.figure_rect.h)} px`);
    await page.screenshot({ path: join(artifacts, shot) });
    // Answerable by mouse/touch too: click the first choice row, then Reveal by Enter.
    // The choice rows sit between the question and the Reveal button; where exactly
    // depends on how the question wraps at this width, so try a few heights in that band.
    const r = s.quiz_rect;
    for (const f of [0.45, 0.55, 0.65]) {
      await page.mouse.click(r.x + r.w / 2, r.y + r.h * f);
      await frames(page, 2);
      s = await state(page);
      if (s.quiz_text.choice >= 0) break;
    }
    assert(s.quiz_text.choice >= 0, `${mode}: a click inside the quiz picked nothing`);
    return `quiz ${Math.round(r.w)}×${Math.round(r.h)} at (${Math.round(r.x)},${Math.round(r.y)}) fits; click picked ${s.quiz_text.choice + 1}`;
  } finally {
    await close();
  }
}

test('presenter mode at 1024×768: the quiz is inside the canvas, whole, answerable', () =>
  quizLayoutCase('presenter', { width: 1024, height: 768 }, 'teach-presenter-quiz-1024x768.png'));
test('figure-only (F) at 1024×768: the quiz is inside the canvas, whole, answerable', () =>
  quizLayoutCase('figure', { width: 1024, height: 768 }, 'teach-figure-only-quiz-1024x768.png'));
test('phone 390×844: the quiz choices fit the width', () =>
  quizLayoutCase('phone', { width: 390, height: 844 }, 'teach-phone-quiz-390x844.png', { hasTouch: true, isMobile: true }));
test('phone landscape 844×390: a layout of its own, quiz whole', () =>
  quizLayoutCase('phone', { width: 844, height: 390 }, 'teach-phone-landscape-quiz.png', { hasTouch: true, isMobile: true }));

test('presenter mode fits 1024×768, 1280×800 and 1920×1080 (screenshots)', async () => {
  const notes = [];
  for (const [w, h] of [[1024, 768], [1280, 800], [1920, 1080]]) {
    const { ctx, close } = await launch([], { viewport: { width: w, height: h } });
    try {
      const { page } = await open(ctx, 'lesson=mlockall&step=3');
      await typeChar(page, 'p');
      await frames(page, 6);
      const s = await state(page);
      inside(s.figure_rect, w, h, `presenter ${w}×${h} figure`);
      assert(s.controls_fit, `presenter ${w}×${h}: the toolbar is clipped`);
      await page.screenshot({ path: join(artifacts, `teach-presenter-${w}x${h}.png`) });
      notes.push(`${w}×${h} ok`);
    } finally {
      await close();
    }
  }
  return notes.join(', ');
});

test('"changed this step": non-empty and pinned at figure C, empty at a step that changes nothing', async () => {
  const { ctx, close } = await launch();
  try {
    const { page } = await open(ctx, 'lesson=mlockall');
    const r = await page.evaluate(() => {
      const p = window.pinpages;
      let c = -1, quiet = -1;
      for (let i = 0; i < p.state().steps; i++) {
        const s = p.go(i);
        if (s.figure === 'C') c = i;
        const ev = s.step_json && s.step_json.events;
        if (quiet < 0 && i > 0 && ev && Object.keys(ev).length === 0) quiet = i;
      }
      return { c, quiet };
    });
    assert(r.c > 0, 'no figure C');
    await page.evaluate((k) => window.pinpages.go(k), r.c);
    await typeChar(page, '1');
    await press(page, 'Enter');
    await frames(page, 3);
    let s = await state(page);
    assert(!s.quiz_pending, 'figure C still waiting for its quiz');
    assert(s.changed.length > 0, 'nothing marked as changed at figure C');
    for (const c of s.changed)
      assert(c.pinned_pages === c.pages, `changed range ${c.addr} (+${c.pages} pages, ${c.what}) has only ${c.pinned_pages} pinned`);
    await page.screenshot({ path: join(artifacts, 'teach-changed-C.png') });
    const at = s.changed.map((c) => `${c.addr}+${c.pages}p ${c.what.join('/')}`).join('; ');
    assert(r.quiet > 0, 'no step without events in mlockall');
    s = await page.evaluate((k) => window.pinpages.go(k), r.quiet);
    if (s.quiz_pending) { await typeChar(page, '1'); await press(page, 'Enter'); s = await state(page); }
    assert(s.changed.length === 0, `step ${r.quiet} changes nothing but marks ${JSON.stringify(s.changed)}`);
    return `C: ${at}; step ${r.quiet}: none`;
  } finally {
    await close();
  }
});

test('bad hook values and links: zoom(NaN), go(-5), go(1e9) keep state() valid; #lesson=nope is reported', async () => {
  const { ctx, close } = await launch();
  try {
    const { page } = await open(ctx, 'lesson=mlock');
    for (const call of ['zoom(NaN)', 'zoom(Infinity)', 'zoom(-2)', 'zoom(0)', 'go(-5)', 'go(1e9)', 'go(NaN)']) {
      await page.evaluate((c) => { const p = window.pinpages; return Function('p', `p.${c}`)(p); }, call);
      await frames(page, 2);
      const raw = await rawState(page);
      let s;
      try { s = JSON.parse(raw); } catch (e) { throw new Error(`after ${call}: state() is not JSON: ${raw.slice(0, 200)}`); }
      assert(Number.isFinite(s.zoom) && s.zoom > 0, `after ${call}: zoom ${s.zoom}`);
      assert(s.step >= 0 && s.step < s.steps, `after ${call}: step ${s.step} of ${s.steps}`);
    }
    await page.evaluate(() => { location.hash = '#lesson=nope&step=3'; });
    await page.waitForFunction(() => /nope/.test(window.pinpages.state().notice), null, { timeout: 20_000 });
    await frames(page, 3);
    const s = await state(page);
    const said = await page.evaluate(() => document.getElementById('narration').textContent);
    assert(said.includes('nope'), `the page does not say so: ${said.slice(0, 200)}`);
    await page.screenshot({ path: join(artifacts, 'teach-unknown-lesson.png') });
    return `notice: ${s.notice}`;
  } finally {
    await close();
  }
});

test('keyboard: ? lists the keys, Tab gives a visible focus to the controls, Esc returns', async () => {
  const { ctx, close } = await launch();
  try {
    const { page } = await open(ctx, 'lesson=mlockall&step=2');
    await typeChar(page, '?');
    let s = await state(page);
    assert(s.keys_overlay, '? did not open the list of keys');
    await page.screenshot({ path: join(artifacts, 'teach-keys-overlay.png') });
    await press(page, 'Escape');
    s = await state(page);
    assert(!s.keys_overlay, 'Esc did not close the list of keys');
    await press(page, 'Tab');
    await frames(page, 2);
    s = await state(page);
    assert(s.keyboard_nav, 'Tab did not enter keyboard navigation');
    assert(s.nav_focus === 0 && s.nav_controls >= 15, `focus ${s.nav_focus} of ${s.nav_controls} controls after Tab`);
    // Tab walks every control once and comes back round; Shift+Tab goes back.
    const seen = new Set([s.nav_focus]);
    for (let i = 0; i < s.nav_controls; i++) {
      await press(page, 'Tab');
      seen.add((await state(page)).nav_focus);
    }
    s = await state(page);
    assert(seen.size === s.nav_controls && s.nav_focus === 0, `Tab reached ${seen.size} of ${s.nav_controls} controls, ended at ${s.nav_focus}`);
    await page.keyboard.down('Shift');
    await press(page, 'Tab');
    await page.keyboard.up('Shift');
    s = await state(page);
    assert(s.nav_focus === s.nav_controls - 1, `Shift+Tab from the first control went to ${s.nav_focus}`);
    const before = s.step;
    await press(page, 'ArrowRight');
    await press(page, 'ArrowRight');
    s = await state(page);
    assert(s.step === before, 'arrows still step while the controls have the focus');
    await page.screenshot({ path: join(artifacts, 'teach-keyboard-focus.png') });
    await press(page, 'Escape');
    await press(page, 'ArrowRight');
    s = await state(page);
    assert(!s.keyboard_nav && s.step === before + 1, `after Esc: nav ${s.keyboard_nav}, step ${s.step}`);
    return `overlay; Tab walks all ${seen.size} controls; Esc back to stepping`;
  } finally {
    await close();
  }
});

test('focus mode (Tab): arrow keys move the focus one control at a time and never step; Space presses', async () => {
  const { ctx, close } = await launch();
  try {
    const { page } = await open(ctx, 'lesson=mlockall&step=2');
    await press(page, 'Tab');
    let s = await state(page);
    assert(s.keyboard_nav && s.nav_focus === 0, `Tab: nav ${s.keyboard_nav}, focus ${s.nav_focus}`);
    // The first row is |◀ ◀ Play ▶ ▶| …: each → moves one control to the right.
    const seen = [s.nav_focus];
    for (let i = 0; i < 4; i++) {
      await press(page, 'ArrowRight');
      s = await state(page);
      seen.push(s.nav_focus);
      assert(s.step === 2, `→ in focus mode stepped the lesson to ${s.step} (focus ${seen.join(' → ')})`);
    }
    assert(seen.join(',') === '0,1,2,3,4', `→ moved the focus ${seen.join(' → ')} (one control per press expected)`);
    for (const key of ['ArrowLeft', 'ArrowLeft', 'ArrowLeft', 'ArrowDown', 'ArrowUp', 'ArrowLeft']) {
      await press(page, key);
      s = await state(page);
      assert(s.step === 2, `${key} in focus mode stepped the lesson to ${s.step}`);
      seen.push(s.nav_focus);
    }
    assert(seen[7] === 1, `← ← ← from ▶| should reach ◀ (control 1): ${seen.join(' → ')}`);
    // Operate the focused control: ◀ (previous step) pressed with Space, from wherever the focus is now.
    while ((await state(page)).nav_focus > 1) await press(page, 'ArrowLeft');
    while ((await state(page)).nav_focus < 1) await press(page, 'ArrowRight');
    await press(page, 'Space');
    s = await state(page);
    assert(s.keyboard_nav && s.nav_focus === 1 && s.step === 1, `Space on ◀: step ${s.step}, focus ${s.nav_focus}`);
    await press(page, 'Escape');
    await press(page, 'ArrowRight');
    s = await state(page);
    assert(!s.keyboard_nav && s.step === 2, `after Esc → steps again: nav ${s.keyboard_nav}, step ${s.step}`);
    return `focus ${seen.join(' → ')}; Space on ◀ went back one step; Esc: → steps`;
  } finally {
    await close();
  }
});

test('after a successful exec the narration never shows "execl(...) = 0" (exec does not return)', async () => {
  const { ctx, close } = await launch();
  try {
    const { page } = await open(ctx, 'lesson=fork-exec');
    const n = (await state(page)).steps;
    let execStep = -1;
    const returned = /exec[lvpe]*\s*\([^]*?\)\s*=\s*0\b/;
    for (let i = 0; i < n; i++) {
      let s = await page.evaluate((k) => window.pinpages.go(k), i);
      if (s.quiz_pending) { await typeChar(page, '1'); await press(page, 'Enter'); }
      await frames(page, 2);
      s = await state(page);
      const said = await page.evaluate(() => document.getElementById('narration').textContent);
      const call = s.step_json.call || '';
      for (const [where, text] of [['state().narration', s.narration], ['aria-live narration', said]])
        assert(!returned.test(text), `step ${i} (${call}): the ${where} says exec returned 0: ${text.slice(0, 300)}`);
      if (!/^exec/.test(call) || s.step_json.errno !== null) continue;
      execStep = i;
      assert(/does not return/.test(said), `exec step ${i}: the narration does not say exec does not return: ${said.slice(0, 300)}`);
    }
    assert(execStep >= 0, 'fork-exec has no successful exec step');
    return `exec at step ${execStep}; ${n} steps read`;
  } finally {
    await close();
  }
});

test('copy-on-write: a write while the child lives copies; after it exited the page is reused (no copy)', async () => {
  const { ctx, close } = await launch();
  try {
    const { page } = await open(ctx, 'lesson=fork-exec');
    const n = (await state(page)).steps;
    const writes = [];
    for (let i = 0; i < n; i++) {
      let s = await page.evaluate((k) => window.pinpages.go(k), i);
      if (!/^buf\[/.test(s.step_json.source || '')) continue;
      if (s.quiz_pending) { await typeChar(page, '1'); await press(page, 'Enter'); }
      await frames(page, 2);
      s = await state(page);
      const copied = s.changed.some((c) => c.what.includes('copied on write'));
      writes.push({ step: i, procs: s.step_json.processes.length, copied, narration: s.narration });
    }
    const [alive, alone] = writes.slice(-2);
    assert(alive && alone, `expected two writes to buf after fork, found ${writes.length}`);
    assert(alive.procs === 2 && alive.copied && /copy-on-write cop/.test(alive.narration),
      `write at step ${alive.step} with the child alive: ${alive.procs} processes, copied ${alive.copied}: ${alive.narration.slice(0, 300)}`);
    assert(alone.procs === 1 && !alone.copied && !/copy-on-write cop/.test(alone.narration) && /fault/.test(alone.narration),
      `write at step ${alone.step} after the child exited: ${alone.procs} processes, copied ${alone.copied}: ${alone.narration.slice(0, 300)}`);
    return `copy at step ${alive.step}, reuse (fault, no copy) at step ${alone.step}`;
  } finally {
    await close();
  }
});

test('sandbox links restore the program', async () => {
  const { ctx, close } = await launch();
  try {
    const prog = encodeURIComponent('p1 = malloc(1 << 20);\nmlockall(MCL_CURRENT);');
    const { page } = await open(ctx, `lesson=sandbox&prog=${prog}&step=2`);
    const s = await state(page);
    assert(s.lesson === 'sandbox', `opened ${s.lesson}`);
    // The address bar carries the lines again, packed as editor links are (code=).
    await page.waitForFunction(() => /(^|&)code=/.test(window.pinpages.state().hash), null, { timeout: 10_000 });
    const lines = await page.evaluate(() => window.pinpages.unpack(window.pinpages.state().hash.match(/code=([^&]*)/)[1]));
    assert(lines.includes('mlockall(MCL_CURRENT)'), `hash ${(await state(page)).hash} holds ${lines}`);
    const calls = await page.evaluate(() => {
      const p = window.pinpages, out = [];
      for (let i = 0; i < p.state().steps; i++) { const c = p.go(i).step_json.call; if (c) out.push(c); }
      return out;
    });
    assert(calls.some((c) => c.startsWith('mlockall')), `the restored program makes no mlockall call: ${calls.join(', ')}`);
    return `calls: ${calls.join(', ')}`;
  } finally {
    await close();
  }
});

test('the views say which thread runs', async () => {
  const { ctx, close } = await launch();
  try {
    const { page } = await open(ctx, 'lesson=mlockall');
    const prog = [
      '#include <pthread.h>', '#include <stdio.h>', '#include <string.h>', '#include <sys/mman.h>',
      'void *worker(void *arg)', '{', '    char buf[4096];', '    memset(buf, 1, sizeof buf);',
      '    printf("worker %ld\\n", (long)arg);', '    return NULL;', '}',
      'int main(void)', '{', '    pthread_t a, b;', '    mlockall(MCL_CURRENT | MCL_FUTURE);',
      '    pthread_create(&a, NULL, worker, (void *)1);', '    pthread_create(&b, NULL, worker, (void *)2);',
      '    pthread_join(a, NULL);', '    pthread_join(b, NULL);', '    return 0;', '}', ''].join('\n');
    const seen = await page.evaluate(async (text) => {
      const p = window.pinpages;
      await p.program(text);
      const out = [];
      for (let i = 0; i < p.state().steps; i++) {
        const s = p.go(i);
        if (s.thread && s.line && !out.some((o) => o.index === s.thread.index && o.line === s.line))
          out.push({ step: i, line: s.line, ...s.thread, narration: s.narration });
      }
      return out;
    }, prog);
    const byIndex = (k) => seen.filter((s) => s.index === k);
    for (const k of [0, 1, 2]) assert(byIndex(k).length, `no step of thread ${k}: ${JSON.stringify(seen)}`);
    const pid = byIndex(0)[0].pid;
    for (const s of seen) {
      assert(s.tid === pid + s.index, `thread ${s.index} has tid ${s.tid} (pid ${pid})`);
      const words = s.index ? `thread ${s.index} (tid ${s.tid}) runs` : `the main thread (tid ${pid}) runs`;
      assert(s.narration.includes(words), `step ${s.step}: narration lacks "${words}": ${s.narration}`);
      // The worker's lines are 6-10; main's are 14-20.
      assert(s.index ? (s.line >= 6 && s.line <= 10) : s.line >= 13, `thread ${s.index} ran line ${s.line}`);
      assert((s.stack_top !== '0x0') === (s.index > 0), `thread ${s.index}: stack_top ${s.stack_top}`);
    }
    const t1 = byIndex(1)[0], t2 = byIndex(2)[0];
    assert(t1.stack_top !== t2.stack_top, `both threads on one stack ${t1.stack_top}`);
    await page.evaluate((i) => window.pinpages.go(i), byIndex(1)[0].step);
    await frames(page, 3);
    await page.screenshot({ path: join(artifacts, 'teach-thread-1.png') });
    return `threads 0/1/2 at ${seen.length} (thread, line) steps; tids ${pid}, ${t1.tid}, ${t2.tid}`;
  } finally {
    await close();
  }
});

test('exported PNG carries the lesson title, the step, the caption and the legend', async () => {
  const { ctx, close } = await launch();
  try {
    const { page } = await open(ctx, 'lesson=mlockall');
    const c = await page.evaluate(() => {
      const p = window.pinpages;
      for (let i = 0; i < p.state().steps; i++) if (p.go(i).figure === 'C') return i;
      return -1;
    });
    await typeChar(page, '2');
    await press(page, 'Enter');
    await frames(page, 3);
    const s = await state(page);
    assert(s.figure_title.includes(s.title) && s.figure_title.includes(`step ${c} of ${s.steps - 1}`),
      `figure title "${s.figure_title}" lacks the lesson title or the step`);
    const { url, type, png: buf } = await figurePng(page);
    assert(url && url.startsWith('blob:') && type === 'image/png' && buf, `no PNG (${url}, ${type})`);
    writeFileSync(join(artifacts, 'teach-export-C.png'), buf);
    // The PNG is the whole figure window: title bar above the caption, legend below the
    // columns, so it is taller than the figure's drawing area by at least both.
    const h = buf.readUInt32BE(20), w = buf.readUInt32BE(16);
    const scale = w / (s.figure_rect.w + 16);
    assert(h / scale > s.figure_rect.h + 60, `PNG ${w}×${h} is no taller than the figure area (${s.figure_rect.h} px)`);
    return `PNG ${w}×${h}, title "${s.figure_title}"`;
  } finally {
    await close();
  }
});

test('?embed=1 at 640×420 gives the figure most of the space', async () => {
  const { ctx, close } = await launch([], { viewport: { width: 640, height: 420 } });
  try {
    const { page } = await open(ctx, 'lesson=mlockall&step=3', '?embed=1');
    const s = await state(page);
    const f = s.figure_window;  // the figure's window: title, drawing, legend
    inside(f, 640, 420, 'embed figure window');
    const share = (f.w * f.h) / (640 * 420);
    await page.screenshot({ path: join(artifacts, 'teach-embed-640x420.png') });
    assert(share >= 0.5, `figure gets ${(share * 100).toFixed(0)}% of the embed`);
    return `figure ${(share * 100).toFixed(0)}% of the page`;
  } finally {
    await close();
  }
});

test('screenshots: figures A, B, C, the fork step, a QNX superlocked step', async () => {
  const { ctx, close } = await launch();
  const notes = [];
  try {
    const { page } = await open(ctx, 'lesson=mlockall');
    const reveal = async () => {
      const s = await state(page);
      if (s.quiz_pending) { await typeChar(page, '1'); await press(page, 'Enter'); }
      await frames(page, 3);
    };
    for (const fig of ['A', 'B', 'C']) {
      const st = await page.evaluate((f) => {
        const p = window.pinpages;
        for (let i = 0; i < p.state().steps; i++) if (p.go(i).figure === f) return i;
        return -1;
      }, fig);
      assert(st >= 0, `no figure ${fig}`);
      await reveal();
      await page.screenshot({ path: join(artifacts, `teach-fig-${fig}.png`) });
      notes.push(`${fig}@${st}`);
    }
    // Figure C in the other two palettes: the changed outline must read in all three.
    for (const name of ['colourblind', 'high-contrast']) {
      const before = (await state(page)).palette;
      await typeChar(page, 'c');
      await frames(page, 2);
      assert((await state(page)).palette !== before, 'C did not change the palette');
      await page.screenshot({ path: join(artifacts, `teach-fig-C-${name}.png`) });
    }
    await typeChar(page, 'c');
    await page.evaluate(() => window.pinpages.lesson('fork-exec'));
    const fork = await page.evaluate(() => {
      const p = window.pinpages;
      for (let i = 0; i < p.state().steps; i++) if ((p.go(i).step_json.call || '').startsWith('fork')) return i;
      return -1;
    });
    assert(fork >= 0, 'no fork step');
    await reveal();
    let s = await state(page);
    assert(s.step_json.processes.length >= 2, `fork step shows ${s.step_json.processes.length} process(es)`);
    await page.screenshot({ path: join(artifacts, 'teach-fork.png') });
    notes.push(`fork@${fork}`);
    await page.evaluate(() => window.pinpages.lesson('qnx-procnto'));
    await page.evaluate(() => window.pinpages.go(2));
    await reveal();
    s = await state(page);
    assert(s.os === 'qnx', `qnx-procnto runs on ${s.os}`);
    await page.screenshot({ path: join(artifacts, 'teach-qnx-superlocked.png') });
    notes.push(`qnx@${s.step}`);
    return notes.join(', ');
  } finally {
    await close();
  }
});

