// The dashboard end to end: scripted visits of the demo site by three
// visitors from different campaigns, then the dashboard (served by the
// collector under a strict CSP) must show the funnel counts, drop-off and
// campaign split the collector computed, stream new events live, and show
// hostile event data as text. Writes tests/browser/artifacts/dashboard.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { useHarness, awaitReady, flush, frames, ROOT } from './harness.mjs';

const h = useHarness(); // the demo site at /, the dashboard at /dashboard/
const ARTIFACTS = path.join(ROOT, 'tests', 'browser', 'artifacts');

/** Scrolls so that the viewport's bottom is at `share` of the document, then lets the SDK sample it. */
async function scrollToShare(page, share) {
  await page.evaluate((s) => {
    const doc = document.documentElement.scrollHeight;
    window.scrollTo(0, Math.max(0, Math.ceil(doc * s - innerHeight)));
  }, share);
  await frames(page, 3);
}

async function visit(query, share) {
  const rec = await h.open(`/${query}`);
  assert.equal(await awaitReady(rec.page), true, 'microtrack.ready');
  if (share > 0) {
    // Two steps, as a reader would: the SDK fires each threshold crossed.
    await scrollToShare(rec.page, share / 2);
    await scrollToShare(rec.page, share);
  }
  assert.equal(await flush(rec.page), 'settled');
  return rec;
}

const FUNNEL = ['page:path=/', 'scroll_depth:percent=50', 'scroll_depth:percent=100'];
const HASH = `#${new URLSearchParams([...FUNNEL.map((s) => ['step', s]), ['window_ms', '1800000'], ['by', 'source']])}`;

function hostileEvent(id) {
  return {
    type: 'track',
    event: '<img src=x onerror="window.__xss=1">',
    messageId: `xss-${id}`,
    anonymousId: '<b>bold</b>',
    timestamp: new Date().toISOString(),
    properties: { note: '<script>window.__xss=2</script>', html: '<img src=x onerror=window.__xss=3>' },
    context: { campaign: { source: '<i>src</i>' } },
  };
}

async function postBatch(events) {
  const res = await fetch(`${h.base}/v1/batch`, { method: 'POST', body: JSON.stringify({ batch: events }) });
  assert.equal(res.status, 200);
  return res.json();
}

