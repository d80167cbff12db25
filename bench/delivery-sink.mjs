// The loopback sink of bench/delivery-peers.mjs: one HTTP server per (peer,
// scenario) that is at once the page's origin and the peer's collector, with
// the same fault injection as tests/browser/fault-proxy.mjs (which stands in
// front of microtrack's real collector).
//
//   GET  /page.html          bench/delivery-fixtures/<peer>.html, {{ORIGIN}} and
//                            {{HOSTPORT}} filled in
//   GET  /outside            "another site" (the outbound link of scenario (e))
//   GET  /vendor/<peer>/…    the peer's published browser build from bench/node_modules
//   GET  /static/…           posthog-js/dist (PostHog's asset host = api_host)
//   GET  /segment-cdn/analytics-next/bundles/…  analytics-next's lazy chunks
//   anything else            an ingest request: first through `sink.mode`
//       'ok'          answer 200 and record the events
//       500, 413, …   answer that status (the events are recorded as refused)
//       'down'        destroy the socket (a network error for the page)
//       'hang'        never answer (until close())
//       (req, body) => one of the above, decided per request
//
// Every ingest request is recorded with the events it carried, as
// { id, name } by the peer's own id field (Snowplow `eid`, PostHog `uuid`,
// Segment `messageId`), and the status the page got, so the runner counts
// delivered / duplicated / duplicate sends per event id.
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH = fileURLToPath(new URL('.', import.meta.url));
const NM = join(BENCH, 'node_modules');
const FIXTURES = join(BENCH, 'delivery-fixtures');

const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.html': 'text/html; charset=utf-8' };

// Static roots per URL prefix (served for every peer; each page loads only its own).
const STATIC = {
  '/vendor/snowplow/': join(NM, '@snowplow/browser-tracker/dist/'),
  '/static/': join(NM, 'posthog-js/dist/'),
  '/segment-cdn/analytics-next/bundles/': join(NM, '@segment/analytics-next/dist/umd/'),
};

// ---------------------------------------------------------------------------
// Body decoding: each peer's wire format to a list of { id, name }.

/** Bytes → candidate JSON texts: gzip inflated, `data=<base64>` forms decoded. */
function texts(buf) {
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try { buf = gunzipSync(buf); } catch { /* keep raw */ }
  }
  const text = buf.toString('utf8');
  const out = [text];
  const m = /(?:^|&)data=([^&]*)/.exec(text);
  if (m) {
    const raw = decodeURIComponent(m[1].replace(/\+/g, ' '));
    out.push(raw);
    try { out.push(Buffer.from(raw, 'base64').toString('utf8')); } catch { /* not base64 */ }
  }
  return out;
}

function parseJson(buf) {
  for (const t of texts(buf)) {
    try { return JSON.parse(t); } catch { /* next */ }
  }
  return null;
}

export const PARSERS = {
  // {"schema":"iglu:…/payload_data/…","data":[{e, eid, se_ac, …}]}; GET /i?e=…&eid=…
  snowplow(buf, url) {
    const list = [];
    const j = parseJson(buf);
    if (j && Array.isArray(j.data)) for (const e of j.data) list.push(e);
    const q = url.indexOf('?');
    if (q >= 0 && !list.length) {
      const p = new URLSearchParams(url.slice(q + 1));
      if (p.get('eid')) list.push(Object.fromEntries(p));
    }
    return list.filter((e) => e && e.eid).map((e) => ({ id: e.eid, name: e.e === 'se' ? e.se_ac : `(${e.e})` }));
  },
  // /e/ or /i/v0/e/: an array of events, one event, or { batch: [...] }; gzip or base64 form
  posthog(buf) {
    const j = parseJson(buf);
    const list = Array.isArray(j) ? j : j && Array.isArray(j.batch) ? j.batch : j ? [j] : [];
    return list.filter((e) => e && e.uuid).map((e) => ({ id: e.uuid, name: e.event }));
  },
  // /v1/t, /v1/p, …: one event; /v1/b or /v1/batch: { batch: [...] }
  segment(buf) {
    const j = parseJson(buf);
    const list = j && Array.isArray(j.batch) ? j.batch : j ? [j] : [];
    return list.filter((e) => e && e.messageId).map((e) => ({ id: e.messageId, name: e.event || `(${e.type})` }));
  },
};

// ---------------------------------------------------------------------------

