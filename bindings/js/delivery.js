// Runs the core's delivery decisions: one timer for the core's next wake-up,
// one request in flight, results reported back, the state stored.
import { TRIGGER_AUTO, TRIGGER_FLUSH, TRIGGER_UNLOAD } from 'core-constants';
import { collectorUrl, core, debugOn, flushScroll, followScroll, listeners } from './state.js';
import { GZIP_KEY, SENT, STORAGE_KEY, TAB_KEY, storageSet } from './storage.js';
import { beaconBatch, gzipCollector, postBatch } from './transport.js';
import { guard, log, now } from './util.js';

const IDLE = Promise.resolve(true);

let wakeTimer = 0;
let wakeAt = -1;
let sending = null;   // the promise of the request in flight
let afterTaskQueued = false;
let inCallback = false;  // a detector's callback runs (detectorCallback): it ends the task itself
let stateChanged = false;  // since the state was last stored
let storeTimer = 0;   // stores what is not stored yet, STORE_DELAY_MS after it changed
let storedIds;        // the ids last written to the shared key
let storedGzip;       // the collector URL last written to GZIP_KEY

export const printCoreMessages = () => {
  for (const m of JSON.parse(core.takeMessages())) log(m.level, m.message);
};

// After every event call of the core: `accepted` is how many events it
// accepted (0, e.g. a scroll sample that reached no threshold: nothing to
// store). Listeners hear of the events at once (the core writes them out
// only when asked); the rest waits for the end of the task.
export const afterCoreCall = (accepted) => {
  if (accepted) {
    stateChanged = true;
    if (listeners.length || debugOn)
      for (const event of JSON.parse(core.acceptedEvents())) {
        if (debugOn) log('info', 'event ' + JSON.stringify(event));
        for (const fn of listeners.slice()) guard(fn)(event);
      }
  }
  if (!afterTaskQueued) {
    afterTaskQueued = true;
    if (!inCallback) queueMicrotask(guard(afterTask));
  }
};

// Wraps a detector's callback (an observer's answer, a listener, a timer):
// the end-of-task work of the core calls it makes runs as it returns, in
// the same script entry point, not in a microtask of its own (each entry
// point costs 20–100 µs, whatever it does: bench/RESULTS.md). A call the
// page makes from an on('event') listener within it is ended with it; the
// calls after one such callback nested in another, in a microtask.
export const detectorCallback = (fn) => guard((...args) => {
  inCallback = true;
  try {
    fn(...args);
  } finally {
    inCallback = false;
    afterTask();
  }
});

// After a call that changed what is stored without accepting events
// (consent, reset): stored at once, not a second later (a withdrawn consent
// leaves nothing stored).
export const afterStateChange = () => {
  persistNow();
  afterCoreCall(0);
};

// Once per task, however many calls it made (a loop of 1,000 track calls
// crosses into the core 1,000 times, not 5,000): the core's messages, the
// state stored (within STORE_DELAY_MS), the next wake-up. The wake-up is
// asked for after every task, not only when the state changed: a call that
// accepted no event can still move it (an element that came into view sets
// a visibility deadline and answers '[]').
const afterTask = () => {
  if (!afterTaskQueued) return;  // ended already, or no core call
  afterTaskQueued = false;
  printCoreMessages();
  if (stateChanged) storeSoon();
  schedule();
  followScroll();
};

// The state is stored at most STORE_DELAY_MS after it changed, not at the
// end of every task that changed it: the events of a burst, or of a scroll
// session (five scroll_depth and an element_visible in ten seconds), are
// written at most once a second instead of once each (each write serialises the
// whole queue; 1,000 events tracked in one task wrote 850 KB, only to leave
// within the second: bench/RESULTS.md). Hiding or leaving the page
// (drainForUnload), a frozen page, start-up, a queue adopted from another
// tab (tabs.js), consent and reset store at once (persistNow). The price,
// bounded: a crash of the page (no pagehide) within that second loses the
// events accepted in it, or makes the next page send its delivered ones
// again (the collector drops them by messageId). CHANGELOG.md.
const STORE_DELAY_MS = 1000;
// (A timer left armed after a store at once finds nothing, or what changed
// since: still within the second.)
const storeSoon = () => {
  storeTimer ||= setTimeout(guard(storePending), STORE_DELAY_MS);
};

// Stores at once what is not stored yet (also when the page is frozen: no
// timer runs until it resumes, and it may be discarded meanwhile): the
// state if it changed, else the ids sent since it was stored.
export const storePending = () => {
  clearTimeout(storeTimer);
  storeTimer = 0;
  if (stateChanged) persistNow();
  else persistSent();
};

