// <video> and <audio>, present at load or added later: media events do not
// bubble, so they are caught in the capture phase at the document.
import {
  MEDIA_ENDED, MEDIA_PAUSE, MEDIA_PLAY, MEDIA_SEEKED, MEDIA_SEEKING, MEDIA_TIME_UPDATE, PROVIDER_HTML5
} from 'core-constants';
import { afterCoreCall } from '../delivery.js';
import { core } from '../state.js';
import { guard, now } from '../util.js';

// The DOM event -> the core's MediaSignal (also Vimeo's events, which carry
// the same names).
export const SIGNALS = {
  play: MEDIA_PLAY,
  pause: MEDIA_PAUSE,
  timeupdate: MEDIA_TIME_UPDATE,
  ended: MEDIA_ENDED,
  seeking: MEDIA_SEEKING,
  seeked: MEDIA_SEEKED
};

export const enableMedia = () => {
  if (!core.wants('video')) return;
  const ids = new WeakMap();  // element -> the number the core knows it by
  let nextId = 1;
  const onMedia = guard((e) => {
    const media = e.target;
    if (!(media instanceof HTMLMediaElement) || media.closest('[data-mt-ignore]')) return;
    if (!ids.has(media)) ids.set(media, nextId++);
    afterCoreCall(core.mediaSignal(ids.get(media), SIGNALS[e.type], media.currentTime, media.duration, media.ended,
      PROVIDER_HTML5, media instanceof HTMLAudioElement, media.currentSrc || media.src, media.dataset.mtTitle || '',
      '', media.title, media.getAttribute('aria-label') || '', now()));
  });
  for (const type in SIGNALS) document.addEventListener(type, onMedia, true);
};
