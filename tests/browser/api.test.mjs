// The JS API (CONTRACT §1) and what reaches the collector (§3, §4), on
// fixture pages (tests/browser/fixtures) served by a real collector.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useHarness, awaitReady, flush, frames, FIXTURES } from './harness.mjs';

const h = useHarness({ site: FIXTURES });
const COLLECTOR = { collector: '/v1/batch' };

async function openSnippet(calls, urlSuffix = '') {
  return h.open('/snippet.html' + urlSuffix, { init: { fn: (c) => { window.__mtCalls = c; }, arg: calls } });
}

/** Waits until the page's own POSTs have reached SQLite and predicate holds; returns those rows. */
async function deliveredRows(rec, predicate) {
  const rows = await h.waitEvents((e) => rec.sentMessageIds().has(e.message_id), predicate);
  assert.ok(!rows.timedOut, `events did not arrive: ${JSON.stringify(rows.map((e) => [e.type, e.event, e.properties]))}`);
  return rows;
}

const label = (e) => (e.type === 'track' ? e.event : e.type);

/** No page error and no microtrack: error or warning. */
async function assertQuiet(rec) {
  await rec.syncConsole();
  assert.deepEqual(rec.errors.map(String), [], 'no page error');
  assert.deepEqual(rec.sdkMessages().map((m) => `${m.type}: ${m.text}`), [], 'no microtrack: console message');
}

test('calls queued in the snippet before load are replayed in order, after the page view', async () => {
  const rec = await openSnippet([
    ['init', COLLECTOR],
    ['track', 'hero_seen', { variant: 'b' }],
    ['track', 'second_queued', { n: 2 }]
  ]);
  assert.equal(await awaitReady(rec.page), true);
  assert.equal(await flush(rec.page), 'settled');
  const rows = await deliveredRows(rec, (ev) => ev.length >= 3);
  assert.deepEqual(rows.map(label), ['page', 'hero_seen', 'second_queued']);
  assert.deepEqual(rows[1].properties, { variant: 'b' });
  assert.deepEqual(rows[2].properties, { n: 2 });
  const t = rows.map((e) => Date.parse(e.timestamp));
  assert.ok(t[0] <= t[1] && t[1] <= t[2], `timestamps in call order: ${rows.map((e) => e.timestamp)}`);
  await assertQuiet(rec);
});

test("both call styles work after load: microtrack('track', …) and microtrack.track(…)", async () => {
  const rec = await openSnippet([['init', COLLECTOR]]);
  assert.equal(await awaitReady(rec.page), true);
  const returned = await rec.page.evaluate(() => {
    window.microtrack('track', 'style_function', { style: 'function' });
    window.microtrack.track('style_method', { style: 'method', text: 'Crème brûlée ☕ 𝄞 ✓' });
    return typeof window.microtrack.track;
  });
  assert.equal(returned, 'function');
  assert.equal(await flush(rec.page), 'settled');
  const rows = await deliveredRows(rec, (ev) => ev.length >= 3);
  assert.deepEqual(rows.map(label), ['page', 'style_function', 'style_method']);
  assert.deepEqual(rows[1].properties, { style: 'function' });
  assert.deepEqual(rows[2].properties, { style: 'method', text: 'Crème brûlée ☕ 𝄞 ✓' }, 'UTF-8 text arrives intact');
  await assertQuiet(rec);
});

test("identify('u42', {plan:'pro'}) sends traits; later events carry userId", async () => {
  const rec = await openSnippet([['init', COLLECTOR]]);
  assert.equal(await awaitReady(rec.page), true);
  await rec.page.evaluate(() => {
    window.microtrack.track('before_identify');
    window.microtrack.identify('u42', { plan: 'pro' });
    window.microtrack.track('after_identify', { k: 1 });
    window.microtrack('page', { after: true });
  });
  assert.equal(await flush(rec.page), 'settled');
  const rows = await deliveredRows(rec, (ev) => ev.length >= 5);
  assert.deepEqual(rows.map(label), ['page', 'before_identify', 'identify', 'after_identify', 'page']);
  const [pv, before, ident, after, pv2] = rows;
  assert.equal(pv.user_id, null, 'no userId before identify');
  assert.equal(before.user_id, null, 'no userId before identify');
  assert.equal(ident.type, 'identify');
  assert.equal(ident.user_id, 'u42');
  assert.equal(ident.raw.userId, 'u42');
  assert.deepEqual(ident.raw.traits, { plan: 'pro' }, 'identify carries traits');
  assert.equal(ident.anonymous_id, pv.anonymous_id, 'identify keeps the anonymousId');
  assert.equal(after.raw.userId, 'u42', 'a later track carries userId');
  assert.equal(pv2.raw.userId, 'u42', 'a later page carries userId');
  await assertQuiet(rec);
});

