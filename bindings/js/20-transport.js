// Sends request bodies and reports the HTTP status (0 = network error or
// timeout) and Retry-After. Never decides what to send or whether to retry:
// the core does.
const REQUEST_TIMEOUT_MS = 10000;
const BEACON_LIMIT = 64000;
const TEXT_PLAIN = 'text/plain;charset=UTF-8';  // a simple request: no CORS preflight

let unreachableWarned = false;  // one console line per page, not one per retry

// A Retry-After header as ms from now, -1 when absent or unreadable:
// delay-seconds ("120") or an HTTP-date, which the browser's Date reads
// (a parser in the core cost ~0.5 KB gzip of wasm).
const retryAfterMs = (value) => {
  if (/^\s*\d+\s*$/.test(value)) return value * 1000;
  const at = Date.parse(value);
  return at >= 0 ? Math.max(0, at - Date.now()) : -1;
};

const postBatch = (url, body) => {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  return fetch(url, {
    method: 'POST',
    body,
    headers: { 'Content-Type': TEXT_PLAIN },
    credentials: 'omit',
    keepalive: body.length < BEACON_LIMIT,
    signal: controller.signal
  }).then(
    // The body is read to the end: until then Chromium counts the request
    // against the 64 KB of keepalive bytes a page may have in flight, and a
    // third batch of 25 KB in a row failed without leaving the browser.
    (response) => response.arrayBuffer().catch(() => {}).then(() =>
      ({ status: response.status, retryAfterMs: retryAfterMs(response.headers.get('Retry-After')) })),
    () => {
      if (!unreachableWarned)
        log('warn', 'the collector ' + (controller.signal.aborted ? 'did not answer within 10 s' : 'could not be reached') +
          '; the events are kept and sent again later.');
      unreachableWarned = true;
      return { status: 0, retryAfterMs: -1 };
    }
  ).finally(() => clearTimeout(timer));
};

// For a page being hidden or unloaded: the browser sends it even after the
// page is gone.
const beaconBatch = (url, body) => {
  try {
    return navigator.sendBeacon(url, new Blob([body], { type: TEXT_PLAIN }));
  } catch (e) {
    return false;
  }
};
