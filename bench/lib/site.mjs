// The page origin: the demo site (web-demo/site) as is, and for each tracker
// /t/<name>/ = the demo's index.html with microtrack's script tags replaced by
// that tracker's snippet, /t/<name>/<file> = the tracker's files. Sends files
// uncompressed (the harness computes gzip/brotli sizes from the bodies).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.wasm': 'application/wasm', '.json': 'application/json', '.svg': 'image/svg+xml', '.webm': 'video/webm',
  '.wav': 'audio/wav', '.pdf': 'application/pdf',
};

export function pageFor(demoHtml, head) {
  const mt = /\s*<script src="\/mt-init\.js"><\/script>\s*<script async src="\/dist\/microtrack\.js"><\/script>/;
  if (!mt.test(demoHtml)) throw new Error('web-demo/site/index.html no longer has the two microtrack script tags the bench replaces');
  return demoHtml.replace(mt, '\n  ' + head);
}

export async function startSite({ siteDir, trackers }) {
  const demoHtml = readFileSync(join(siteDir, 'index.html'), 'utf8');
  const pages = Object.fromEntries(trackers.map((t) => [t.name, pageFor(demoHtml, t.head)]));
  const byName = Object.fromEntries(trackers.map((t) => [t.name, t]));
  const send = (res, status, type, data) => {
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-cache' });
    res.end(data);
  };
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(req.url.split('?')[0]);
    try {
      const m = /^\/t\/([a-z]+)\/(.*)$/.exec(path);
      if (m && byName[m[1]]) {
        const t = byName[m[1]];
        if (m[2] === '' || m[2] === 'index.html') return send(res, 200, TYPES['.html'], pages[t.name]);
        const file = t.files[m[2]] || (t.dir && !m[2].includes('..') ? join(t.dir, m[2]) : null);
        if (!file) return send(res, 404, 'text/plain', 'not found');
        return send(res, 200, TYPES[extname(file)] || 'application/octet-stream', await readFile(file));
      }
      const file = normalize(join(siteDir, path.endsWith('/') ? path + 'index.html' : path));
      if (!file.startsWith(siteDir)) return send(res, 403, 'text/plain', 'no');
      return send(res, 200, TYPES[extname(file)] || 'application/octet-stream', await readFile(file));
    } catch {
      return send(res, 404, 'text/plain', 'not found');
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: server.address().port,
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
  };
}
