// Which scroll samples cross into the core. The core names the next
// position worth a sample (`readNext`: the viewport bottom at which its next
// threshold fires, for the heights it last saw; -1 for none, 0 for any), so
// the frames in between stay here: a sample is sent when its bottom reaches
// that position or its viewport or document height differs from the last
// one sent (the position was for those heights). The deepest sample kept
// back is handed over by flush(), before a core call that may report how
// deep the page was scrolled (engagement). The core decides everything;
// this only compares numbers. No DOM: node's tests drive it.
export const createScrollReports = (send, readNext) => {
  let next = 0;
  let viewport = -1;
  let documentHeight = -1;
  let kept = null;  // [top, viewport, document, bottom] of the deepest sample not sent

  const sendNow = (top, viewportPx, documentPx) => {
    kept = null;
    viewport = viewportPx;
    documentHeight = documentPx;
    send(top, viewportPx, documentPx);
    next = readNext();
  };

  return {
    // A sample: scroll top, viewport and document heights in CSS px.
    sample(top, viewportPx, documentPx) {
      const bottom = Math.max(0, top) + viewportPx;  // what the core compares with `next`
      if (viewportPx !== viewport || documentPx !== documentHeight || (next >= 0 && bottom >= next)) {
        sendNow(top, viewportPx, documentPx);
      } else if (!kept || bottom > kept[3]) {
        kept = [top, viewportPx, documentPx, bottom];
      }
    },
    flush() {
      if (kept) sendNow(kept[0], kept[1], kept[2]);
    },
    // The core's position may have moved without a sample (a new page view).
    reread() {
      next = readNext();
    },
    // Whether a scroll can matter: false once the core has nothing left to
    // reach (-1), until its heights change or a new page view starts.
    wantsScroll: () => next !== -1,
  };
};