test("on('event', fn) sees accepted events; its unsubscribe function stops it", async () => {
  const rec = await openSnippet([['init', COLLECTOR]]);
  assert.equal(await awaitReady(rec.page), true);
  const seen = await rec.page.evaluate(() => {
    const got = [];
    const off = window.microtrack.on('event', (e) => got.push(e));
    const offType = typeof off;
    window.microtrack.track('heard_1', { n: 1 });
    window.microtrack('track', 'heard_2', { n: 2 });
    off();
    window.microtrack.track('unheard', { n: 3 });
    return { offType, got };
  });
  assert.equal(seen.offType, 'function', 'on() returns an unsubscribe function');
  assert.deepEqual(seen.got.map((e) => e.event), ['heard_1', 'heard_2']);
  assert.deepEqual(seen.got.map((e) => e.type), ['track', 'track']);
  assert.deepEqual(seen.got.map((e) => e.properties), [{ n: 1 }, { n: 2 }]);
  assert.equal(await flush(rec.page), 'settled');
  const rows = await deliveredRows(rec, (ev) => ev.length >= 4);
  assert.deepEqual(rows.map(label), ['page', 'heard_1', 'heard_2', 'unheard'], 'unsubscribing does not stop tracking');
  assert.deepEqual(seen.got.map((e) => e.messageId), [rows[1].message_id, rows[2].message_id],
    'the listener saw the very events that were sent');
  await assertQuiet(rec);
});

// track calls cross into the core once per task (bindings/js/track-queue.js):
// what the page sees and what arrives must be as if each crossed at once.
test('track calls of one task arrive in call order, each with its own time, before what the page did next in that task', async () => {
  const rec = await openSnippet([['init', COLLECTOR]]);
  assert.equal(await awaitReady(rec.page), true);
  const waited = await rec.page.evaluate(() => {
    for (let i = 1; i <= 30; i++) window.microtrack.track('loop_' + i, { i });
    const from = Date.now();
    while (Date.now() - from < 25);  // bounded: the next call's clock has moved on
    window.microtrack.track('after_wait');
    // An outbound link clicked in the same task: its event comes after the tracks.
    const link = document.createElement('a');
    link.href = 'https://elsewhere.example/';
    link.textContent = 'out';
    link.addEventListener('click', (e) => e.preventDefault());
    document.body.append(link);
    link.click();
    window.microtrack.track('after_click');
    window.microtrack.track('nul\u0000name', { odd: true });  // a name the hand-over cannot carry goes at once
    window.microtrack.track('last');
    return Date.now() - from;
  });
  assert.equal(await flush(rec.page), 'settled');
  const rows = await deliveredRows(rec, (ev) => ev.length >= 36);
  const loop = Array.from({ length: 30 }, (_, i) => 'loop_' + (i + 1));
  assert.deepEqual(rows.map(label), ['page', ...loop, 'after_wait', 'outbound_click', 'after_click', 'nul\u0000name', 'last']);
  assert.deepEqual(rows.slice(1, 31).map((e) => e.properties.i), loop.map((_, i) => i + 1));
  const gap = Date.parse(rows[31].timestamp) - Date.parse(rows[30].timestamp);
  assert.ok(gap >= 25 && gap <= waited + 5, `after_wait has its own time, ${gap} ms after loop_30`);
  await assertQuiet(rec);
});

