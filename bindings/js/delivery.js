// Runs the core's delivery decisions: one timer for the core's next wake-up,
// one request in flight, results reported back, the state stored.
import { TRIGGER_AUTO, TRIGGER_FLUSH, TRIGGER_UNLOAD } from 'core-constants';
import { collectorUrl, core, debugOn, listeners } from './state.js';
import { SENT, STORAGE_KEY, TAB_KEY, storageSet } from './storage.js';
import { beaconBatch, postBatch } from './transport.js';
import { guard, log, now } from './util.js';

const IDLE = Promise.resolve(true);

let wakeTimer = 0;
let wakeAt = -1;
let sending = null;   // the promise of the request in flight
let afterTaskQueued = false;
let stateChanged = false;  // since the state was last stored
let storedIds;        // the ids last written to the shared key

export const printCoreMessages = () => {
  const text = core.takeMessages();
  if (text !== '[]') for (const m of JSON.parse(text)) log(m.level, m.message);
};

// After every core call: `acceptedJson` is what it returned ('[]' when it
// accepted no event and changed nothing, '' when it changed state only).
// Listeners hear of events at once; the rest waits for the end of the task.
export const afterCoreCall = (acceptedJson) => {
  if (acceptedJson !== '[]') {  // '[]': e.g. a scroll sample that reached no threshold
    stateChanged = true;
    if (acceptedJson && (listeners.length || debugOn))
      for (const event of JSON.parse(acceptedJson)) {
        if (debugOn) log('info', 'event ' + JSON.stringify(event));
        for (const fn of listeners.slice()) guard(fn)(event);
      }
  }
  if (!afterTaskQueued) {
    afterTaskQueued = true;
    queueMicrotask(guard(afterTask));
  }
};

// Once per task, however many calls it made (a loop of 1,000 track calls
// crosses into the core 1,000 times, not 5,000): the core's messages, the
// state stored, the next wake-up. A send result stores less (persistSent).
const afterTask = () => {
  afterTaskQueued = false;
  printCoreMessages();
  if (stateChanged) {
    persistNow();
    schedule();
  }
};

// The ids go to the shared key (only when they changed), the queue to this tab's.
export const persistNow = () => {
  stateChanged = false;
  const ids = core.snapshot(false);
  if (ids !== storedIds) {
    storedIds = ids;
    storageSet(STORAGE_KEY, ids);
  }
  storageSet(TAB_KEY, core.snapshot(true));
  core.snapshotStored();
  storageSet(TAB_KEY + SENT, '');
};

// After a send result: only the ids that left the queue are stored, next to
// the stored queue, instead of the whole queue again after every batch
// (quadratic for a long queue). The core says when a new snapshot is due;
// if the list cannot be stored, neither may the stale queue stay.
const persistSent = () => {
  const sent = core.sentSinceSnapshot();
  if (!sent || !storageSet(TAB_KEY + SENT, sent)) persistNow();
};

export const schedule = () => {
  const at = core.nextWakeMs();
  if (at === wakeAt) return;
  clearTimeout(wakeTimer);
  wakeAt = at;
  if (at >= 0)
    wakeTimer = setTimeout(guard(() => {
      wakeAt = -1;
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
      if (!stateChanged) persistSent();  // else the whole state is stored at the end of this task
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
