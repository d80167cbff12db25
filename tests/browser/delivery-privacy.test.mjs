// Privacy controls and "never break the host page" (issue 4, CONTRACT §1,
// §5): GPC/DNT → no request and nothing stored; requireConsent → nothing
// stored or sent until consent(true); a CSP without 'wasm-unsafe-eval' →
// the JavaScript core (tests/browser/strict-csp.test.mjs has more); a
// blocked microtrack.wasm, a wasm that cannot be instantiated, a blocked
// microtrack.js → one clear message, no page error.
//
//   MICROTRACK_DIST=build/h-wasm/dist node --test tests/browser/delivery-privacy.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCollector, launchBrowser, recordPage, fetchEvents, checkBuild, FIXTURES } from './harness.mjs';
import { startProxy, pageHtml } from './fault-proxy.mjs';

let collector;
let browser;
let proxy;

const CSP_INIT = `window.microtrack = window.microtrack || function () { (microtrack.q = microtrack.q || []).push(arguments); };
microtrack('init', { collector: '/v1/batch' });
microtrack('track', 'csp_blocked');`;

before(async () => {
  checkBuild();
  collector = await startCollector({ site: FIXTURES });
  browser = await launchBrowser();
  proxy = await startProxy(collector.url, {
    routes: {
      '/mt/csp-init.js': (req, res) => { res.writeHead(200, { 'Content-Type': 'text/javascript' }); res.end(CSP_INIT); },
      '/mt/strict-csp.html': (req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Security-Policy': "script-src 'self'" });
        res.end('<!DOCTYPE html><title>strict</title><link rel="icon" href="data:,"><script src="/mt/csp-init.js"></script>' +
          '<script async src="/dist/microtrack.js"></script><h1>strict CSP</h1>');
      },
    },
  });
});

after(async () => {
  try { await browser.close(); } catch {}
  await proxy.close();
  await collector.stop();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pageUrl = (config) => `${proxy.url}/mt/page.html?c=` + encodeURIComponent(JSON.stringify({ collector: '/v1/batch', ...config }));
const posts = (rec) => rec.requests.filter((r) => r.method === 'POST');
const sdkMessages = (rec) => rec.console.filter((m) => m.text.startsWith('microtrack:')).map((m) => `${m.type}: ${m.text}`);
const storedKeys = (page) => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('microtrack')));

async function open(config, { init } = {}) {
  const context = await browser.newContext();
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  const rec = recordPage(page);
  await page.goto(pageUrl(config), { waitUntil: 'load' });
  return { context, rec, page };
}

