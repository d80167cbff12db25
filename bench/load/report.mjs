// Prints bench/load/run.sh results (JSON lines) as one Markdown table per
// scenario, the form bench/LOAD.md keeps them in.
//   node bench/load/report.mjs build/load/results-….jsonl [more.jsonl …]
import { readFileSync } from 'node:fs';

// Several files (runs of the same servers) read as one: their rounds are
// numbered on, file after file.
const rows = [];
for (const file of process.argv.slice(2)) {
  const offset = rows.reduce((m, r) => Math.max(m, r.run ?? 0), 0);
  for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const row = JSON.parse(line);
    rows.push({ ...row, run: offset + (row.run ?? 1) });
  }
}
const ms = (x) => (x === null || x === undefined ? '–' : x >= 1000 ? `${(x / 1000).toFixed(1)} s` : `${x} ms`);
const n = (x) => (x === null || x === undefined ? '–' : Number(x).toLocaleString('en-US'));
const failures = (f) => Object.entries(f ?? {}).map(([k, v]) => `${v} ${k}`).join(', ') || '0';
const labels = [...new Set(rows.map((r) => r.label))];
const order = (r) => labels.indexOf(r.label);
const run = (r) => `${r.label} #${r.run}`;
const lag = (c) => (c.client_lag ? `${ms(c.client_lag.p99_ms)} / ${ms(c.client_lag.max_ms)}` : '–');
const memory = (r) => `${Math.round(r.server.peak_rss_kb / 1024)} MB, ${r.server.threads_at_end} thr`;

// One line per server over all its rounds: the median with the range for
// latencies and rates, the worst round for counts that must be complete.
function summary() {
  const median = (xs) => { const s = xs.filter((x) => x !== null && x !== undefined).sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)] : null; };
  const spread = (xs, f) => {
    const s = xs.filter((x) => x !== null && x !== undefined && !Number.isNaN(x));
    if (s.length === 0) return '–';
    return s.length > 1 ? `${f(median(s))} (${f(Math.min(...s))}–${f(Math.max(...s))})` : f(median(s));
  };
  const of = (label, scenario) => rows.filter((r) => r.label === label && r.scenario === scenario && r.client);
  const header = ['server', 'rounds', '1: probes 200 (worst)', '1: probe p99', '1: peak RSS', '2: answered 200 (worst)', '2: p99',
    '2: stored exactly once', '3: events/s', '3: CPU per event'];
  console.log(`\nSummary: median (min–max) over rounds; counts are the worst round\n\n| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
  for (const label of labels) {
    const s1 = of(label, 1), s2 = of(label, 2), s3 = of(label, 3);
    const worst = (rs, f) => (rs.length ? rs.map(f).sort((a, b) => a.ok - b.ok)[0] : null);
    const w1 = worst(s1, (r) => ({ ok: r.client.probes.ok200, text: `${n(r.client.probes.ok200)}/${n(r.client.probes.sent)}` }));
    const w2 = worst(s2, (r) => ({ ok: r.client.requests.ok200, text: `${n(r.client.requests.ok200)}/${n(r.client.requests.sent)}` }));
    const once = s2.length ? (s2.every((r) => r.stored.events === r.stored.distinct_message_ids && r.stored.events >= r.client.events_answered_200) ? 'yes' : 'NO') : '–';
    console.log(`| ${[label, Math.max(s1.length, s2.length, s3.length), w1?.text ?? '–',
      spread(s1.map((r) => r.client.probes.p99_ms), ms), s1.length ? `${Math.round(Math.max(...s1.map((r) => r.server.peak_rss_kb)) / 1024)} MB` : '–',
      w2?.text ?? '–', spread(s2.map((r) => r.client.requests.p99_ms), ms), once,
      spread(s3.map((r) => r.client.events_per_s), n),
      spread(s3.map((r) => (r.server.cpu_s * 1e6) / r.stored.events), (x) => `${x.toFixed(1)} µs`)].join(' | ')} |`);
  }
}

function table(title, header, scenario, cells) {
  const picked = rows.filter((r) => r.scenario === scenario).sort((a, b) => order(a) - order(b) || a.run - b.run);
  if (!picked.length) return;
  console.log(`\n${title}\n\n| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
  for (const r of picked) {
    const c = r.client;
    console.log(`| ${c ? cells(r, c).join(' | ') : `${run(r)} | client gave no result (timed out)`} |`);
  }
}

table('Scenario 1: idle + slow connections, then fresh batches',
  ['server #run', 'idle answered', 'open at probes (idle/slow)', 'probes 200', 'p50', 'p99', 'max', 'probe failures', 'target', 'client lag p99/max', 'server peak'],
  1, (r, c) => [run(r), `${n(c.idle_requests.ok200)}/${n(c.idle_requests.sent)}`,
    `${n(c.open_at_probe_start.idle)}/${n(c.open_at_probe_start.slow)}`, `${c.probes.ok200}/${c.probes.sent}`,
    ms(c.probes.p50_ms), ms(c.probes.p99_ms), ms(c.probes.max_ms), failures(c.probes.failures),
    c.probes.failed === 0 && c.probes.p99_ms < 50 ? 'met' : 'missed', lag(c), memory(r)]);

table('Scenario 2: browser-like arrivals',
  ['server #run', 'answered 200', 'p50', 'p99', 'max', 'p99 incl. connect', 'failures', 'events stored / answered / sent', 'exactly once', 'target', 'client lag p99/max', 'server peak'],
  2, (r, c) => [run(r), `${n(c.requests.ok200)}/${n(c.requests.sent)}`, ms(c.requests.p50_ms), ms(c.requests.p99_ms),
    ms(c.requests.max_ms), ms(c.connect_to_response.p99_ms), failures(c.requests.failures),
    `${n(r.stored.events)} / ${n(c.events_answered_200)} / ${n(c.events_sent)}`,
    r.stored.events === r.stored.distinct_message_ids && r.stored.events >= c.events_answered_200 ? 'yes' : 'NO',
    c.requests.failed === 0 && c.requests.p99_ms < 250 ? 'met' : 'missed', lag(c), memory(r)]);

table('Scenario 3: throughput (wrk -t1 -c8, bench/ingest.lua)',
  ['server #run', 'events/s', 'p50', 'p99', 'failed requests', 'events stored', 'server CPU', 'CPU per event'],
  3, (r, c) => [run(r), n(c.events_per_s), ms(c.p50_ms), ms(c.p99_ms), n(c.failed), n(r.stored.events),
    `${r.server.cpu_s} s`, `${((r.server.cpu_s * 1e6) / r.stored.events).toFixed(1)} µs`]);

summary();
