// SPA navigation on the demo app (/app/, history.pushState, back/forward,
// #help): exactly one page view per navigation, and every per-page state
// (scroll thresholds, forms, engaged time) starts again with the new view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useDetectorHarness, flush, label, sleep, pageSlices, assertQuiet, wheelTo, frames } from './helpers.mjs';

const d = useDetectorHarness();
const ALL = [25, 50, 75, 90, 100];

test('app: pushState, popstate and a hash change give one page each; scroll_depth and forms start again on each view', async () => {
  const { rec, page, anon } = await d.open('/app/');
  const title = (t) => `${t} — Fjordbrew app`;

  await page.click('#route-brew-log');                               // pushState
  await page.waitForFunction(() => location.pathname === '/app/brew-log');
  await page.click('#brew-notes');
  await page.keyboard.type('Sweet, clean.');
  await wheelTo(page, 100);
  await frames(page, 3);

  await page.click('#route-settings');                               // pushState
  await page.waitForFunction(() => location.pathname === '/app/settings');
  await sleep(100);

  await page.goBack();                                               // popstate
  await page.waitForFunction(() => location.pathname === '/app/brew-log' && document.querySelector('#brew-notes'));
  await sleep(100);
  await page.click('#brew-notes');
  await page.keyboard.type('Second cup.');
  await page.click('#brew-log-title');     // leave the field here (its change event belongs to this view)
  await wheelTo(page, 100);
  await frames(page, 3);

  // An in-page link: popstate and hashchange of one move. A script click, so
  // that nothing scrolls the page first (what a scroll does is tested above).
  await page.evaluate(() => document.querySelector('#help-link').click());
  await page.waitForFunction(() => location.hash === '#help');
  await sleep(100);
  await page.goBack();                                               // back to no hash: popstate + hashchange
  await page.waitForFunction(() => location.hash === '');
  await sleep(100);
  assert.equal(await flush(page), 'settled');

  const rows = await d.rows(anon, (ev) => ev.filter((e) => e.type === 'page').length >= 6);
  const slices = pageSlices(rows);
  const b = d.base;
  assert.deepEqual(slices.map((s) => [s.path, s.url, s.rows[0].properties.title, s.rows[0].properties.referrer]), [
    ['/app/', `${b}/app/`, title('Dashboard'), ''],
    ['/app/brew-log', `${b}/app/brew-log`, title('Brew log'), `${b}/app/`],
    ['/app/settings', `${b}/app/settings`, title('Settings'), `${b}/app/brew-log`],
    ['/app/brew-log', `${b}/app/brew-log`, title('Brew log'), `${b}/app/settings`],
    ['/app/brew-log', `${b}/app/brew-log#help`, title('Brew log'), `${b}/app/brew-log`],
    ['/app/brew-log', `${b}/app/brew-log`, title('Brew log'), `${b}/app/brew-log#help`]
  ], 'exactly one page view per navigation, with url, title and referrer');

  // Every view but the last was left: one engagement each, its last event.
  slices.forEach((s, i) => {
    const eng = s.rows.filter((e) => e.event === 'engagement');
    if (i === slices.length - 1) return assert.equal(eng.length, 0, 'the current view has not been left');
    assert.equal(eng.length, 1, `view ${i} (${s.url}): one engagement`);
    assert.equal(s.rows[s.rows.length - 1], eng[0], `view ${i}: engagement last`);
    assert.ok(eng[0].properties.engaged_ms >= 0 && eng[0].properties.engaged_ms <=
      Date.parse(eng[0].timestamp) - Date.parse(s.rows[0].timestamp), `view ${i}: engaged_ms within the view`);
  });

  // Scroll depth: all five on each brew-log view that was scrolled; never a repeat within a view.
  const depth = (s) => s.rows.filter((e) => e.event === 'scroll_depth').map((e) => e.properties.percent);
  assert.deepEqual(depth(slices[1]), ALL, 'first brew-log view: 25..100');
  assert.deepEqual(depth(slices[3]), ALL, 'brew-log view after back: 25..100 again');
  for (const s of slices) {
    const p = depth(s);
    assert.deepEqual(p, [...new Set(p)].sort((x, y) => x - y), `${s.url}: ascending, no repeat`);
  }
  assert.equal(slices[1].rows.find((e) => e.event === 'engagement').properties.max_scroll_percent, 100);

  // Forms: the brew-log form starts on each view and is abandoned by the SPA navigation away from it.
  const forms = (s) => s.rows.filter((e) => /^form_/.test(e.event)).map((e) => [e.event, e.properties.form_id,
    e.properties.field ?? e.properties.last_field]);
  assert.deepEqual(forms(slices[1]), [['form_start', 'brew-entry', 'notes'], ['form_abandon', 'brew-entry', 'notes']]);
  assert.deepEqual(forms(slices[3]), [['form_start', 'brew-entry', 'notes'], ['form_abandon', 'brew-entry', 'notes']]);
  for (const i of [0, 2, 4, 5]) assert.deepEqual(forms(slices[i]), [], `view ${i}: no form event`);
  const abandon = slices[1].rows.find((e) => e.event === 'form_abandon');
  assert.equal(abandon.properties.fields_filled, 1);
  assert.ok(slices[1].rows.indexOf(abandon) < slices[1].rows.findIndex((e) => e.event === 'engagement'),
    'form_abandon before engagement');

  assert.deepEqual(rows.map(label).filter((l) => !['page', 'engagement', 'scroll_depth', 'form_start', 'form_abandon'].includes(l)),
    [], 'nothing else');
  await assertQuiet(rec);
});

test('app: replaceState with the same path is no page view; with another path it is one', async () => {
  const { page, anon } = await d.open('/app/');
  await page.evaluate(() => {
    history.replaceState(null, '', '/app/?tab=1');
    history.replaceState(null, '', '/app/?tab=2#x');
  });
  await sleep(100);
  await page.evaluate(() => history.replaceState(null, '', '/app/settings'));
  await sleep(100);
  assert.equal(await flush(page), 'settled');
  const rows = await d.rows(anon, (ev) => ev.filter((e) => e.type === 'page').length >= 2);
  assert.deepEqual(pageSlices(rows).map((s) => s.url), [`${d.base}/app/`, `${d.base}/app/settings`]);
});

test('app: a field edited before a navigation and left (blur → change) after it does not start the form in the new view',
  async () => {
    const { page, anon } = await d.open('/app/');
    await page.click('#route-brew-log');
    await page.click('#brew-notes');
    await page.keyboard.type('Typed on the first view.');
    await page.evaluate(() => history.pushState(null, '', '/app/brew-log?step=2'));  // the app moves on; the field keeps focus
    await sleep(100);
    await page.click('#brew-log-title');   // the visitor clicks elsewhere: the browser fires change on the field
    await sleep(100);
    assert.equal(await flush(page), 'settled');
    const rows = await d.rows(anon, (ev) => ev.filter((e) => e.type === 'page').length >= 3);
    const [, first, second] = pageSlices(rows);
    assert.equal(second.url, d.base + '/app/brew-log?step=2');
    assert.deepEqual(first.rows.filter((e) => /^form_/.test(e.event)).map(label), ['form_start', 'form_abandon']);
    assert.deepEqual(second.rows.filter((e) => /^form_/.test(e.event)).map(label), [],
      'nothing was edited on the second view');
  });
