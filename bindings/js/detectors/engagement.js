// Engaged time: visitor input, at most one report a second. Page visibility
// and window focus: page-state.js.
import { afterCoreCall } from '../delivery.js';
import { core, flushScroll } from '../state.js';
import { guard, now } from '../util.js';

const INPUT_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'scroll', 'wheel', 'touchstart'];
const OPTIONS = { passive: true, capture: true };
const QUIET_MS = 1000;

export const enableEngagement = () => {
  if (!core.wants('engagement')) return;
  const report = guard(() => {
    flushScroll();  // a report of activity may be a heartbeat: it reports how deep the page was scrolled
    afterCoreCall(core.activity(now()));
  });
  // The first input reports; the listeners then stand down for a second
  // (the input in it would report nothing new), so that a scroll or a
  // pointer move runs no script on every frame.
  const listen = (on) => {
    for (const type of INPUT_EVENTS) (on ? addEventListener : removeEventListener)(type, onInput, OPTIONS);
  };
  const onInput = () => {
    listen(false);
    setTimeout(listen, QUIET_MS, true);
    report();
  };
  listen(true);
};
