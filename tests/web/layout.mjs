// Browser test that nothing on the figure is cut off: at projector, laptop, full-HD and
// phone sizes, in normal and presenter mode, for the lessons a class runs, at each quiz
// step (while it waits and after the reveal) and each figure / fork / exec step, every
// text the address-space figure drew (state().figure_labels) lies inside the canvas and
// inside the figure, and the quiz, the toolbar and the legend lie inside the canvas.
// A screenshot of each size goes to the artifacts directory.
//
//   node tests/web/layout.mjs [--web build/web] [--artifacts build/artifacts] [--only name]
import { resolve, join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, pageKit, suite, suiteArgs } from './browser.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = suiteArgs();
const webDir = args.web;
const artifacts = args.artifacts;
const only = args.only;

const kit = pageKit(webDir);
const { frames, open, state, press } = kit;
const test = suite({ only, done: kit.close });

const LESSONS = ['mlockall', 'mlock', 'fork-exec', 'qnx'];
const SIZES = [
  { name: '1024x768', viewport: { width: 1024, height: 768 } },
  { name: '1024x768 presenter', viewport: { width: 1024, height: 768 }, presenter: true },
  { name: '1280x800', viewport: { width: 1280, height: 800 } },
  { name: '1920x1080', viewport: { width: 1920, height: 1080 } },
  { name: '1920x1080 presenter', viewport: { width: 1920, height: 1080 }, presenter: true },
  { name: 'phone 390x844', viewport: { width: 390, height: 844 }, phone: true },
  { name: 'phone 844x390', viewport: { width: 844, height: 390 }, phone: true },
];

// Whole pixels: a box may touch the edge it is measured against.
const within = (r, o) => r.x >= o.x - 0.5 && r.y >= o.y - 0.5 && r.x + r.w <= o.x + o.w + 0.5 && r.y + r.h <= o.y + o.h + 0.5;
const box = (r) => `(${r.x.toFixed(0)},${r.y.toFixed(0)} ${r.w.toFixed(0)}×${r.h.toFixed(0)})`;

// The steps worth checking: quizzes, the tutorial's figures, fork and exec.
async function stepsOf(page) {
  return page.evaluate(() => {
    const p = window.pinpages, out = [];
    for (let i = 0; i < p.state().steps; i++) {
      const s = p.go(i), call = (s.step_json && s.step_json.call) || '';
      if (s.quiz || s.figure || /^(fork|exec)/.test(call)) out.push({ step: i, quiz: s.quiz });
    }
    p.go(0);
    return out;
  });
}

// Every problem of the frame on screen, as sentences (empty: all inside).
function problems(s, canvas, where) {
  const out = [];
  const fig = s.figure_rect;
  if (!(fig.w > 0 && fig.h > 0)) out.push(`${where}: no figure drawn`);
  if (s.figure_labels.length < 3) out.push(`${where}: only ${s.figure_labels.length} labels drawn`);
  for (const l of s.figure_labels) {
    if (!within(l, canvas)) out.push(`${where}: label "${l.text}" ${box(l)} sticks out of the canvas`);
    else if (!within(l, fig)) out.push(`${where}: label "${l.text}" ${box(l)} sticks out of the figure ${box(fig)}`);
  }
  const parts = [['legend', s.legend_rect], ['toolbar', s.toolbar_rect]];
  if (s.quiz) parts.push(['quiz', s.quiz_rect]);
  for (const [name, r] of parts) {
    if (!(r.w > 0 && r.h > 0)) out.push(`${where}: no ${name} drawn`);
    else if (!within(r, canvas)) out.push(`${where}: ${name} ${box(r)} is not inside the canvas`);
  }
  if (s.quiz && !s.quiz_fits) out.push(`${where}: the quiz needs scrolling`);
  if (!s.controls_fit) out.push(`${where}: the toolbar is clipped`);
  return out;
}

async function checkSize(size) {
  const extra = size.phone ? { hasTouch: true, isMobile: true } : {};
  const { ctx, close } = await launch([], { viewport: size.viewport, ...extra });
  const bad = [];
  let checked = 0, labels = 0;
  try {
    const { page } = await open(ctx, 'lesson=mlockall');
    if (size.presenter) {
      await press(page, 'p');
      if (!(await state(page)).presenter) throw new Error('P did not turn presenter mode on');
    }
    const canvas = await page.evaluate(() => {
      const c = document.getElementById('canvas');
      return { x: 0, y: 0, w: c.clientWidth, h: c.clientHeight };
    });
    for (const id of LESSONS) {
      if (!(await page.evaluate((x) => window.pinpages.lesson(x), id))) throw new Error(`lesson(${id}) failed`);
      await frames(page, 2);
      for (const { step, quiz } of await stepsOf(page)) {
        await page.evaluate((k) => window.pinpages.go(k), step);
        await frames(page, 3);
        let s = await state(page);
        bad.push(...problems(s, canvas, `${id}@${step}${quiz ? ' (quiz waiting)' : ''}`));
        checked++;
        labels += s.figure_labels.length;
        if (quiz && s.quiz_pending) {  // the revealed step draws the step's own figure
          await press(page, '1');
          await press(page, 'Enter');
          await frames(page, 2);
          s = await state(page);
          if (s.quiz_pending) throw new Error(`${id}@${step}: the quiz did not take 1 + Enter`);
          bad.push(...problems(s, canvas, `${id}@${step} (revealed)`));
          checked++;
          labels += s.figure_labels.length;
        }
      }
    }
    await page.evaluate(() => { window.pinpages.lesson('mlockall'); });
    await frames(page, 2);
    await page.screenshot({ path: join(artifacts, `layout-${size.name.replace(/ /g, '-')}.png`) });
  } finally {
    await close();
  }
  if (bad.length) throw new Error(`${bad.length} problems in ${checked} frames:\n${bad.slice(0, 25).join('\n')}`);
  return `${checked} frames of ${LESSONS.length} lessons, ${labels} labels, all inside`;
}

for (const size of SIZES) test(`labels, quiz, toolbar and legend inside at ${size.name}`, () => checkSize(size));

