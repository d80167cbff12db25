// Shared setup for the detector specs:
//   node --test tests/browser/detectors/*.spec.mjs
//
// On top of tests/browser/harness.mjs (one real collector serving the demo
// site, one Chromium per file, a fresh context per page), every page is
// opened through a small recording HTTP proxy in front of the collector, so
// that EVERY request the page makes to its own origin is seen with its full
// body — including the sendBeacon() POSTs sent while a page unloads, which
// Playwright's request events miss. Links to other sites are answered by a
// stub page (no network), and a test can replace the site's /mt-init.js to
// run the real demo pages with another init config.
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import assert from 'node:assert/strict';
import { after } from 'node:test';
import { useHarness, awaitReady, flush, fetchEvents } from '../harness.mjs';

export { awaitReady, flush };

/** A reverse proxy to `target` that records every request (method, url, headers, body). */
async function startRecordingProxy(target) {
  const upstream = new URL(target);
  const sockets = new Set();
  const proxy = { records: [], url: '' };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      // A ?compression=gzip body (CONTRACT §4) is recorded as its JSON, so
      // that what the checks look for in bodies is really looked for.
      const compressed = new URL(req.url, 'http://x').searchParams.get('compression') === 'gzip';
      let text = body.toString('utf8');
      try { if (compressed) text = gunzipSync(body).toString('utf8'); } catch {}
      proxy.records.push({ at: Date.now(), method: req.method, url: req.url, headers: req.headers, body: text, compressed });
      const up = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url,
        headers: { ...req.headers, host: upstream.host } }, (r) => {
        res.writeHead(r.statusCode, r.headers);
        r.pipe(res);
      });
      up.on('error', () => res.destroy());
      up.end(body);
    });
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${server.address().port}`;
  proxy.close = () => new Promise((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  });
  return proxy;
}

/** The snippet + init call of web-demo/site/mt-init.js, with another config. */
export function initScript(config) {
  return 'window.microtrack = window.microtrack || function () { (microtrack.q = microtrack.q || []).push(arguments); };\n' +
    `microtrack('init', ${JSON.stringify(config)});\n`;
}

/** The demo site's own config (web-demo/site/mt-init.js), for overrides. */
export const SITE_CONFIG = {
  collector: '/v1/batch',
  visibility: [{ name: 'pricing_teaser', selector: '#pricing-teaser' }],
  goals: [
    { name: 'visited_pricing', path: '/pricing.html' },
    { name: 'article_read', all: [{ event: 'scroll_depth', where: { percent: 75 } }, { engagedMs: 20000 }], path: '/blog/*' }
  ]
};

export const label = (e) => (e.type === 'track' ? e.event : e.type);
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Stored rows in the order they happened: by timestamp, then by arrival. */
export const chronological = (rows) =>
  [...rows].sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp) || a.id - b.id);

export function useDetectorHarness() {
  const h = useHarness();  // the demo site web-demo/site at /
  const d = { h, proxy: null, base: '' };

  // Started with the first page (the harness's collector is up by then).
  const ensureProxy = async () => {
    if (d.proxy) return;
    assert.ok(h.base, 'the collector is running');
    d.proxy = await startRecordingProxy(h.base);
    d.base = d.proxy.url;
  };
  after(async () => { if (d.proxy) await d.proxy.close(); });

  /**
   * A fresh context and page on `urlPath` of the demo site (through the
   * proxy), ready. `config`: replaces /mt-init.js for this context;
   * `routes(context)`: more routes, ahead of the stub for other sites.
   * Resolves to { rec, page, context, anon }.
   */
  d.open = async (urlPath, { config, viewport, routes } = {}) => {
    await ensureProxy();
    const rec = await h.newPage(viewport ? { viewport } : {});
    const { page } = rec;
    const context = page.context();
    // Other sites: a stub page, so that a link that leaves the site leaves it for real.
    await context.route((u) => u.hostname !== '127.0.0.1', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<!DOCTYPE html><title>elsewhere</title><p>elsewhere</p>' }));
    if (config)
      await context.route((u) => u.pathname === '/mt-init.js', (route) =>
        route.fulfill({ status: 200, contentType: 'text/javascript', body: initScript(config) }));
    if (routes) await routes(context);
    const response = await page.goto(d.base + urlPath, { waitUntil: 'load' });
    assert.equal(response && response.status(), 200, `GET ${urlPath}`);
    assert.equal(await awaitReady(page), true, 'microtrack.ready resolves true');
    const anon = await page.evaluate(() => JSON.parse(localStorage.getItem('microtrack')).anonymousId);
    assert.ok(anon, 'an anonymousId in localStorage');
    return { rec, page, context, anon };
  };

  /** Every event with this anonymousId in the batches POSTed so far (through the proxy). */
  d.posted = (anon) => d.proxy.records
    .filter((r) => r.method === 'POST' && r.url.startsWith('/v1/'))
    .flatMap((r) => { try { return JSON.parse(r.body).batch || []; } catch { return []; } })
    .filter((e) => e && e.anonymousId === anon);

  /**
   * Waits until the stored rows of this visitor satisfy predicate, then
   * `settleMs` more (so that a late duplicate shows), and returns them in
   * chronological order. Asserts that every event was POSTed exactly once
   * and that what was POSTed is what was stored.
   */
  d.rows = async (anon, predicate, { timeoutMs = 10000, settleMs = 250 } = {}) => {
    const select = (e) => e.anonymous_id === anon;
    let rows = await h.waitEvents(select, predicate, { timeoutMs });
    assert.ok(!rows.timedOut, `events did not arrive in time; stored: ${JSON.stringify(chronological(rows).map((e) => [label(e), e.properties]))}`);
    await sleep(settleMs);
    rows = (await fetchEvents(h.base)).filter(select);
    const sent = d.posted(anon).map((e) => e.messageId);
    const dup = sent.filter((id, i) => sent.indexOf(id) !== i);
    // On failure, say how: the same body twice is one request sent again (by
    // the browser's network stack), different bodies are two sends.
    const posts = dup.length ? d.proxy.records.filter((r) => r.method === 'POST' && r.body.includes(dup[0])) : [];
    assert.deepEqual(dup, [], `no event POSTed twice (${posts.length} POSTs hold ${dup[0]}: ` +
      posts.map((r) => `${r.url} at ${r.at} sentAt ${(/"sentAt":"([^"]*)"/.exec(r.body) || [])[1]}`).join('; ') + ')');
    assert.deepEqual([...sent].sort(), rows.map((e) => e.message_id).sort(), 'what was POSTed is what was stored');
    return chronological(rows);
  };

  return d;
}

