// Scroll depth without a script per scroll frame. The core names the
// viewport bottoms worth a sample (scroll-reports.js): an invisible
// sentinel element sits at each of those positions of the document, all
// watched at once by one IntersectionObserver, which says when the
// viewport's bottom has reached one: only then is a sample handed over (the
// core decides what it reached), its scroll position taken from where the
// observer saw the sentinel (reading scrollY may force a layout). The
// sentinels not reached stay where they are: one observer answer per
// threshold, none to watch the next. The deepest point between two
// thresholds is read from scrollY while the visitor is active
// (sampleScroll: engagement's first input of each quiet time, at most once
// a second; a scroll or a pointer move is handled at the start of a frame,
// before the page changes the layout again, so the read seldom forces one:
// asking the observer again cost a whole answer, every sentinel through
// the core) and handed over when the core is about to report it
// (flushScroll: a heartbeat, the page hidden or left), not on every frame.
import { afterCoreCall, detectorCallback } from '../delivery.js';
import { createScrollReports } from '../scroll-reports.js';
import { core, scrollReportsStarted } from '../state.js';
import { guard, now } from '../util.js';

// The observer's root reaches far above the viewport (and to either side):
// a sentinel counts as in view from the moment the viewport's bottom
// reaches it, however far past it a jump lands.
const ROOT_MARGIN = '9999999px 9999999px 0px';  // top, either side, bottom
// Empty, and none of the page's styles apply to it (`all:unset`: no size,
// margin, padding or border of theirs): zero-sized, it never makes the
// document taller, even below its end. Hidden, so never a target of the
// pointer either. (Where it stands across the page does not matter: the
// root reaches as far to either side.)
const SENTINEL_STYLE = 'all:unset;position:absolute;visibility:hidden;top:';

export const enableScroll = () => {
  if (!core.wants('scroll')) return;
  const reports = createScrollReports((top, viewport, documentPx) =>
    afterCoreCall(core.onScroll(top, viewport, documentPx, now())), (ahead) => core.scrollNextPx(ahead));
  const root = document.documentElement;
  let viewport = 0;
  let documentPx = 0;
  const placed = new Map();  // sentinel -> the position it stands for
  let origin = 0;    // document y of the sentinels' containing block (0 unless the page positions <html>)

  // Each answer is a sample: a sentinel's top in the viewport gives the
  // scroll position (the answers of one call are of one frame: the first
  // crosses into the core if any does). Answers for a sentinel taken away
  // since are dropped.
  const observer = new IntersectionObserver(detectorCallback((entries) => {
    for (const entry of entries) {
      const at = placed.get(entry.target);
      if (at >= 0) sampleAt(Math.ceil(at) - entry.boundingClientRect.top);
    }
  }), { rootMargin: ROOT_MARGIN });

  const takeAway = (at, sentinel) => {
    observer.unobserve(sentinel);
    sentinel.remove();
    placed.delete(sentinel);
  };

  // A sentinel stands at each of the core's positions, those it names again
  // staying where they are. Position 0 (any sample: a new page view) is
  // the top of the document: its first answer is that sample. A sentinel
  // stands at the next whole px (up to 1 px late, within the core's 1 px
  // tolerance: it is never past the threshold itself), so that its answer
  // is a sample that reached the position.
  const follow = () => {
    const positions = reports.positions();
    placed.forEach((at, sentinel) => positions.includes(at) || takeAway(at, sentinel));
    for (const at of positions) {
      if ([...placed.values()].includes(at)) continue;
      const sentinel = document.createElement('div');
      sentinel.dataset.mtIgnore = '';
      sentinel.style.cssText = SENTINEL_STYLE + (Math.ceil(at) - origin) + 'px';
      root.append(sentinel);
      observer.observe(sentinel);  // its first answer says where the viewport is now
      placed.set(sentinel, at);
    }
  };
  const sampleAt = (top) => {
    reports.sample(top, viewport, documentPx);
    follow();
  };
  // The heights are read when they may have changed, not on every scroll:
  // reading scrollHeight forces a layout of the page. So is the sentinels'
  // place checked: a positioned <html> with a margin moves them.
  const measure = detectorCallback(() => {
    viewport = innerHeight;
    documentPx = Math.max(root.scrollHeight, document.body ? document.body.scrollHeight : 0);
    let offBy = 0;
    placed.forEach((at, sentinel) => {
      offBy = sentinel.getBoundingClientRect().top + scrollY - Math.ceil(at);
    });
    if (Math.abs(offBy) >= 1) {
      origin += offBy;
      placed.forEach(takeAway);  // placed again by the sample below
    }
    sampleAt(scrollY);
  });
  const sampleNow = () => documentPx && sampleAt(scrollY);  // (the heights are known from the first measure on)
  scrollReportsStarted(guard(() => {
    sampleNow();  // the point reached now, if the deepest
    reports.flush();
  }), sampleNow, () => {  // after any task: a page view may have moved the positions
    reports.reread();
    follow();
  });
  addEventListener('resize', measure);
  // (Every browser that runs the loader has ResizeObserver and
  // IntersectionObserver: its ES2021 syntax asks for Chrome 85, Firefox 79,
  // Safari 14.)
  const sizes = new ResizeObserver(measure);  // its first answer comes with the next frame
  sizes.observe(root);
  if (document.body) sizes.observe(document.body);
};
