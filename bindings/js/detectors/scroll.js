// Scroll depth: reads three numbers per animation frame; the core decides
// which thresholds they reach.
import { afterCoreCall } from '../delivery.js';
import { core } from '../state.js';
import { guard, now } from '../util.js';

export const enableScroll = () => {
  if (!core.wants('scroll')) return;
  let framePending = false;
  const sample = guard(() => {
    framePending = false;
    const root = document.documentElement;
    const documentHeight = Math.max(root.scrollHeight, document.body ? document.body.scrollHeight : 0);
    afterCoreCall(core.onScroll(scrollY, innerHeight, documentHeight, now()));
  });
  addEventListener('scroll', () => {
    if (!framePending) requestAnimationFrame(sample);
    framePending = true;
  }, { passive: true, capture: true });
  // The first sample in the next frame: reading scrollHeight now would force
  // a layout inside start-up's task.
  framePending = true;
  requestAnimationFrame(sample);
};
