#!/usr/bin/env node
/**
 * Serve the built explorer (dist/explorer, from `npm run build:web`) on localhost and print its
 * address. A tiny static server (node:http): port from $PORT, else the first free port from 5173.
 * The page itself is static (relative base './'): any static host serves dist/explorer as well.
 *
 *   npm run explorer            # build, then serve
 *   node scripts/explorer.mjs [DIR]
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const root = path.resolve(process.argv[2] ?? path.join(repo, 'dist', 'explorer'));

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** A request handler serving the files under `dir` (index.html for directories; 404 outside). */
export function staticHandler(dir) {
  const base = path.resolve(dir);
  return (req, res) => {
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      res.writeHead(400).end('bad request');
      return;
    }
    let file = path.resolve(base, '.' + pathname);
    if (file !== base && !file.startsWith(base + path.sep)) {
      res.writeHead(403).end('forbidden');
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    fs.readFile(file, (err, body) => {
      if (err) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  };
}

/** Listen on `port`, or on the first free port from `port` upwards when `scan` is set. */
export function listen(server, port, scan, host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const tryPort = (p) => {
      const onError = (err) => {
        server.off('listening', onListening);
        if (scan && err.code === 'EADDRINUSE' && p < port + 100) tryPort(p + 1);
        else reject(err);
      };
      const onListening = () => {
        server.off('error', onError);
        resolve(server.address().port);
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen(p, host);
    };
    tryPort(port);
  });
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  if (!fs.existsSync(path.join(root, 'index.html'))) {
    console.error(`explorer: ${path.relative(process.cwd(), root) || root}/index.html not found; build it first with npm run build:web (or npm run explorer)`);
    process.exit(1);
  }
  const fromEnv = process.env.PORT !== undefined && process.env.PORT !== '';
  const port = fromEnv ? Number(process.env.PORT) : 5173;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`explorer: PORT must be an integer in [0, 65535], got ${process.env.PORT}`);
    process.exit(1);
  }
  const server = http.createServer(staticHandler(root));
  listen(server, port, !fromEnv).then(
    (p) => {
      console.log(`nlbgk explorer: http://localhost:${p}/  (serving ${path.relative(process.cwd(), root) || '.'}; Ctrl-C to stop)`);
    },
    (err) => {
      console.error(`explorer: cannot listen on port ${port}: ${err.message}`);
      process.exit(1);
    },
  );
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
}
