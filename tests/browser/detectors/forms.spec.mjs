// CONTRACT §3 form rows (form_start, form_submit, form_abandon) on the demo
// site's real forms: typed by Playwright's keyboard (trusted events), through
// the real collector. And issue 3's privacy check: a unique marker typed into
// every field of every demo form appears in no request the pages sent (every
// body and URL, beacons included, recorded by the proxy in front of the
// collector) and nowhere in SQLite (the whole /api/events answer, and the
// database file's bytes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { useDetectorHarness, awaitReady, flush, label, sleep, pageSlices, assertQuiet } from './helpers.mjs';

const d = useDetectorHarness();
const FORM_EVENTS = new Set(['form_start', 'form_submit', 'form_abandon']);
const formRows = (rows) => rows.filter((e) => FORM_EVENTS.has(e.event));

/** No property of any event names the password field (by name or id). */
function assertPasswordNeverNamed(rows) {
  for (const e of rows)
    for (const [k, v] of Object.entries(e.properties || {}))
      assert.ok(!(typeof v === 'string' && /password/i.test(v)), `${label(e)}.${k} names the password field: ${v}`);
}

test('pricing signup: focus and script-set values start nothing; the first typed edit does; submit carries fields_filled and duration_ms', async () => {
  const { rec, page, anon } = await d.open('/pricing.html');

  // Mere focus, a value set by a script, and a synthetic (untrusted) input event: no form_start.
  await page.click('#signup-email');
  await page.focus('#signup-password');
  await page.evaluate(() => {
    const email = document.querySelector('#signup-email');
    email.value = 'prefilled@example.com';
    email.dispatchEvent(new Event('input', { bubbles: true }));
    email.dispatchEvent(new Event('change', { bubbles: true }));
    const plan = document.querySelector('#signup-plan');
    const was = plan.value;
    plan.value = 'espresso';
    plan.value = was;
    email.value = '';
  });
  await sleep(300);
  assert.equal(await flush(page), 'settled');
  const early = await d.rows(anon, (ev) => ev.some((e) => e.event === 'visited_pricing'));
  assert.deepEqual(formRows(early).map(label), [], 'no form event for focus or script-set values');

  const typedAt = Date.now();
  await page.click('#signup-email');
  await page.keyboard.type('ingrid@example.com');
  await page.click('#signup-password');
  await page.keyboard.type('correct horse battery');
  await page.focus('#signup-plan');
  await page.keyboard.press('ArrowDown');          // a real keyboard choice: trusted input/change
  await page.check('#signup-terms');
  await page.click('#signup-email');               // an edited field again: still four distinct fields
  await page.keyboard.type('x');
  await sleep(500);
  const submittedAt = Date.now();
  await Promise.all([page.waitForURL(/\/thanks\.html/), page.click('#signup button[type=submit]')]);
  assert.equal(await flush(page), 'settled');

  const rows = await d.rows(anon, (ev) => ev.filter((e) => e.type === 'page').length >= 2 &&
    ev.some((e) => e.event === 'form_submit') && ev.some((e) => e.event === 'engagement'));
  const [pricing, thanks] = pageSlices(rows);
  assert.equal(pricing.path, '/pricing.html');
  assert.equal(thanks.path, '/thanks.html');
  const forms = formRows(rows);
  assert.deepEqual(forms.map(label), ['form_start', 'form_submit'], 'one start, one submit, no abandon');
  const [start, submit] = forms;
  assert.deepEqual(start.properties, { form_id: 'signup', form_name: 'signup', field: 'email' });
  const { duration_ms: duration, ...rest } = submit.properties;
  assert.deepEqual(rest, { form_id: 'signup', form_name: 'signup', fields_filled: 4 });
  assert.ok(Date.parse(start.timestamp) >= typedAt - 5, 'form_start when typing began');
  assert.equal(duration, Date.parse(submit.timestamp) - Date.parse(start.timestamp), 'duration_ms = submit - start');
  assert.ok(duration >= submittedAt - typedAt - 1000 && duration >= 500, `duration_ms ${duration}`);
  assert.ok(pricing.rows.includes(submit), 'form_submit belongs to the pricing page view');
  assert.deepEqual(pricing.rows.filter((e) => e.event === 'engagement').length, 1, 'one engagement on leaving pricing');
  assertPasswordNeverNamed(rows);
  await assertQuiet(rec);
});

