// Real clients nobody here wrote: the npm packages @segment/analytics-next
// and @rudderstack/analytics-js, loaded from node_modules (their own browser
// builds, served by the collector from a temporary folder; no CDN, every
// other request is blocked), send to microtrack-collector on loopback from
// another origin (localhost vs 127.0.0.1, so CORS and preflights are real),
// with a writeKey check on. Their events must be accepted and stored right.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT, COLLECTOR_BIN, launchBrowser, recordPage, fetchEvents, checkBuild } from './harness.mjs';

const SEGMENT_DIR = path.join(ROOT, 'node_modules', '@segment', 'analytics-next', 'dist', 'umd');
const RUDDER_FILE = path.join(ROOT, 'node_modules', '@rudderstack', 'analytics-js', 'dist', 'npm', 'modern', 'bundled', 'umd', 'index.js');
const FIXTURES = path.join(ROOT, 'tests', 'browser', 'fixtures', 'clients');
const WRITE_KEYS = ['segment-key', 'rudder-key'];

let site, db, child, base, browser;
const collectorLog = [];

before(async () => {
  checkBuild();
  for (const f of [SEGMENT_DIR, RUDDER_FILE])
    if (!existsSync(f)) throw new Error(`missing ${f}: run npm ci`);
  site = mkdtempSync(path.join(tmpdir(), 'mt-clients-'));
  cpSync(FIXTURES, site, { recursive: true });
  cpSync(SEGMENT_DIR, path.join(site, 'vendor', 'segment'), { recursive: true, filter: (f) => !f.endsWith('.gz') && !f.endsWith('.map') });
  // analytics-next loads lazy chunks from <cdnURL>/analytics-next/bundles/.
  cpSync(SEGMENT_DIR, path.join(site, 'analytics-next', 'bundles'), { recursive: true, filter: (f) => !f.endsWith('.gz') && !f.endsWith('.map') });
  cpSync(RUDDER_FILE, path.join(site, 'vendor', 'rudderstack', 'index.js'));
  db = path.join(site, 'events.db');
  child = spawn(COLLECTOR_BIN, ['--port', '0', '--db', db, '--site', site, '--dist', '', '--dashboard', '',
    '--write-key', WRITE_KEYS.join(',')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  createInterface({ input: child.stderr }).on('line', (l) => collectorLog.push(l));
  base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('collector did not start')), 15000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /listening on (http:\/\/\S+)$/.exec(line);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`collector exited ${code}: ${collectorLog.join('\n')}`)); });
  });
  browser = await launchBrowser();
});

after(async () => {
  try { if (browser) await browser.close(); } catch {}
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  if (site) rmSync(site, { recursive: true, force: true });
});

/** Opens a client page on http://localhost:PORT posting to http://127.0.0.1:PORT; blocks every other host. */
async function runClient(t, file, extra = '') {
  const context = await browser.newContext();
  const blocked = [];
  await context.route('**/*', (route) => {
    const host = new URL(route.request().url()).hostname;
    if (host === 'localhost' || host === '127.0.0.1') return route.continue();
    blocked.push(route.request().url());
    return route.abort();
  });
  const page = await context.newPage();
  const rec = recordPage(page);
  // Every answer of the collector, whatever route the client used (/v1/t, /v1/page, ...).
  const answers = [];
  page.on('response', (r) => {
    if (r.request().method() === 'POST' && r.url().startsWith(base + '/v1/')) answers.push({ status: r.status(), url: r.url() });
  });
  const port = new URL(base).port;
  const url = `http://localhost:${port}/${file}?collector=${encodeURIComponent(base)}${extra}`;
  const res = await page.goto(url, { waitUntil: 'load' });
  assert.equal(res.status(), 200);
  const outcome = await page.evaluate(() => Promise.race([window.clientRun,
    new Promise((r) => setTimeout(() => r('timeout'), 15000))]));
  return { context, page, rec, outcome, blocked, answers };
}

