// A small static file server for the built page: correct MIME types (browsers refuse
// streaming compilation of wasm served as anything but application/wasm), no caching
// surprises while developing, bound to 127.0.0.1 only.
//
// Text and wasm are sent gzip-compressed (Content-Encoding: gzip) to clients that accept
// it, so what the page transfers here is what a real web server would transfer. The
// compressed bytes are made once per file version (size + mtime) and kept in memory; the
// page's files are compressed in the background as soon as the server starts.
//
//   node scripts/lib/serve.mjs --dir build/web --port 8000 [--page index.html] [--quiet]
//   node scripts/lib/serve.mjs --dir build/web --size-only   (prints the transfer size)
import { createServer } from 'node:http';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { gzip as gzipCb, gzipSync, constants as zc } from 'node:zlib';
import { promisify } from 'node:util';

const gzipAsync = promisify(gzipCb);
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : dflt;
};
const root = resolve(opt('dir', 'build/web'));
const port = Number(opt('port', '8000'));
const host = opt('host', '127.0.0.1');
const quiet = argv.includes('--quiet');
const page = opt('page', 'index.html');  // what '/' shows

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.data': 'application/octet-stream',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.c': 'text/plain; charset=utf-8',
};

// Worth compressing: everything but already-compressed images.
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.wasm', '.json', '.data', '.svg',
  '.ico', '.ttf', '.txt', '.c']);
const GZIP_OPTS = { level: 9, memLevel: 9, strategy: zc.Z_DEFAULT_STRATEGY };

// path → { key, promise of Buffer }: one compression per file version, shared by
// concurrent requests.
const gzCache = new Map();
function gzipped(file, st) {
  const key = `${st.size}:${st.mtimeMs}`;
  const hit = gzCache.get(file);
  if (hit && hit.key === key) return hit.promise;
  const promise = gzipAsync(readFileSync(file), GZIP_OPTS);
  gzCache.set(file, { key, promise });
  promise.catch(() => gzCache.delete(file));
  return promise;
}

// "gzip" (or "*") listed in Accept-Encoding with a non-zero q.
function acceptsGzip(req) {
  return String(req.headers['accept-encoding'] || '').split(',').some((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (name.trim() !== 'gzip' && name.trim() !== '*') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return !q || Number(q.slice(2)) > 0;
  });
}

// The files a browser fetches for `index` in `dir`: the page, what it links (src/href),
// and for the served build the pinpages.js + pinpages.wasm that loader.js downloads.
export function pageResources(dir, index = 'index.html') {
  const files = [index];
  let html = '';
  try { html = readFileSync(join(dir, index), 'utf8'); } catch { return []; }
  for (const m of html.matchAll(/\s(?:src|href)="([^"#?:]+)"/g)) files.push(m[1]);
  if (/<script src="loader\.js">/.test(html)) files.push('pinpages.js', 'pinpages.wasm');
  return [...new Set(files)].filter((f) => {
    try { return statSync(join(dir, f)).isFile(); } catch { return false; }
  });
}

// { files: [{ name, bytes, gzip }], bytes, gzip }: what serving `index` transfers
// (bodies only, gzip as this server sends it).
export function transferSize(dir, index = 'index.html') {
  const files = pageResources(dir, index).map((name) => {
    const buf = readFileSync(join(dir, name));
    const gz = COMPRESSIBLE.has(extname(name).toLowerCase()) ? gzipSync(buf, GZIP_OPTS).length : buf.length;
    return { name, bytes: buf.length, gzip: gz };
  });
  return {
    files,
    bytes: files.reduce((a, f) => a + f.bytes, 0),
    gzip: files.reduce((a, f) => a + f.gzip, 0),
  };
}

export function startServer({ dir = root, listenPort = port, listenHost = host, log = !quiet, index = page } = {}) {
  const server = createServer((req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end('bad request');
      return;
    }
    if (path.endsWith('/')) path += index;
    const file = normalize(join(dir, path));
    if (file !== dir && !file.startsWith(dir + sep)) {
      res.writeHead(403).end('forbidden');
      return;
    }
    let st;
    try {
      st = statSync(file);
    } catch {
      st = null;
    }
    if (!st || !st.isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      if (log) console.log(`404 ${req.url}`);
      return;
    }
    const ext = extname(file).toLowerCase();
    const headers = {
      'Content-Type': MIME[ext] || 'application/octet-stream',
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    };
    if (!COMPRESSIBLE.has(ext)) {
      res.writeHead(200, { ...headers, 'Content-Length': st.size });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file).pipe(res);
      return;
    }
    headers.Vary = 'Accept-Encoding';
    if (!acceptsGzip(req)) {
      res.writeHead(200, { ...headers, 'Content-Length': st.size });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file).pipe(res);
      return;
    }
    gzipped(file, st).then((gz) => {
      res.writeHead(200, {
        ...headers,
        'Content-Encoding': 'gzip',
        'Content-Length': gz.length,
        // The size after decompression, for the loader's progress bar (fetch() hands it
        // decompressed bytes, while Content-Length counts compressed ones).
        'X-Decoded-Length': st.size,
      });
      res.end(req.method === 'HEAD' ? undefined : gz);
    }, (e) => {
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`cannot compress: ${e.message}`);
    });
  });
  // Compress the page's files now, so the first visitor does not wait for it.
  for (const f of pageResources(dir, index)) {
    const file = join(dir, f);
    if (COMPRESSIBLE.has(extname(f).toLowerCase())) gzipped(file, statSync(file)).catch(() => {});
  }
  return new Promise((res, rej) => {
    server.once('error', rej);
    server.listen(listenPort, listenHost, () => res(server));
  });
}

const kb = (n) => `${(n / 1024).toFixed(0)} KB`;

// One line per file the page fetches and the total, as served (gzip).
export function describeTransfer(dir, index = 'index.html') {
  const t = transferSize(dir, index);
  return `transfer: ${kb(t.gzip)} gzipped (${kb(t.bytes)} uncompressed) — ` +
    t.files.map((f) => `${f.name} ${kb(f.gzip)}`).join(', ');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (argv.includes('--size-only')) {
    // scripts/test: the page's transfer size, no server.
    console.log(describeTransfer(root, page));
    process.exit(0);
  }
  startServer().then((server) => {
    const { port: p } = server.address();
    console.log(`pinpages is served at http://${host}:${p}/  (files from ${root}; Ctrl+C stops)`);
    console.log(describeTransfer(root, page));
  }).catch((e) => {
    console.error(e.code === 'EADDRINUSE'
      ? `port ${port} is in use: try scripts/serve --port ${port + 1}`
      : `cannot serve: ${e.message}`);
    process.exit(1);
  });
}
