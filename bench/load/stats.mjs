// Latency summaries for the load client (nearest-rank percentiles, ms).
import { monitorEventLoopDelay } from 'node:perf_hooks';

export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

// Summarises exchange results: answered-200 count, latency of those, and
// the failures by kind (timeout, reset, status 503, ...).
export function summarise(results) {
  const ok = results.filter((r) => r.status === 200).map((r) => r.ms).sort((a, b) => a - b);
  const failures = {};
  for (const r of results) {
    if (r.status === 200) continue;
    const kind = r.error ?? `status ${r.status}`;
    failures[kind] = (failures[kind] ?? 0) + 1;
  }
  const round = (x) => (x === null ? null : Math.round(x * 10) / 10);
  return {
    sent: results.length, ok200: ok.length, failed: results.length - ok.length, failures,
    p50_ms: round(percentile(ok, 50)), p99_ms: round(percentile(ok, 99)), max_ms: round(ok.length ? ok[ok.length - 1] : null),
  };
}

// The client's own event-loop delay: every latency it measures includes it,
// so a high figure here means the client (or the machine), not the server,
// made that part of the tail.
export function clientLag() {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const ms = (ns) => Math.round(ns / 1e5) / 10;
  return {
    reset: () => histogram.reset(),
    report: () => ({ p99_ms: ms(histogram.percentile(99)), max_ms: ms(histogram.max) }),
  };
}
