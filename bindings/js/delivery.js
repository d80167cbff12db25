// Runs the core's delivery decisions: one timer for the core's next wake-up,
// one request in flight, results reported back, the state stored.
import { TRIGGER_AUTO, TRIGGER_FLUSH, TRIGGER_UNLOAD } from 'core-constants';
import { collectorUrl, core, debugOn, flushScroll, listeners } from './state.js';
import { GZIP_KEY, SENT, STORAGE_KEY, TAB_KEY, storageSet } from './storage.js';
import { beaconBatch, gzipCollector, postBatch } from './transport.js';
import { guard, log, now } from './util.js';

const IDLE = Promise.resolve(true);

let wakeTimer = 0;
let wakeAt = -1;
let sending = null;   // the promise of the request in flight
let afterTaskQueued = false;
let stateChanged = false;  // since the state was last stored
let storedIds;        // the ids last written to the shared key
let storedGzip;       // the collector URL last written to GZIP_KEY
let changedAt = -1;   // when the state changed first since it was stored; -1: stored

export const printCoreMessages = () => {
  const text = core.takeMessages();
  if (text !== '[]') for (const m of JSON.parse(text)) log(m.level, m.message);
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
    queueMicrotask(guard(afterTask));
  }
};

// After a call that changed what is stored without accepting events
// (consent, reset).
export const afterStateChange = () => {
  stateChanged = true;
  afterCoreCall(0);
};

// Once per task, however many calls it made (a loop of 1,000 track calls
// crosses into the core 1,000 times, not 5,000): the core's messages, the
// state stored, the next wake-up. A send result stores less (persistSent).
// The wake-up is asked for after every task, not only when the state
// changed: a call that accepted no event can still move it (an element that
// came into view sets a visibility deadline and answers '[]').
const afterTask = () => {
  afterTaskQueued = false;
  printCoreMessages();
  if (stateChanged) persistUnlessBurst();
  schedule();
  for (const hook of afterTaskHooks) hook();
};

// Run at the end of every task that called the core (the scroll detector
// asks for the position worth its next sample).
export const afterTaskHooks = [];

// The state is stored at the end of each task that changed it, except
// during a burst of sends (a batch due at once, or one in flight: the core
// names no wake-up while a result is awaited, though more may be due after
// it): then once the burst is over, after BURST_STORE_MS, or when the page
// is hidden (drainForUnload). 1,000 events tracked in one task were written
// out (850 KB) only to leave within the second: a third of the run's
// main-thread time (bench/RESULTS.md). A crash of the page within that
// second loses them.
const BURST_STORE_MS = 1000;
let burstTimer = 0;   // stores the state BURST_STORE_MS after it changed, if no task did
const persistUnlessBurst = () => {
  if (changedAt < 0) changedAt = now();
  const waited = now() - changedAt;
  if (!(sending || dueNow()) || waited >= BURST_STORE_MS) persistNow();
  else if (!burstTimer)
    burstTimer = setTimeout(guard(() => {
      burstTimer = 0;
      if (stateChanged) persistNow();
    }), BURST_STORE_MS - waited);
};

// The ids go to the shared key (only when they changed), the queue to this
// tab's. Next to the ids, while they may be stored, the collector that said
// it reads gzip: the next page gzips its first batch too.
export const persistNow = () => {
  stateChanged = false;
  changedAt = -1;
  clearTimeout(burstTimer);
  burstTimer = 0;
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
// (quadratic for a long queue). The core says when a new snapshot is due;
// if the list cannot be stored, neither may the stale queue stay.
// During a burst (the next batch due at once) the list is stored once the
// burst ends, not after every batch (50 growing lists, 1 M characters, for
// 1,000 events; bench/RESULTS.md). A page hidden
// or unloaded meanwhile stores everything (drainForUnload); only a crash in
// the middle of a burst leaves its sent events stored, to be sent again by
// the next page (the collector drops them by messageId).
const persistSent = () => {
  const sent = core.sentSinceSnapshot();
  if (!sent || !storageSet(TAB_KEY + SENT, sent)) persistNow();
};

// Whether the core has a batch to send at once.
const dueNow = () => {
  const at = core.nextWakeMs();
  return at >= 0 && at <= now();
};

// Arms the timer for the core's next wake-up unless one at least as early is
// armed: a timer that fires early only asks the core again (it sends and
// emits nothing before its time), and a wake-up that moves later with every
// call (the goals' engaged-time poll moves with each input) must not be
// put off forever.
export const schedule = () => {
  const at = core.nextWakeMs();
  if (wakeAt >= 0 && (at < 0 || at >= wakeAt)) return;
  clearTimeout(wakeTimer);
  wakeAt = at;
  if (at >= 0)
    wakeTimer = setTimeout(guard(() => {
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
      if (stateChanged) persistUnlessBurst();
      else if (!(result.status >= 200 && result.status < 300 && dueNow())) persistSent();
      schedule();
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
