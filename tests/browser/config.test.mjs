// Config validation and "the SDK never breaks the host page" (CONTRACT §1, §2),
// on fixture pages (tests/browser/fixtures) served by a real collector.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useHarness, awaitReady, flush, FIXTURES } from './harness.mjs';

const h = useHarness({ site: FIXTURES });

/** Opens fixtures/snippet.html with `calls` queued in the §1 snippet before the SDK loads. */
async function openSnippet(calls, urlSuffix = '') {
  return h.open('/snippet.html' + urlSuffix, { init: { fn: (c) => { window.__mtCalls = c; }, arg: calls } });
}

const describe = (messages) => JSON.stringify(messages.map((m) => `${m.type}: ${m.text}`));

/** Waits until the page's own POSTs have reached SQLite; returns those rows. */
async function deliveredRows(rec, predicate) {
  const rows = await h.waitEvents((e) => rec.sentMessageIds().has(e.message_id), predicate);
  assert.ok(!rows.timedOut, `events did not arrive: ${JSON.stringify(rows.map((e) => [e.type, e.event]))}`);
  return rows;
}

test('init({}) : one error naming collector, no page error, no request to any collector', async () => {
  const rec = await openSnippet([['init', {}]]);
  const { page } = rec;
  // Whatever it resolves to (the core runs, tracking does not), it settles.
  assert.notEqual(await awaitReady(page), 'timeout', 'microtrack.ready must settle without a collector too');
  // Give it every chance to send: an event, an explicit flush.
  const thrown = await page.evaluate(async () => {
    try {
      window.microtrack('track', 'should_not_be_sent');
      await window.microtrack.flush();
      return null;
    } catch (e) {
      return String(e);
    }
  });
  assert.equal(thrown, null, 'calls on an SDK without a collector must not throw');
  await rec.syncConsole();

  const sdk = rec.sdkMessages();
  assert.equal(sdk.length, 1, `exactly one microtrack: message, got ${describe(sdk)}`);
  assert.equal(sdk[0].type, 'error', `the message is a console.error: ${describe(sdk)}`);
  assert.match(sdk[0].text, /collector/, 'the error names the collector key');
  assert.deepEqual(rec.errors.map(String), [], 'no page error');

  const paths = rec.requests.map((r) => `${r.method} ${r.path}`);
  assert.deepEqual(paths.filter((p) => !/^GET \/(snippet\.html|dist\/microtrack\.(js|wasm))$/.test(p)), [],
    'no request other than the page and the SDK files');
  assert.equal(rec.requests.filter((r) => r.method !== 'GET').length, 0, 'nothing was POSTed anywhere');
});

test("batchSize: 'lots' : one error naming batchSize; events still delivered with the default of 20", async () => {
  const calls = [['init', { collector: '/v1/batch', batchSize: 'lots' }]];
  for (let i = 0; i < 25; i++) calls.push(['track', 'bulk', { i }]);
  const rec = await openSnippet(calls);
  const { page } = rec;
  assert.equal(await awaitReady(page), true);
  assert.equal(await flush(page), 'settled');
  await rec.syncConsole();

  const sdk = rec.sdkMessages();
  assert.equal(sdk.length, 1, `exactly one microtrack: message, got ${describe(sdk)}`);
  assert.equal(sdk[0].type, 'error', describe(sdk));
  assert.match(sdk[0].text, /batchSize/, 'the error names batchSize');

  const rows = await deliveredRows(rec, (ev) => ev.length >= 26);
  assert.equal(rows.filter((e) => e.type === 'page').length, 1, 'the automatic page view');
  assert.deepEqual(rows.filter((e) => e.event === 'bulk').map((e) => e.properties.i), [...Array(25).keys()],
    'the 25 tracked events, in order');
  const sizes = rec.batches.map((b) => b.json.batch.length);
  assert.ok(sizes.every((n) => n <= 20), `no batch above the default batchSize 20: ${sizes}`);
  assert.ok(sizes.includes(20), `26 events queued at once go out in batches of the default 20: ${sizes}`);
  assert.equal(sizes.reduce((a, b) => a + b, 0), 26, `each event sent once: ${sizes}`);
  assert.deepEqual(rec.errors.map(String), []);
});

