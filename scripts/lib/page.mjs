// Assembles the page from web/ next to the Emscripten output.
//
//   --mode dir:    build/web/index.html (+ style.css, loader.js, add-on scripts)
//   --mode single: build/web-single/pinpages.html with the CSS, the Emscripten JS (built
//                  with -sSINGLE_FILE=1, so the wasm and fonts are inside it), loader.js
//                  and the add-ons inlined: it opens from file:// with no server.
//
// Add-ons: every web/*.js other than loader.js (e.g. a JS API other modules provide), in
// name order, after the npm packages they use (package.json; node_modules from `npm ci`):
// Prism's core, clike and c grammars for the editor's colours. The single file inlines
// them after loader.js. The served page lists them in <script id="pp-addons"> (JSON) in
// place of <!-- pinpages:addons -->, and loader.js loads them once the first frame is
// drawn, in order, before it calls the page started: what they do (the editor, the hooks,
// recordings) is not needed to draw the first frame, which would otherwise wait for six
// more requests and their scripts. Add-on style sheets (web/*.css besides style.css) are
// appended to the served style.css, in name order: one request, the same cascade.
//
// The served page's files also get compressed siblings (pinpages.wasm.br, .gz, ...) that
// the server hands out as they are (sirv's precompressed mode): brotli at its best quality
// makes the wasm ~20% smaller than compressing on the fly can afford to, and serving it
// costs the server no CPU while the browser compiles.
//
// The served page also gets the shipped recordings (--recordings assets/recordings) in
// recordings/, compressed likewise: it fetches a lesson's when the lesson opens, where the
// other builds carry them inside (src/runner/builtin_recordings.h).
//
//   node scripts/lib/page.mjs --mode dir|single --web web --js build/x/pinpages.js --out FILE
//                             [--recordings DIR]
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { brotliCompressSync, gzipSync, constants as zc } from 'node:zlib';

let args;
try {
  ({ values: args } = parseArgs({
    options: { mode: { type: 'string' }, web: { type: 'string' }, js: { type: 'string' }, out: { type: 'string' },
      recordings: { type: 'string' } },
  }));
} catch (e) {
  console.error(`page.mjs: ${e.message}`);
  process.exit(2);
}
for (const k of ['mode', 'web', 'js', 'out']) {
  if (!args[k]) { console.error(`page.mjs: missing --${k}`); process.exit(2); }
}
const die = (msg) => { console.error(`page.mjs: ${msg}`); process.exit(1); };

// FILE.br and FILE.gz next to each file worth compressing (what a browser would get from
// a server compressing on the fly); a small file gets none and is sent as it is.
const PRECOMPRESS_MIN = 1024;
function precompress(files) {
  for (const f of files) {
    const buf = readFileSync(f);
    for (const ext of ['.br', '.gz']) rmSync(f + ext, { force: true });
    if (buf.length < PRECOMPRESS_MIN) continue;
    writeFileSync(f + '.br', brotliCompressSync(buf, {
      params: { [zc.BROTLI_PARAM_QUALITY]: zc.BROTLI_MAX_QUALITY, [zc.BROTLI_PARAM_SIZE_HINT]: buf.length },
    }));
    writeFileSync(f + '.gz', gzipSync(buf, { level: 9 }));
  }
}

// Inside an inline <script>/<style>, "</script" or "</style" would end the element early.
const safeScript = (s) => s.replace(/<\/(script)/gi, '<\\/$1');
const safeStyle = (s) => s.replace(/<\/(style)/gi, '<\\/$1');
const read = (f) => readFileSync(join(args.web, f), 'utf8');

const addons = readdirSync(args.web).filter((f) => f.endsWith('.js') && f !== 'loader.js').sort();
const modules = join(dirname(fileURLToPath(import.meta.url)), '../../node_modules');
const npmScripts = ['prismjs/components/prism-core.min.js', 'prismjs/components/prism-clike.min.js',
  'prismjs/components/prism-c.min.js'].map((f) => join(modules, f));