/** The rows of the page view at `path` (from its page event to the next page event). */
export function pageSlices(rows) {
  const slices = [];
  for (const e of rows) {
    if (e.type === 'page') slices.push({ path: e.context.page.path, url: e.properties.url, rows: [e] });
    else if (slices.length) slices[slices.length - 1].rows.push(e);
    else slices.push({ path: null, rows: [e] });
  }
  return slices;
}

/** Prevents the default action of every click/auxclick on the page (the SDK's listeners still see them). */
export async function stayOnPage(page) {
  await page.evaluate(() => {
    const stop = (e) => e.preventDefault();
    addEventListener('click', stop);
    addEventListener('auxclick', stop);
  });
}

/** No page error and no microtrack: console error or warning on this page. */
export async function assertQuiet(rec) {
  await rec.syncConsole();
  assert.deepEqual(rec.errors.map(String), [], 'no page error');
  assert.deepEqual(rec.sdkMessages().filter((m) => m.type === 'error' || m.type === 'warning')
    .map((m) => `${m.type}: ${m.text}`), [], 'no microtrack: console error or warning');
}

/** Scrolls with the mouse wheel until the viewport's bottom reaches `percent` % of the document (or its end). */
export async function wheelTo(page, percent, step = 800) {
  await page.mouse.move(640, 360);
  for (let i = 0; i < 300; i++) {
    const s = await page.evaluate(() => ({ y: scrollY,
      reached: (scrollY + innerHeight) * 100 / document.documentElement.scrollHeight,
      end: Math.ceil(scrollY + innerHeight) >= document.documentElement.scrollHeight }));
    if (s.reached >= percent || s.end) return;
    await page.mouse.wheel(0, step);
    await page.waitForFunction((y) => scrollY !== y ||
      Math.ceil(scrollY + innerHeight) >= document.documentElement.scrollHeight, s.y, { timeout: 5000 });
  }
  throw new Error(`never reached ${percent} %`);
}

/** Two animation frames: lets the rAF-batched scroll sampler run. */
export function frames(page, n = 2) {
  return page.evaluate((count) => new Promise((resolve) => {
    const step = (left) => (left ? requestAnimationFrame(() => step(left - 1)) : resolve());
    step(count);
  }), n);
}
