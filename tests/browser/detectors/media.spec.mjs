// CONTRACT §3 media rows (video_start, video_progress, video_pause,
// video_complete) on the demo site's real <video> and <audio>, played by
// Chromium, delivered to the real collector.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useDetectorHarness, flush, label, assertQuiet } from './helpers.mjs';

const d = useDetectorHarness();
const MEDIA = new Set(['video_start', 'video_progress', 'video_pause', 'video_complete']);

/**
 * Plays `selector` to its end at `rate`: optionally pauses for 300 ms once past `pauseAt` s, or seeks to
 * `seekTo` once past `seekFrom` s (from a timeupdate listener on the element, which runs after the SDK's
 * capture listener), then goes on at `rateAfter`. Resolves to what happened.
 */
function play(page, selector, { rate = 1, rateAfter = null, pauseAt = null, seekFrom = null, seekTo = null } = {}) {
  return page.evaluate(async ({ selector, rate, rateAfter, pauseAt, seekFrom, seekTo }) => {
    const m = document.querySelector(selector);
    m.muted = true;          // autoplay policy: a muted element may play without a gesture
    m.playbackRate = rate;
    const log = [];
    const done = new Promise((resolve) => m.addEventListener('ended', resolve, { once: true }));
    let paused = false;
    let sought = false;
    m.addEventListener('timeupdate', () => {
      if (pauseAt !== null && !paused && m.currentTime >= pauseAt) {
        paused = true;
        m.pause();
        log.push(['paused', m.currentTime]);
        setTimeout(() => { if (rateAfter) m.playbackRate = rateAfter; m.play(); }, 300);
      }
      if (seekFrom !== null && !sought && m.currentTime >= seekFrom) {
        sought = true;
        log.push(['seek', m.currentTime]);
        if (rateAfter) m.playbackRate = rateAfter;
        m.currentTime = seekTo;  // a seek while playing: no pause, no milestone in between
      }
    });
    await m.play();
    await done;
    return { log, duration: m.duration, src: m.currentSrc };
  }, { selector, rate, rateAfter, pauseAt, seekFrom, seekTo });
}

test('hero video: start, 10/25 %, pause, 50/75/90 % by playback, complete — once each, in order', async () => {
  const { rec, page, anon } = await d.open('/');
  const run = await play(page, '#hero-video', { rate: 1, rateAfter: 3, pauseAt: 2.0 });
  assert.ok(Math.abs(run.duration - 6) < 0.1, `the hero video is 6 s (${run.duration})`);
  const pausedAt = run.log[0][1];
  assert.ok(pausedAt >= 2.0 && pausedAt < 3.0, `paused between 25 % and 50 % (${pausedAt})`);
  // Once more: a second play after the end is not a second start, and the end is not a pause.
  await page.evaluate(() => { const v = document.querySelector('#hero-video'); v.currentTime = 0; return v.play().then(() => v.pause()); });
  assert.equal(await flush(page), 'settled');

  const rows = await d.rows(anon, (ev) => ev.some((e) => e.event === 'video_complete') &&
    ev.filter((e) => e.event === 'video_pause').length >= 2);
  const media = rows.filter((e) => MEDIA.has(e.event));
  assert.deepEqual(media.map((e) => e.event === 'video_progress' ? `progress ${e.properties.percent}` : e.event), [
    'video_start', 'progress 10', 'progress 25', 'video_pause', 'progress 50', 'progress 75', 'progress 90',
    'video_complete', 'video_pause']);

  const common = { src: d.base + '/media/hero.webm', title: 'Fjordbrew in 30 seconds', media_type: 'video',
    provider: 'html5', duration_s: run.duration };
  const [start, p10, p25, pause, p50, p75, p90, complete, pause2] = media;
  assert.deepEqual(start.properties, common, 'video_start properties');
  assert.deepEqual(complete.properties, common, 'video_complete properties');
  for (const [e, pct] of [[p10, 10], [p25, 25], [p50, 50], [p75, 75], [p90, 90]]) {
    const { current_s: cur, ...rest } = e.properties;
    assert.deepEqual(rest, { ...common, percent: pct }, `progress ${pct} properties`);
    assert.ok(cur * 100 / run.duration >= pct && cur * 100 / run.duration < pct + 20,
      `progress ${pct} fired by playback at ${cur} s`);
  }
  const { current_s: pauseS, ...pauseRest } = pause.properties;
  assert.deepEqual(pauseRest, common, 'video_pause properties');
  assert.ok(Math.abs(pauseS - pausedAt) <= 0.001, `video_pause carries where it paused (${pauseS} vs ${pausedAt})`);
  assert.equal(pause2.properties.current_s < 1, true, 'a pause after replaying from 0 is reported');
  for (let i = 1; i < media.length; i++)
    assert.ok(Date.parse(media[i].timestamp) >= Date.parse(media[i - 1].timestamp), 'timestamps ascending');
  assert.equal(label(rows[0]), 'page');
  await assertQuiet(rec);
});

test('hero video: seeking past 25/50/75 % (currentTime=) fires none of them; 90 % and complete by playback', async () => {
  const { rec, page, anon } = await d.open('/');
  const run = await play(page, '#hero-video', { rate: 1, rateAfter: 1, seekFrom: 0.7, seekTo: 4.8 });
  const [[, seekedFrom]] = run.log;
  assert.ok(seekedFrom >= 0.6 && seekedFrom < 1.5, `seek from between 10 % and 25 % (${seekedFrom})`);
  assert.equal(await flush(page), 'settled');
  const rows = await d.rows(anon, (ev) => ev.some((e) => e.event === 'video_complete'));
  const media = rows.filter((e) => MEDIA.has(e.event));
  assert.deepEqual(media.map((e) => e.event === 'video_progress' ? `progress ${e.properties.percent}` : e.event),
    ['video_start', 'progress 10', 'progress 90', 'video_complete'],
    'the milestones the seek jumped over stay unfired; a seek is no pause');
  assert.ok(media[2].properties.current_s >= 5.4, `90 % reached by playback (${media[2].properties.current_s})`);
  await assertQuiet(rec);
});

test('blog jingle: an <audio> element gives media_type audio and its aria-label as title', async () => {
  const { rec, page, anon } = await d.open('/blog/brewing-guide.html');
  const run = await play(page, '#jingle', { rate: 2 });
  assert.ok(Math.abs(run.duration - 3) < 0.1, `the jingle is 3 s (${run.duration})`);
  assert.equal(await flush(page), 'settled');
  const rows = await d.rows(anon, (ev) => ev.some((e) => e.event === 'video_complete'));
  const media = rows.filter((e) => MEDIA.has(e.event));
  assert.deepEqual(media.map((e) => e.event === 'video_progress' ? `progress ${e.properties.percent}` : e.event),
    ['video_start', 'progress 10', 'progress 25', 'progress 50', 'progress 75', 'progress 90', 'video_complete']);
  const common = { src: d.base + '/media/jingle.wav', title: 'The Fjordbrew jingle', media_type: 'audio',
    provider: 'html5', duration_s: run.duration };
  assert.deepEqual(media[0].properties, common);
  assert.deepEqual(media[6].properties, common);
  for (const e of media.slice(1, 6)) assert.equal(e.properties.media_type, 'audio');
  await assertQuiet(rec);
});
