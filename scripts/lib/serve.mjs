// The static server for the built page: sirv serves the files (MIME types — browsers
// refuse streaming compilation of wasm served as anything but application/wasm —, the
// path guard, ETags with no-cache so a rebuilt page is never stale) and the compression
// middleware compresses them (brotli for browsers that accept it, else gzip), so what
// the page transfers here is what a real web server would transfer. Bound to 127.0.0.1.
//
// What is ours: '/' shows the chosen page (index.html, or pinpages.html for the one-file
// build), X-Decoded-Length for the loader's progress bar, and the size report.
//
//   node scripts/lib/serve.mjs --dir build/web --port 8000 [--page index.html] [--quiet]
//   node scripts/lib/serve.mjs --dir build/web --size-only   (prints the transfer size)
import { createServer } from 'node:http';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { brotliCompressSync, gzipSync, constants as zc } from 'node:zlib';
import { createRequire } from 'node:module';
import sirv from 'sirv';
import { lookup } from 'mrmime';

const require = createRequire(import.meta.url);
const compression = require('compression');
const compressible = require('compressible');

// gzip at its best for clients without brotli; brotli keeps the middleware's own default
// quality (4), which the size report below repeats.
const GZIP_LEVEL = 9;
const BROTLI_QUALITY = 4;
const THRESHOLD = 1024;  // the middleware's default: smaller bodies go uncompressed

// The files a browser fetches for `index` in `dir`: the page, what it links (src/href),
// and for the served build the pinpages.js + pinpages.wasm that loader.js downloads.
export function pageResources(dir, index = 'index.html') {
  const files = [index];
  let html = '';
  try { html = readFileSync(join(dir, index), 'utf8'); } catch { return []; }
  for (const m of html.matchAll(/\s(?:src|href)="([^"#?:]+)"/g)) files.push(m[1]);
  // The add-ons loader.js loads after the first frame (scripts/lib/page.mjs).
  const addons = html.match(/<script id="pp-addons" type="application\/json">([^<]*)<\/script>/);
  if (addons) { try { files.push(...JSON.parse(addons[1])); } catch { /* listed as it is */ } }
  if (/<script src="loader\.js">/.test(html)) files.push('pinpages.js', 'pinpages.wasm');
  return [...new Set(files)].filter((f) => {
    try { return statSync(join(dir, f)).isFile(); } catch { return false; }
  });
}

// What a browser gets for one file: its precompressed sibling (scripts/lib/page.mjs) when
// there is one, else what the middleware sends: brotli when the type is compressible and
// the body passes the threshold, else the bytes as they are.
function wireBytes(name, buf, dir) {
  const sibling = (ext) => { try { return statSync(join(dir, name + ext)).size; } catch { return 0; } };
  if (sibling('.br') && sibling('.gz')) return { br: sibling('.br'), gzip: sibling('.gz') };
  const type = lookup(name) || 'application/octet-stream';
  if (!compressible(type) || buf.length < THRESHOLD) return { br: buf.length, gzip: buf.length };
  return {
    br: brotliCompressSync(buf, { params: { [zc.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } }).length,
    gzip: gzipSync(buf, { level: GZIP_LEVEL }).length,
  };
}

// { files: [{ name, bytes, br, gzip }], bytes, br, gzip }: what serving `index` transfers
// (bodies only), to a browser that accepts brotli and to one that accepts only gzip.
export function transferSize(dir, index = 'index.html') {
  const files = pageResources(dir, index).map((name) => {
    const buf = readFileSync(join(dir, name));
    return { name, bytes: buf.length, ...wireBytes(name, buf, dir) };
  });
  const sum = (k) => files.reduce((a, f) => a + f[k], 0);
  return { files, bytes: sum('bytes'), br: sum('br'), gzip: sum('gzip') };
}

export function startServer({ dir = 'build/web', listenPort = 8000, listenHost = '127.0.0.1',
  log = true, index = 'index.html' } = {}) {
  const root = resolve(dir);
  const compress = compression({ level: GZIP_LEVEL, threshold: THRESHOLD });
  const files = sirv(root, {
    dev: true,   // look every file up again: the build may replace it while we serve
    etag: true,
    brotli: true, gzip: true,  // FILE.br / FILE.gz from the build, sent as they are
    // The size after decompression, for the loader's progress bar: fetch() hands it
    // decompressed bytes, while a compressed response has no Content-Length at all
    // (and a precompressed one's is the compressed size).
    setHeaders: (res, path, stats) => {
      let size = stats.size;
      try { size = statSync(join(root, path)).size; } catch { /* keep the served file's */ }
      res.setHeader('X-Decoded-Length', size);
      res.setHeader('X-Content-Type-Options', 'nosniff');
    },
    onNoMatch: (req, res) => {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      if (log) console.log(`404 ${req.url}`);
    },
  });
  const server = createServer((req, res) => {
    // A folder shows the chosen page (sirv alone would look for index.html).
    const q = req.url.indexOf('?');
    const path = q < 0 ? req.url : req.url.slice(0, q);
    if (path.endsWith('/')) req.url = path + index + (q < 0 ? '' : req.url.slice(q));
    compress(req, res, () => files(req, res));
  });
  return new Promise((res, rej) => {
    server.once('error', rej);
    server.listen(listenPort, listenHost, () => res(server));
  });
}

const kb = (n) => `${(n / 1024).toFixed(0)} KB`;

// One line per file the page fetches and the total, as served.
export function describeTransfer(dir, index = 'index.html') {
  const t = transferSize(dir, index);
  return `transfer: ${kb(t.br)} brotli, ${kb(t.gzip)} gzip (${kb(t.bytes)} uncompressed) — ` +
    t.files.map((f) => `${f.name} ${kb(f.br)}`).join(', ');
}

function main() {
  const { values: o } = parseArgs({
    options: {
      dir: { type: 'string', default: 'build/web' },
      port: { type: 'string', default: '8000' },
      host: { type: 'string', default: '127.0.0.1' },
      page: { type: 'string', default: 'index.html' },
      quiet: { type: 'boolean', default: false },
      'size-only': { type: 'boolean', default: false },
    },
  });
  const dir = resolve(o.dir);
  if (o['size-only']) {
    // scripts/test: the page's transfer size, no server.
    console.log(describeTransfer(dir, o.page));
    return;
  }
  const port = Number(o.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port ${o.port}: not a port number (0-65535)`);
    process.exit(2);
  }
  startServer({ dir, listenPort: port, listenHost: o.host, log: !o.quiet, index: o.page }).then((server) => {
    const { port: p } = server.address();
    console.log(`pinpages is served at http://${o.host}:${p}/  (files from ${dir}; Ctrl+C stops)`);
    console.log(describeTransfer(dir, o.page));
  }).catch((e) => {
    console.error(e.code === 'EADDRINUSE'
      ? `port ${port} is in use: try scripts/serve --port ${port + 1}`
      : `cannot serve: ${e.message}`);
    process.exit(1);
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    main();
  } catch (e) {
    // parseArgs: an unknown option or a missing value.
    console.error(`serve.mjs: ${e.message}`);
    process.exit(2);
  }
}
