// Which scroll samples cross into the core. The core names the positions
// worth a sample (`readPosition(0)`: the viewport bottom at which its next
// threshold fires, for the heights it last saw; -1 for none, 0 for any;
// `readPosition(1)`, … the ones after it, ascending, until -1), so the
// samples in between stay here: a sample is sent when its bottom reaches
// the first position or its viewport or document height differs from the
// last one sent (the positions were for those heights). The deepest sample
// kept back (deeper than any sent for these heights: a shallower one
// changes nothing in the core) is handed over by flush(), before a core
// call that may report how deep the page was scrolled (engagement). The
// core decides everything; this only compares numbers. No DOM: node's
// tests drive it.
export const createScrollReports = (send, readPosition) => {
  let positions = [0];  // what the core names, read again only when it may have moved
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
    readPositions();
  };
  // (The core answers -1 past its last threshold.)
  const readPositions = () => {
    positions = [];
    for (let p; (p = readPosition(positions.length)) >= 0;) positions.push(p);
  };

  return {
    // A sample: scroll top, viewport and document heights in CSS px.
    sample(top, viewportPx, documentPx) {
      const bottom = Math.max(0, top) + viewportPx;  // what the core compares with its positions
      if (viewportPx !== viewport || documentPx !== documentHeight || bottom >= positions[0]) {
        sendNow(top, viewportPx, documentPx, bottom);
      } else if (bottom > (kept ? kept[3] : deepestSent)) {
        kept = [top, viewportPx, documentPx, bottom];
      }
    },
    flush() {
      if (kept) sendNow(...kept);
    },
    // The core's positions may have moved without a sample: a new page view
    // (0: its depth starts again, so any sample counts). One crossing when
    // they did not: they move with the first.
    reread() {
      if (readPosition(0) === (positions[0] ?? -1)) return;
      readPositions();
      if (positions[0] === 0) deepestSent = -1;
    },
    // The positions the core names now, ascending (the same array until they
    // change): [] nothing left to reach (until its heights change or a new
    // page view starts), [0] any sample.
    positions: () => positions,
  };
};
