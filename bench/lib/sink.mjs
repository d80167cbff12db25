// The loopback collector every tracker sends to: records each request (method,
// path, body and header bytes, whether it is a CORS preflight) and answers 200
// with CORS for any origin. Bench events carry a token `mtb<run>x<index>` in a
// property; the sink decodes each body (plain, gzip, PostHog's base64 form) and
// keeps the distinct indexes it saw for the current run, so "all delivered"
// means all 1,000 indexes arrived, whatever the wire format.
// It also serves PostHog's published dist/ under /static/ (PostHog loads its
// lazy extensions from `${api_host}/static/`).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { extname, join, normalize } from 'node:path';

const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm' };

export function decodeBody(buf, url) {
  const texts = [];
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try { buf = gunzipSync(buf); } catch { /* keep raw */ }
  }
  let text = buf.toString('utf8');
  texts.push(text);
  // PostHog without gzip: `data=<urlencoded base64 JSON>` (or compression=base64 in the query)
  const m = /(?:^|&)data=([^&]*)/.exec(text);
  if (m) {
    try { texts.push(Buffer.from(decodeURIComponent(m[1]), 'base64').toString('utf8')); } catch { /* ignore */ }
  }
  // GET trackers put everything in the query string
  if (url.includes('?')) {
    try { texts.push(decodeURIComponent(url.slice(url.indexOf('?') + 1))); } catch { texts.push(url); }
  }
  return texts.join('\n');
}

export async function startSink({ staticRoots = {} } = {}) {
  const state = { runKey: '', t0: 0, requests: [], tokens: new Set(), firstTokenAt: 0, lastTokenAt: 0, assets: [] };

  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const origin = req.headers.origin;
      const cors = {
        'Access-Control-Allow-Origin': origin || '*',
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
        'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] || 'Content-Type',
        'Access-Control-Max-Age': '600',
        'Vary': 'Origin',
      };
      const path = req.url.split('?')[0];
      // Static files (PostHog's lazy extensions), counted as assets, not deliveries.
      for (const [prefix, dir] of Object.entries(staticRoots)) {
        if (req.method === 'GET' && path.startsWith(prefix)) {
          const file = normalize(join(dir, path.slice(prefix.length)));
          try {
            const data = await readFile(file);
            state.assets.push({ t: Date.now() - state.t0, path, bytes: data.length });
            res.writeHead(200, { ...cors, 'Content-Type': TYPES[extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-cache' });
            res.end(data);
          } catch {
            state.assets.push({ t: Date.now() - state.t0, path, bytes: 0, missing: true });
            res.writeHead(404, cors); res.end();
          }
          return;
        }
      }
      const headerBytes = req.rawHeaders.reduce((n, h, i) => n + h.length + (i % 2 ? 2 : 2), 0) +
        req.method.length + req.url.length + 12;  // request line + "name: value\r\n" per header
      const entry = {
        t: Date.now() - state.t0, method: req.method, path, bodyBytes: body.length, headerBytes,
        preflight: req.method === 'OPTIONS', contentType: req.headers['content-type'] || '', events: 0,
      };
      if (req.method !== 'OPTIONS' && state.runKey) {
        const text = decodeBody(body, req.url);
        const re = new RegExp(`mtb${state.runKey}x(\\d+)`, 'g');
        let m;
        const seen = new Set();
        while ((m = re.exec(text))) seen.add(m[1]);
        entry.events = seen.size;
        if (seen.size) {
          for (const s of seen) state.tokens.add(s);
          if (!state.firstTokenAt) state.firstTokenAt = entry.t;
          state.lastTokenAt = entry.t;
        }
      }
      state.requests.push(entry);
      if (req.method === 'OPTIONS') { res.writeHead(204, cors); res.end(); return; }
      // As the reference collector answers: microtrack's SDK gzips its
      // bodies once a collector says it reads them (CONTRACT §6).
      res.writeHead(200, { ...cors, 'Content-Type': 'application/json', 'Microtrack-Compression': 'gzip',
        'Access-Control-Expose-Headers': 'Retry-After, Microtrack-Compression' });
      res.end('{"status":1,"code":200}');
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: server.address().port,
    state,
    reset(runKey) {
      state.runKey = String(runKey); state.t0 = Date.now(); state.requests = []; state.tokens = new Set();
      state.firstTokenAt = 0; state.lastTokenAt = 0; state.assets = [];
    },
    now: () => Date.now() - state.t0,
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
  };
}
