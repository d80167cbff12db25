// CONTRACT §3 video_* rows for YouTube and Vimeo embeds (`provider`), played
// by Chromium, delivered to the real collector. The page embeds the players'
// real URLs (https://www.youtube.com/embed/…, www.youtube-nocookie.com,
// https://player.vimeo.com/video/…); Playwright answers those URLs with the
// fixture players of tests/browser/fixtures/players/, which speak each
// player's documented postMessage protocol. (Routing rather than
// --host-resolver-rules to a loopback server: the embed URLs are https, and
// a route needs no certificate for those names, no port mapping and no
// server; the frames still get the players' real origins.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { useDetectorHarness, label, assertQuiet } from './helpers.mjs';

const d = useDetectorHarness();
const MEDIA = new Set(['video_start', 'video_progress', 'video_pause', 'video_complete']);
const fixture = (name) => readFileSync(new URL(`../fixtures/players/${name}.html`, import.meta.url), 'utf8');
const PLAYERS = { youtube: fixture('youtube'), vimeo: fixture('vimeo') };
const YOUTUBE_HOSTS = new Set(['www.youtube.com', 'www.youtube-nocookie.com']);
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');  // 1 x 1

const PROVIDERS = {
  youtube: {
    embed: (id, query = '?enablejsapi=1') => `https://www.youtube.com/embed/${id}${query}`,
    // The same page embedding the same clip without enablejsapi=1 (microtrack adds it), and from
    // youtube-nocookie.com.
    second: (id) => `https://www.youtube-nocookie.com/embed/${id}?rel=0`
  },
  vimeo: {
    embed: (id) => `https://player.vimeo.com/video/${id}?h=8272103f6e`,
    second: (id) => `https://player.vimeo.com/video/${id}`
  }
};

/** Opens a page of the demo's origin that holds these iframes ([{id, src, title}]). */
function openEmbeds(iframes) {
  const body = '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Embeds</title>' +
    '<script src="/mt-init.js"></script><script async src="/dist/microtrack.js"></script></head><body>' +
    iframes.map((f) => `<iframe id="${f.id}" src="${f.src}" title="${f.title || ''}" width="320" height="180"></iframe>`).join('') +
    '</body></html>';
  return d.open('/embeds.html', {
    routes: async (context) => {
      await context.route((u) => u.pathname === '/embeds.html', (r) =>
        r.fulfill({ status: 200, contentType: 'text/html', body }));
      await context.route((u) => YOUTUBE_HOSTS.has(u.hostname) || u.hostname === 'player.vimeo.com', (r) =>
        r.fulfill({ status: 200, contentType: 'text/html',
          body: PLAYERS[new URL(r.request().url()).hostname === 'player.vimeo.com' ? 'vimeo' : 'youtube'] }));
    }
  });
}

/** The fixture player of iframe `#id`, once microtrack has connected to it. */
async function player(page, id) {
  const element = await page.waitForSelector(`#${id}`);
  for (let i = 0; i < 100; i++) {
    const frame = await element.contentFrame();
    const connected = frame && await frame.evaluate(() => !!(window.fixture && window.fixture.connected)).catch(() => false);
    if (connected) return frame;
    await page.waitForTimeout(100);
  }
  throw new Error(`microtrack never connected to the player in #${id}`);
}

const media = (rows, src) => rows.filter((e) => MEDIA.has(e.event) && (!src || e.properties.src.startsWith(src)))
  .map((e) => (e.event === 'video_progress' ? `progress ${e.properties.percent}` : e.event));