test('pricing signup: starting in the password field names no field; leaving the page gives one form_abandon', async () => {
  const { rec, page, anon } = await d.open('/pricing.html');
  await page.click('#signup-password');
  await page.keyboard.type('hunter22hunter');
  await page.click('#signup-email');
  await page.keyboard.type('aino@example.com');
  await page.click('#signup-password');
  await page.keyboard.press('Backspace');
  await sleep(300);
  // Leave by an ordinary internal link: the page is hidden and unloaded.
  await Promise.all([page.waitForURL(/\/blog\/$/), page.click('.nav-links a[href="/blog/"]')]);
  assert.equal(await flush(page), 'settled');

  const rows = await d.rows(anon, (ev) => ev.filter((e) => e.type === 'page').length >= 2 &&
    ev.some((e) => e.event === 'form_abandon'));
  const forms = formRows(rows);
  assert.deepEqual(forms.map(label), ['form_start', 'form_abandon']);
  const [start, abandon] = forms;
  assert.deepEqual(start.properties, { form_id: 'signup', form_name: 'signup', field: '' },
    'a password field is never named');
  const { duration_ms: duration, ...rest } = abandon.properties;
  assert.deepEqual(rest, { form_id: 'signup', form_name: 'signup', last_field: '', fields_filled: 2 });
  assert.equal(duration, Date.parse(abandon.timestamp) - Date.parse(start.timestamp), 'duration_ms = hide - start');
  assert.ok(duration >= 300, `duration_ms ${duration}`);
  const [pricing, blog] = pageSlices(rows);
  assert.equal(blog.path, '/blog/');
  assert.ok(pricing.rows.includes(abandon), 'form_abandon belongs to the page that was left');
  const eng = pricing.rows.findIndex((e) => e.event === 'engagement');
  assert.ok(eng > pricing.rows.indexOf(abandon), 'form_abandon, then engagement');
  assertPasswordNeverNamed(rows);
  await assertQuiet(rec);
});

test('blog comment: a submit the browser blocks (empty required fields) is no form_submit; typed then left: form_abandon; the data-mt-ignore chat form is invisible', async () => {
  const { rec, page, anon } = await d.open('/blog/brewing-guide.html');
  // Required fields empty: the browser refuses the submit, nothing is tracked.
  await page.click('#comment-submit');
  // The ignored support chat: typed, changed and submitted below, never tracked.
  await page.click('#chat-name');
  await page.keyboard.type('Petteri');
  await page.click('#chat-message');
  await page.keyboard.type('Is the grinder loud?');
  await page.click('#comment-name');
  await page.keyboard.type('Laura');
  await page.click('#comment-body');
  await page.keyboard.type('Lovely guide.');
  await page.check('#comment-notify');
  await sleep(200);
  assert.equal(page.url(), d.base + '/blog/brewing-guide.html', 'the blocked submit did not navigate');
  // Leave through the chat form's own submit (a real navigation to /thanks.html).
  await Promise.all([page.waitForURL(/\/thanks\.html/), page.click('#chat-submit')]);
  assert.equal(await flush(page), 'settled');

  const rows = await d.rows(anon, (ev) => ev.filter((e) => e.type === 'page').length >= 2 &&
    ev.some((e) => e.event === 'form_abandon'));
  const forms = formRows(rows);
  assert.deepEqual(forms.map((e) => [label(e), e.properties.form_id]), [['form_start', 'comment'], ['form_abandon', 'comment']],
    'the comment form starts and is abandoned; the chat form is never seen; no form_submit');
  assert.deepEqual(forms[0].properties, { form_id: 'comment', form_name: 'comment', field: 'name' });
  const { duration_ms: duration, ...rest } = forms[1].properties;
  assert.deepEqual(rest, { form_id: 'comment', form_name: 'comment', last_field: 'notify', fields_filled: 3 });
  assert.ok(duration > 0);
  for (const e of rows.filter((r) => r.type === 'track'))
    assert.ok(!/chat/.test(JSON.stringify(e.properties)), `nothing about the ignored chat: ${label(e)} ${JSON.stringify(e.properties)}`);
  await assertQuiet(rec);
});