for (const [label, init] of [
  ['Global Privacy Control', () => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true })],
  ['Do Not Track', () => Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1' })],
]) {
  test(`${label} on: no request to the collector at all and nothing stored`, async () => {
    const { context, rec, page } = await open({}, { init });
    assert.equal(await page.evaluate(() => window.microtrack.ready), true);
    await page.evaluate(() => { for (let i = 0; i < 25; i++) window.microtrack.track('gpc_' + i); });
    await page.evaluate(() => window.microtrack.flush());
    // Page hidden: the unload path must not send either.
    await page.evaluate(() => { Object.defineProperty(document, 'visibilityState', { get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange')); dispatchEvent(new PageTransitionEvent('pagehide')); });
    await sleep(300);
    assert.deepEqual(posts(rec).map((r) => r.url), [], 'no POST');
    assert.equal(rec.requests.filter((r) => r.path.startsWith('/v1/')).length, 0, 'no request to the collector');
    assert.deepEqual(await storedKeys(page), [], 'nothing in localStorage');
    assert.equal((await fetchEvents(collector.url)).filter((e) => /^gpc_/.test(e.event || '')).length, 0);
    assert.deepEqual(rec.errors.map(String), []);
    await context.close();
  });
}

test('requireConsent: nothing stored or sent until consent(true); then everything held is sent once', async () => {
  const { context, rec, page } = await open({ requireConsent: true });
  assert.equal(await page.evaluate(() => window.microtrack.ready), true);
  await page.evaluate(() => { for (let i = 1; i <= 5; i++) window.microtrack.track('held_' + i); });
  await page.evaluate(() => window.microtrack.flush());
  await page.evaluate(() => { Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange')); });
  await sleep(300);
  assert.deepEqual(posts(rec).map((r) => r.url), [], 'no POST before consent');
  assert.deepEqual(await storedKeys(page), [], 'nothing in localStorage before consent');

  await page.evaluate(() => { Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' }); });
  await page.evaluate(() => window.microtrack.consent(true));
  await page.evaluate(() => window.microtrack.flush());
  const rows = (await fetchEvents(collector.url)).filter((e) => /^held_/.test(e.event || ''));
  assert.deepEqual(rows.map((e) => e.event).sort(), ['held_1', 'held_2', 'held_3', 'held_4', 'held_5']);
  assert.ok((await storedKeys(page)).length >= 1, 'stored once consent is given');
  assert.deepEqual(rec.errors.map(String), []);
  await context.close();
});

test('requireConsent: consent(false) drops what was held; nothing is ever sent', async () => {
  const { context, rec, page } = await open({ requireConsent: true });
  assert.equal(await page.evaluate(() => window.microtrack.ready), true);
  await page.evaluate(() => { for (let i = 1; i <= 5; i++) window.microtrack.track('refused_' + i); });
  await page.evaluate(() => window.microtrack.consent(false));
  await page.evaluate(() => window.microtrack.flush());
  await sleep(300);
  assert.deepEqual(posts(rec).map((r) => r.url), [], 'no POST');
  assert.deepEqual(await storedKeys(page), [], 'nothing stored');
  assert.equal((await fetchEvents(collector.url)).filter((e) => /^refused_/.test(e.event || '')).length, 0);
  await context.close();
});

test("a CSP without 'wasm-unsafe-eval': the JavaScript core runs, events are delivered, no console message", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const rec = recordPage(page);
  await page.goto(`${proxy.url}/mt/strict-csp.html`, { waitUntil: 'load' });
  assert.equal(await page.evaluate(() => window.microtrack.ready), true);
  await page.evaluate(() => { window.microtrack.track('after_start'); return window.microtrack.flush(); });
  const sent = rec.sentMessageIds();
  const events = (await fetchEvents(collector.url)).filter((e) => sent.has(e.message_id));
  assert.deepEqual(events.map((e) => (e.type === 'track' ? e.event : e.type)).sort(), ['after_start', 'csp_blocked', 'page']);
  await rec.syncConsole();
  assert.deepEqual(sdkMessages(rec), [], 'no microtrack: message');
  assert.deepEqual(rec.errors.map(String), [], 'no page error');
  await context.close();
});

test('a blocked microtrack.wasm: one clear console error, calls keep working as no-ops', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.route('**/microtrack.wasm', (route) => route.abort('blockedbyclient'));
  const rec = recordPage(page);
  await page.goto(pageUrl({}), { waitUntil: 'load' });
  assert.equal(await page.evaluate(() => window.microtrack.ready), false);
  await page.evaluate(() => { window.microtrack.track('x'); return window.microtrack.flush(); });
  await rec.syncConsole();
  const messages = sdkMessages(rec);
  assert.equal(messages.length, 1, JSON.stringify(messages));
  assert.match(messages[0], /^error: microtrack: the WebAssembly core could not start/);
  assert.deepEqual(rec.errors.map(String), []);
  await context.close();
});

// A valid module importing a function ("a"."zz") the glue does not provide:
// it compiles, and instantiating it fails with a LinkError.
const UNLINKABLE_WASM = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,  // magic, version 1
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00,                                                  // one type: () -> ()
  0x02, 0x08, 0x01, 0x01, 0x61, 0x02, 0x7a, 0x7a, 0x00, 0x00]);                        // import a.zz: func type 0

test('a wasm that compiles but cannot be instantiated: ready is false, one clear console error', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.route('**/unlinkable.wasm', (route) =>
    route.fulfill({ status: 200, contentType: 'application/wasm', body: UNLINKABLE_WASM }));
  const rec = recordPage(page);
  await page.goto(pageUrl({ wasmUrl: '/mt/unlinkable.wasm' }), { waitUntil: 'load' });
  const ready = await page.evaluate(() => Promise.race([window.microtrack.ready,
    new Promise((resolve) => setTimeout(() => resolve('still pending'), 5000))]));
  assert.equal(ready, false, 'ready resolves false');
  await page.evaluate(() => { window.microtrack.track('x'); return window.microtrack.flush(); });
  await rec.syncConsole();
  const messages = sdkMessages(rec);
  assert.equal(messages.length, 1, JSON.stringify(messages));
  assert.match(messages[0], /^error: microtrack: the WebAssembly core could not start \(.*import/i);
  assert.deepEqual(rec.errors.map(String), [], 'no page error');
  assert.deepEqual(posts(rec), [], 'no request');
  await context.close();
});

test('a blocked microtrack.js: the snippet keeps queueing, the page goes on, no page error', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.route('**/microtrack.js', (route) => route.abort('blockedbyclient'));
  const rec = recordPage(page);
  await page.goto(pageUrl({}), { waitUntil: 'load' });
  const queued = await page.evaluate(() => { window.microtrack('track', 'while_blocked'); return window.microtrack.q.length; });
  assert.ok(queued >= 2, 'calls are queued by the snippet');
  await rec.syncConsole();
  assert.deepEqual(rec.errors.map(String), [], 'no page error');
  assert.deepEqual(sdkMessages(rec), [], 'no microtrack: message (the SDK never ran)');
  await context.close();
});
