// Runs each real-world-style program of tests/programs twice — compiled with gcc and
// run on the kernel, and through the model with `pinpages run --json` — and compares
// what they print, line by line. See README.md for the rules.
//
// usage: node compare.mjs PINPAGES GCC WORKDIR [program.c ...]   (default: every *.c here)
// exit: 0 all matched, 1 a mismatch or failure, 77 not root (nothing could run)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const [pinpages, gcc, work, ...only] = process.argv.slice(2);
if (!pinpages || !gcc || !work) {
  console.error('usage: node compare.mjs PINPAGES GCC WORKDIR [program.c ...]');
  process.exit(2);
}
if (process.getuid && process.getuid() !== 0) {
  console.log('skip: the programs lock more than RLIMIT_MEMLOCK; run as root (sudo)');
  process.exit(77);
}
fs.mkdirSync(work, { recursive: true });
const files = only.length ? only : fs.readdirSync(here).filter((f) => f.endsWith('.c')).sort().map((f) => path.join(here, f));

// How long the gcc-built program may run. The model runs first: a program it stopped as
// endless gets a few seconds (then `timeout` stops it and the first lines are compared);
// one it ran to its end gets minutes, so a loaded machine cannot make a finite program
// look endless. Either way a disagreement shows: an endless program still times out,
// and a program the model wrongly stopped ends within the few seconds.
const kEndlessSeconds = 5;
const kFiniteSeconds = 60;
const kMinPrefix = 3;      // lines an endless program must print on both sides

// Fault counts: the kernel's own counts vary (start-up of ld.so/libc, fault-around,
// stdio's buffer). A number on a line that mentions faults may differ by this much.
function faultTolerance(kernel) { return Math.max(2, Math.ceil(Math.abs(kernel) * 0.02)); }

function nativeRun(file, seconds) {
  const exe = path.join(work, path.basename(file, '.c'));
  const cc = spawnSync(gcc, ['-O0', '-w', '-o', exe, file], { encoding: 'utf8' });
  if (cc.status !== 0) return { error: `gcc failed:\n${cc.stderr}` };
  // Line-buffered stdout, so that what an endless program printed before the timeout is kept.
  const r = spawnSync('timeout', [String(seconds), 'stdbuf', '-oL', exe], {
    encoding: 'utf8', input: '', maxBuffer: 64 << 20,
  });
  return { out: r.stdout, status: r.status, timedOut: r.status === 124, stderr: r.stderr };
}

function modelRun(file) {
  // Counts, not the host clock, bound the model's run: the comparison must not depend on load.
  const r = spawnSync(pinpages, ['run', '--json', '--max-seconds', '0', file], { encoding: 'utf8', maxBuffer: 256 << 20 });
  let out = '';
  for (const line of r.stdout.split('\n')) {
    if (!line.trim()) continue;
    const step = JSON.parse(line);
    if (step.output) out += step.output;
  }
  return { out, status: r.status, stderr: r.stderr, stopped: / note: /.test(r.stderr) };
}

// Lines the program's .vary file names (one regular expression per line, # comments say
// why): every number on them is machine-dependent and masked.
function varyPatterns(file) {
  const f = file.replace(/\.c$/, '.vary');
  if (!fs.existsSync(f)) return [];
  return fs.readFileSync(f, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).map((l) => new RegExp(l));
}

function normalise(line, vary) {
  let s = line.replace(/0x[0-9a-f]+/gi, '0xADDR');
  if (vary.some((re) => re.test(s))) s = s.replace(/-?\d+/g, 'N');
  return s;
}

function sameLine(model, kernel, vary) {
  const m = normalise(model, vary), k = normalise(kernel, vary);
  if (m === k) return true;
  if (!/fault/i.test(k)) return false;
  const split = (s) => s.split(/(-?\d+)/);
  const a = split(m), b = split(k);
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (i % 2 === 0) { if (a[i] !== b[i]) return false; continue; }
    if (Math.abs(Number(a[i]) - Number(b[i])) > faultTolerance(Number(b[i]))) return false;
  }
  return true;
}

let failed = 0;
for (const file of files) {
  const name = path.basename(file);
  const m = modelRun(file);
  const n = nativeRun(file, m.stopped ? kEndlessSeconds : kFiniteSeconds);
  if (n.error) { console.log(`FAIL ${name}: ${n.error}`); failed++; continue; }
  const problems = [];
  if (m.status !== 0) problems.push(`pinpages run exited ${m.status}:\n${m.stderr}`);
  if (!n.timedOut && n.status !== 0) problems.push(`the native program exited ${n.status}: ${n.stderr}`);
  if (n.timedOut !== m.stopped) {
    problems.push(n.timedOut ? 'runs forever natively but the model did not stop it with a note'
                             : 'the model stopped it early but it ends natively');
  }
  let ml = m.out.split('\n'), kl = n.out.split('\n');
  if (n.timedOut) {
    // An endless loop: what both printed first must agree (the last native line may be cut).
    const len = Math.min(ml.length, kl.length) - 1;
    if (len < kMinPrefix) problems.push(`printed too little to compare (${len} lines)`);
    ml = ml.slice(0, len); kl = kl.slice(0, len);
  }
  const vary = varyPatterns(file);
  if (!problems.length) {
    if (ml.length !== kl.length) problems.push(`model printed ${ml.length} lines, kernel ${kl.length}`);
    for (let i = 0; i < Math.min(ml.length, kl.length) && problems.length < 5; i++) {
      if (!sameLine(ml[i], kl[i], vary)) problems.push(`line ${i + 1}:\n   model:  ${ml[i]}\n   kernel: ${kl[i]}`);
    }
  }
  if (problems.length) {
    failed++;
    console.log(`FAIL ${name}\n  ${problems.join('\n  ')}`);
  } else {
    console.log(`ok   ${name}: ${kl.length} lines match${n.timedOut ? ' (endless: first lines)' : ''}`);
  }
}
console.log(`${files.length} programs, ${failed} failed`);
process.exit(failed ? 1 : 0);
