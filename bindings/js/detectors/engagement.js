// Engaged time: visitor input, at most one report a second. Page visibility
// and window focus: page-state.js.
import { afterCoreCall } from '../delivery.js';
import { core, flushScroll } from '../state.js';
import { guard, now } from '../util.js';

const INPUT_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'scroll', 'wheel', 'touchstart'];
const OPTIONS = { passive: true, capture: true };

export const enableEngagement = () => {
  if (!core.wants('engagement')) return;
  const listen = (method) => {
    for (const type of INPUT_EVENTS) window[method](type, onInput, OPTIONS);
  };
  // After a report the listeners rest for a second: the input in between
  // (every frame of a scroll or a pointer move) would not be reported, so
  // it runs no code at all.
  const onInput = guard(() => {
    listen('removeEventListener');
    setTimeout(() => listen('addEventListener'), 1000);
    flushScroll();  // a heartbeat due now reports how deep the page was scrolled
    afterCoreCall(core.activity(now()));
  });
  listen('addEventListener');
};