test('unknown key colour : one warning naming it; tracking goes on', async () => {
  const rec = await openSnippet([['init', { collector: '/v1/batch', colour: 1 }]]);
  const { page } = rec;
  assert.equal(await awaitReady(page), true);
  assert.equal(await flush(page), 'settled');
  await rec.syncConsole();

  const sdk = rec.sdkMessages();
  assert.equal(sdk.length, 1, `exactly one microtrack: message, got ${describe(sdk)}`);
  assert.equal(sdk[0].type, 'warning', `an unknown key is a warning: ${describe(sdk)}`);
  assert.match(sdk[0].text, /colour/, 'the warning names the key');
  const rows = await deliveredRows(rec, (ev) => ev.some((e) => e.type === 'page'));
  assert.equal(rows.length, 1);
  assert.equal(rows[0].type, 'page');
  assert.deepEqual(rec.errors.map(String), []);
});

test('a second init is ignored with a warning', async () => {
  const rec = await openSnippet([
    ['init', { collector: '/v1/batch' }],
    ['init', { collector: '/elsewhere/batch', batchSize: 1 }]
  ]);
  const { page } = rec;
  assert.equal(await awaitReady(page), true);
  // And once more after load, through the other call style.
  await page.evaluate(() => window.microtrack.init({ collector: '/elsewhere/batch' }));
  await page.evaluate(() => window.microtrack.track('after_inits'));
  assert.equal(await flush(page), 'settled');
  await rec.syncConsole();

  const sdk = rec.sdkMessages();
  assert.equal(sdk.length, 2, `one warning per extra init, got ${describe(sdk)}`);
  for (const m of sdk) {
    assert.equal(m.type, 'warning', describe(sdk));
    assert.match(m.text, /init/, describe(sdk));
  }
  const posts = rec.requests.filter((r) => r.method === 'POST');
  assert.ok(posts.length >= 1);
  assert.deepEqual([...new Set(posts.map((r) => r.path))], ['/v1/batch'], 'the first config stays in force');
  const rows = await deliveredRows(rec, (ev) => ev.length >= 2);
  assert.deepEqual(rows.map((e) => (e.type === 'page' ? 'page' : `${e.type}:${e.event}`)), ['page', 'track:after_inits']);
  assert.deepEqual(rec.errors.map(String), []);
});

test('bad calls never throw into the page and each gives one microtrack: message', async () => {
  const rec = await openSnippet([['init', { collector: '/v1/batch' }]]);
  const { page } = rec;
  assert.equal(await awaitReady(page), true);
  await rec.syncConsole();
  assert.deepEqual(rec.sdkMessages(), [], 'a clean start');

  const badCalls = {
    'microtrack.track()': () => window.microtrack.track(),
    "microtrack.track('x', cyclic)": () => {
      const cyclic = { a: 1 };
      cyclic.self = cyclic;
      return window.microtrack.track('x', cyclic);
    },
    "microtrack('nope')": () => window.microtrack('nope')
  };
  for (const [label, fn] of Object.entries(badCalls)) {
    const before = rec.sdkMessages().length;
    const outcome = await page.evaluate(`(() => {
      try { (${fn.toString()})(); return 'returned'; } catch (e) { return 'threw ' + e; }
    })()`);
    assert.equal(outcome, 'returned', `${label} must not throw`);
    await rec.syncConsole();
    const added = rec.sdkMessages().slice(before);
    assert.equal(added.length, 1, `${label}: exactly one microtrack: message, got ${describe(added)}`);
    assert.ok(['error', 'warning'].includes(added[0].type), `${label}: a console.error/warn, got ${describe(added)}`);
  }
  // The bad call's message names the problem.
  const texts = rec.sdkMessages().map((m) => m.text);
  assert.match(texts[2], /nope/, 'the unknown method is named');

  // The page and the SDK go on working.
  assert.deepEqual(rec.errors.map(String), [], 'no page error');
  await page.evaluate(() => window.microtrack.track('still_working'));
  assert.equal(await flush(page), 'settled');
  const rows = await deliveredRows(rec, (ev) => ev.some((e) => e.event === 'still_working'));
  assert.deepEqual(rows.filter((e) => e.type === 'track' && e.event !== 'x').map((e) => e.event), ['still_working'],
    'no event from the nameless track()');
});
