// A Retry-After header as ms from `nowMs`, -1 when absent or unreadable:
// delay-seconds ("120") or an HTTP-date, which the browser's Date reads
// (a parser in the core cost ~0.5 KB gzip of wasm). The core decides what
// to do with it (sdk/src/retry.cpp).
export const retryAfterMs = (value, nowMs) => {
  if (/^\s*\d+\s*$/.test(value)) return value * 1000;
  const at = Date.parse(value);
  return at >= 0 ? Math.max(0, at - nowMs) : -1;
};