test('dashboard: funnel counts, drop-off and campaigns after scripted visits; live feed; escaping', async (t) => {
  // 1. Three visitors on the demo site.
  await visit('?utm_source=newsletter&utm_medium=email&utm_campaign=nov', 1.0); // reads to the end
  await visit('?utm_source=google&utm_medium=cpc&utm_campaign=brand', 0.6);     // half way
  await visit('', 0);                                                             // leaves at once
  const stored = await h.waitEvents((e) => e.type === 'page' || e.event === 'scroll_depth',
    (ev) => ev.filter((e) => e.type === 'page').length >= 3 &&
      ev.filter((e) => e.event === 'scroll_depth' && e.properties.percent === 100).length >= 1 &&
      ev.filter((e) => e.event === 'scroll_depth' && e.properties.percent === 50).length >= 2);
  assert.ok(!stored.timedOut, `visits not stored: ${JSON.stringify(stored.map((e) => [e.type, e.event, e.properties && e.properties.percent]))}`);

  // The collector's own answer, which the dashboard must show.
  const q = new URLSearchParams([...FUNNEL.map((s) => ['step', s]), ['by', 'source']]);
  const api = await (await fetch(`${h.base}/api/funnel?${q}`)).json();
  assert.deepEqual(api.steps.map((s) => s.count), [3, 2, 1], 'API funnel counts');
  assert.deepEqual(api.groups.map((g) => [g.source, g.steps.map((s) => s.count)]),
    [['(none)', [1, 0, 0]], ['google', [1, 1, 0]], ['newsletter', [1, 1, 1]]]);

  // 2. One hostile event before the dashboard opens (it comes in the backlog).
  await postBatch([hostileEvent(1)]);

  // 3. The dashboard.
  const rec = await h.open(`/dashboard/${HASH}`, { viewport: { width: 1280, height: 1400 } });
  const { page } = rec;
  const response = await page.request.get(`${h.base}/dashboard/`);
  assert.match(response.headers()['content-security-policy'] || '', /script-src 'self'/, 'served with a strict CSP');

  await page.waitForFunction(() => document.querySelector('#funnel-chart')?.dataset.counts === '3,2,1', null, { timeout: 10000 });
  const shown = await page.evaluate(() => ({
    counts: [...document.querySelectorAll('#funnel-chart g.step')].map((g) => g.querySelector('text.count').textContent),
    labels: [...document.querySelectorAll('#funnel-chart g.step text.label')].map((t) => t.textContent),
    dropoffs: [...document.querySelectorAll('#funnel-chart text.dropoff')].map((t) => t.textContent),
    campaigns: [...document.querySelectorAll('#campaigns tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].slice(0, 4).map((td) => td.textContent)),
    summary: document.querySelector('#funnel-summary').textContent,
    builderSteps: [...document.querySelectorAll('#steps li')].map((li) =>
      [li.querySelector('input.event').value, li.querySelector('input.where').value]),
  }));
  t.diagnostic(JSON.stringify(shown));
  assert.deepEqual(shown.counts, ['3', '2', '1']);
  assert.deepEqual(shown.labels, ['page path=/', 'scroll_depth percent=50', 'scroll_depth percent=100']);
  assert.deepEqual(shown.dropoffs, ['↓ 33.3% drop-off (1 visitor left)', '↓ 50% drop-off (1 visitor left)']);
  assert.deepEqual(shown.campaigns, [['(none)', '1', '0', '0'], ['google', '1', '1', '0'], ['newsletter', '1', '1', '1']]);
  assert.match(shown.summary, /^3 visitors started; 1 reached the last step \(33\.3%\)/);
  assert.deepEqual(shown.builderSteps, [['page', 'path=/'], ['scroll_depth', 'percent=50'], ['scroll_depth', 'percent=100']]);

  // Micro-conversion counts.
  await page.waitForSelector('#counts li[data-name="scroll_depth"]');
  const scrollTile = await page.textContent('#counts li[data-name="scroll_depth"] .n');
  const scrollRows = (await h.events((e) => e.event === 'scroll_depth')).length;
  assert.equal(Number(scrollTile), scrollRows, 'scroll_depth count tile');

  // 4. The funnel builder: drop the last step, show the two-step funnel.
  await page.click('#steps li:nth-child(3) button[aria-label="remove step"]');
  await page.click('#builder-form button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#funnel-chart').dataset.counts === '3,2');
  assert.match(decodeURIComponent(new URL(page.url()).hash), /step=scroll_depth:percent=50&window_ms/);
  await page.selectOption('#preset', 'reading');
  await page.waitForFunction(() => document.querySelectorAll('#funnel-chart g.step').length === 5);
  const reading = await page.evaluate(() => document.querySelector('#funnel-chart').dataset.counts);
  assert.equal(reading.split(',')[0], '3', 'the reading preset starts with the three visitors');

  // 5. Live: a new visit appears in the feed without a reload; a hostile one as text.
  await page.waitForFunction(() => document.querySelector('#status').dataset.state === 'live');
  await postBatch([hostileEvent(2)]);
  await page.waitForSelector('#feed li[data-message-id="xss-2"]', { timeout: 10000 });
  await page.waitForSelector('#feed li[data-message-id="xss-1"]');
  const feed = await page.evaluate(() => ({
    text: document.querySelector('#feed li[data-message-id="xss-2"]').textContent,
    injected: document.querySelectorAll('#feed img, #feed script, #feed b, #feed i, #counts img, #campaigns img').length,
    xss: window.__xss,
    allImages: document.querySelectorAll('img').length,
  }));
  assert.equal(feed.xss, undefined, 'no event data ran as script');
  assert.equal(feed.injected, 0, 'no event data became elements');
  assert.equal(feed.allImages, 0);
  assert.ok(feed.text.includes('<img src=x onerror="window.__xss=1">'), feed.text);
  assert.ok(feed.text.includes('<script>window.__xss=2</script>'), feed.text);
  assert.ok(feed.text.includes('visitor <b>bold<'), feed.text);
  await page.waitForSelector('#counts li[data-name="<img src=x onerror=\\"window.__xss=1\\">"]', { timeout: 5000 });

  // A live page view from a real visit shows up too.
  await visit('?utm_source=newsletter', 0);
  await page.waitForFunction(() => [...document.querySelectorAll('#feed li .type')].some((s) => s.textContent === 'page'),
    null, { timeout: 10000 });

  // No CSP violation or script error on the dashboard.
  await rec.syncConsole();
  const problems = rec.console.filter((m) => m.type === 'error').map((m) => m.text);
  assert.deepEqual(problems, [], 'console errors on the dashboard');
  assert.deepEqual(rec.errors.map(String), [], 'page errors on the dashboard');

  mkdirSync(ARTIFACTS, { recursive: true });
  await page.selectOption('#preset', 'reading');
  await page.waitForFunction(() => document.querySelectorAll('#funnel-chart g.step').length === 5);
  await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard.png'), fullPage: true });
  t.diagnostic(`screenshot: ${path.join(ARTIFACTS, 'dashboard.png')}`);
});