test('SPA form saved in place (the app handles submit itself) counts as submitted: no form_abandon on the next route',
  async () => {
    const { rec, page, anon } = await d.open('/app/');
    await page.click('#route-brew-log');
    await page.click('#brew-notes');
    await page.keyboard.type('Bright, a little sour.');
    await page.click('#brew-save');
    await page.waitForFunction(() => document.querySelector('.app-status').textContent === 'Saved.');
    await page.click('#route-settings');
    assert.equal(await flush(page), 'settled');
    const rows = await d.rows(anon, (ev) => ev.filter((e) => e.type === 'page').length >= 3 &&
      ev.filter((e) => e.event === 'engagement').length >= 2);
    assert.deepEqual(formRows(rows).map((e) => [label(e), e.properties.form_id]),
      [['form_start', 'brew-entry'], ['form_submit', 'brew-entry']]);
    await assertQuiet(rec);
  });

// ---------------------------------------------------------------------------
// Privacy
const MARK = 'qzxmark' + Math.random().toString(36).slice(2, 8);  // unique to this run
const CONTROL = 'qzxcontrol' + Math.random().toString(36).slice(2, 8);

/** Types `MARK-<tag>` (an email address for type=email) into a field, as a visitor would. */
async function typeMark(page, selector, tag) {
  const type = await page.getAttribute(selector, 'type');
  const text = type === 'email' ? `${MARK}.${tag}@example.com` : `${MARK} ${tag}`;
  await page.click(selector);
  await page.keyboard.press(text[0]);                 // a key press (keydown, input) …
  await page.keyboard.insertText(text.slice(1));      // … and the rest as one trusted input event, as an IME or paste gives
  assert.equal(await page.inputValue(selector), text, `${selector} holds what was typed`);
  return text;
}

// Both wait for microtrack on the new page: a page left before its core
// has started (tens of ms after load) has no page view to send.
const submitTo = async (page, click, url) => {
  await Promise.all([page.waitForURL(url), page.click(click)]);
  assert.equal(await awaitReady(page), true);
};
const visit = async (page, urlPath) => {
  await page.goto(d.base + urlPath);
  assert.equal(await awaitReady(page), true);
};

