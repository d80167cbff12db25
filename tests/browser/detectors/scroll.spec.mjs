// CONTRACT §3 scroll_depth after the loader stopped sending every frame to
// the core (only the samples that reach the position the core names, or
// that bring new heights): each threshold still fires once per page view,
// in the frame whose viewport bottom first reaches it, ascending, however
// fast the page is scrolled and however its height changes. The reference
// is computed in the page by the contract's rule ((bottom + 1 px) reaches
// threshold % of the document height) from the position after each step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useDetectorHarness, flush, frames, assertQuiet } from './helpers.mjs';

const d = useDetectorHarness();
const THRESHOLDS = [25, 50, 75, 90, 100];

// Records every scroll_depth the page's listener hears, with the frame it came in.
const listen = (page) => page.evaluate(() => {
  window.__depth = [];
  let frame = 0;
  const count = () => { frame++; requestAnimationFrame(count); };
  requestAnimationFrame(count);
  microtrack.on('event', (e) => {
    if (e.event === 'scroll_depth') window.__depth.push({ percent: e.properties.percent, frame });
  });
});

// The thresholds the viewport bottom reaches now, by the contract's rule.
const reachedNow = (page) => page.evaluate((thresholds) => {
  const root = document.documentElement;
  const documentPx = Math.max(root.scrollHeight, document.body ? document.body.scrollHeight : 0);
  const bottom = Math.max(0, scrollY) + innerHeight;
  return documentPx > innerHeight ? thresholds.filter((t) => (bottom + 1) * 100 >= t * documentPx) : [];
}, THRESHOLDS);

const fired = (page) => page.evaluate(() => window.__depth.slice());

// After each step: what fired is exactly what the positions so far reached.
const thresholdChecker = (page) => {
  const expected = new Set();
  return async (what) => {
    await frames(page, 3);
    for (const t of await reachedNow(page)) expected.add(t);
    const percents = (await fired(page)).map((e) => e.percent);
    assert.deepEqual(percents, [...expected].sort((a, b) => a - b), `${what}: fired ${percents}`);
  };
};

test('slow scrolling, a fast jump past several thresholds and a page that grows: each threshold once, when first reached', async () => {
  const { rec, page, anon } = await d.open('/');
  await listen(page);
  const check = thresholdChecker(page);

  await check('at the top');
  // Slowly, 60 px a frame, to a little past 25 % (each frame a sample, almost none sent to the core).
  await page.mouse.move(640, 360);
  for (let i = 0; i < 400 && !(await reachedNow(page)).includes(25); i++) {
    await page.mouse.wheel(0, 60);
    await frames(page, 1);
  }
  await check('slowly past 25 %');

  // A jump from there to 80 %: 50 and 75 in one frame, ascending.
  await page.evaluate(() => {
    const root = document.documentElement;
    scrollTo(0, root.scrollHeight * 0.8 - innerHeight);
  });
  await check('a jump to 80 %');
  const jump = (await fired(page)).filter((e) => e.percent === 50 || e.percent === 75);
  assert.equal(jump.length, 2);
  assert.equal(jump[0].frame, jump[1].frame, '50 and 75 fired in the same frame');

  // The page grows to three times its height: the position is now shallower; nothing fires, nothing fires twice.
  await page.evaluate(() => {
    const tall = document.createElement('div');
    tall.id = 'grown';
    tall.style.height = (document.documentElement.scrollHeight * 2) + 'px';
    document.body.appendChild(tall);
  });
  await page.mouse.wheel(0, 10);
  await check('after the page grew');

  // Scrolling the taller page: 90 is reached only near its new end.
  await page.evaluate(() => scrollTo(0, document.documentElement.scrollHeight * 0.85 - innerHeight));
  await check('85 % of the taller page');
  assert.ok(!(await fired(page)).some((e) => e.percent === 90), '90 not yet');

  // The page shrinks back while scrolled deep: the browser moves the scroll
  // position to the new end, which reaches 90 and 100.
  await page.evaluate(() => document.getElementById('grown').remove());
  await check('the page shrank under the viewport');
  assert.deepEqual((await fired(page)).map((e) => e.percent), THRESHOLDS);

  // Up and down again: nothing more in this page view.
  await page.evaluate(() => scrollTo(0, 0));
  await frames(page, 3);
  await page.evaluate(() => scrollTo(0, document.documentElement.scrollHeight));
  await check('up and down again');

  // What reached the collector: the five, once each, in order.
  assert.equal(await flush(page), 'settled');
  const rows = await d.rows(anon, (ev) => ev.filter((e) => e.event === 'scroll_depth').length >= 5);
  assert.deepEqual(rows.filter((e) => e.event === 'scroll_depth').map((e) => e.properties.percent), THRESHOLDS);
  await assertQuiet(rec);
});

test('a window resized to another height: the thresholds follow the new viewport', async () => {
  const { rec, page } = await d.open('/', { viewport: { width: 1280, height: 720 } });
  // A document of a known height (the demo's sections grow with the window).
  await page.evaluate(() => { document.body.innerHTML = '<div style="height: 4000px"></div>'; });
  await page.evaluate(() => scrollTo(0, 0));
  await frames(page, 3);
  await listen(page);
  const expected = new Set(await reachedNow(page));
  for (const height of [1100, 500, 2100, 3100]) {
    await page.setViewportSize({ width: 1280, height });
    await page.evaluate(() => scrollBy(0, 1));  // a scroll after the resize, as a visitor's would be
    await frames(page, 3);
    for (const t of await reachedNow(page)) expected.add(t);
    const percents = (await fired(page)).map((e) => e.percent);
    assert.deepEqual(percents, [...expected].sort((a, b) => a - b), `viewport ${height} px: fired ${percents}`);
  }
  assert.deepEqual([...expected].sort((a, b) => a - b), [25, 50, 75], 'each taller window reached one more');
  await assertQuiet(rec);
});

test('a page that fits the viewport, then grows as its end is reached (infinite scroll): each threshold when first reached, up and down again', async () => {
  const { rec, page } = await d.open('/');
  await page.evaluate(() => { document.body.innerHTML = '<div id="feed" style="height: 400px"></div>'; scrollTo(0, 0); });
  await frames(page, 3);
  await listen(page);
  const check = thresholdChecker(page);
  await check('a page that fits');
  assert.deepEqual(await fired(page), [], 'a page that fits fires none');

  const grow = (px) => page.evaluate((px) => {
    const feed = document.getElementById('feed');
    feed.style.height = (feed.offsetHeight + px) + 'px';
  }, px);
  await grow(2600);                       // 3000 px: the first viewport is 24 % of it
  await check('grown to 3000 px');
  await page.mouse.move(640, 360);
  for (let round = 0; round < 3; round++) {
    // Wheel down to the end, 250 px a step, checking each step; then the feed grows by half.
    for (let i = 0; i < 60; i++) {
      const atEnd = await page.evaluate(() => Math.ceil(scrollY + innerHeight) >= document.documentElement.scrollHeight);
      if (atEnd) break;
      await page.mouse.wheel(0, 250);
      await check(`round ${round}, step ${i}`);
    }
    await grow(1500);
    await check(`round ${round}: the feed grew`);
  }
  await page.evaluate(() => scrollTo(0, 0));
  await check('back to the top');
  await page.evaluate(() => scrollTo(0, document.documentElement.scrollHeight));
  await check('down to the end again');
  assert.deepEqual((await fired(page)).map((e) => e.percent), THRESHOLDS, 'each threshold once');
  await assertQuiet(rec);
});
