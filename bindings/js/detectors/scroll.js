// Scroll depth: the page's scroll position, read once per scroll event (the
// browser fires at most one a frame); scroll-reports.js sends the core only
// the samples that can reach a threshold (the core decides which they
// reach), so most frames never cross into the wasm.
import { afterCoreCall, afterTaskHooks } from '../delivery.js';
import { createScrollReports } from '../scroll-reports.js';
import { core, scrollReportsStarted } from '../state.js';
import { guard, now } from '../util.js';

export const enableScroll = () => {
  if (!core.wants('scroll')) return;
  const reports = createScrollReports((top, viewport, documentPx) =>
    afterCoreCall(core.onScroll(top, viewport, documentPx, now())), () => core.scrollNextPx());
  scrollReportsStarted(guard(reports.flush));
  afterTaskHooks.push(reports.reread);  // a page view, or any call, may have moved the position
  const root = document.documentElement;
  let viewport = 0;
  let documentPx = 0;
  const sample = guard(() => reports.sample(scrollY, viewport, documentPx));
  // The heights are read when they may have changed, not on every scroll:
  // reading scrollHeight in a scroll event forces a layout of the page.
  const measure = guard(() => {
    viewport = innerHeight;
    documentPx = Math.max(root.scrollHeight, document.body ? document.body.scrollHeight : 0);
    sample();
  });
  const sizes = window.ResizeObserver && new ResizeObserver(measure);  // its first answer comes with the next frame
  if (sizes) {
    sizes.observe(root);
    if (document.body) sizes.observe(document.body);
  }
  addEventListener('scroll', sizes ? sample : measure, { passive: true });
  addEventListener('resize', measure, { passive: true });
  if (!sizes) requestAnimationFrame(measure);  // the first sample, out of start-up's task
};
