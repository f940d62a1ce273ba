// Headless Debian chromium driven by playwright-core (no browser download), with
// software WebGL so the tests run on machines without a GPU.
import { chromium } from 'playwright-core';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { after, test as nodeTest } from 'node:test';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export const CHROMIUM = process.env.PP_CHROMIUM || '/usr/bin/chromium';
// Started through this script, which merges Playwright's --disable-features with ours.
const MERGE_FEATURES = join(ROOT, 'tests/web/chromium.sh');

const BASE_ARGS = [
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
  '--disable-dev-shm-usage',
  // Chromium's own omnibox popup is a web page (chrome://omnibox-popup.top-chrome) that
  // every new window preloads in a renderer of its own, unseen in headless mode: ~2.5 s of
  // CPU per page the tests open, taken from the page under test on a 2-core machine.
  '--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup,PreloadTopChromeWebUI',
  // file:// pages must still run their inline script; nothing more is relaxed.
];

// One browser per suite process; every launch() gets a context of its own, which shares no
// cache, storage or code cache with any other (an old one could hold a previous build).
// Starting Chromium costs seconds on a busy 2-core machine, a context a few milliseconds.
// A launch with extra command-line flags (no WebGL, file access) gets a browser of its own.
let shared = null;
const ownBrowsers = new Set();

async function startBrowser(extraArgs) {
  return chromium.launch({
    executablePath: MERGE_FEATURES, env: { ...process.env, PP_CHROMIUM_REAL: CHROMIUM },
    headless: true, args: [...BASE_ARGS, ...extraArgs],
  });
}

export async function launch(extraArgs = [], contextOptions = {}) {
  let browser;
  if (extraArgs.length) {
    browser = await startBrowser(extraArgs);
    ownBrowsers.add(browser);
  } else {
    if (!shared || !shared.isConnected()) shared = await startBrowser([]);
    browser = shared;
  }
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...contextOptions });
  // Loading the page (2 MB of wasm, compiled while it streams) on a busy 2-core machine can
  // take longer than Playwright's default 30 s; the suites' own waits say what they expect.
  ctx.setDefaultNavigationTimeout(120_000);
  const close = async () => {
    await ctx.close().catch(() => {});
    if (browser !== shared) {
      ownBrowsers.delete(browser);
      await browser.close().catch(() => {});
    }
  };
  return { ctx, close };
}

// Ends every browser this process started (the suite's last step; bench.mjs's end).
export async function closeBrowsers() {
  const all = [...ownBrowsers, ...(shared ? [shared] : [])];
  shared = null;
  ownBrowsers.clear();
  await Promise.all(all.map((b) => b.close().catch(() => {})));
}

// Collects what a developer would see in the console: errors and uncaught exceptions.
export function watchConsole(page) {
  const errors = [];
  const all = [];
  page.on('console', (m) => {
    all.push(`${m.type()}: ${m.text()}`);
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  return { errors, all };
}

// window.pinpages.figurePng() as the page's own download would get it: the blob: URL it
// returns, that blob's type and its bytes (a Buffer).
export async function figurePng(page) {
  const r = await page.evaluate(async () => {
    const url = window.pinpages.figurePng();
    if (!url) return { url };
    const blob = await (await fetch(url)).blob();
    return { url, type: blob.type, bytes: Array.from(new Uint8Array(await blob.arrayBuffer())) };
  });
  return { url: r.url, type: r.type, png: r.bytes ? Buffer.from(r.bytes) : null };
}

// Statistics of a PNG, decoded by the browser itself (no PNG library needed):
// how many distinct colours, and how much differs from the dominant (background) one.
export async function pixelStats(ctx, png) {
  const page = await ctx.newPage();
  try {
    return await page.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const g = c.getContext('2d');
      g.drawImage(img, 0, 0);
      const d = g.getImageData(0, 0, c.width, c.height).data;
      const counts = new Map();
      for (let i = 0; i < d.length; i += 4) {
        const k = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2];
        counts.set(k, (counts.get(k) || 0) + 1);
      }
      let bg = 0;
      for (const v of counts.values()) bg = Math.max(bg, v);
      const total = d.length / 4;
      return { width: c.width, height: c.height, colours: counts.size, nonBackground: (total - bg) / total };
    }, png.toString('base64'));
  } finally {
    await page.close();
  }
}

