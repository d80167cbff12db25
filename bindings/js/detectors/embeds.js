// YouTube and Vimeo players in iframes (CONTRACT §3 video_*, `provider`):
// their own postMessage interfaces, spoken from here (microtrack loads no
// script of theirs). Each player message becomes one signal of the core's
// media tracker, which decides everything (milestones, seeks, duplicates).
import {
  MEDIA_ENDED, MEDIA_PAUSE, MEDIA_PLAY, MEDIA_TIME_UPDATE, PROVIDER_VIMEO, PROVIDER_YOUTUBE
} from 'core-constants';
import { afterCoreCall } from '../delivery.js';
import { core } from '../state.js';
import { guard, now } from '../util.js';
import { SIGNALS } from './media.js';

// The embed URLs each player serves.
const YOUTUBE_EMBED = /^https:\/\/(www\.)?youtube(-nocookie)?\.com\/embed\//;
const VIMEO_EMBED = /^https:\/\/player\.vimeo\.com\/video\//;

// YouTube's playerState -> the signal (-1 unstarted, 3 buffering and 5 cued say nothing).
const YOUTUBE_STATES = { 1: MEDIA_PLAY, 2: MEDIA_PAUSE, 0: MEDIA_ENDED };
// Vimeo's events (player.js): play, pause, ended, timeupdate, seeking and
// seeked, named as a <video>'s; each one is subscribed to.
const VIMEO_EVENTS = SIGNALS;

// Messages go out with target origin '*': they carry nothing private, and a
// frame that is not (yet) the player (still loading, an offline error page)
// would make Chrome log an error for a named origin. Messages in are taken
// only from the iframe's own window and the player's origin. A removed
// iframe has no window.
const post = (player, message) => {
  const window = player.iframe.contentWindow;
  if (window) window.postMessage(message, '*');
};

// How each player is asked to talk.
const HELLO = {
  // The IFrame API's handshake: "listening" until the player answers (it
  // ignores messages until its API is ready); then it sends infoDelivery.
  [PROVIDER_YOUTUBE]: (player) => {
    let tries = 0;
    const timer = setInterval(guard(() => {
      if (player.heard || ++tries > 40) clearInterval(timer);
      else post(player, JSON.stringify({ event: 'listening', id: player.id, channel: 'widget' }));
    }), 250);
  },
  // player.js: one addEventListener per event, and the title.
  [PROVIDER_VIMEO]: (player) => {
    for (const name in VIMEO_EVENTS) post(player, { method: 'addEventListener', value: name });
    post(player, { method: 'getVideoTitle' });
  }
};

const signal = (player, type, ended) => {
  const { iframe } = player;
  afterCoreCall(core.mediaSignal(player.id, type, player.time, player.duration, ended, player.provider, false,
    iframe.src, iframe.dataset.mtTitle || '', player.title, iframe.title, iframe.getAttribute('aria-label') || '',
    now()));
};

// initialDelivery / infoDelivery: the fields that changed.
const onYouTube = (player, { event, info }) => {
  if (!/^(initial|info)Delivery$/.test(event) || !info) return;
  if (info.videoData) player.title = info.videoData.title || '';
  if (info.duration > 0) player.duration = info.duration;
  const hasTime = info.currentTime >= 0;
  if (hasTime) player.time = info.currentTime;
  const state = YOUTUBE_STATES[info.playerState];
  if (state === MEDIA_PLAY) signal(player, state, false);
  if (hasTime) signal(player, MEDIA_TIME_UPDATE, false);
  if (state === MEDIA_PAUSE || state === MEDIA_ENDED) signal(player, state, false);
};

// {event, data: {seconds, percent, duration}}, ready, and method answers.
const onVimeo = (player, { event, data, method, value }) => {
  if (event === 'ready') HELLO[PROVIDER_VIMEO](player);  // a player (re)loaded
  if (method === 'getVideoTitle') player.title = value || '';
  const type = VIMEO_EVENTS[event];
  if (type === undefined) return;
  if (data && data.seconds >= 0) player.time = data.seconds;
  if (data && data.duration > 0) player.duration = data.duration;
  signal(player, type, !!data && data.percent >= 1);  // percent is 0–1: a pause at 1 is the end's
};

export const enableEmbeds = () => {
  if (!core.wants('video')) return;
  const players = new Map();  // the iframe's window -> its player
  let count = 0;

  const attach = guard((iframe) => {
    const src = iframe.src;
    const provider = YOUTUBE_EMBED.test(src) ? PROVIDER_YOUTUBE : VIMEO_EMBED.test(src) ? PROVIDER_VIMEO : -1;
    if (provider < 0 || iframe.closest('[data-mt-ignore]')) return;
    if (provider === PROVIDER_YOUTUBE && !/[?&]enablejsapi=/.test(src)) {
      // Without enablejsapi=1 the player does not answer: reloaded with it
      // (and origin, as YouTube asks), once; its load comes back here. An
      // explicit enablejsapi=0 is left alone.
      const url = new URL(src);
      url.searchParams.set('enablejsapi', '1');
      url.searchParams.set('origin', location.origin);
      iframe.src = url.href;
      return;
    }
    const window = iframe.contentWindow;
    // Ids below zero: the <video>/<audio> adapter counts up from 1.
    if (!players.has(window)) players.set(window, { iframe, provider, id: -++count, time: 0, duration: NaN, title: '' });
    const player = players.get(window);
    player.origin = new URL(src).origin;
    player.heard = false;
    HELLO[provider](player);
  });

  addEventListener('message', guard((e) => {
    const player = players.get(e.source);
    if (!player || e.origin !== player.origin) return;
    let data = e.data;
    if (typeof data === 'string') {
      try {
        data = JSON.parse(data);
      } catch (notJson) {
        return;
      }
    }
    if (!data || typeof data !== 'object') return;
    player.heard = true;
    (player.provider === PROVIDER_YOUTUBE ? onYouTube : onVimeo)(player, data);
  }));
  // An iframe's load does not bubble: caught in the capture phase, for
  // players added later and players that navigate.
  document.addEventListener('load', (e) => e.target instanceof HTMLIFrameElement && attach(e.target), true);
  for (const iframe of document.getElementsByTagName('iframe')) attach(iframe);
};
