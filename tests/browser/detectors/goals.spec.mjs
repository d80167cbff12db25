// Goals (CONTRACT §3: path, declarative data-mt-goal click and form submit,
// selector, event and compound goals) and the macro conversion: the demo
// shop's product → cart → checkout → purchase, through the real collector.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useDetectorHarness, awaitReady, flush, label, sleep, pageSlices, assertQuiet, wheelTo, SITE_CONFIG } from './helpers.mjs';

const d = useDetectorHarness();
const NOISE = new Set(['scroll_depth', 'engagement']);
const story = (rows) => rows.filter((e) => !NOISE.has(e.event)).map((e) => (e.type === 'page' ? `page ${e.context.page.path}` : label(e)));
const goal = (trigger) => ({ goal: true, trigger });

test('landing → pricing → plan: declarative click goals and the path goal, each once, in order, with goal:true and trigger', async () => {
  const { rec, page, anon } = await d.open('/');
  await Promise.all([page.waitForURL(/pricing\.html$/), page.click('a.cta[data-mt-goal="hero_cta"]')]);
  await page.waitForFunction(() => window.microtrack && window.microtrack.version);
  await Promise.all([page.waitForURL(/plan=explorer/), page.click('a[href="/thanks.html?plan=explorer"]')]);
  assert.equal(await flush(page), 'settled');

  const rows = await d.rows(anon, (ev) => ev.filter((e) => e.type === 'page').length >= 3 && ev.some((e) => e.event === 'plan_select'));
  assert.deepEqual(story(rows), ['page /', 'hero_cta', 'page /pricing.html', 'visited_pricing', 'plan_select', 'page /thanks.html']);
  const by = (name) => rows.find((e) => e.event === name);
  assert.deepEqual(by('hero_cta').properties, goal('click'));
  assert.deepEqual(by('visited_pricing').properties, goal('path'));
  assert.deepEqual(by('plan_select').properties, goal('click'));
  assert.deepEqual(by('visited_pricing').context.page.path, '/pricing.html');
  assert.equal(rows.filter((e) => e.event === 'outbound_click').length, 0, 'internal links are no outbound clicks');
  await assertQuiet(rec);
});

test('newsletter: the form\'s data-mt-goal fires on its submit (trigger submit), after form_start and form_submit', async () => {
  const { rec, page, anon } = await d.open('/');
  await page.click('#nl-email');
  await page.keyboard.type('marcus@example.com');
  // A click inside the form is not the form's goal: only the submit is.
  await page.click('#newsletter label[for="nl-email"]');
  await page.click('#nl-email');
  await Promise.all([page.waitForURL(/thanks\.html/), page.keyboard.press('Enter')]);   // implicit submission
  assert.equal(await flush(page), 'settled');
  const rows = await d.rows(anon, (ev) => ev.filter((e) => e.type === 'page').length >= 2 && ev.some((e) => e.event === 'newsletter_signup'));
  assert.deepEqual(story(rows), ['page /', 'form_start', 'form_submit', 'newsletter_signup', 'page /thanks.html']);
  const [start, submit, signup] = rows.filter((e) => ['form_start', 'form_submit', 'newsletter_signup'].includes(e.event));
  assert.deepEqual(start.properties, { form_id: 'newsletter', form_name: 'newsletter', field: 'email' });
  assert.equal(submit.properties.fields_filled, 1);
  assert.deepEqual(signup.properties, goal('submit'));
  await assertQuiet(rec);
});

test('selector and event goals (config): a click inside a matching element; another event with matching properties', async () => {
  const config = { ...SITE_CONFIG, goals: [...SITE_CONFIG.goals,
    { name: 'faq_opened', selector: '#faq details' },
    { name: 'watched_half', event: 'video_progress', where: { percent: 50 } }] };
  const { rec, page, anon } = await d.open('/', { config });
  await page.click('#faq summary >> nth=1');
  await page.click('#faq summary >> nth=2');                     // the same goal again: once per page view
  await page.evaluate(async () => {
    const v = document.querySelector('#hero-video');
    v.playbackRate = 4;
    await v.play();
    await new Promise((r) => v.addEventListener('ended', r, { once: true }));
  });
  assert.equal(await flush(page), 'settled');
  const rows = await d.rows(anon, (ev) => ev.some((e) => e.event === 'video_complete'));
  const s = story(rows);
  assert.deepEqual(s, ['page /', 'faq_opened', 'video_start', 'video_progress', 'video_progress', 'video_progress',
    'watched_half', 'video_progress', 'video_progress', 'video_complete']);
  assert.deepEqual(rows.find((e) => e.event === 'faq_opened').properties, goal('click'));
  assert.deepEqual(rows.find((e) => e.event === 'watched_half').properties, goal('event'));
  const i = rows.findIndex((e) => e.event === 'watched_half');
  assert.equal(rows[i - 1].properties.percent, 50, 'right after the 50 % milestone');
  await assertQuiet(rec);
});

