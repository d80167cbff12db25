// Engaged time: visitor input, heard at most once a second (a tenth of
// idleMs when that is longer), handed to the core only when it changes the
// count. Page visibility and window focus: page-state.js.
import { afterCoreCall, detectorCallback } from '../delivery.js';
import { core, flushScroll, sampleScroll } from '../state.js';
import { now } from '../util.js';

const INPUT_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'scroll', 'touchstart'];
const QUIET_MS = 1000;  // at least; a tenth of idleMs when longer

export const enableEngagement = () => {
  if (!core.wants('engagement')) return;
  // The core counts engaged time until `until` (the last input it heard +
  // idleMs) without another input: an input before then changes nothing
  // yet. It is kept here, and the latest kept is handed over, with the time
  // it happened, a quiet time before `until` (an input within that time
  // crosses at once): one crossing per idleMs of steady activity instead of
  // one a second (bench/RESULTS.md).
  let until = 0;
  let quiet = QUIET_MS;
  let kept = -1;  // when the input not handed over yet happened (-1: none)
  const report = detectorCallback((at) => {
    kept = -1;
    flushScroll();  // the report may be a heartbeat: it reports how deep the page was scrolled
    afterCoreCall(core.activity(at));
    until = core.engagedUntilMs();
    quiet = Math.max(QUIET_MS, (until - at) / 10);  // idleMs / 10
    setTimeout(() => kept >= 0 && report(kept), until - quiet - at);
  });

  // Each listener hears one event and the browser removes it (`once`), so
  // that a scroll or a pointer move runs no script on every frame and no
  // call removes listeners (adding or removing a pointer or touch listener
  // ran 100–250 µs; each listener heard and added again, ~150 µs). A quiet
  // time after an input the types heard listen again: the input in it would
  // tell the count nothing new, and the end of an active stretch is known to
  // within that time.
  const heard = [];  // the types heard since the quiet time began, not listening
  const listen = (type) => addEventListener(type, onInput, { passive: true, capture: true, once: true });
  const onInput = detectorCallback((event) => {
    if (heard.push(event.type) > 1) return;
    setTimeout(() => heard.splice(0).forEach(listen), quiet);
    sampleScroll();  // the deepest point while the visitor is active
    const at = now();
    if (at + quiet >= until) report(at);
    else kept = at;
  });
  INPUT_EVENTS.forEach(listen);
};
