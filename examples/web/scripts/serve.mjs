#!/usr/bin/env node
// A small static server for out/site. By default it sends the headers that make the page
// cross-origin isolated (COOP same-origin + COEP require-corp), which browsers require before they
// hand out SharedArrayBuffer, hence threads; --no-isolation leaves them out (one thread).
// Usage: node scripts/serve.mjs [--port N] [--host H] [--root DIR] [--no-isolation]
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.bin': 'application/octet-stream',
  '.png': 'image/png',
};

/** Serves `root`; resolves to the URL and a close function. */
export function startServer({ root, port = 0, host = '127.0.0.1', isolate = true }) {
  const base = path.resolve(root);
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let file = path.join(base, decodeURIComponent(url.pathname));
    if (!file.startsWith(base)) return void res.writeHead(403).end();
    try {
      if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html');
      const headers = {
        'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'Cache-Control': 'no-store',
      };
      if (isolate)
        Object.assign(headers, {
          'Cross-Origin-Opener-Policy': 'same-origin',
          'Cross-Origin-Embedder-Policy': 'require-corp',
        });
      res.writeHead(200, headers);
      createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      resolve({ url: `http://${host}:${actual}/`, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      root: { type: 'string' },
      'no-isolation': { type: 'boolean' },
    },
  });
  const root = values.root ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '../out/site');
  const { url } = await startServer({
    root,
    port: Number(values.port ?? 8080),
    host: values.host ?? '127.0.0.1',
    isolate: !values['no-isolation'],
  });
  console.log(
    `gcopt web page: ${url}${values['no-isolation'] ? ' (not cross-origin isolated: one thread)' : ''}  (Ctrl-C stops)`,
  );
}
