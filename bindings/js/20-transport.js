// Sends request bodies and reports the HTTP status (0 = network error or
// timeout) and Retry-After. Never decides what to send or whether to retry:
// the core does.
const REQUEST_TIMEOUT_MS = 10000;
const BEACON_LIMIT = 64000;
const TEXT_PLAIN = 'text/plain;charset=UTF-8';  // a simple request: no CORS preflight

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
    (response) => ({ status: response.status, retryAfter: response.headers.get('Retry-After') || '' }),
    () => ({ status: 0, retryAfter: '' })
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
