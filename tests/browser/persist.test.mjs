// When the state reaches localStorage (bindings/js/delivery.js,
// CHANGELOG.md): at most STORE_DELAY_MS (1 s) after an event was accepted,
// not at the end of every task that accepted one; at once when the page is
// hidden or left (pagehide), frozen, or after consent and reset.
//
//   MICROTRACK_DIST=build/h-wasm/dist node --test tests/browser/persist.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCollector, launchBrowser, recordPage, checkBuild, FIXTURES } from './harness.mjs';
import { startProxy } from './fault-proxy.mjs';

const STORE_DELAY_MS = 1000;
let collector;
let browser;
let proxy;

before(async () => {
  checkBuild();
  collector = await startCollector({ site: FIXTURES });
  browser = await launchBrowser();
  proxy = await startProxy(collector.url);
});

after(async () => {
  try { await browser.close(); } catch {}
  await proxy.close();
  await collector.stop();
});

// No send within the test (flushIntervalMs 60 s, batchSize above what is tracked).
const pageUrl = (config) => `${proxy.url}/mt/page.html?c=` +
  encodeURIComponent(JSON.stringify({ collector: '/v1/batch', flushIntervalMs: 60000, ...config }));

async function open(config = {}, { init } = {}) {
  const context = await browser.newContext();
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  const rec = recordPage(page);
  await page.goto(pageUrl(config), { waitUntil: 'load' });
  assert.equal(await page.evaluate(() => window.microtrack.ready), true);
  return { context, rec, page };
}

// The names of the events in this tab's stored queue (a function for the page).
const STORED_EVENTS = `() => Object.keys(localStorage).filter((k) => /^microtrack\\.[^.]+$/.test(k))
  .flatMap((k) => JSON.parse(localStorage.getItem(k)).queue.map((e) => e.event))`;

test('an accepted event is stored within STORE_DELAY_MS, not at the end of its task', async () => {
  const { context, rec, page } = await open();
  const { atOnce, storedAfterMs } = await page.evaluate(`new Promise((resolve) => {
    const stored = ${STORED_EVENTS};
    const t0 = performance.now();
    window.microtrack.track('coalesced');
    setTimeout(() => {
      const atOnce = stored().includes('coalesced');  // after the task and its microtasks
      const poll = () => stored().includes('coalesced') || performance.now() - t0 > 3000
        ? resolve({ atOnce, storedAfterMs: stored().includes('coalesced') ? performance.now() - t0 : -1 })
        : setTimeout(poll, 20);
      poll();
    }, 0);
  })`);
  assert.equal(atOnce, false, 'not written at the end of the task that accepted it');
  assert.ok(storedAfterMs >= 0, 'stored');
  assert.ok(storedAfterMs <= STORE_DELAY_MS + 250, `stored ${storedAfterMs.toFixed(0)} ms after, within ${STORE_DELAY_MS} ms (+ timer slack)`);
  assert.deepEqual(rec.errors.map(String), []);
  await context.close();
});

test('pagehide: what could not be sent is stored by the time the event has run', async () => {
  // sendBeacon refuses: the unload batch stays queued, and must be stored.
  const { context, rec, page } = await open({}, { init: () => { Navigator.prototype.sendBeacon = () => false; } });
  const stored = await page.evaluate(`(() => {
    window.microtrack.track('left_unsent');
    dispatchEvent(new PageTransitionEvent('pagehide'));
    return (${STORED_EVENTS})();
  })()`);
  assert.ok(stored.includes('left_unsent'), `stored at once: ${JSON.stringify(stored)}`);
  assert.deepEqual(rec.errors.map(String), []);
  await context.close();
});

test('freeze: what is not stored yet is stored at once (a frozen page runs no timer)', async () => {
  const { context, rec, page } = await open();
  const [before, after] = await page.evaluate(`new Promise((resolve) => {
    const stored = ${STORED_EVENTS};
    window.microtrack.track('frozen');
    setTimeout(() => {
      const before = stored().includes('frozen');
      document.dispatchEvent(new Event('freeze'));
      resolve([before, stored().includes('frozen')]);
    }, 0);
  })`);
  assert.equal(before, false, 'not stored yet');
  assert.equal(after, true, 'stored by the freeze listener');
  assert.deepEqual(rec.errors.map(String), []);
  await context.close();
});

test('a send result that empties the queue stores at once, not a second later', async () => {
  const { context, rec, page } = await open();
  const [storedBefore, storedAfter] = await page.evaluate(`(async () => {
    const stored = ${STORED_EVENTS};
    window.microtrack.track('delivered_soon');
    await new Promise((resolve) => setTimeout(resolve, 0));
    document.dispatchEvent(new Event('freeze'));  // stored now
    const before = stored();
    await window.microtrack.flush();  // settles after the send result was handled
    return [before, stored()];
  })()`);
  assert.ok(storedBefore.includes('delivered_soon'), `stored first: ${JSON.stringify(storedBefore)}`);
  assert.deepEqual(storedAfter, [], 'the emptied queue is stored by the time flush() settles');
  assert.deepEqual(rec.errors.map(String), []);
  await context.close();
});
