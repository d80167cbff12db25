// Sends request bodies and reports the HTTP status (0 = network error or
// timeout) and Retry-After. Never decides what to send or whether to retry:
// the core does.
import { BEACON_LIMIT } from 'core-constants';
import { retryAfterMs } from './retry-after.js';
import { log, now } from './util.js';

const REQUEST_TIMEOUT_MS = 10000;
const TEXT_PLAIN = 'text/plain;charset=UTF-8';  // a simple request: no CORS preflight

let unreachableWarned = false;  // one console line per page, not one per retry

const warnUnreachable = (timedOut) => {
  if (!unreachableWarned)
    log('warn', 'the collector ' + (timedOut ? 'did not answer within 10 s' : 'could not be reached') +
      '; the events are kept and sent again later.');
  unreachableWarned = true;
};

// Resolves to { status, retryAfterMs }; never rejects.
export const postBatch = (url, body) => {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  return fetch(url, {
    method: 'POST',
    body,
    headers: { 'Content-Type': TEXT_PLAIN },
    credentials: 'omit',
    // Such a request outlives the page, as the core assumes for batches
    // under the same limit (kMaxBeaconBodyBytes, delivery.cpp).
    keepalive: body.length < BEACON_LIMIT,
    signal: controller.signal
  }).then(
    // The body is read to the end: until then Chromium counts the request
    // against the 64 KB of keepalive bytes a page may have in flight, and a
    // third batch of 25 KB in a row failed without leaving the browser.
    (response) => response.arrayBuffer().catch(() => {}).then(() =>
      ({ status: response.status, retryAfterMs: retryAfterMs(response.headers.get('Retry-After'), now()) })),
    () => {
      warnUnreachable(controller.signal.aborted);
      return { status: 0, retryAfterMs: -1 };
    }
  ).finally(() => clearTimeout(timer));
};

// For a page being hidden or unloaded: the browser sends it even after the
// page is gone.
export const beaconBatch = (url, body) => {
  try {
    return navigator.sendBeacon(url, new Blob([body], { type: TEXT_PLAIN }));
  } catch (e) {
    return false;
  }
};