test('a marker typed into every field of every demo form is in no request and nowhere in SQLite', async () => {
  const { page, context, anon } = await d.open('/');
  // Requests to any other origin (there should be none) are recorded too.
  const elsewhere = [];
  context.on('request', (r) => { if (!r.url().startsWith(d.base)) elsewhere.push({ url: r.url(), body: r.postData() || '' }); });
  const typedFields = [];
  const mark = async (sel, tag) => { typedFields.push(sel); return typeMark(page, sel, tag); };

  // The scan below must be able to see a value: a control string sent on purpose.
  await page.evaluate((c) => window.microtrack.track('privacy_control', { note: c }), CONTROL);

  // Landing page: newsletter.
  await mark('#nl-email', 'newsletter');
  await submitTo(page, '#newsletter button[type=submit]', /thanks\.html/);

  // Pricing: signup (the password too, minlength 8).
  await visit(page, '/pricing.html');
  await mark('#signup-email', 'signup-email');
  await mark('#signup-password', 'signup-password');
  await page.check('#signup-terms');
  await submitTo(page, '#signup button[type=submit]', /thanks\.html/);

  // Blog post: the comment form typed and abandoned, then typed and posted; the ignored chat.
  await visit(page, '/blog/brewing-guide.html');
  await mark('#comment-name', 'abandoned-name');
  await mark('#comment-body', 'abandoned-body');
  await visit(page, '/blog/brewing-guide.html');
  await mark('#chat-name', 'chat-name');
  await mark('#chat-message', 'chat-message');
  await mark('#comment-name', 'comment-name');
  await mark('#comment-email', 'comment-email');
  await mark('#comment-body', 'comment-body');
  await page.check('#comment-notify');
  await submitTo(page, '#comment-submit', /thanks\.html/);

  // Shop: checkout, every text field (card fields are type=text), to the purchase.
  await visit(page, '/shop/checkout.html');
  for (const id of ['co-email', 'co-phone', 'co-name', 'co-address', 'co-postcode', 'co-city',
    'co-card-name', 'co-card-number', 'co-card-expiry', 'co-card-cvc']) await mark('#' + id, id);
  await page.check('#co-terms');
  await submitTo(page, '#place-order', /confirmation\.html/);

  // App (SPA): the brew log notes and the settings' grinder name, saved in place.
  await visit(page, '/app/');
  await page.click('#route-brew-log');
  await mark('#brew-notes', 'brew-notes');
  await page.click('#brew-save');
  await page.click('#route-settings');
  await page.fill('#settings-grinder-name', '');
  await mark('#settings-grinder-name', 'grinder-name');
  await page.click('#settings-save');
  await page.click('#route-dashboard');
  await sleep(200);
  assert.equal(await flush(page), 'settled');
  await page.goto('about:blank');   // the last page's unload beacon too

  // Every typable field of every demo form was typed into (number inputs take no text).
  const forms = { '/': ['#nl-email'], '/pricing.html': ['#signup-email', '#signup-password'],
    '/blog/brewing-guide.html': ['#comment-name', '#comment-email', '#comment-body', '#chat-name', '#chat-message'],
    '/shop/checkout.html': ['#co-email', '#co-phone', '#co-name', '#co-address', '#co-postcode', '#co-city',
      '#co-card-name', '#co-card-number', '#co-card-expiry', '#co-card-cvc'],
    '/app/': ['#brew-notes', '#settings-grinder-name'] };
  for (const sels of Object.values(forms)) for (const s of sels) assert.ok(typedFields.includes(s), `typed into ${s}`);

  const rows = await d.rows(anon, (ev) => ev.some((e) => e.event === 'purchase') &&
    ev.filter((e) => e.event === 'form_submit').length >= 4 && ev.some((e) => e.event === 'form_abandon') &&
    ev.filter((e) => e.type === 'page').length >= 13, { timeoutMs: 15000 });
  // The forms were seen (so the marker had every chance to leak).
  const seen = new Set(rows.filter((e) => /^form_/.test(e.event)).map((e) => e.properties.form_id));
  for (const id of ['newsletter', 'signup', 'comment', 'checkout', 'brew-entry', 'settings']) assert.ok(seen.has(id), `form ${id} tracked`);
  assert.ok(!seen.has('chat'), 'the ignored chat form is not tracked');

  // Requests: every body and every URL the proxy saw, and anything sent elsewhere.
  const records = d.proxy.records;
  const posts = records.filter((r) => r.method === 'POST');
  assert.ok(posts.length >= 5, `batches recorded (${posts.length})`);
  assert.ok(posts.some((r) => r.body.includes(CONTROL)), 'control: a value sent on purpose is found in the bodies');
  const leaks = [...records, ...elsewhere].filter((r) => (r.body + ' ' + r.url).toLowerCase().includes(MARK))
    .map((r) => `${r.method || 'POST'} ${r.url} ${r.body.slice(0, 200)}`);
  assert.deepEqual(leaks, [], 'the marker is in no request');
  assert.deepEqual(elsewhere, [], 'no request to another origin');

  // SQLite: the whole query answer, and the database file itself.
  const res = await fetch(`${d.h.base}/api/events?limit=100000`);
  const all = await res.text();
  assert.ok(all.includes(CONTROL), 'control: a value sent on purpose is found in /api/events');
  assert.ok(!all.toLowerCase().includes(MARK), 'the marker is nowhere in /api/events');
  const db = d.h.collector.db;
  let bytes = '';
  for (const f of [db, db + '-wal', db + '-journal']) if (existsSync(f)) bytes += readFileSync(f).toString('latin1');
  assert.ok(bytes.includes(CONTROL), 'control: found in the SQLite file');
  assert.ok(!bytes.toLowerCase().includes(MARK), 'the marker is nowhere in the SQLite file');
  assert.ok(rows.every((e) => !JSON.stringify(e).includes(MARK)), rows.map(label).join(' '));
});
