// Which scroll samples cross into the core. The core names the next
// position worth a sample (`readNext`: the viewport bottom at which its next
// threshold fires, for the heights it last saw; -1 for none, 0 for any), so
// the samples in between stay here: a sample is sent when its bottom reaches
// that position or its viewport or document height differs from the last
// one sent (the position was for those heights). The deepest sample kept
// back (deeper than any sent for these heights: a shallower one changes
// nothing in the core) is handed over by flush(), before a core call that
// may report how deep the page was scrolled (engagement). The core decides
// everything; this only compares numbers. No DOM: node's tests drive it.
export const createScrollReports = (send, readNext) => {
  let next = 0;
  let viewport = -1;
  let documentHeight = -1;
  let deepestSent = -1;  // the deepest bottom sent for these heights
  let kept = null;  // [top, viewport, document, bottom] of the deepest sample not sent

  const sendNow = (top, viewportPx, documentPx, bottom) => {
    kept = null;
    if (viewportPx !== viewport || documentPx !== documentHeight) deepestSent = -1;
    viewport = viewportPx;
    documentHeight = documentPx;
    deepestSent = Math.max(deepestSent, bottom);
    send(top, viewportPx, documentPx);
    next = readNext();
  };

  return {
    // A sample: scroll top, viewport and document heights in CSS px.
    sample(top, viewportPx, documentPx) {
      const bottom = Math.max(0, top) + viewportPx;  // what the core compares with `next`
      if (viewportPx !== viewport || documentPx !== documentHeight || (next >= 0 && bottom >= next)) {
        sendNow(top, viewportPx, documentPx, bottom);
      } else if (bottom > (kept ? kept[3] : deepestSent)) {
        kept = [top, viewportPx, documentPx, bottom];
      }
    },
    flush() {
      if (kept) sendNow(...kept);
    },
    // The core's position may have moved without a sample: a new page view
    // (0: its depth starts again, so any sample counts).
    reread() {
      next = readNext();
      if (next === 0) deepestSent = -1;
    },
    // The position the core names now: -1 nothing left to reach (until its
    // heights change or a new page view starts), 0 any sample.
    position: () => next,
  };
};