test("on('event', fn) added after track calls in the same task hears each later event at once, not the earlier ones", async () => {
  const rec = await openSnippet([['init', COLLECTOR]]);
  assert.equal(await awaitReady(rec.page), true);
  const seen = await rec.page.evaluate(() => {
    const got = [];
    window.microtrack.track('before_listener_1');
    window.microtrack.track('before_listener_2');
    window.microtrack.on('event', (e) => got.push(e.event));
    const heard = [];
    for (const name of ['heard_a', 'heard_b', 'heard_c']) {
      window.microtrack.track(name);
      heard.push(got.length);  // synchronous, as the call returns
    }
    return { got, heard };
  });
  assert.deepEqual(seen.got, ['heard_a', 'heard_b', 'heard_c']);
  assert.deepEqual(seen.heard, [1, 2, 3], 'each event heard within its own track call');
  assert.equal(await flush(rec.page), 'settled');
  const rows = await deliveredRows(rec, (ev) => ev.length >= 6);
  assert.deepEqual(rows.map(label), ['page', 'before_listener_1', 'before_listener_2', 'heard_a', 'heard_b', 'heard_c']);
  await assertQuiet(rec);
});

test('a bad track call among others of the same task: one error for it, the others arrive', async () => {
  const rec = await openSnippet([['init', COLLECTOR]]);
  assert.equal(await awaitReady(rec.page), true);
  await rec.page.evaluate(() => {
    const cyclic = {};
    cyclic.self = cyclic;
    window.microtrack.track('good_1', { n: 1 });
    window.microtrack.track('bad_cycle', cyclic);
    window.microtrack.track('', { empty: 'name' });
    window.microtrack.track('good_2', [1, 2]);  // properties that are not an object: ignored, the event kept
  });
  assert.equal(await flush(rec.page), 'settled');
  const rows = await deliveredRows(rec, (ev) => ev.length >= 3);
  assert.deepEqual(rows.map(label), ['page', 'good_1', 'good_2']);
  assert.deepEqual(rows[2].properties, {});
  await rec.syncConsole();
  const messages = rec.sdkMessages().map((m) => m.text);
  assert.equal(messages.length, 3, `one message per bad call: ${JSON.stringify(messages)}`);
  assert.match(messages[0], /track properties must be JSON-serialisable/);
  assert.match(messages[1], /event name/);
  assert.match(messages[2], /good_2.*must be an object/);
});

test('reset() gives a new anonymousId and session and forgets userId', async () => {
  const rec = await openSnippet([['init', COLLECTOR]]);
  assert.equal(await awaitReady(rec.page), true);
  await rec.page.evaluate(() => {
    window.microtrack.identify('u7');
    window.microtrack.track('before_reset');
    window.microtrack.reset();
    window.microtrack.track('after_reset');
  });
  assert.equal(await flush(rec.page), 'settled');
  const rows = await deliveredRows(rec, (ev) => ev.some((e) => e.event === 'after_reset'));
  const before = rows.find((e) => e.event === 'before_reset');
  const after = rows.find((e) => e.event === 'after_reset');
  assert.ok(before && after, JSON.stringify(rows.map(label)));
  assert.ok(before.anonymous_id && after.anonymous_id, 'both have an anonymousId');
  assert.notEqual(after.anonymous_id, before.anonymous_id, 'reset() changes anonymousId');
  assert.equal(before.user_id, 'u7');
  assert.equal(after.user_id, null, 'reset() forgets userId');
  assert.ok(after.session_id, 'a session after reset');
  assert.notEqual(after.session_id, before.session_id, 'reset() starts a new session');
  await assertQuiet(rec);
});

test('zero-code form: <script data-collector> sends a page view', async () => {
  const rec = await h.open('/zero-code.html');
  assert.equal(await awaitReady(rec.page), true);
  assert.equal(await flush(rec.page), 'settled');
  const rows = await deliveredRows(rec, (ev) => ev.length >= 1);
  assert.deepEqual(rows.map(label), ['page']);
  assert.equal(rows[0].context.page.path, '/zero-code.html');
  assert.equal(rows[0].properties.url, h.base + '/zero-code.html');
  assert.equal(rows[0].properties.title, 'Zero-code fixture');
  assert.deepEqual([...new Set(rec.batches.map((b) => b.path))], ['/v1/batch']);
  await assertQuiet(rec);
});

