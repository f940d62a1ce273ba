// Golden traces: every lesson in lessons/ run through `pinpages run --json`, compared with
// the reviewed copy in tests/golden/<lesson>.json. A change of the model's behaviour then
// shows up as a diff of those files in review, not as a surprise.
//
// What is normalised, so the files hold behaviour and not incidental numbers: addresses
// ("0x7ffff7cd6010") become "addr#N" and pids become "pid#N", numbered by first
// appearance; the model's cost estimate is rounded to 0.001 µs. One key per line, so a
// diff names the field that changed.
//
//   node scripts/lib/golden.mjs --cli build/native/pinpages [--lesson 01-mlockall] [--update]
//   (scripts/golden wraps this: builds the CLI, then checks or --update's every lesson)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));

function normalise(lines) {
  const ids = { addr: new Map(), pid: new Map() };
  const token = (kind, v) => {
    const m = ids[kind];
    if (!m.has(v)) m.set(v, `${kind}#${m.size + 1}`);
    return m.get(v);
  };
  const walk = (v, key) => {
    if (Array.isArray(v)) return v.map((x) => walk(x, key));
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, walk(v[k], k)]));
    }
    if ((key === 'pid' || key === 'ppid') && typeof v === 'number') return token('pid', v);
    if (key === 'cost_us' && typeof v === 'number') return Math.round(v * 1000) / 1000;
    if (typeof v === 'string') return v.replace(/0x[0-9a-f]{6,}/g, (a) => token('addr', a));
    return v;
  };
  return lines.map((l) => walk(JSON.parse(l)));
}

// The lesson's steps as the golden file holds them.
function goldenText(cli, lessonFile) {
  const r = spawnSync(cli, ['run', lessonFile, '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.error) throw new Error(`cannot run ${cli}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cli} run ${lessonFile} --json exited ${r.status}:\n${r.stderr}`);
  const lines = r.stdout.split('\n').filter((l) => l.trim());
  return JSON.stringify(normalise(lines), null, 1) + '\n';
}

function diff(want, got) {
  const dir = mkdtempSync(join(tmpdir(), 'pp-golden-'));
  try {
    writeFileSync(join(dir, 'got.json'), got);
    const r = spawnSync('diff', ['-u', '--label', 'golden', want, '--label', 'now', join(dir, 'got.json')],
      { encoding: 'utf8', maxBuffer: 1 << 30 });
    const out = r.stdout.split('\n');
    return out.length > 80 ? [...out.slice(0, 80), `… (${out.length - 80} more diff lines)`].join('\n') : r.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function main() {
  const { values: o } = parseArgs({
    options: {
      cli: { type: 'string' },
      lesson: { type: 'string', multiple: true },
      lessons: { type: 'string', default: join(root, 'lessons') },
      dir: { type: 'string', default: join(root, 'tests/golden') },
      update: { type: 'boolean', default: false },
    },
  });
  if (!o.cli) throw new Error('--cli PATH (the pinpages binary) is required');
  const all = readdirSync(o.lessons).filter((f) => f.endsWith('.c')).map((f) => basename(f, '.c')).sort();
  const ids = o.lesson ?? all;
  let failed = 0;
  for (const id of ids) {
    if (!all.includes(id)) throw new Error(`no lesson ${id}.c in ${o.lessons}`);
    const file = join(o.dir, `${id}.json`);
    const got = goldenText(o.cli, join(o.lessons, `${id}.c`));
    if (o.update) {
      const same = existsSync(file) && readFileSync(file, 'utf8') === got;
      writeFileSync(file, got);
      console.log(`${same ? 'unchanged' : 'written  '} ${file}`);
    } else if (!existsSync(file)) {
      console.log(`FAIL ${id}: no ${file} (make it with scripts/golden --update)`);
      failed++;
    } else if (readFileSync(file, 'utf8') !== got) {
      console.log(`FAIL ${id}: the trace differs from ${file}\n${diff(file, got)}` +
        'If the change is intended: scripts/golden --update, and review the diff.');
      failed++;
    } else {
      console.log(`ok   ${id}`);
    }
  }
  process.exit(failed ? 1 : 0);
}

try {
  main();
} catch (e) {
  console.error(`golden.mjs: ${e.message}`);
  process.exit(2);
}
