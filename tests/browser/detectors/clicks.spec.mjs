// CONTRACT §3 click rows (outbound_click, file_download, contact_click) on
// the demo blog post, clicked by Playwright's mouse and keyboard, through
// the real collector.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useDetectorHarness, flush, label, sleep, stayOnPage, pageSlices, assertQuiet, SITE_CONFIG } from './helpers.mjs';

const d = useDetectorHarness();
const CLICK_EVENTS = new Set(['outbound_click', 'file_download', 'contact_click']);
const clickRows = (rows) => rows.filter((e) => CLICK_EVENTS.has(e.event));

const social = (id, href, domain, text) => ({ id, event: 'outbound_click',
  properties: { href, domain, text, link_category: 'social' } });

test('blog post: outbound (review/social/other; left, middle, ctrl, Enter), downloads, contacts; internal and ignored links give nothing', async () => {
  const { rec, page, context, anon } = await d.open('/blog/brewing-guide.html');
  const popups = [];
  context.on('page', (p) => popups.push(p.url()));
  await stayOnPage(page);  // the SDK sees every click; the page stays put so that one view gets them all

  const expected = [
    { id: 'trustpilot-review', event: 'outbound_click', properties: { href: 'https://www.trustpilot.com/review/fjordbrew.example',
      domain: 'trustpilot.com', text: '★ Review us on Trustpilot', link_category: 'review' } },
    social('follow-facebook', 'https://www.facebook.com/fjordbrew', 'facebook.com', 'Facebook'),
    { ...social('follow-x', 'https://x.com/fjordbrew', 'x.com', 'X'), how: 'middle' },
    { ...social('follow-linkedin', 'https://www.linkedin.com/company/fjordbrew', 'linkedin.com', 'LinkedIn'), how: 'ctrl' },
    { ...social('follow-instagram', 'https://www.instagram.com/fjordbrew', 'instagram.com', 'Instagram'), how: 'enter' },
    social('follow-youtube', 'https://www.youtube.com/@fjordbrew', 'youtube.com', 'YouTube'),
    social('follow-tiktok', 'https://www.tiktok.com/@fjordbrew', 'tiktok.com', 'TikTok'),
    { ...social('follow-pinterest', 'https://www.pinterest.com/fjordbrew', 'pinterest.com', 'Pinterest'), how: 'middle' },
    { id: 'partner-link', event: 'outbound_click', properties: { href: 'https://coffee-partner.example.org/',
      domain: 'coffee-partner.example.org', text: 'see their transparency reports on coffee-partner.example.org',
      link_category: 'other' } },
    { id: 'ebook-download', event: 'file_download', properties: { href: d.base + '/files/fjordbrew-brewing-guide.pdf', extension: 'pdf' } },
    // Its extension is checked by the download-attribute test below.
    { id: 'grind-chart-download', event: 'file_download', properties: { href: d.base + '/files/fjordbrew-grind-chart.svg' },
      how: 'ctrl' },
    { id: 'contact-email', event: 'contact_click', properties: { method: 'email' } },
    { id: 'contact-phone', event: 'contact_click', properties: { method: 'phone' }, how: 'enter' }
  ];
  // Clicked in between, tracked never: internal links, a link inside data-mt-ignore, plain text.
  const silent = ['a[href="/shop/product.html"]', 'a[href="/pricing.html"]', '#chat-vendor-link', 'a[href="/blog/"]',
    '#comments-title', 'a[href="/"]'];

  for (const [i, x] of expected.entries()) {
    const sel = '#' + x.id;
    if (x.how === 'middle') await page.click(sel, { button: 'middle' });
    else if (x.how === 'ctrl') await page.click(sel, { modifiers: ['Control'] });
    else if (x.how === 'enter') { await page.focus(sel); await page.keyboard.press('Enter'); }
    else await page.click(sel);
    if (silent[i]) await page.locator(silent[i]).first().click();
  }
  await sleep(200);
  assert.equal(await flush(page), 'settled');

  const rows = await d.rows(anon, (ev) => clickRows(ev).length >= expected.length);
  const chart = (e) => e.event === 'file_download' && /grind-chart/.test(e.properties.href);
  assert.deepEqual(clickRows(rows).map((e) => ({ event: e.event,
    properties: chart(e) ? { href: e.properties.href } : e.properties })),
    expected.map(({ event, properties }) => ({ event, properties })),
    'each click once, in click order, with its properties');
  assert.deepEqual(pageSlices(rows).length, 1, 'still one page view');
  assert.deepEqual(rows.filter((e) => e.type === 'track' && !CLICK_EVENTS.has(e.event) && e.event !== 'scroll_depth')
    .map(label), [], 'no other event (internal and ignored links are silent)');
  assert.deepEqual(popups, [], 'no tab was opened');

  // The contact addresses are in no request the page sent, nor in SQLite.
  for (const secret of ['baristas@fjordbrew.example', 'baristas%40fjordbrew.example', '22000000', '22 00 00 00', 'Brewing%20question']) {
    for (const r of d.proxy.records) assert.ok(!r.body.includes(secret), `request body contains ${secret}`);
    assert.ok(!JSON.stringify(rows).includes(secret), `stored events contain ${secret}`);
  }
  await assertQuiet(rec);
});

test('the download attribute makes any link a file_download, with the file\'s extension',
  async () => {
    const { page, anon } = await d.open('/blog/brewing-guide.html');
    await stayOnPage(page);
    await page.click('#grind-chart-download');
    assert.equal(await flush(page), 'settled');
    const rows = await d.rows(anon, (ev) => clickRows(ev).length >= 1);
    assert.deepEqual(clickRows(rows).map((e) => [e.event, e.properties]),
      [['file_download', { href: d.base + '/files/fjordbrew-grind-chart.svg', extension: 'svg' }]]);
  });

test('a click that navigates away (a left click to Trustpilot): the events still reach the collector', async () => {
  const { rec, page, anon } = await d.open('/blog/brewing-guide.html');
  await Promise.all([page.waitForURL(/trustpilot\.com/), page.click('#trustpilot-review')]);
  // Nothing of microtrack runs on the stub page: what arrives was sent by the page that was left.
  const rows = await d.rows(anon, (ev) => ev.some((e) => e.event === 'outbound_click') && ev.some((e) => e.event === 'engagement'));
  assert.deepEqual(rows.filter((e) => e.type !== 'track' || e.event !== 'scroll_depth').map(label),
    ['page', 'outbound_click', 'engagement']);
  assert.deepEqual(rows.find((e) => e.event === 'outbound_click').properties, { href: 'https://www.trustpilot.com/review/fjordbrew.example',
    domain: 'trustpilot.com', text: '★ Review us on Trustpilot', link_category: 'review' });
  assert.equal(d.posted(anon).filter((e) => e.event === 'outbound_click').length, 1, 'POSTed once');
  assert.equal(rec.errors.length, 0);
});

test('clicks.internalDomains: a listed domain (and its subdomains) is internal, other sites stay outbound', async () => {
  const config = { ...SITE_CONFIG, clicks: { internalDomains: ['example.org'] } };
  const { rec, page, anon } = await d.open('/blog/brewing-guide.html', { config });
  await stayOnPage(page);
  await page.click('#partner-link');          // coffee-partner.example.org: a subdomain of a listed domain
  await page.click('#follow-facebook');
  assert.equal(await flush(page), 'settled');
  const rows = await d.rows(anon, (ev) => clickRows(ev).length >= 1);
  assert.deepEqual(clickRows(rows).map((e) => [e.event, e.properties.domain]), [['outbound_click', 'facebook.com']]);
  await assertQuiet(rec);
});
