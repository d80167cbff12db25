// CONTRACT §3 element_visible and engagement rows on the demo landing page
// (its visibility rule pricing_teaser: threshold 0.5, minVisibleMs 1000 by
// default), through the real collector.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useDetectorHarness, flush, label, sleep, pageSlices, assertQuiet, wheelTo, frames, SITE_CONFIG } from './helpers.mjs';

const d = useDetectorHarness();

const show = (page) => page.evaluate(() => document.querySelector('#pricing-teaser').scrollIntoView({ block: 'center' }));
const hide = (page) => page.evaluate(() => window.scrollTo(0, 0));

test('pricing teaser: a glimpse shorter than minVisibleMs gives nothing; 1 s in view gives one element_visible; seeing it again gives no second', async () => {
  const { rec, page, anon } = await d.open('/');
  await show(page);
  await sleep(400);
  await hide(page);
  await sleep(1100);           // a late event for the glimpse would show here (at 1000 ms after it began)
  const shownAt = Date.now();
  await show(page);
  await sleep(2000);
  await hide(page);
  await sleep(200);
  await show(page);
  await sleep(1200);
  assert.equal(await flush(page), 'settled');

  const rows = await d.rows(anon, (ev) => ev.some((e) => e.event === 'element_visible'));
  const visible = rows.filter((e) => e.event === 'element_visible');
  assert.equal(visible.length, 1, `one element_visible: ${JSON.stringify(visible.map((e) => e.properties))}`);
  const { name, visible_ms: ms } = visible[0].properties;
  assert.deepEqual(Object.keys(visible[0].properties).sort(), ['name', 'visible_ms']);
  assert.equal(name, 'pricing_teaser');
  assert.ok(ms >= 1000 && ms < 2000, `visible_ms ${ms} (≥ minVisibleMs, not the glimpse added)`);
  const at = Date.parse(visible[0].timestamp);
  assert.ok(at >= shownAt + 1000 && at < shownAt + 2000, `fired ~1 s after the teaser came into view (${at - shownAt} ms)`);
  await assertQuiet(rec);
});

test('engagement on leaving: engaged_ms is the visible, active time; max_scroll_percent the deepest point reached', async () => {
  const { rec, page, anon } = await d.open('/');
  await wheelTo(page, 55);
  for (let i = 0; i < 6; i++) { await page.mouse.move(100 + i * 50, 200); await sleep(250); }
  await frames(page, 3);
  const deepest = await page.evaluate(() => {
    const root = document.documentElement;
    return (scrollY + innerHeight) * 100 / Math.max(root.scrollHeight, document.body.scrollHeight);
  });
  await page.evaluate(() => window.scrollTo(0, 0));   // back up: the maximum stays
  await sleep(300);
  await Promise.all([page.waitForURL(/pricing/), page.click('.nav-links a[href="/pricing.html"]')]);
  assert.equal(await flush(page), 'settled');

  const rows = await d.rows(anon, (ev) => ev.filter((e) => e.type === 'page').length >= 2 && ev.some((e) => e.event === 'engagement'));
  const [home, pricing] = pageSlices(rows);
  assert.equal(home.path, '/');
  assert.equal(pricing.path, '/pricing.html');
  const eng = home.rows.filter((e) => e.event === 'engagement');
  assert.equal(eng.length, 1, 'one engagement for the page left');
  assert.equal(home.rows[home.rows.length - 1], eng[0], 'engagement is the last event of the page view');
  assert.deepEqual(Object.keys(eng[0].properties).sort(), ['engaged_ms', 'max_scroll_percent']);
  const { engaged_ms: engaged, max_scroll_percent: maxScroll } = eng[0].properties;
  assert.ok(Math.abs(maxScroll - deepest) <= 1, `max_scroll_percent ${maxScroll} vs deepest ${deepest.toFixed(1)}`);
  assert.ok(maxScroll >= 55 && maxScroll < 100);
  const span = Date.parse(eng[0].timestamp) - Date.parse(home.rows[0].timestamp);
  assert.ok(engaged <= span && engaged >= span - 300, `engaged_ms ${engaged} ≈ the ${span} ms the page was visible and active`);
  assert.ok(!pricing.rows.some((e) => e.event === 'engagement'), 'the new page has not been left');
  await assertQuiet(rec);
});