test('compound goal article_read (scroll 75 % + engagedMs, path /blog/*): once, when both hold, only on /blog/*', async () => {
  const engagedMs = 1500;
  const config = { ...SITE_CONFIG, goals: [SITE_CONFIG.goals[0],
    { ...SITE_CONFIG.goals[1], all: [SITE_CONFIG.goals[1].all[0], { engagedMs }] }] };
  const keepActive = async (ms) => {
    for (const end = Date.now() + ms; Date.now() < end;) { await page.mouse.move(200 + Math.random() * 400, 300); await sleep(300); }
  };
  const { rec, page, anon } = await d.open('/blog/brewing-guide.html', { config });
  await wheelTo(page, 80);
  await keepActive(engagedMs + 1000);
  // The same on the landing page: not /blog/*, no goal.
  await page.goto(d.base + '/');
  await wheelTo(page, 80);
  await keepActive(engagedMs + 500);
  assert.equal(await flush(page), 'settled');

  const rows = await d.rows(anon, (ev) => ev.filter((e) => e.type === 'page').length >= 2 && ev.some((e) => e.event === 'article_read'));
  const [blog, home] = pageSlices(rows);
  const reads = rows.filter((e) => e.event === 'article_read');
  assert.equal(reads.length, 1, 'article_read once');
  assert.ok(blog.rows.includes(reads[0]), 'on the blog page');
  assert.deepEqual(reads[0].properties, goal('all'));
  const after = Date.parse(reads[0].timestamp) - Date.parse(blog.rows[0].timestamp);
  assert.ok(after >= engagedMs && after < engagedMs + 2000, `fired when ${engagedMs} ms engaged were reached (${after} ms)`);
  const i75 = blog.rows.findIndex((e) => e.event === 'scroll_depth' && e.properties.percent === 75);
  assert.ok(i75 >= 0 && i75 < blog.rows.indexOf(reads[0]), 'after scroll_depth 75');
  assert.ok(home.rows.some((e) => e.event === 'scroll_depth' && e.properties.percent === 75), 'the landing page was read too');
  await assertQuiet(rec);
});

test('macro conversion: product → cart → checkout → purchase, every step tracked once and in order', async () => {
  const { rec, page, anon } = await d.open('/shop/product.html');
  // Each page's microtrack is up before the visitor acts: a click before the
  // adapters run cannot be seen (CI once missed begin_checkout that way).
  await Promise.all([page.waitForURL(/\/shop\/cart\.html/), page.click('#add-to-cart')]);
  assert.equal(await awaitReady(page), true);
  await Promise.all([page.waitForURL(/\/shop\/checkout\.html/), page.click('#checkout-link')]);
  assert.equal(await awaitReady(page), true);
  const typed = [['#co-email', 'ingrid@example.com'], ['#co-phone', '+47 400 00 000'], ['#co-name', 'Ingrid Hansen'],
    ['#co-address', 'Fjordgata 1'], ['#co-postcode', '7010'], ['#co-city', 'Trondheim'],
    ['#co-card-name', 'Ingrid Hansen'], ['#co-card-number', '4242 4242 4242 4242'], ['#co-card-expiry', '12/29'],
    ['#co-card-cvc', '123']];
  for (const [sel, text] of typed) {
    await page.click(sel);
    await page.keyboard.press(text[0]);
    await page.keyboard.insertText(text.slice(1));   // one trusted input event for the rest (as a paste or an IME gives)
  }
  await page.focus('#co-country');
  await page.keyboard.press('ArrowDown');
  await page.check('#co-terms');
  await Promise.all([page.waitForURL(/\/shop\/confirmation\.html/), page.click('#place-order')]);
  await page.waitForFunction(() => window.microtrack && window.microtrack.version);
  assert.equal(await flush(page), 'settled');

  const rows = await d.rows(anon, (ev) => ev.some((e) => e.event === 'purchase'));
  assert.deepEqual(story(rows), [
    'page /shop/product.html', 'add_to_cart', 'form_submit',
    'page /shop/cart.html', 'begin_checkout',
    'page /shop/checkout.html', 'form_start', 'form_submit',
    'page /shop/confirmation.html', 'purchase']);
  const slices = pageSlices(rows);
  assert.deepEqual(slices.map((s) => s.rows.filter((e) => e.event === 'engagement').length), [1, 1, 1, 0],
    'one engagement for each page left');
  const [product, cart, checkout, confirmation] = slices;
  assert.deepEqual(product.rows.find((e) => e.event === 'add_to_cart').properties, goal('click'));
  assert.deepEqual(product.rows.find((e) => e.event === 'form_submit').properties,
    { form_id: 'product-options', form_name: 'product-options', fields_filled: 0, duration_ms: 0 });
  assert.deepEqual(cart.rows.find((e) => e.event === 'begin_checkout').properties, goal('click'));
  const start = checkout.rows.find((e) => e.event === 'form_start');
  const submit = checkout.rows.find((e) => e.event === 'form_submit');
  assert.deepEqual(start.properties, { form_id: 'checkout', form_name: 'checkout', field: 'email' });
  assert.equal(submit.properties.fields_filled, typed.length + 2, 'every typed field, the country and the terms');
  assert.equal(submit.properties.duration_ms, Date.parse(submit.timestamp) - Date.parse(start.timestamp));
  assert.deepEqual(confirmation.rows.find((e) => e.event === 'purchase').properties,
    { order_id: 'FJ-1001', value: 349, currency: 'EUR' });
  // What was typed at checkout went nowhere.
  const stored = JSON.stringify(rows);
  for (const [, text] of typed.filter(([, t]) => t.length >= 8)) assert.ok(!stored.includes(text), `stored events contain "${text}"`);
  assert.equal(rows[0].context.sessionId, rows[rows.length - 1].context.sessionId, 'one session');
  await assertQuiet(rec);
});