let npmCode;
try {
  npmCode = npmScripts.map((f) => readFileSync(f, 'utf8'));
} catch (e) {
  die(`${e.message}: run \`npm ci\` (the page's npm packages are listed in package.json)`);
}
// Prism would otherwise colour every <code class="language-…"> on the page by itself.
const prismSetup = 'window.Prism = window.Prism || {}; window.Prism.manual = true;';
// Add-on style sheets (web/*.css besides style.css) follow style.css, in name order.
const styles = readdirSync(args.web).filter((f) => f.endsWith('.css') && f !== 'style.css').sort();
let html = read('index.html');
const linkTag = '<link rel="stylesheet" href="style.css">';
const loaderTag = '<script src="loader.js"></script>';
const addonMark = '<!-- pinpages:addons -->';
for (const t of [linkTag, loaderTag, addonMark]) {
  if (!html.includes(t)) die(`web/index.html no longer contains ${t}`);
}

// The wasm's download starts from a script in the head, not a <link rel="preload">: the
// page's main thread buffers a preloaded body whole (Chrome, traced: 50-80 ms for the
// 1.3 MB) before fetch() hands it on, while a fetch() streams it straight into the
// compiler. The first frame came 57-92 ms sooner (tests/web/bench.mjs, interleaved loads).
// loader.js compiles from this response (window.pinpagesWasmFetch).
const preloads = [
  '<script>(window.pinpagesWasmFetch = fetch("pinpages.wasm")).catch(() => {});</script>',
  '<link rel="preload" href="pinpages.js" as="script">'];

if (args.mode === 'dir') {
  const outDir = dirname(args.out);
  for (const f of ['loader.js', ...addons]) copyFileSync(join(args.web, f), join(outDir, f));
  for (const f of styles) for (const ext of ['', '.br', '.gz']) rmSync(join(outDir, f + ext), { force: true });  // older builds'
  writeFileSync(join(outDir, 'style.css'), ['style.css', ...styles].map((f) => `/* ${f} */\n${read(f)}`).join('\n'));
  for (const f of npmScripts) copyFileSync(f, join(outDir, basename(f)));
  // The wasm and the module's JS are what the first frame waits for: the browser starts
  // fetching them while it reads the head, and nothing else holds the page up.
  html = html.replace(linkTag, () => [...preloads, linkTag].join('\n'));
  const list = [...npmScripts.map((f) => basename(f)), ...addons];
  html = html.replace(addonMark, () => [`<script>${prismSetup}</script>`,
    `<script id="pp-addons" type="application/json">${JSON.stringify(list)}</script>`].join('\n'));
  writeFileSync(args.out, html);
  const recs = [];
  if (args.recordings) {
    const dir = join(outDir, 'recordings');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    for (const f of readdirSync(args.recordings).filter((n) => n.endsWith('.json'))) {
      copyFileSync(join(args.recordings, f), join(dir, f));
      recs.push(join('recordings', f));
    }
  }
  const wasm = args.js.replace(/\.js$/, '.wasm');
  precompress([basename(args.out), 'style.css', 'loader.js', ...addons, ...npmScripts.map((f) => basename(f)), ...recs]
    .map((f) => join(outDir, f)).concat([args.js, wasm].filter((f) => existsSync(f))));
} else if (args.mode === 'single') {
  const inline = (code) => `<script>\n${safeScript(code)}\n</script>`;
  // Function replacers: the inlined text may contain "$&"-style patterns.
  html = html.replace(linkTag, () => ['style.css', ...styles].map((f) => `<style>\n${safeStyle(read(f))}\n</style>`).join('\n'));
  html = html.replace(loaderTag, () => `${inline(readFileSync(args.js, 'utf8'))}\n${inline(read('loader.js'))}`);
  html = html.replace(addonMark, () => [inline(prismSetup), ...npmCode.map(inline), ...addons.map((f) => inline(read(f)))].join('\n'));
} else {
  die(`unknown --mode ${args.mode}`);
}
if (args.mode !== 'dir') writeFileSync(args.out, html);
console.log(`page.mjs: ${args.out} (${(Buffer.byteLength(html) / 1048576).toFixed(2)} MB${addons.length ? `, add-ons: ${addons.join(', ')}` : ''})`);
