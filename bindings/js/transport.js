// Sends request bodies and reports the HTTP status (0 = network error or
// timeout) and Retry-After. Never decides what to send or whether to retry:
// the core does.
import { BEACON_LIMIT } from 'core-constants';
import { retryAfterMs } from './retry-after.js';
import { log, now } from './util.js';

const REQUEST_TIMEOUT_MS = 10000;
// A body given as a string goes with `Content-Type: text/plain;charset=UTF-8`
// (fetch and sendBeacon both, by the Fetch standard's body extraction): a
// simple request, no CORS preflight (CONTRACT §4). Gzip bytes (an
// ArrayBuffer) go without a Content-Type, still a simple request.

let unreachableWarned = false;  // one console line per page, not one per retry

const warnUnreachable = (timedOut) => {
  if (!unreachableWarned)
    log('warn', 'the collector ' + (timedOut ? 'did not answer within 10 s' : 'could not be reached') +
      '; the events are kept and sent again later.');
  unreachableWarned = true;
};

// The batch's JSON text as it is, or `gzipped` (its gzip bytes, to
// `gzipUrl(url)`) when given. Resolves to { status, retryAfterMs }; never
// rejects.
const request = (url, json, gzipped) => {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  return fetch(gzipped ? gzipUrl(url) : url, {
    method: 'POST',
    body: gzipped || json,
    // No Referer: the events carry their page. Fewer bytes per request.
    referrerPolicy: 'no-referrer',
    credentials: 'omit',
    // Such a request outlives the page, as the core assumes for batches
    // under the same limit (kMaxBeaconBodyBytes, delivery.cpp: the length
    // of the JSON); gzip only makes the bytes on the wire fewer.
    keepalive: json.length < BEACON_LIMIT,
    signal: controller.signal
  }).then(
    // The body is read to the end: until then Chromium counts the request
    // against the 64 KB of keepalive bytes a page may have in flight, and a
    // third batch of 25 KB in a row failed without leaving the browser.
    (response) => response.arrayBuffer().catch(() => {}).then(() => {
      if (response.headers.get('Microtrack-Compression') === 'gzip') gzipCollector = url;
      return { status: response.status, retryAfterMs: retryAfterMs(response.headers.get('Retry-After'), now()) };
    }),
    () => {
      warnUnreachable(controller.signal.aborted);
      return { status: 0, retryAfterMs: -1 };
    }
  ).finally(() => clearTimeout(timer));
};

// Where the browser has CompressionStream, bodies go gzipped: a tenth of the
// bytes. The compression is named in the query, not by Content-Encoding,
// which would make the request need a CORS preflight (CONTRACT §4).
// Only once the collector said it reads them (a `Microtrack-Compression:
// gzip` answer, on this page or an earlier one: delivery.js stores the
// collector's URL with the state): other Segment-compatible collectors get
// plain JSON.
const canGzip = typeof CompressionStream === 'function';
export let gzipCollector = '';  // the collector URL that said it reads gzip
export const collectorReadsGzip = (url) => {
  gzipCollector = url;
};
const encoder = new TextEncoder();
// The bytes go straight into the compressor: through a Blob's stream the
// same gzip took ~7× the time (the Blob is read back asynchronously). A
// failure rejects the returned promise (the writer's own are caught).
const gzip = (text) => {
  const stream = new CompressionStream('gzip');
  const writer = stream.writable.getWriter();
  const ignore = () => {};
  writer.write(encoder.encode(text)).catch(ignore);
  writer.close().catch(ignore);
  return new Response(stream.readable).arrayBuffer();
};
const gzipUrl = (url) => url + (url.includes('?') ? '&' : '?') + 'compression=gzip';

let compressing = null;  // { url, body, sent? }: the batch being gzipped, if any

// Resolves to { status, retryAfterMs }; never rejects.
export const postBatch = (url, body) => {
  if (!canGzip || gzipCollector !== url) return request(url, body);
  const batch = compressing = { url, body };
  const send = (bytes) => {
    if (batch.sent) return batch.sent;  // the page was hidden first: it went plain
    compressing = null;
    // A tiny body can grow by the gzip header (and gzip can fail): then the JSON goes as it is.
    return request(url, body, bytes && bytes.byteLength < body.length ? bytes : null);
  };
  return gzip(body).then(send, () => send(null));
};

// The page is being hidden: a batch still being compressed goes at once,
// plain, so that unloading never waits for gzip nor loses it (the core
// counts it as in flight, a keepalive request under BEACON_LIMIT).
export const sendCompressingNow = () => {
  if (!compressing) return;
  compressing.sent = request(compressing.url, compressing.body);
  compressing = null;
};

// For a page being hidden or unloaded: the browser sends it even after the
// page is gone. Plain JSON: the core composes an unload batch at that
// moment, and gzip in a browser is asynchronous, too late for an unload.
export const beaconBatch = (url, body) => {
  try {
    return navigator.sendBeacon(url, body);
  } catch (e) {
    return false;
  }
};
