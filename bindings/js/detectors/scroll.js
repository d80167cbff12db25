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
  const root = document.documentElement;
  let viewport = 0;
  let documentPx = 0;
  let listening = false;
  // No scroll listener once the core has nothing left to reach in this page
  // view (every threshold, the end): a new page view or new heights bring it back.
  const follow = () => {
    if (reports.wantsScroll() === listening) return;
    listening = !listening;
    window[listening ? 'addEventListener' : 'removeEventListener']('scroll', sample, { passive: true });
  };
  const sample = guard(() => {
    reports.sample(scrollY, viewport, documentPx);
    follow();
  });
  // The heights are read when they may have changed, not on every scroll:
  // reading scrollHeight in a scroll event forces a layout of the page.
  const measure = guard(() => {
    viewport = innerHeight;
    documentPx = Math.max(root.scrollHeight, document.body ? document.body.scrollHeight : 0);
    sample();
  });
  afterTaskHooks.push(() => {  // a page view, or any call, may have moved the position
    reports.reread();
    follow();
  });
  addEventListener('resize', measure, { passive: true });
  if (window.ResizeObserver) {
    const sizes = new ResizeObserver(measure);  // its first answer comes with the next frame
    sizes.observe(root);
    if (document.body) sizes.observe(document.body);
  } else {
    requestAnimationFrame(measure);  // the first sample, out of start-up's task
  }
};
