// A small static file server for the built page: correct MIME types (browsers refuse
// streaming compilation of wasm served as anything but application/wasm), no caching
// surprises while developing, bound to 127.0.0.1 only.
//
//   node scripts/lib/serve.mjs --dir build/web --port 8000 [--quiet]
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';

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
    res.writeHead(200, {
      'Content-Type': MIME[extname(file).toLowerCase()] || 'application/octet-stream',
      'Content-Length': st.size,
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  });
  return new Promise((res, rej) => {
    server.once('error', rej);
    server.listen(listenPort, listenHost, () => res(server));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  startServer().then((server) => {
    const { port: p } = server.address();
    console.log(`pinpages is served at http://${host}:${p}/  (files from ${root}; Ctrl+C stops)`);
  }).catch((e) => {
    console.error(e.code === 'EADDRINUSE'
      ? `port ${port} is in use: try scripts/serve --port ${port + 1}`
      : `cannot serve: ${e.message}`);
    process.exit(1);
  });
}
