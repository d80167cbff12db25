// A fault-injecting HTTP proxy in front of a collector, for the delivery
// tests (tests/browser/delivery-*.test.mjs) and bench/delivery.mjs.
//
// Every request is forwarded to `target`, except:
//   - POST /v1/batch, which first goes through `proxy.mode`:
//       'ok'          forward and pass the collector's answer back
//       500, 413, …   answer that status without forwarding
//       {status, retryAfter}  the same, with a Retry-After header (seconds)
//       'down'        destroy the socket (a network error for the page)
//       'hang'        never answer (the SDK's own timeout must fire)
//       {delayMs}     forward after delayMs (a slow collector)
//       (req, body) => one of the above, decided per request
//   - GET /mt/page.html?c=<config JSON>&calls=<JSON list of calls>: a page
//     with the CONTRACT §1 snippet, built from the query, so the tests need
//     no fixture files. It reports every accepted event to window.__mtSeen
//     (when the test exposed it).
//   - `routes` given by the caller: { '/path': (req, res) => … }.
//
// Every batch POST is recorded with the messageIds it carried and the
// status the page got, so a test can count sends and duplicate sends. A body
// marked ?compression=gzip (CONTRACT §4) is decoded for that and for
// `proxy.mode` (send.compressed says it was) and forwarded as it came, so
// the collector decodes it too. CORS preflights are counted in
// `proxy.preflights`.
import http from 'node:http';
import { gunzipSync } from 'node:zlib';

export const pageHtml = ({ config, calls = [], script = '/dist/microtrack.js', extraHead = '' }) => `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Delivery fixture</title><link rel="icon" href="data:,">
${extraHead}
<script>
window.microtrack = window.microtrack || function () { (microtrack.q = microtrack.q || []).push(arguments); };
microtrack('init', ${JSON.stringify(config)});
microtrack('on', 'event', function (e) { if (window.__mtSeen) window.__mtSeen(e.messageId, e.event || e.type); });
${calls.map((c) => `microtrack.apply(null, ${JSON.stringify(c)});`).join('\n')}
</script>
<script async src="${script}"></script>
</head><body><h1>Delivery fixture</h1><a id="out" href="/">out</a></body></html>`;

export async function startProxy(target, { routes = {} } = {}) {
  const upstream = new URL(target);
  const sockets = new Set();
  const proxy = { mode: 'ok', sends: [], hung: [], preflights: 0, url: '' };

  const forward = (req, res, body) => {
    const up = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url,
      headers: { ...req.headers, host: upstream.host } }, (r) => {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    up.end(body);
  };

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url, 'http://x');
      if (req.method === 'OPTIONS') proxy.preflights++;
      if (routes[url.pathname]) return routes[url.pathname](req, res, body);
      if (url.pathname === '/mt/page.html') {
        const config = JSON.parse(url.searchParams.get('c') || '{"collector":"/v1/batch"}');
        const calls = JSON.parse(url.searchParams.get('calls') || '[]');
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
        return res.end(pageHtml({ config, calls }));
      }
      if (req.method !== 'POST' || url.pathname !== '/v1/batch') return forward(req, res, body);

      const compressed = url.searchParams.get('compression') === 'gzip';
      let json = body;
      try { if (compressed) json = gunzipSync(body); } catch {}
      let ids = [];
      try { ids = JSON.parse(json.toString('utf8')).batch.map((e) => e.messageId); } catch {}
      const send = { at: Date.now(), ids, bytes: body.length, jsonBytes: json.length, compressed, status: null,
        beacon: req.headers['sec-fetch-mode'] === 'no-cors', contentType: req.headers['content-type'] };
      proxy.sends.push(send);
      const mode = typeof proxy.mode === 'function' ? proxy.mode(req, json) : proxy.mode;
      if (mode === 'down') { send.status = 'reset'; return req.socket.destroy(); }
      if (mode === 'hang') { send.status = 'hang'; proxy.hung.push(res); return; }
      if (typeof mode === 'number' || (mode && mode.status)) {
        const status = mode.status || mode;
        send.status = status;
        res.writeHead(status, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*',
          'Access-Control-Expose-Headers': 'Retry-After', ...(mode.retryAfter ? { 'Retry-After': String(mode.retryAfter) } : {}) });
        return res.end('{"error":"injected"}');
      }
      const toCollector = () => {
        const up = http.request({ host: upstream.hostname, port: upstream.port, method: 'POST', path: req.url,
          headers: { ...req.headers, host: upstream.host } }, (r) => {
          send.status = r.statusCode;
          res.writeHead(r.statusCode, r.headers);
          r.pipe(res);
        });
        up.on('error', () => { send.status = 'upstream error'; res.destroy(); });
        up.end(body);
      };
      if (mode && mode.delayMs) setTimeout(toCollector, mode.delayMs);  // a slow collector
      else toCollector();
    });
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.port = server.address().port;
  proxy.url = `http://127.0.0.1:${proxy.port}`;
  proxy.close = () => new Promise((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  });
  return proxy;
}

/**
 * Counts what reached the collector's door for a set of expected
 * messageIds: how many POSTs carried each, how many of those came after one
 * that the collector had already answered 2xx (a duplicate send: not a
 * genuine retry), how many after a failure (a retry), and how many POSTs
 * carrying them had a gzip body.
 */
export function sendStats(proxy, expectedIds) {
  const expected = new Set(expectedIds);
  const seen = new Map();   // id -> { sends, delivered }
  let duplicateSends = 0;
  let retrySends = 0;
  let compressedSends = 0;  // fetches with a gzip body (?compression=gzip) carrying expected ids
  for (const s of proxy.sends) {
    if (s.compressed && s.ids.some((id) => expected.has(id))) compressedSends++;
    for (const id of s.ids) {
      if (!expected.has(id)) continue;
      const st = seen.get(id) || { sends: 0, delivered: false };
      if (st.sends) (st.delivered ? duplicateSends++ : retrySends++);
      st.sends++;
      if (typeof s.status === 'number' && s.status >= 200 && s.status < 300) st.delivered = true;
      seen.set(id, st);
    }
  }
  return { duplicateSends, retrySends, compressedSends, requests: proxy.sends.length };
}

/**
 * An init script (context.addInitScript) that fills the origin's localStorage
 * to its quota once per tab session, as scenario (g) needs.
 */
export function fillLocalStorage() {
  if (sessionStorage.getItem('filled')) return;
  sessionStorage.setItem('filled', '1');
  const chunk = 'x'.repeat(512 * 1024);
  try { for (let i = 0; i < 100; i++) localStorage.setItem('junk' + i, chunk); } catch (e) {}
  try { for (let i = 0; i < 1000; i++) localStorage.setItem('small' + i, 'x'.repeat(1024)); } catch (e) {}
}
