// The page's `track` calls cross into the core together, once per task: a
// loop of 1,000 calls crosses once, not 1,000 times (each crossing ran
// Embind's invoker and two string conversions, still cold in a loop that
// is often the page's first: ~20 µs a call, bench/RESULTS.md). Each call keeps its own
// time, and any other call into the core first hands over the calls still
// waiting (state.js), so events stay in the order of the calls and each
// carries the page it was tracked on. A call crosses at once while an
// on('event') listener or debug wants to see each event as it is accepted.
import { afterCoreCall } from './delivery.js';
import { debugOn, listeners, rawCore, trackQueueStarted } from './state.js';
import { guard } from './util.js';

let waiting = '';  // "name\0properties\0time\0" per call (trackCalls, embind.cpp)

export const handOverTracks = () => {
  if (!waiting) return;
  const calls = waiting;
  waiting = '';
  afterCoreCall(rawCore.trackCalls(calls));
};

trackQueueStarted(handOverTracks);

export const queueTrack = (name, json, at) => {
  if (listeners.length || debugOn || name.includes('\0')) {
    handOverTracks();
    afterCoreCall(rawCore.track(name, json, at));
    return;
  }
  if (!waiting) queueMicrotask(guard(handOverTracks));
  waiting += name + '\0' + json + '\0' + at + '\0';
};