export async function startSink(peer) {
  if (!PARSERS[peer]) throw new Error(`no parser for ${peer}`);
  const template = readFileSync(join(FIXTURES, `${peer}.html`), 'utf8');
  const sockets = new Set();
  const sink = { peer, mode: 'ok', sends: [], hung: [], assets: [], port: 0, origin: '' };

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const path = decodeURIComponent(req.url.split('?')[0]);
      if (req.method === 'GET' || req.method === 'HEAD') {
        if (path === '/page.html') {
          res.writeHead(200, { 'Content-Type': TYPES['.html'], 'Cache-Control': 'no-store' });
          return res.end(template.replaceAll('{{ORIGIN}}', sink.origin).replaceAll('{{HOSTPORT}}', `127.0.0.1:${sink.port}`));
        }
        if (path === '/outside') {
          res.writeHead(200, { 'Content-Type': TYPES['.html'] });
          return res.end('<!DOCTYPE html><title>outside</title><p>another site</p>');
        }
        if (path === '/favicon.ico') { res.writeHead(204); return res.end(); }
        for (const [prefix, dir] of Object.entries(STATIC)) {
          if (!path.startsWith(prefix)) continue;
          const file = normalize(join(dir, path.slice(prefix.length)));
          if (!file.startsWith(dir) || file.includes(`${sep}..`)) break;
          try {
            const data = await readFile(file);
            sink.assets.push({ path, bytes: data.length });
            res.writeHead(200, { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-cache' });
            return res.end(data);
          } catch {
            sink.assets.push({ path, missing: true });
            res.writeHead(404); return res.end();
          }
        }
      }
      if (req.method === 'OPTIONS') {
        res.writeHead(204, {
          'Access-Control-Allow-Origin': req.headers.origin || '*', 'Access-Control-Allow-Credentials': 'true',
          'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
          'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] || 'Content-Type',
        });
        return res.end();
      }
      // An ingest request (or a stray GET the peer was not meant to make: recorded, no events).
      let events = [];
      try { events = PARSERS[peer](body, req.url); } catch { /* unparsable: no events */ }
      const send = { at: Date.now(), method: req.method, path, events, bytes: body.length, status: null,
        mode: req.headers['sec-fetch-mode'] || '' };
      sink.sends.push(send);
      const mode = typeof sink.mode === 'function' ? sink.mode(req, body) : sink.mode;
      if (mode === 'down') { send.status = 'reset'; return req.socket.destroy(); }
      if (mode === 'hang') { send.status = 'hang'; sink.hung.push(res); return; }
      const status = typeof mode === 'number' ? mode : 200;
      send.status = status;
      res.writeHead(status, {
        'Content-Type': 'application/json', 'Access-Control-Allow-Origin': req.headers.origin || '*',
        'Access-Control-Allow-Credentials': 'true',
      });
      return res.end(status === 200 ? '{"status":1}' : '{"error":"injected"}');
    });
  });
  server.keepAliveTimeout = 5000;
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.port = server.address().port;
  sink.origin = `http://127.0.0.1:${sink.port}`;
  sink.close = () => new Promise((resolve) => {
    for (const r of sink.hung) try { r.destroy(); } catch { /* gone */ }
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  });
  return sink;
}

/**
 * Counts, for the expected event names, what the sink saw:
 *   delivered        names with at least one copy answered 2xx
 *   duplicated       copies of a name under a second, third… id (what an
 *                    id-deduping collector would still store twice)
 *   duplicateSends   sends of an id after a send of it was answered 2xx
 *   retrySends       sends of an id after failed attempts only
 *   requests         all ingest requests (events or not)
 * The same definitions as fault-proxy.mjs's sendStats and the collector's
 * messageId dedupe in tests/browser/delivery-faults.test.mjs.
 */
export function countSink(sink, expectedNames) {
  const want = new Set(expectedNames);
  const idsOfName = new Map();
  const seen = new Map();  // id -> { sends, delivered }
  let duplicateSends = 0;
  let retrySends = 0;
  for (const s of sink.sends) {
    const ok = typeof s.status === 'number' && s.status >= 200 && s.status < 300;
    for (const { id, name } of s.events) {
      if (!want.has(name)) continue;
      const st = seen.get(id) || { sends: 0, delivered: false };
      if (st.sends) (st.delivered ? duplicateSends++ : retrySends++);
      st.sends++;
      if (ok) {
        st.delivered = true;
        if (!idsOfName.has(name)) idsOfName.set(name, new Set());
        idsOfName.get(name).add(id);
      }
      seen.set(id, st);
    }
  }
  let duplicated = 0;
  for (const ids of idsOfName.values()) duplicated += ids.size - 1;
  return { expected: want.size, delivered: idsOfName.size, duplicated, duplicateSends, retrySends,
    requests: sink.sends.length };
}