// The ids go to the shared key (only when they changed), the queue to this
// tab's. Next to the ids, while they may be stored, the collector that said
// it reads gzip: the next page gzips its first batch too.
export const persistNow = () => {
  stateChanged = false;
  const ids = core.snapshot(false);
  if (ids !== storedIds) {
    storedIds = ids;
    storageSet(STORAGE_KEY, ids);
  }
  const gzip = ids && gzipCollector;
  if (gzip !== storedGzip) {
    storedGzip = gzip;
    storageSet(GZIP_KEY, gzip);
  }
  storageSet(TAB_KEY, core.snapshot(true));
  core.snapshotStored();
  storageSet(TAB_KEY + SENT, '');
};

// After a send result: only the ids that left the queue are stored, next to
// the stored queue, instead of the whole queue again after every batch
// (quadratic for a long queue). The core says when a new snapshot is due
// (''); '[]' (none left since the last one, e.g. after a failed send) leaves
// nothing to store. If the list cannot be stored, neither may the stale
// queue stay.
const persistSent = () => {
  const sent = core.sentSinceSnapshot();
  if (sent !== '[]' && (!sent || !storageSet(TAB_KEY + SENT, sent))) persistNow();
};

// A send result changed what is stored. While the core wants the next batch
// at once (a burst), the store waits, like any change, up to STORE_DELAY_MS:
// the ids go once or twice, not after every batch (50 growing lists, 1 M
// characters, for 1,000 events; bench/RESULTS.md). Otherwise (the queue
// emptied, or nothing due yet) what is pending is stored now: the write is
// the smallest it will be, delivered events leave storage at once, and the
// timer's task is saved, one per send of a scroll session (CHANGELOG.md).
const storeAfterSend = (wake) => {
  if (wake >= 0 && wake <= now()) storeSoon();
  else storePending();
};

// Arms the timer for the core's next wake-up unless one at least as early is
// armed: a timer that fires early only asks the core again (it sends and
// emits nothing before its time), and a wake-up that moves later with every
// call (the goals' engaged-time poll moves with each input) must not be
// put off forever. `at`: the core's answer, when the caller has it already.
export const schedule = (at = core.nextWakeMs()) => {
  if (wakeAt >= 0 && (at < 0 || at >= wakeAt)) return;
  clearTimeout(wakeTimer);
  wakeAt = at;
  if (at >= 0)
    wakeTimer = setTimeout(detectorCallback(() => {
      wakeAt = -1;
      flushScroll();  // a heartbeat reports how deep the page was scrolled
      afterCoreCall(core.tick(now()));  // the detectors' timers
      send(TRIGGER_AUTO);
    }), Math.max(0, at - now()));
};

// Sends the batch the core hands out for `trigger`; resolves true when it
// was delivered, false when not; IDLE when there was nothing to send.
const send = (trigger) => {
  const id = core.nextBatch(now(), trigger);
  if (!id) {
    schedule();
    return IDLE;
  }
  const body = core.batchBody();
  if (debugOn) log('info', 'sending ' + body.length + ' bytes');
  sending = postBatch(collectorUrl, body).then((result) => {
    sending = null;
    guard(() => {
      core.onSendResult(id, result.status, result.retryAfterMs, now());
      if (debugOn) log('info', 'the collector answered ' + result.status);
      printCoreMessages();
      const wake = core.nextWakeMs();  // storing moves no wake-up
      storeAfterSend(wake);
      schedule(wake);
    })();
    return result.status >= 200 && result.status < 300;
  });
  return sending;
};

// flush(): settles when the queue is empty or an attempt failed.
export const flushQueue = () => (sending || IDLE).then((delivered) => {
  if (!delivered) return;
  const attempt = send(TRIGGER_FLUSH);
  if (attempt !== IDLE) return attempt.then((ok) => ok && flushQueue());
});

// The page is being hidden or unloaded: hand what is not yet in flight to
// sendBeacon, which outlives the page, and store what could not go.
export const drainForUnload = () => {
  let id;
  while ((id = core.nextBatch(now(), TRIGGER_UNLOAD))) {
    const queued = beaconBatch(collectorUrl, core.batchBody());
    // 202: the browser took it and will deliver it; 0: try again later.
    core.onSendResult(id, queued ? 202 : 0, -1, now());
    if (!queued) break;
  }
  printCoreMessages();
  persistNow();
};
