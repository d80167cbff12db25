// The visibility deadline becomes a wake-up even when nothing else is
// pending: issue 13's pricing page with two visibility rules and a short
// flush interval. Before the fix, a visibilityChange that accepted no event
// never re-armed the loader's timer, so once the flush timer of a delivered
// track call was gone, the second rule's element_visible never came.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useDetectorHarness, label, sleep, assertQuiet } from './helpers.mjs';

const d = useDetectorHarness();

// No engaged-time goal: its once-a-second poll would keep a timer armed.
const CONFIG = {
  collector: '/v1/batch',
  flushIntervalMs: 500,
  visibility: [
    { name: 'intro', selector: '.page-intro', threshold: 0.5, minVisibleMs: 1000 },
    { name: 'signup', selector: '#signup-box', threshold: 0.5, minVisibleMs: 1000 },
  ],
};

const showSignup = (page) => page.evaluate(() => document.querySelector('#signup-box').scrollIntoView({ block: 'center' }));
const top = (page) => page.evaluate(() => window.scrollTo(0, 0));

test('a second visibility rule fires after a glimpse, a delivered track call and the element back in view', async () => {
  const { rec, page, anon } = await d.open('/pricing.html', { config: CONFIG, viewport: { width: 1280, height: 720 } });
  // The intro (in view at load) fires and is delivered: no timer is left.
  await d.rows(anon, (ev) => ev.some((e) => e.event === 'element_visible'));
  assert.equal(await page.evaluate(() => {
    const box = document.querySelector('#signup-box').getBoundingClientRect();
    return box.top >= innerHeight;
  }), true, 'the signup box starts below the fold');

  await showSignup(page);
  await sleep(300);               // a glimpse: shorter than minVisibleMs
  await top(page);
  await page.evaluate(() => microtrack.track('plan_compare'));
  await d.rows(anon, (ev) => ev.some((e) => e.event === 'plan_compare'));  // delivered by the flush timer
  await sleep(600);               // the send result handled; no timer pending

  const shownAt = Date.now();
  await showSignup(page);
  const rows = await d.rows(anon, (ev) => ev.some((e) => e.event === 'element_visible' && e.properties.name === 'signup'),
    { timeoutMs: 5000 });
  const signup = rows.filter((e) => e.event === 'element_visible' && e.properties.name === 'signup');
  assert.equal(signup.length, 1, `one element_visible for signup: ${JSON.stringify(rows.map(label))}`);
  assert.ok(signup[0].properties.visible_ms >= 1000 && signup[0].properties.visible_ms < 2000,
    `visible_ms ${signup[0].properties.visible_ms}: the second look only`);
  const at = Date.parse(signup[0].timestamp);
  assert.ok(at >= shownAt + 1000 && at < shownAt + 2000, `fired ~1 s after it came back (${at - shownAt} ms)`);
  await assertQuiet(rec);
});