test('engagement: idle time beyond idleMs is not engaged (idleMs 1000)', async () => {
  // flushIntervalMs 60 s: the page's ~5 s here met the default 5 s flush
  // under load, and a batch in flight as the page goes is sent again by the
  // next page (the page cannot know whether the browser delivered it:
  // delivery-faults (o)), which d.rows counts as a POST twice.
  const { page, anon } = await d.open('/', { config: { ...SITE_CONFIG, flushIntervalMs: 60000, engagement: { idleMs: 1000 } } });
  const t0 = Date.now();
  await sleep(2000);                                   // idle: counts 1 s
  for (let i = 0; i < 5; i++) { await page.mouse.move(100 + i * 40, 300); await sleep(250); }  // active ~1.2 s
  await sleep(1500);                                   // idle again: counts 1 s
  await page.goto(d.base + '/privacy.html');           // no input: the navigation itself is no activity
  const wall = Date.now() - t0;
  const rows = await d.rows(anon, (ev) => ev.some((e) => e.event === 'engagement'));
  const eng = rows.filter((e) => e.event === 'engagement');
  assert.equal(eng.length, 1);
  const engaged = eng[0].properties.engaged_ms;
  assert.ok(engaged >= 1800 && engaged <= 3600, `engaged_ms ${engaged}: 1 s + the active stretch + 1 s (wall ${wall} ms)`);
  assert.ok(wall - engaged >= 1200, `idle time not counted (wall ${wall}, engaged ${engaged})`);
});

test('engagement heartbeat (heartbeatMs 1000): periodic engagement events while visible, then one on leaving; the parts add up', async () => {
  const { page, anon } = await d.open('/', { config: { ...SITE_CONFIG, engagement: { idleMs: 30000, heartbeatMs: 1000 } } });
  await sleep(2600);
  await page.goto(d.base + '/privacy.html');
  assert.equal(await flush(page), 'settled');
  const rows = await d.rows(anon, (ev) => ev.filter((e) => e.type === 'page').length >= 2);
  const [home] = pageSlices(rows);
  const eng = home.rows.filter((e) => e.event === 'engagement');
  const span = Date.parse(eng[eng.length - 1].timestamp) - Date.parse(home.rows[0].timestamp);
  const beats = eng.slice(0, -1);
  assert.ok(beats.length >= 2 && beats.length <= Math.floor(span / 1000),
    `one heartbeat a second while visible (${beats.length} in ${span} ms), then one on leaving`);
  let last = Date.parse(home.rows[0].timestamp);
  for (const e of beats) {
    const at = Date.parse(e.timestamp);
    assert.ok(at - last >= 1000, `heartbeats ≥ 1000 ms apart (${at - last})`);
    assert.ok(Math.abs(e.properties.engaged_ms - (at - last)) <= 50, `a heartbeat reports the time since the last (${e.properties.engaged_ms} vs ${at - last})`);
    last = at;
  }
  const total = eng.reduce((s, e) => s + e.properties.engaged_ms, 0);
  assert.ok(Math.abs(total - span) <= 300, `the parts (${total}) add up to the visit (${span})`);
  assert.deepEqual(home.rows.map(label).filter((l) => l !== 'engagement'), ['page'], 'nothing else');
});

test('engagement: input the core need not hear yet is kept and handed over, with its time, before idleMs runs out (idleMs 10000)', async () => {
  // Quiet time 1 s (idleMs / 10): the first move crosses at once and the core
  // counts until it + 10 s; the next two change nothing before then, so they
  // are kept, and the latest must reach the core before that time passes.
  const { page, anon } = await d.open('/', { config: { ...SITE_CONFIG, flushIntervalMs: 60000, engagement: { idleMs: 10000 } } });
  await page.mouse.move(100, 300);
  await sleep(1500);
  await page.mouse.move(200, 300);
  await sleep(1500);
  await page.mouse.move(300, 300);
  const lastInputAt = Date.now();
  await sleep(12000);                                  // idle past lastInputAt + 10 s
  await page.goto(d.base + '/privacy.html');
  const rows = await d.rows(anon, (ev) => ev.some((e) => e.event === 'engagement'));
  const [home] = pageSlices(rows);
  const eng = home.rows.filter((e) => e.event === 'engagement');
  assert.equal(eng.length, 1);
  const expected = lastInputAt + 10000 - Date.parse(home.rows[0].timestamp);  // from the page view to the last input + idleMs
  assert.ok(Math.abs(eng[0].properties.engaged_ms - expected) <= 400,
    `engaged_ms ${eng[0].properties.engaged_ms} ≈ ${expected}: counted to the last input + idleMs (3 s less if it was never handed over)`);
});