// A suite's command line (node:util parseArgs; an unknown option is an error):
//   --web DIR  --single FILE  --artifacts DIR (created)  --only TEXT (cases whose name has
//   it; may be repeated)
// plus the suite's own `options` ({name: {type, default}}). Paths come back absolute.
export function suiteArgs(options = {}) {
  const { values } = parseArgs({
    options: {
      web: { type: 'string', default: join(ROOT, 'build/web') },
      single: { type: 'string', default: join(ROOT, 'build/web-single/pinpages.html') },
      artifacts: { type: 'string', default: join(ROOT, 'build/artifacts') },
      only: { type: 'string', multiple: true, default: [] },
      ...options,
    },
  });
  for (const k of ['web', 'single', 'artifacts']) values[k] = resolve(values[k]);
  mkdirSync(values.artifacts, { recursive: true });
  return values;
}

// The suite's cases as node:test tests, run one after another in the order written. Each
// prints the line a person reads ("PASS name (s) — note" / "FAIL name" and why); the
// reporter (TAP under scripts/test: "# pass N", "# fail M") counts them, and a failure
// sets the exit code. `done` runs after the last case (servers, temporary files).
export function suite({ only = [], done = () => {} } = {}) {
  after(async () => {
    await done();
    await closeBrowsers();
  });
  return (name, fn) => {
    if (only.length && !only.some((o) => name.includes(o))) return;
    nodeTest(name, async () => {
      const t0 = Date.now();
      const secs = () => ((Date.now() - t0) / 1000).toFixed(1);
      try {
        const note = await fn();
        console.log(`PASS  ${name} (${secs()} s)${note ? ` — ${note}` : ''}`);
      } catch (e) {
        console.log(`FAIL  ${name} (${secs()} s)\n      ${String((e && e.message) || e).split('\n').join('\n      ')}`);
        throw e;
      }
    });
  };
}

// The served page and the moves every suite makes on it through window.pinpages. One
// server per suite, started on first use on a free port; close() stops it.
export function pageKit(webDir, { firstFrameMs = 90_000 } = {}) {
  const root = ROOT;
  let server, base;
  const fail = (msg) => { throw new Error(msg); };
  async function served() {
    if (!server) {
      if (!existsSync(join(webDir, 'pinpages.wasm'))) fail(`${webDir}/pinpages.wasm missing: build the web preset first`);
      const { startServer } = await import(pathToFileURL(join(root, 'scripts/lib/serve.mjs')).href);
      server = await startServer({ dir: webDir, listenPort: 0, log: false });
      base = `http://127.0.0.1:${server.address().port}/`;
    }
    return base;
  }
  // Lets the page draw n more frames. An idle page draws none (web/README.md), so the wait
  // asks for them; that input and hook calls bring frames by themselves is run.mjs's test.
  async function frames(page, n) {
    const k0 = await page.evaluate((k) => { window.pinpages.redraw(k); return window.pinpages.frameCount(); }, n);
    await page.waitForFunction((k) => window.pinpages.frameCount() >= k, k0 + n, { timeout: 30_000 });
  }
  // Opens the page at `#hash` and waits for its first frames and a valid state().
  async function open(ctx, hash, query = '') {
    const page = await ctx.newPage();
    const con = watchConsole(page);
    await page.goto(`${await served()}${query}#${hash}`);
    await page.waitForFunction(() => window.pinpages && (window.pinpages.started || window.pinpages.error),
      null, { timeout: firstFrameMs });
    if (await page.evaluate(() => window.pinpages.error)) fail('page reported an error');
    await page.waitForFunction(() => window.pinpages.state && window.pinpages.state(), null, { timeout: 30_000 });
    await frames(page, 4);
    return { page, con };
  }
  const state = (page) => page.evaluate(() => window.pinpages.state());
  // ImGui 1.86 reads key state once per frame (no input queue): hold the key across one
  // frame, as a person does, instead of a same-frame down/up.
  async function press(page, key) {
    await page.keyboard.down(key);
    await frames(page, 1);
    await page.keyboard.up(key);
    await frames(page, 1);
  }
  const close = () => server && server.close();
  return { served, frames, open, state, press, close };
}
