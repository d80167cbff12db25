// Scroll depth without a script per scroll frame. The core names the next
// viewport bottom worth a sample (scroll-reports.js); an invisible sentinel
// element sits at that position of the document, and an IntersectionObserver
// says when the viewport's bottom has reached it: only then is a sample
// handed over (the core decides what it reached), its scroll position taken
// from where the observer saw the sentinel (reading scrollY may force a
// layout). The deepest point between two thresholds is sampled the same way
// while the visitor is active (sampleScrollSoon: engagement, at most once a
// second) and handed over when the core is about to report it (flushScroll:
// a heartbeat, the page hidden or left), not on every frame.
import { afterCoreCall, afterTaskHooks } from '../delivery.js';
import { createScrollReports } from '../scroll-reports.js';
import { core, scrollReportsStarted } from '../state.js';
import { guard, now } from '../util.js';

// The observer's root reaches far above the viewport (and to either side):
// the sentinel counts as in view from the moment the viewport's bottom
// reaches it, however far past it a jump lands.
const ROOT_MARGIN = '9999999px 9999999px 0px 9999999px';
// Zero-sized: it never makes the document taller, even below its end.
const SENTINEL_STYLE = 'position:absolute;left:0;top:0;width:0;height:0;margin:0;padding:0;border:0;' +
  'visibility:hidden;pointer-events:none';
const PASSIVE = { passive: true };

export const enableScroll = () => {
  if (!core.wants('scroll')) return;
  const reports = createScrollReports((top, viewport, documentPx) =>
    afterCoreCall(core.onScroll(top, viewport, documentPx, now())), () => core.scrollNextPx());
  const root = document.documentElement;
  let viewport = 0;
  let documentPx = 0;
  const sentinel = document.createElement('div');
  sentinel.setAttribute('data-mt-ignore', '');
  sentinel.style.cssText = SENTINEL_STYLE;
  let placed = 0;    // the position the sentinel stands for (0: none yet)
  let origin = 0;    // document y of the sentinel's containing block (0 unless the page positions <html>)
  let near = false;  // the viewport's bottom is at the sentinel or past it
  let listening = false;

  // Each answer is a sample: the sentinel's top in the viewport gives the
  // scroll position (answers for an earlier place are dropped as it moves).
  const observer = new IntersectionObserver(guard((entries) => {
    const entry = entries[entries.length - 1];  // the last is the newest
    near = entry.isIntersecting;
    sampleAt(Math.floor(placed) - entry.boundingClientRect.top);
  }), { rootMargin: ROOT_MARGIN });

  // The sentinel goes where the core's position is; a scroll listener runs
  // only while a sample is worth taking on every frame: the core wants any
  // sample (0: a new page view), or the viewport is at the sentinel without
  // having reached the position (the sentinel stands up to 1 px early:
  // early is a sample too many, late would miss a threshold).
  const follow = () => {
    const position = reports.position();
    if (position !== placed) {
      placed = position;
      near = false;
      observer.unobserve(sentinel);
      observer.takeRecords();  // answers not delivered yet are for the old place
      if (position > 0) {
        sentinel.style.top = Math.floor(position) - origin + 'px';
        if (!sentinel.isConnected) root.appendChild(sentinel);
        observer.observe(sentinel);  // its first answer says where the viewport is now
      }
    }
    const wanted = position === 0 || (position > 0 && near);
    if (wanted === listening) return;
    listening = wanted;
    window[listening ? 'addEventListener' : 'removeEventListener']('scroll', sample, PASSIVE);
  };
  const sampleAt = (top) => {
    reports.sample(top, viewport, documentPx);
    follow();
  };
  const sample = guard(() => sampleAt(scrollY));
  // The heights are read when they may have changed, not on every scroll:
  // reading scrollHeight forces a layout of the page. So is the sentinel's
  // place checked: a positioned <html> with a margin moves it.
  const measure = guard(() => {
    viewport = innerHeight;
    documentPx = Math.max(root.scrollHeight, document.body ? document.body.scrollHeight : 0);
    if (placed > 0 && sentinel.isConnected) {
      const offBy = sentinel.getBoundingClientRect().top + scrollY - Math.floor(placed);
      if (Math.abs(offBy) >= 1) {
        origin += offBy;
        placed = NaN;  // placed again by the sample below
      }
    }
    sample();
  });
  scrollReportsStarted(guard(() => {
    if (documentPx) reports.sample(scrollY, viewport, documentPx);  // the point reached now, if the deepest
    reports.flush();
  }), () => {
    if (placed > 0) {  // else nothing is kept back: none placed, or a sample every frame
      observer.unobserve(sentinel);
      observer.observe(sentinel);  // its first answer says where the viewport is now
    }
  });
  afterTaskHooks.push(() => {  // a page view, or any call, may have moved the position
    reports.reread();
    follow();
  });
  addEventListener('resize', measure, PASSIVE);
  // (Every browser that runs the loader has ResizeObserver and
  // IntersectionObserver: its ES2021 syntax asks for Chrome 85, Firefox 79,
  // Safari 14.)
  const sizes = new ResizeObserver(measure);  // its first answer comes with the next frame
  sizes.observe(root);
  if (document.body) sizes.observe(document.body);
};