test("the page view carries the visitor's time zone, from Temporal or, in a browser without it, from Intl", async () => {
  for (const withTemporal of [true, false]) {
    const rec = await h.open('/zero-code.html', {
      timezoneId: 'America/New_York',
      init: { fn: (keep) => { if (!keep) delete globalThis.Temporal; }, arg: withTemporal }
    });
    assert.equal(await rec.page.evaluate(() => typeof globalThis.Temporal), withTemporal ? 'object' : 'undefined');
    assert.equal(await awaitReady(rec.page), true);
    assert.equal(await flush(rec.page), 'settled');
    const rows = await deliveredRows(rec, (ev) => ev.length >= 1);
    assert.equal(rows[0].context.timezone, 'America/New_York', withTemporal ? 'with Temporal' : 'without Temporal');
    await assertQuiet(rec);
  }
});

test('the loader adds one name to the page: window.microtrack (glue and modules stay in its closure)', async () => {
  const rec = await h.open('/zero-code.html', {
    init: { fn: () => { window.__mtGlobalsBefore = Object.getOwnPropertyNames(window); } }
  });
  assert.equal(await awaitReady(rec.page), true);  // the core runs and every adapter is enabled
  const added = await rec.page.evaluate(() => Object.getOwnPropertyNames(window)
    .filter((name) => name !== '__mtGlobalsBefore' && !window.__mtGlobalsBefore.includes(name)));
  assert.deepEqual(added, ['microtrack']);
  await assertQuiet(rec);
});

test("page({section:'x'}) sends a page event with that property", async () => {
  const rec = await openSnippet([['init', COLLECTOR]]);
  assert.equal(await awaitReady(rec.page), true);
  await rec.page.evaluate(() => window.microtrack.page({ section: 'x' }));
  assert.equal(await flush(rec.page), 'settled');
  const rows = await deliveredRows(rec, (ev) => ev.length >= 2);
  assert.deepEqual(rows.map(label), ['page', 'page'], 'the automatic page view and the manual one');
  assert.equal(rows[0].properties.section, undefined);
  assert.equal(rows[1].properties.section, 'x');
  assert.equal(rows[1].properties.url, h.base + '/snippet.html', 'the page fields are still there');
  assert.equal(rows[1].properties.path, '/snippet.html');
  assert.equal(rows[1].context.page.path, '/snippet.html');
  await assertQuiet(rec);
});

test('sensitive query params are scrubbed from every URL; utm_source still sets context.campaign', async () => {
  const rec = await openSnippet([['init', COLLECTOR], ['track', 'on_landing']],
    '?email=a@b.c&utm_source=newsletter&token=t');
  assert.equal(await awaitReady(rec.page), true);
  assert.equal(await flush(rec.page), 'settled');
  const rows = await deliveredRows(rec, (ev) => ev.length >= 2);
  assert.deepEqual(rows.map(label), ['page', 'on_landing']);
  const clean = h.base + '/snippet.html?utm_source=newsletter';
  const [pv, tr] = rows;
  assert.equal(pv.properties.url, clean, 'properties.url');
  assert.equal(pv.properties.search, '?utm_source=newsletter', 'properties.search');
  for (const e of rows) {
    assert.equal(e.context.page.url, clean, `${label(e)}: context.page.url`);
    assert.equal(e.context.page.search, '?utm_source=newsletter', `${label(e)}: context.page.search`);
    assert.equal(e.context.campaign && e.context.campaign.source, 'newsletter', `${label(e)}: context.campaign.source`);
  }
  for (const b of rec.batches)
    for (const secret of ['a@b.c', 'a%40b.c', 'token=', 'email='])
      assert.ok(!b.body.includes(secret), `a request body contains '${secret}'`);
  assert.ok(tr);
  await assertQuiet(rec);
});