async function waitStored(predicate, n, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = (await fetchEvents(base)).filter(predicate);
    if (rows.length >= n || Date.now() > deadline) return rows;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function checkCommon(rows, { library, anonymousId }) {
  for (const r of rows) {
    assert.equal(r.context.library.name, library);
    assert.equal(r.anonymous_id, anonymousId, 'one anonymousId for the visit');
    assert.match(r.received_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const skew = Math.abs(Date.parse(r.corrected_timestamp) - Date.parse(r.received_at));
    assert.ok(skew < 60000, `corrected timestamp near receipt (${skew} ms)`);
  }
}

test('@segment/analytics-next: page, track, identify are accepted and stored', async (t) => {
  const run = await runClient(t, 'segment.html');
  t.diagnostic(`outcome ${run.outcome}; requests: ${run.rec.requests.map((r) => `${r.method} ${r.url}`).join(' | ')}`);
  assert.equal(run.outcome, 'sent');
  assert.deepEqual(run.blocked, [], 'no request left loopback');
  const rows = await waitStored((e) => e.context && e.context.library && e.context.library.name === 'analytics.js', 4);
  assert.equal(rows.length, 4, `stored: ${JSON.stringify(rows.map((r) => [r.type, r.event]))}\n${collectorLog.slice(-20).join('\n')}`);
  rows.sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp) || a.id - b.id);
  assert.deepEqual(rows.map((r) => [r.type, r.event]),
    [['page', 'Home'], ['track', 'form_start'], ['identify', null], ['track', 'purchase']]);
  checkCommon(rows, { library: 'analytics.js', anonymousId: rows[0].anonymous_id });
  assert.deepEqual(rows[1].properties, { form_id: 'newsletter', field: 'email' });
  assert.equal(rows[0].properties.section, 'landing');
  assert.equal(rows[0].properties.path, '/segment.html');
  assert.equal(rows[2].user_id, 'segment-user');
  assert.deepEqual(rows[2].properties, { plan: 'pro' }); // identify traits
  assert.equal(rows[3].user_id, 'segment-user', 'later events carry the userId');
  assert.deepEqual(rows[3].properties, { value: 42, currency: 'EUR' });
  assert.ok(rows.every((r) => r.raw.writeKey === 'segment-key'), 'writeKey in the body');
  // Every collector answer the page saw was a success.
  assert.ok(run.answers.length >= 4 && run.answers.every((a) => a.status === 200),
    JSON.stringify(run.answers));
  await run.context.close();
});

for (const batch of [false, true]) {
  test(`@rudderstack/analytics-js (${batch ? 'batched, /v1/batch' : 'one request per event'}): events accepted and stored`, async (t) => {
    const run = await runClient(t, 'rudderstack.html', batch ? '&batch=1' : '');
    t.diagnostic(`outcome ${run.outcome}; requests: ${run.rec.requests.map((r) => `${r.method} ${r.url}`).join(' | ')}`);
    assert.equal(run.outcome, 'sent');
    assert.deepEqual(run.blocked, [], 'no request left loopback');
    const anonymousId = await run.page.evaluate(() => window.rudderClient.getAnonymousId());
    const mine = (e) => e.context && e.context.library && e.context.library.name === 'RudderLabs JavaScript SDK' &&
      e.anonymous_id === anonymousId;
    const rows = await waitStored(mine, 4);
    assert.equal(rows.length, 4, `stored: ${JSON.stringify(rows.map((r) => [r.type, r.event]))}\n${collectorLog.slice(-20).join('\n')}`);
    rows.sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp) || a.id - b.id);
    assert.deepEqual(rows.map((r) => [r.type, r.event]),
      [['page', 'Home'], ['track', 'form_start'], ['identify', null], ['track', 'purchase']]);
    checkCommon(rows, { library: 'RudderLabs JavaScript SDK', anonymousId });
    // RudderStack names the client time originalTimestamp: stored as the timestamp.
    for (const r of rows) assert.equal(r.timestamp, r.raw.originalTimestamp);
    assert.equal(rows[0].properties.section, 'landing');
    assert.equal(rows[0].properties.path, '/rudderstack.html');
    assert.deepEqual({ form_id: rows[1].properties.form_id, field: rows[1].properties.field }, { form_id: 'newsletter', field: 'email' });
    assert.equal(rows[2].user_id, 'rudder-user');
    assert.equal(rows[2].properties.plan, 'pro');
    assert.equal(rows[3].user_id, 'rudder-user');
    assert.equal(rows[3].properties.value, 42);
    const posts = run.rec.requests.filter((r) => r.method === 'POST' && new URL(r.url).origin === base);
    assert.ok(posts.length >= 1, 'posted to the collector');
    if (batch) assert.ok(posts.some((p) => new URL(p.url).pathname === '/v1/batch'), 'used /v1/batch');
    assert.ok(posts.every((p) => (p.headers.authorization || '').startsWith('Basic ')), 'writeKey as Basic auth');
    await run.context.close();
  });
}

test('a client with a writeKey the collector does not accept is refused (401)', async () => {
  const run = await runClient({ diagnostic() {} }, 'segment.html', '&writeKey=wrong-key');
  const rows = await waitStored((e) => e.raw && e.raw.writeKey === 'wrong-key', 1, 1500);
  assert.equal(rows.length, 0);
  assert.ok(run.answers.some((a) => a.status === 401), JSON.stringify(run.answers));
  await run.context.close();
});
