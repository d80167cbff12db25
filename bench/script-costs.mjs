// What the bench's "script" figure (CDP Performance.getMetrics ScriptDuration)
// counts, and what a batch send and a state store cost, measured apart from
// any tracker on the demo site's page, in Chromium:
// 1. 2 ms of work run from a timer, from queueMicrotask, and from a promise
//    reaction. ScriptDuration adds up the callbacks Blink calls (timers,
//    listeners, observers, queueMicrotask) but not promise reactions, which
//    V8 runs on its own: work moved into a `.then` leaves the figure without
//    leaving the main thread (TaskDuration still has it).
// 2. A send's parts with a batch-sized JSON body: the gzip set-up
//    (CompressionStream → arrayBuffer), fetch() called from the timer, the
//    same fetch called from a promise reaction (as the gzip path calls it),
//    and gzip then fetch.
// 3. localStorage: the first write of a task, then a second one in it.
// Each case runs twice per round, interleaved: as is, and traced
// (lib/script-trace.mjs, the second script figure of run.mjs and
// scroll-ab.mjs, which counts promise reactions): the traced figure must match
// the known work, and ScriptDuration must not move while the trace runs.
//   node bench/script-costs.mjs [--runs 3] [--n 30] [--body 3500]
import { join } from 'node:path';
import os from 'node:os';
import { repoRoot, requireFromRepo } from './lib/trackers.mjs';
import { startSink } from './lib/sink.mjs';
import { startSite } from './lib/site.mjs';
import { launchChromium } from './lib/browser.mjs';
import { startScriptTrace } from './lib/script-trace.mjs';

const argv = process.argv.slice(2);
const opt = (name, dflt) => Number(argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const RUNS = opt('--runs', 3), N = opt('--n', 30), BODY = opt('--body', 3500);
const { chromium } = requireFromRepo('playwright-core');
const sink = await startSink({});
const site = await startSite({ siteDir: join(repoRoot, 'web-demo/site'), trackers: [] });
const browser = await launchChromium(chromium);

// Each case runs N times, each time in a timer of its own (30 ms apart); the
// page's setup defines `window.cases` (name → function answering a promise).
const setup = ([collector, bodyChars]) => {
  const busy = () => { const t = performance.now(); while (performance.now() - t < 2); };
  const event = (i) => ({ type: 'track', event: 'scroll_depth', messageId: crypto.randomUUID(),
    timestamp: new Date().toISOString(), anonymousId: crypto.randomUUID(), sessionId: 1764900000000 + i,
    properties: { percent: 25 * (i % 4 + 1), path: location.pathname, title: document.title },
    context: { page: { url: location.href, path: location.pathname, referrer: '' }, locale: 'en-US',
      screen: { width: 1280, height: 720 }, userAgent: navigator.userAgent } });
  const batch = [];
  while (JSON.stringify({ batch }).length < bodyChars) batch.push(event(batch.length));
  const body = JSON.stringify({ batch, sentAt: new Date().toISOString() });
  const encoder = new TextEncoder();
  const gzip = () => {  // as bindings/js/transport.js does
    const stream = new CompressionStream('gzip');
    const writer = stream.writable.getWriter();
    writer.write(encoder.encode(body)).catch(() => {});
    writer.close().catch(() => {});
    return new Response(stream.readable).arrayBuffer();
  };
  const post = (data) => fetch(collector, { method: 'POST', body: data, keepalive: true, credentials: 'omit',
    referrerPolicy: 'no-referrer' }).then((response) => response.arrayBuffer());
  let k = 0;
  window.cases = {
    'an empty timer': () => Promise.resolve(),
    '2 ms of work in the timer': () => Promise.resolve(busy()),
    '2 ms of work in queueMicrotask': () => new Promise((done) => queueMicrotask(() => done(busy()))),
    '2 ms of work in a promise reaction': () => Promise.resolve().then(busy),
    'gzip set-up and its result': gzip,
    'fetch(JSON) from the timer': () => post(body),
    'fetch(JSON) from a promise reaction': () => Promise.resolve().then(() => post(body)),
    'gzip, then fetch(gzip bytes)': () => gzip().then(post),
    'localStorage: first write of the task': () => Promise.resolve(localStorage.setItem('a', body + k++)),
    'localStorage: first write, then another': () => {
      localStorage.setItem('a', body + k++);
      return Promise.resolve(localStorage.setItem('b', body + k));
    },
  };
  return body.length;
};

const runCase = ([name, n]) => new Promise((done) => {
  let k = 0;
  const next = () => (k++ < n ? window.cases[name]().then(() => setTimeout(next, 30)) : done());
  setTimeout(next, 30);
});

try {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  await page.goto(`http://127.0.0.1:${site.port}/`, { waitUntil: 'load' });
  const chars = await page.evaluate(setup, [`http://127.0.0.1:${sink.port}/v1/batch`, BODY]);
  const gzipBytes = await page.evaluate(() => window.cases['gzip set-up and its result']().then((b) => b.byteLength));
  const names = await page.evaluate(() => Object.keys(window.cases));
  const per = Object.fromEntries(names.map((name) => [name, { script: [], task: [], scriptTraced: [], traced: [] }]));
  const loads = [];
  for (let run = 0; run < RUNS; run++) {
    loads.push(os.loadavg()[0]);
    for (const name of names) {
      const before = await metrics();
      await page.evaluate(runCase, [name, N]);
      const after = await metrics();
      per[name].script.push((after.ScriptDuration - before.ScriptDuration) * 1e6 / N);
      per[name].task.push((after.TaskDuration - before.TaskDuration) * 1e6 / N);
      const stop = await startScriptTrace(cdp, page);
      const before2 = await metrics();
      await page.evaluate(runCase, [name, N]);
      const after2 = await metrics();
      const traced = await stop();
      per[name].scriptTraced.push((after2.ScriptDuration - before2.ScriptDuration) * 1e6 / N);
      per[name].traced.push(traced.ms * 1e3 / N);
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`Body: ${chars} characters of JSON, ${gzipBytes} B gzip. Medians of ${RUNS} runs of ${N} timers each; ` +
    `load average ${loads.map((l) => l.toFixed(1)).join(', ')}.\n`);
  console.log('| case (once per timer) | ScriptDuration µs | TaskDuration µs | ScriptDuration µs, traced | ' +
    'traced: script incl. promise reactions µs |\n|---|---:|---:|---:|---:|');
  const f = (xs) => median(xs).toFixed(0);
  for (const name of names) {
    const p = per[name];
    console.log(`| ${name} | ${f(p.script)} | ${f(p.task)} | ${f(p.scriptTraced)} | ${f(p.traced)} |`);
  }
  await context.close();
} finally {
  await browser.close();
  await site.close();
  await sink.close();
}