test('campaign attribution: a second campaign in the session is the last touch; the first stays in firstCampaign', async () => {
  const rec = await openSnippet([['init', COLLECTOR]], '?utm_source=newsletter&utm_medium=email&mc_eid=e42');
  assert.equal(await awaitReady(rec.page), true);
  assert.equal(await flush(rec.page), 'settled');
  await rec.page.goto(h.base + '/snippet.html?utm_source=partner&utm_medium=referral');
  assert.equal(await awaitReady(rec.page), true);
  await rec.page.evaluate(() => window.microtrack.track('after_second_touch'));
  assert.equal(await flush(rec.page), 'settled');
  const rows = await deliveredRows(rec, (ev) => ev.some((e) => e.event === 'after_second_touch'));
  assert.deepEqual(rows.map(label), ['page', 'page', 'after_second_touch']);
  const [first, second, later] = rows;
  assert.deepEqual(first.context.campaign, { source: 'newsletter', medium: 'email', mc_eid: 'e42' });
  assert.equal(first.context.firstCampaign, undefined, 'one touch so far');
  for (const e of [second, later]) {
    assert.equal(e.context.sessionId, first.context.sessionId, 'the same session');
    assert.deepEqual(e.context.campaign, { source: 'partner', medium: 'referral' }, `${label(e)}: last touch`);
    assert.deepEqual(e.context.firstCampaign, first.context.campaign, `${label(e)}: first touch`);
  }
  await assertQuiet(rec);
});

test('a page that fits the viewport fires no scroll_depth', async () => {
  const rec = await openSnippet([['init', COLLECTOR]]);
  const { page } = rec;
  assert.equal(await awaitReady(page), true);
  const dims = await page.evaluate(() => ({ doc: document.documentElement.scrollHeight, view: innerHeight }));
  assert.ok(dims.doc <= dims.view, `fixture must fit the viewport: ${JSON.stringify(dims)}`);
  // Try to scroll anyway, and let the frame-based sampling run.
  await page.mouse.move(640, 360);
  await page.mouse.wheel(0, 500);
  await page.evaluate(() => window.dispatchEvent(new Event('scroll')));
  await frames(page, 3);
  await page.evaluate(() => window.microtrack.track('marker_after_scroll'));
  assert.equal(await flush(page), 'settled');
  const rows = await deliveredRows(rec, (ev) => ev.some((e) => e.event === 'marker_after_scroll'));
  assert.deepEqual(rows.map(label), ['page', 'marker_after_scroll'], 'no scroll_depth');
  await assertQuiet(rec);
});

test("CSP script-src 'self' 'wasm-unsafe-eval' (no unsafe-eval): tracking works without eval", async () => {
  const rec = await h.open('/csp.html');
  const { page } = rec;
  assert.equal(await awaitReady(page), true, 'ready resolves true under the CSP');
  assert.equal(await flush(page), 'settled');
  const rows = await deliveredRows(rec, (ev) => ev.length >= 2);
  assert.deepEqual(rows.map(label), ['page', 'csp_ok']);
  assert.deepEqual(rows[1].properties, { policy: 'wasm-unsafe-eval' });
  assert.equal(rows[0].context.page.path, '/csp.html');

  const probe = await page.evaluate(() => ({ inlineRan: window.__inlineRan === true, violations: window.__cspViolations }));
  assert.equal(probe.inlineRan, false, 'the CSP is in force (the inline probe script was blocked)');
  const evals = probe.violations.filter((v) => v.blocked !== 'inline');
  assert.deepEqual(evals, [], 'no CSP violation other than the inline probe (an eval would show as blocked "eval")');
  assert.ok(probe.violations.length >= 1, 'the inline probe was reported');

  await rec.syncConsole();
  assert.deepEqual(rec.errors.map(String), [], 'no page error');
  assert.deepEqual(rec.sdkMessages().map((m) => `${m.type}: ${m.text}`), [], 'no microtrack: message');
  // Chromium logs each refusal; the only one allowed is the inline probe's.
  const refusals = rec.console.filter((m) => /Content Security Policy|Evaluating a string/.test(m.text) &&
    !/^Executing inline script/.test(m.text));
  assert.deepEqual(refusals, [], 'nothing but the inline probe refused by the CSP');
});
