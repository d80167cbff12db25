// The production setup of docs/COLLECTOR.md, tested: real nginx (Debian's)
// on loopback in front of the collector, with the location snippets of
// deploy/nginx/ as they are shipped (only the TLS lines of microtrack.conf
// are left out: plain HTTP on loopback). Chromium sends the SDK's traffic
// through it, on the collector's own host and first-party under /mt/; node
// checks what the collector sees through the proxy: the client's address
// (each address its own rate limit; a forged X-Forwarded-For ignored),
// 429 + Retry-After, CORS, and the admin routes behind the token.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startCollector, launchBrowser, recordPage, checkBuild, ROOT } from './harness.mjs';
import { nginxConf } from './nginx-conf.mjs';

const NGINX = '/usr/sbin/nginx';
const TOKEN = 'nginx-test-admin-token-4f1c9a';
const SNIPPETS = path.join(ROOT, 'deploy', 'nginx');
const RATE_BURST = 5;

let browser, collector, nginx, tmp, hostPort, sitePort;

const freePort = () => new Promise((resolve, reject) => {
  const server = createServer();
  server.once('error', reject);
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});

// The first-party site: a page of the site's own that loads microtrack from
// /mt/ and sends to /mt/v1/batch, as docs/COLLECTOR.md shows.
const SITE_PAGE = `<!doctype html><html><head><title>First-party</title>
<script>
  window.microtrack = window.microtrack || function () { (microtrack.q = microtrack.q || []).push(arguments); };
  microtrack('init', { collector: '/mt/v1/batch', flushIntervalMs: 200 });
  microtrack('track', 'first_party_seen');
</script>
<script async src="/mt/microtrack.js"></script></head><body><p>Shop</p></body></html>`;

function nginxConfig(collectorPort) {
  return nginxConf(tmp, `  upstream microtrack_collector { server 127.0.0.1:${collectorPort}; keepalive 16; }
  server { listen 127.0.0.1:${hostPort}; include microtrack-collector-host.conf; }
  server { listen 127.0.0.1:${sitePort}; root ${tmp}/site; include microtrack-first-party.conf; }`);
}

