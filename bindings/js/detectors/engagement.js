// Engaged time: visitor input, at most one report a second. Page visibility
// and window focus: page-state.js.
import { afterCoreCall } from '../delivery.js';
import { core } from '../state.js';
import { guard, now } from '../util.js';

const INPUT_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'scroll', 'wheel', 'touchstart'];

export const enableEngagement = () => {
  if (!core.wants('engagement')) return;
  let last = 0;
  const onInput = guard(() => {
    const t = now();
    if (t - last < 1000) return;
    last = t;
    afterCoreCall(core.activity(t));
  });
  for (const type of INPUT_EVENTS) addEventListener(type, onInput, { passive: true, capture: true });
};
