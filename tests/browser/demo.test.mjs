// The demo landing page end to end: real collector, real Chromium, SQLite.
// CONTRACT §1 (loading, ready, flush), §3 (scroll_depth), §4 (wire format).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useHarness, awaitReady, flush, frames, UUID, ISO } from './harness.mjs';

const h = useHarness(); // the demo site web-demo/site at /

/** Scrolls with the mouse wheel, in steps, until the viewport's bottom is the document's. */
async function scrollToBottom(page, step = 400) {
  await page.mouse.move(640, 360);
  for (let i = 0; i < 200; i++) {
    const before = await page.evaluate(() => ({
      y: scrollY, bottom: Math.ceil(scrollY + innerHeight) >= document.documentElement.scrollHeight }));
    if (before.bottom) return i;
    await page.mouse.wheel(0, step);
    // Wait for the scroll this wheel step caused (or the bottom).
    await page.waitForFunction((y) => scrollY !== y ||
      Math.ceil(scrollY + innerHeight) >= document.documentElement.scrollHeight, before.y, { timeout: 5000 });
  }
  throw new Error('never reached the bottom of the page');
}

test('demo page: one page view, five scroll_depth events, every event in the §4 shape', async (t) => {
  const rec = await h.open('/');
  const { page } = rec;
  const startedAt = Date.now();

  assert.equal(await awaitReady(page), true, 'microtrack.ready must resolve true');
  const env = await page.evaluate(() => ({
    version: window.microtrack.version,
    title: document.title,
    href: location.href,
    userAgent: navigator.userAgent,
    language: navigator.language,
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    screen: { width: screen.width, height: screen.height },
    docHeight: document.documentElement.scrollHeight,
    innerHeight
  }));
  t.diagnostic(`document ${env.docHeight}px, viewport ${env.innerHeight}px, version ${env.version}`);
  assert.match(env.version, /^\d+\.\d+\.\d+(?:[-+][\w.+-]+)?$/, 'microtrack.version must be a semver string');
  assert.ok(env.docHeight > 4 * env.innerHeight, 'the demo page must be long enough to scroll');

  const steps = await scrollToBottom(page);
  t.diagnostic(`scrolled to the bottom in ${steps} wheel steps`);
  await frames(page, 3); // the SDK samples scroll position once per animation frame
  assert.equal(await flush(page), 'settled', 'microtrack.flush() must settle');

  const all = await h.waitEvents(null,
    (ev) => ev.filter((e) => e.type === 'page').length >= 1 && ev.filter((e) => e.event === 'scroll_depth').length >= 5);
  assert.ok(!all.timedOut, `events did not arrive in time; stored: ${JSON.stringify(all.map((e) => [e.type, e.event, e.properties]))}`);
  const endedAt = Date.now();

  // Exactly one page view, for '/'.
  const pages = all.filter((e) => e.type === 'page');
  assert.equal(pages.length, 1, 'exactly one page event');
  const pv = pages[0];
  assert.equal(pv.context.page.path, '/');
  assert.equal(pv.context.page.url, h.base + '/');
  assert.equal(pv.context.page.title, env.title);
  assert.equal(pv.properties.url, h.base + '/');
  assert.equal(pv.properties.title, env.title);
  assert.equal(pv.properties.path, '/');

  // Exactly five scroll_depth events, 25..100, in order, no duplicates.
  const scrolls = all.filter((e) => e.event === 'scroll_depth');
  assert.deepEqual(scrolls.map((e) => e.type), ['track', 'track', 'track', 'track', 'track']);
  assert.deepEqual(scrolls.map((e) => e.properties.percent), [25, 50, 75, 90, 100],
    'scroll_depth percents, in stored (= sent) order');
  const byTime = [...scrolls].sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp) || a.id - b.id);
  assert.deepEqual(byTime.map((e) => e.properties.percent), [25, 50, 75, 90, 100], 'scroll_depth in timestamp order');
  for (let i = 1; i < scrolls.length; i++)
    assert.ok(Date.parse(scrolls[i].timestamp) >= Date.parse(scrolls[i - 1].timestamp), 'timestamps ascending');
  assert.ok(Date.parse(scrolls[0].timestamp) >= Date.parse(pv.timestamp), 'the page view comes before any scroll');

  // Nothing else was tracked, and nothing twice.
  assert.equal(all.length, 6, `only the page view and the five scroll events: ${JSON.stringify(all.map((e) => e.event))}`);
  const ids = all.map((e) => e.message_id);
  assert.equal(new Set(ids).size, ids.length, 'stored message_ids are unique');
  const sentIds = rec.batches.flatMap((b) => ((b.json && b.json.batch) || []).map((e) => e.messageId));
  assert.equal(new Set(sentIds).size, sentIds.length, `the SDK sent an event twice: ${sentIds}`);
  assert.deepEqual([...sentIds].sort(), [...ids].sort(), 'what was sent is what was stored');

  // §4 request shape: text/plain batches, sentAt.
  assert.ok(rec.batches.length >= 1);
  for (const b of rec.batches) {
    assert.equal(b.path, '/v1/batch');
    assert.equal(b.headers['content-type'], 'text/plain;charset=UTF-8', 'batches are text/plain (no preflight)');
    assert.ok(b.json && Array.isArray(b.json.batch), 'body is {batch: [...]}');
    assert.match(b.json.sentAt, ISO, 'batch sentAt');
  }
  for (const a of rec.answers) assert.equal(a.status, 200, 'collector answered 200');

  // §4 fields on every stored event.
  const anonymousId = pv.anonymous_id;
  const sessionId = pv.context.sessionId;
  assert.ok(typeof anonymousId === 'string' && anonymousId.length > 0, 'anonymousId non-empty');
  assert.ok(typeof sessionId === 'string' && sessionId.length > 0, 'context.sessionId non-empty');
  for (const e of all) {
    const what = `${e.type} ${e.event} ${e.message_id}`;
    const raw = e.raw;
    assert.match(raw.messageId, UUID, `${what}: messageId is a UUID`);
    assert.equal(raw.anonymousId, anonymousId, `${what}: same anonymousId`);
    assert.equal(e.anonymous_id, anonymousId);
    assert.equal(raw.userId, undefined, `${what}: no userId before identify`);
    assert.match(raw.timestamp, ISO, `${what}: timestamp is ISO-8601`);
    const ts = Date.parse(raw.timestamp);
    assert.ok(ts >= startedAt - 1000 && ts <= endedAt + 1000, `${what}: timestamp ${raw.timestamp} within the test`);
    assert.match(e.sent_at || '', ISO, `${what}: sent_at stored`);
    assert.ok(Date.parse(e.sent_at) >= ts, `${what}: sentAt (${e.sent_at}) not before timestamp (${raw.timestamp})`);
    assert.deepEqual(raw.context.library, { name: 'microtrack', version: env.version }, `${what}: context.library`);
    assert.equal(raw.context.sessionId, sessionId, `${what}: same sessionId`);
    assert.equal(e.session_id, sessionId);
    assert.equal(raw.context.userAgent, env.userAgent, `${what}: userAgent`);
    assert.equal(raw.context.locale, 'en-GB', `${what}: locale (browser context is en-GB)`);
    assert.equal(env.language, 'en-GB');
    assert.equal(raw.context.timezone, 'Europe/Oslo', `${what}: timezone (browser context is Europe/Oslo)`);
    assert.deepEqual(raw.context.screen, env.screen, `${what}: screen`);
    assert.deepEqual(raw.context.screen, { width: 1280, height: 720 });
    assert.equal(raw.context.page.path, '/', `${what}: context.page.path`);
    assert.equal(raw.context.page.url, h.base + '/', `${what}: context.page.url`);
    assert.equal(raw.context.page.title, env.title, `${what}: context.page.title`);
  }

  // The page never broke and the SDK complained about nothing.
  await rec.syncConsole();
  assert.deepEqual(rec.errors.map(String), [], 'no page errors');
  assert.deepEqual(rec.sdkMessages('error'), [], 'no microtrack: console errors');
  assert.deepEqual(rec.sdkMessages('warning'), [], 'no microtrack: console warnings');
});