before(async () => {
  checkBuild();
  tmp = mkdtempSync(path.join(tmpdir(), 'mt-nginx-'));
  chmodSync(tmp, 0o755);  // nginx's workers run as another user (www-data or nobody) and read the site
  for (const file of readdirSync(SNIPPETS)) if (file.endsWith('.conf')) copyFileSync(path.join(SNIPPETS, file), path.join(tmp, file));
  rmSync(path.join(tmp, 'microtrack.conf'));  // the TLS server blocks: replaced by nginx.conf below
  mkdirSync(path.join(tmp, 'site'), { mode: 0o755 });
  writeFileSync(path.join(tmp, 'site', 'shop.html'), SITE_PAGE);

  collector = await startCollector({
    args: ['--trusted-proxies', '127.0.0.1', '--rate-limit', '1', '--rate-burst', String(RATE_BURST)],
    env: { MICROTRACK_ADMIN_TOKEN: TOKEN },
  });
  hostPort = await freePort();
  sitePort = await freePort();
  writeFileSync(path.join(tmp, 'nginx.conf'), nginxConfig(collector.port));
  const check = spawnSync(NGINX, ['-t', '-p', tmp, '-c', path.join(tmp, 'nginx.conf')], { encoding: 'utf8' });
  assert.equal(check.status, 0, `nginx -t: ${check.stderr}`);
  nginx = spawn(NGINX, ['-p', tmp, '-c', path.join(tmp, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
  // Up when it answers (bounded).
  const deadline = Date.now() + 10000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${hostPort}/api/health`).then(() => true, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error('nginx did not answer within 10 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  browser = await launchBrowser();
});

after(async () => {
  try { await browser?.close(); } catch {}
  if (nginx && nginx.exitCode === null) {
    nginx.kill('SIGQUIT');
    await new Promise((resolve) => { nginx.once('exit', resolve); setTimeout(resolve, 5000); });
  }
  await collector?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

// One request through nginx from a chosen loopback source address.
function send(port, { method = 'POST', path: urlPath = '/v1/batch', from = '127.0.0.1', headers = {}, body = '' } = {}) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: urlPath, localAddress: from, headers, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => { text += chunk; });
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: text }));
      });
    req.setTimeout(10000, () => req.destroy(new Error('no answer in 10 s')));
    req.on('error', reject);
    req.end(body);
  });
}

let eventCounter = 0;
function batch() {
  eventCounter += 1;
  const now = new Date().toISOString();
  return JSON.stringify({ sentAt: now, batch: [{
    type: 'track', event: 'proxied', messageId: `nginx-${process.pid}-${eventCounter}`, anonymousId: 'anon-nginx',
    timestamp: now, properties: {}, context: { library: { name: 'test', version: '1' } } }] });
}

const adminEvents = async (query) => {
  const res = await fetch(`http://127.0.0.1:${hostPort}/api/events?limit=100000${query}`,
    { headers: { Authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.status, 200, 'the admin API answers through nginx with the token');
  return (await res.json()).events;
};

test('the demo through nginx: Chromium sends the SDK traffic, the events are stored', async (t) => {
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  const rec = recordPage(page);
  await page.goto(`http://127.0.0.1:${hostPort}/`, { waitUntil: 'load' });
  assert.equal(await page.evaluate(() => window.microtrack.ready), true, 'the core runs behind nginx');
  await page.evaluate(() => window.microtrack.flush());
  const deadline = Date.now() + 15000;
  let pages = [];
  while (Date.now() < deadline && !pages.length) {
    pages = (await adminEvents('&type=page')).filter((e) => e.anonymous_id === rec.batches[0]?.json?.batch?.[0]?.anonymousId);
    if (!pages.length) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(rec.batches.length >= 1, 'the page sent a batch through nginx');
  assert.equal(pages.length, 1, 'its page view is stored once');
  assert.deepEqual(rec.errors, [], 'no page error');
});

test('first-party under /mt/: script, wasm and batches on the site\'s own host', async (t) => {
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  const rec = recordPage(page);
  await page.goto(`http://127.0.0.1:${sitePort}/shop.html`, { waitUntil: 'load' });
  assert.equal(await page.evaluate(() => window.microtrack.ready), true, 'the core runs from /mt/');
  await page.evaluate(() => window.microtrack.flush());
  const site = `http://127.0.0.1:${sitePort}`;
  const microtrackRequests = rec.requests.filter((r) => /microtrack|\/v1\//.test(r.path));
  assert.ok(microtrackRequests.some((r) => r.path === '/mt/microtrack.wasm'), 'the wasm came from /mt/');
  for (const r of microtrackRequests) assert.ok(r.url.startsWith(`${site}/mt/`), `${r.url} is first-party under /mt/`);
  const deadline = Date.now() + 15000;
  let seen = [];
  while (Date.now() < deadline && !seen.length) {
    seen = await adminEvents('&event=first_party_seen');
    if (!seen.length) await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(seen.length, 1, 'the track call made on the first-party page is stored once');
  assert.equal(seen[0].context.page.path, '/shop.html');
});

test('client address through the proxy: each visitor its own rate limit, X-Forwarded-For not forgeable', async () => {
  // Every request reaches the collector from nginx (127.0.0.1). Were that the
  // address it limits, the second visitor below would be limited too.
  const first = [];
  for (let i = 0; i <= RATE_BURST; i += 1)
    first.push(await send(hostPort, { from: '127.0.0.2', headers: { 'Content-Type': 'text/plain' }, body: batch() }));
  assert.deepEqual(first.slice(0, RATE_BURST).map((r) => r.status), Array(RATE_BURST).fill(200), 'the burst is allowed');
  const limited = first[RATE_BURST];
  assert.equal(limited.status, 429, 'past the burst: 429');
  assert.match(limited.headers['retry-after'] ?? '', /^\d+$/, 'with Retry-After in seconds');
  assert.match(JSON.parse(limited.body).error, /rate|too many/i);

  const forged = await send(hostPort, { from: '127.0.0.2', body: batch(),
    headers: { 'Content-Type': 'text/plain', 'X-Forwarded-For': '198.51.100.7' } });
  assert.equal(forged.status, 429, 'a forged X-Forwarded-For does not give a fresh bucket');

  const other = await send(hostPort, { from: '127.0.0.3', headers: { 'Content-Type': 'text/plain' }, body: batch() });
  assert.equal(other.status, 200, 'another visitor is not limited by the first');
});

test('CORS through the proxy: preflight and answer carry the headers the SDK needs', async () => {
  const origin = 'https://shop.example';
  const preflight = await send(hostPort, { method: 'OPTIONS', from: '127.0.0.4', headers: {
    Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' } });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers['access-control-allow-origin'], origin);
  assert.match(preflight.headers['access-control-allow-methods'], /POST/);
  const answer = await send(hostPort, { from: '127.0.0.4', headers: { Origin: origin, 'Content-Type': 'text/plain' }, body: batch() });
  assert.equal(answer.status, 200);
  assert.equal(answer.headers['access-control-allow-origin'], origin);
  assert.match(answer.headers['access-control-expose-headers'], /Retry-After/i);
});

test('admin routes through the proxy: refused without the token, for the API and the dashboard', async () => {
  for (const urlPath of ['/api/events', '/api/totals', '/api/stream', '/dashboard/']) {
    const res = await send(hostPort, { method: 'GET', path: urlPath, from: '127.0.0.5' });
    assert.ok([401, 302, 303].includes(res.status), `${urlPath} without the token: ${res.status}`);
    assert.notEqual(res.status, 200);
  }
  const res = await send(hostPort, { method: 'GET', path: '/api/totals', from: '127.0.0.5',
    headers: { Authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.status, 200, 'with the bearer token');
});