for (const [provider, urls] of Object.entries(PROVIDERS)) {
  test(`${provider}: start, milestones in order, pause, complete — with provider, title, src and duration`, async () => {
    const src = urls.embed('clip1');
    const { rec, page, anon } = await openEmbeds([{ id: 'p1', src, title: 'Product tour' }]);
    const frame = await player(page, 'p1');
    // An 8 s clip at twice the speed; paused between 25 % (2 s) and 50 % (4 s).
    await frame.evaluate(() => { fixture.play(2); return fixture.at(3); });
    await frame.evaluate(() => fixture.pause());
    await page.waitForTimeout(300);
    await frame.evaluate(() => { fixture.play(2); return fixture.ended(); });

    const rows = await d.rows(anon, (ev) => ev.some((e) => e.event === 'video_complete'));
    assert.deepEqual(media(rows), ['video_start', 'progress 10', 'progress 25', 'video_pause', 'progress 50',
      'progress 75', 'progress 90', 'video_complete'], rows.map(label).join(' '));
    const start = rows.find((e) => e.event === 'video_start');
    assert.deepEqual(start.properties, { src: await page.$eval('#p1', (f) => f.src), title: 'Fixture video clip1',
      media_type: 'video', provider, duration_s: 8 });
    const pause = rows.find((e) => e.event === 'video_pause');
    assert.ok(pause.properties.current_s >= 3 && pause.properties.current_s < 4, `paused at ${pause.properties.current_s}`);
    for (const e of rows.filter((r) => MEDIA.has(r.event))) assert.equal(e.properties.provider, provider);
    await assertQuiet(rec);
  });

  test(`${provider}: a seek past milestones fires none of them`, async () => {
    const { rec, page, anon } = await openEmbeds([{ id: 'p1', src: urls.embed('clip2') }]);
    const frame = await player(page, 'p1');
    await frame.evaluate(() => { fixture.play(2); return fixture.at(1); });
    await frame.evaluate(() => { fixture.seekTo(6.5); return fixture.ended(); });  // over 25, 50 and 75 %

    const rows = await d.rows(anon, (ev) => ev.some((e) => e.event === 'video_complete'));
    assert.deepEqual(media(rows), ['video_start', 'progress 10', 'progress 90', 'video_complete']);
    await assertQuiet(rec);
  });

  test(`${provider}: two players on one page are kept apart`, async () => {
    const first = urls.embed('alpha');
    const { rec, page, anon } = await openEmbeds([{ id: 'a', src: first }, { id: 'b', src: urls.second('beta') }]);
    const [a, b] = [await player(page, 'a'), await player(page, 'b')];
    const secondSrc = await page.$eval('#b', (f) => f.src);
    if (provider === 'youtube') assert.match(secondSrc, /[?&]enablejsapi=1&origin=http%3A%2F%2F127\.0\.0\.1/, 'enablejsapi=1 and origin added');
    // Both play at once; b pauses at 30 % while a plays to the end.
    await Promise.all([a.evaluate(() => fixture.play(2)), b.evaluate(() => fixture.play(2))]);
    await b.evaluate(() => fixture.at(2.4));
    await b.evaluate(() => fixture.pause());
    await a.evaluate(() => fixture.ended());

    const rows = await d.rows(anon, (ev) => ev.some((e) => e.event === 'video_complete') &&
      ev.some((e) => e.event === 'video_pause'));
    assert.deepEqual(media(rows, first), ['video_start', 'progress 10', 'progress 25', 'progress 50', 'progress 75',
      'progress 90', 'video_complete']);
    assert.deepEqual(media(rows, secondSrc), ['video_start', 'progress 10', 'progress 25', 'video_pause']);
    assert.ok(rows.filter((e) => e.properties.src === secondSrc).every((e) => e.properties.title === 'Fixture video beta'));
    await assertQuiet(rec);
  });
}

// The demo's product page: its tour is an iframe added when the visitor presses play.
test('demo product page: the YouTube tour added on click is tracked, titled by its data-mt-title', async () => {
  const { rec, page, anon } = await d.open('/shop/product.html', {
    routes: async (context) => {
      await context.route((u) => YOUTUBE_HOSTS.has(u.hostname), (r) =>
        r.fulfill({ status: 200, contentType: 'text/html', body: PLAYERS.youtube }));
      await context.route((u) => u.hostname === 'i.ytimg.com', (r) =>  // the page's reachability probe
        r.fulfill({ status: 200, contentType: 'image/gif', body: GIF }));
    }
  });
  await page.click('#product-tour button');
  await page.waitForSelector('#product-tour iframe');
  await page.$eval('#product-tour iframe', (f) => { f.id = 'tour'; });
  const frame = await player(page, 'tour');
  await frame.evaluate(() => { fixture.play(2); return fixture.at(1); });
  await frame.evaluate(() => fixture.pause());

  const rows = await d.rows(anon, (ev) => ev.some((e) => e.event === 'video_pause'));
  assert.deepEqual(media(rows), ['video_start', 'progress 10', 'video_pause']);
  const start = rows.find((e) => e.event === 'video_start');
  assert.equal(start.properties.title, 'Fjordbrew One product tour');
  assert.equal(start.properties.provider, 'youtube');
  assert.match(start.properties.src, /^https:\/\/www\.youtube-nocookie\.com\/embed\/M7lc1UVf-VE\?enablejsapi=1/);
  await assertQuiet(rec);
});

test('demo product page offline: the tour box says so, and microtrack stays quiet', async () => {
  const { rec, page } = await d.open('/shop/product.html', {
    routes: (context) => context.route((u) => YOUTUBE_HOSTS.has(u.hostname) || u.hostname === 'i.ytimg.com', (r) =>
      r.abort('internetdisconnected'))
  });
  await page.click('#product-tour button');
  await page.waitForSelector('#product-tour.offline');
  assert.match(await page.textContent('#product-tour'), /needs a connection/);
  assert.equal(await page.$('#product-tour iframe'), null, 'no frame with an error page in it');
  await assertQuiet(rec);
});
