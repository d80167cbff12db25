// The collector's guards seen from a browser (issue 10):
//   - a collector with a tight rate limit answers the SDK 429 + Retry-After;
//     the SDK waits as told and every event still arrives exactly once;
//   - with an admin token, the dashboard refuses a browser without a login,
//     works after the login form, and sends it back to the form when the
//     API starts answering 401.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCollector, launchBrowser, recordPage, fetchEvents, checkBuild, FIXTURES } from './harness.mjs';
import { startProxy, sendStats } from './fault-proxy.mjs';

const TOKEN = 'browser-test-admin-token-0123';
let browser;
const cleanups = [];

before(async () => {
  checkBuild();
  browser = await launchBrowser();
});

after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
  try { await browser.close(); } catch {}
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('rate limit: 429 + Retry-After, honoured by the SDK; every event arrives exactly once', async (t) => {
  // One request per second, two at once: a page sending one event per batch must be slowed.
  const collector = await startCollector({ site: FIXTURES, args: ['--rate-limit', '1', '--rate-burst', '2'] });
  cleanups.push(() => collector.stop());
  // A pass-through proxy in front (mode 'ok'): it records every POST and the status the page got.
  const proxy = await startProxy(collector.url);
  cleanups.push(() => proxy.close());

  const context = await browser.newContext();
  cleanups.push(() => context.close());
  const page = await context.newPage();
  const rec = recordPage(page);
  const config = { collector: '/v1/batch', autoPageview: false, batchSize: 1, flushIntervalMs: 250 };
  await page.goto(`${proxy.url}/mt/page.html?c=${encodeURIComponent(JSON.stringify(config))}`, { waitUntil: 'load' });
  assert.equal(await page.evaluate(() => window.microtrack.ready), true, 'the core runs');

  const names = Array.from({ length: 6 }, (_, i) => `limited_${i + 1}`);
  await page.evaluate((list) => { for (const name of list) window.microtrack.track(name); }, names);

  // Six batches at one per second after the burst of two: about four seconds.
  let rows = [];
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    rows = (await fetchEvents(collector.url)).filter((e) => names.includes(e.event));
    if (new Set(rows.map((e) => e.event)).size === names.length) break;
    await sleep(100);
  }
  const stats = sendStats(proxy, rows.map((e) => e.message_id));
  const limited = proxy.sends.filter((s) => s.status === 429);
  t.diagnostic(`sends ${proxy.sends.length}, answered 429: ${limited.length}, stored ${rows.length} of ${names.length}`);

  assert.deepEqual(rows.map((e) => e.event).sort(), [...names].sort(), 'every event stored exactly once');
  assert.ok(limited.length >= 1, 'the collector answered 429 at least once');
  assert.equal(stats.duplicateSends, 0, 'no event sent again after it was accepted');
  // The SDK waited at least Retry-After (1 s) before the next send after each 429.
  for (const refused of limited) {
    const next = proxy.sends.find((s) => s.at > refused.at);
    assert.ok(next, 'a send after the 429');
    assert.ok(next.at - refused.at >= 950, `next send ${next.at - refused.at} ms after a 429 with Retry-After: 1`);
  }
  // The 429 said why, and carried Retry-After for the SDK to read cross-origin.
  const res = await fetch(`${collector.url}/v1/batch`, { method: 'POST', body: '{"batch":[]}' });
  const again = res.status === 429 ? res : await fetch(`${collector.url}/v1/batch`, { method: 'POST', body: '{"batch":[]}' });
  assert.equal(again.status, 429);
  assert.match(again.headers.get('Retry-After'), /^[1-9]\d*$/);
  assert.equal(again.headers.get('Access-Control-Expose-Headers'), 'Retry-After, Microtrack-Compression');
  assert.match((await again.json()).error, /too many requests from this address/);
  assert.deepEqual(rec.errors, [], 'no page errors');
});

test('dashboard: refused without a login, works after the login form, back to the form on 401', async (t) => {
  const collector = await startCollector({ site: FIXTURES, env: { MICROTRACK_ADMIN_TOKEN: TOKEN } });
  cleanups.push(() => collector.stop());
  assert.ok(collector.log.some((l) => l.includes('need the admin token')), 'the start-up line says how admin is protected');

  // The API refuses anyone without the token, loopback included.
  assert.equal((await fetch(`${collector.url}/api/events`)).status, 401);
  assert.equal((await fetch(`${collector.url}/api/events`, { headers: { Authorization: `Bearer ${TOKEN}` } })).status, 200);

  const context = await browser.newContext();
  cleanups.push(() => context.close());
  const page = await context.newPage();
  const rec = recordPage(page);
  const violations = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });

  await page.goto(`${collector.url}/dashboard/`, { waitUntil: 'load' });
  assert.equal(new URL(page.url()).pathname, '/dashboard/login', 'sent to the login form');
  assert.equal(await page.locator('form[action="/dashboard/login"] input[name="token"]').count(), 1);

  await page.fill('input[name="token"]', 'not-the-token');
  await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"]')]);
  assert.match(await page.textContent('.login-message'), /not the admin token/);
  assert.equal((await context.cookies()).length, 0, 'no cookie for a wrong token');

  await page.fill('input[name="token"]', TOKEN);
  await Promise.all([page.waitForURL(`${collector.url}/dashboard/`), page.click('button[type="submit"]')]);
  const [cookie] = await context.cookies();
  assert.equal(cookie.name, 'mt_admin');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Strict');
  assert.equal(cookie.path, '/');
  // The dashboard's own fetches and its live stream get through with the cookie.
  await page.waitForFunction(() => document.getElementById('status').dataset.state === 'live', null, { timeout: 10000 });
  const post = await fetch(`${collector.url}/v1/batch`, { method: 'POST', body: JSON.stringify({ batch: [{
    type: 'track', event: 'seen_live', messageId: 'live-1', anonymousId: 'a1', timestamp: new Date().toISOString() }] }) });
  assert.equal(post.status, 200);
  await page.waitForFunction(() => document.getElementById('feed').textContent.includes('seen_live'), null, { timeout: 10000 });

  // The session ends (cookies cleared): the next API call answers 401 and the page goes to the form.
  await context.clearCookies();
  await Promise.all([page.waitForURL(`${collector.url}/dashboard/login`, { timeout: 10000 }),
    page.evaluate(() => { location.hash = '#step=page&window_ms=3600000&by=source'; })]);

  assert.deepEqual(violations, [], 'no CSP violation on the login page or the dashboard');
  assert.deepEqual(rec.errors, [], 'no page errors');
  t.diagnostic('login form, cookie session, live stream and the 401 redirect work under the strict CSP');
});
