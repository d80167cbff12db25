// Engaged time: visitor input, at most one report a second. Page visibility
// and window focus: page-state.js.
import { afterCoreCall } from '../delivery.js';
import { core, flushScroll } from '../state.js';
import { guard, now } from '../util.js';

const INPUT_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'scroll', 'wheel', 'touchstart'];

export const enableEngagement = () => {
  if (!core.wants('engagement')) return;
  const report = guard(() => {
    flushScroll();  // a heartbeat due now reports how deep the page was scrolled
    afterCoreCall(core.activity(now()));
  });
  // Most input (every frame of a scroll or a pointer move) comes within the
  // second after a report: one comparison of the event's own time, no call.
  let quietUntil = 0;
  const onInput = (e) => {
    if (e.timeStamp < quietUntil) return;
    quietUntil = e.timeStamp + 1000;
    report();
  };
  for (const type of INPUT_EVENTS) addEventListener(type, onInput, { passive: true, capture: true });
};
