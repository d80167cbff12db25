// What each main-thread task at start-up is made of, for one tracker: a
// Chromium trace (CDP Tracing: devtools.timeline, v8, v8.compile, wasm) from
// navigation until ready + 1 s, in fresh contexts, optionally under CPU
// throttling (the bench machine has 2 cores shared with other work: a
// throttled run shows which tasks risk passing 50 ms). For each run it prints
// every main-thread task over --min ms with its start (ms after navigation,
// performance.now()'s origin), its length, the thread's CPU time in it (less
// than the length when the OS ran something else: a loaded machine), the
// events inside it and the JS/wasm functions the sampling profiler saw.
//   node bench/startup-trace.mjs [tracker=microtrack] [--runs 3] [--throttle 1] [--min 8] [--json out.json] [--dist DIR]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { trackers, INIT_SCRIPT, repoRoot, requireFromRepo, posthogDist } from './lib/trackers.mjs';
import { startSink } from './lib/sink.mjs';
import { startSite } from './lib/site.mjs';
import { launchChromium } from './lib/browser.mjs';

const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const name = argv.find((a, i) => !a.startsWith('--') && !(i > 0 && argv[i - 1].startsWith('--'))) || 'microtrack';
const RUNS = Number(opt('--runs', 3));
const THROTTLE = Number(opt('--throttle', 1));
const MIN_MS = Number(opt('--min', 8));
const JSON_OUT = opt('--json', '');
const CATEGORIES = ['devtools.timeline', 'v8', 'v8.execute', 'disabled-by-default-v8.compile', 'v8.wasm',
  'disabled-by-default-v8.wasm.detailed', 'blink.user_timing', 'loading', 'toplevel', 'disabled-by-default-devtools.timeline', 'disabled-by-default-v8.cpu_profiler'];

const { chromium } = requireFromRepo('playwright-core');
const sink = await startSink({ staticRoots: { '/static/': posthogDist() } });
const all = trackers(sink.port).filter((t) => t.name === name);
// --dist DIR: the tracker's files from another build (e.g. an unminified one, for readable names)
if (opt('--dist', '')) for (const t of all) for (const f of Object.keys(t.files)) t.files[f] = join(opt('--dist'), f);
if (!all.length) throw new Error('unknown tracker ' + name);
const site = await startSite({ siteDir: join(repoRoot, 'web-demo/site'), trackers: all });
const browser = await launchChromium(chromium);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A short label for an event: its name, and the script or function it runs.
// The files of the tracker under test, as a label or a sample names them.
const TRACKER_FILE = new RegExp(`(^|[ (/])(${Object.keys(all[0].files).map((f) => f.replace(/\./g, '\\.')).join('|') || '-'})\\b`);
const label = (e) => {
  const d = (e.args && (e.args.data || e.args)) || {};
  const url = d.url || d.fileName || d.scriptName || (d.stackTrace && d.stackTrace[0] && d.stackTrace[0].url) || '';
  const fn = d.functionName || '';
  const where = (url ? url.replace(/^.*\//, '') : '') + (fn ? ' ' + fn : '') + (d.lineNumber != null && url ? ':' + d.lineNumber : '');
  return where ? `${e.name}(${where.trim()})` : e.name;
};

async function traceOnce(run) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  await context.addInitScript(INIT_SCRIPT);
  const cdp = await context.newCDPSession(page);
  if (THROTTLE > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: THROTTLE });
  const events = [];
  cdp.on('Tracing.dataCollected', ({ value }) => events.push(...value));
  const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: CATEGORIES, recordMode: 'recordAsMuchAsPossible' }, transferMode: 'ReportEvents' });
  await page.goto(`http://127.0.0.1:${site.port}/t/${name}/`, { waitUntil: 'load' });
  await page.waitForFunction(() => window.__readyAt > 0, null, { timeout: 30000, polling: 50 });
  await sleep(1000);
  const info = await page.evaluate(() => ({ ready: window.__readyAt, lt: window.__lt.slice(), origin: performance.timeOrigin }));
  await cdp.send('Tracing.end');
  await done;
  await context.close();
  return analyse(events, info, run);
}

// The events of one task as an indented tree, events under 1 ms and
// scheduler wrappers left out.
const WRAPPERS = /^(RunTask|ThreadControllerImpl::RunTask|Receive mojo message|BlinkScheduler_PerformMicrotaskCheckpoint|ThreadController active)$/;
function tree(inside, t0) {
  const lines = [];
  const stack = [];
  for (const e of inside) {
    while (stack.length && e.ts >= stack[stack.length - 1]) stack.pop();
    const depth = stack.length;
    stack.push(e.ts + e.dur);
    if (e.dur < 1000 || WRAPPERS.test(e.name) || depth > 7) continue;
    lines.push(`${'  '.repeat(depth)}${label(e).slice(0, 120)} @${((e.ts - t0) / 1000).toFixed(0)} ${(e.dur / 1000).toFixed(1)} ms${e.tdur != null ? ' (cpu ' + (e.tdur / 1000).toFixed(1) + ')' : ''}`);
  }
  return lines;
}

// The V8 sampling profiler's samples in the trace (Profile/ProfileChunk
// events of one thread) as [time us, function label] with the function at
// the top of the stack, so that each task can say whose code it ran.
function samplesOf(events, pid, tid) {
  const nodes = new Map();
  const out = [];
  // The Profile event is on the sampled thread; its chunks, with the same id, on the sampler's.
  const ids = new Set(events.filter((e) => e.name === 'Profile' && e.pid === pid && e.tid === tid).map((e) => e.id));
  for (const e of events) {
    if (e.pid !== pid || !ids.has(e.id)) continue;
    if (e.name === 'Profile') out.t = e.args.data.startTime;
    if (e.name !== 'ProfileChunk') continue;
    const p = e.args.data.cpuProfile || {};
    for (const n of p.nodes || []) {
      const f = n.callFrame;
      const file = (f.url || '').replace(/^.*\//, '');
      nodes.set(n.id, `${f.functionName || '(anon)'}${file ? ' ' + file + ':' + (f.lineNumber + 1) : ''}`);
    }
    const deltas = e.args.data.timeDeltas || [];
    (p.samples || []).forEach((id, i) => {
      out.t = (out.t || 0) + (deltas[i] || 0);
      out.push([out.t, id]);
    });
  }
  return out.map(([t, id]) => [t, nodes.get(id) || '?']);
}

// Self time per function in [from, to) (us), the largest first.
function selfTimes(samples, from, to) {
  const sel = samples.filter(([t]) => t >= from && t < to);
  const by = new Map();
  for (let i = 0; i < sel.length; i++) {
    const dt = i + 1 < sel.length ? sel[i + 1][0] - sel[i][0] : 0;
    by.set(sel[i][1], (by.get(sel[i][1]) || 0) + dt);
  }
  return [...by.entries()].filter(([k]) => !/^\((idle|program|root)\)/.test(k)).sort((a, b) => b[1] - a[1]).slice(0, 8)
    .filter(([, us]) => us >= 500).map(([k, us]) => `${k} ${(us / 1000).toFixed(1)}`);
}

function analyse(events, info, run) {
  // The renderer's main thread: the one that parsed this page's HTML.
  const parse = events.find((e) => e.name === 'ParseHTML' && e.args && e.args.beginData && /\/t\//.test(e.args.beginData.url || ''));
  const pid = parse ? parse.pid : null;
  const tid = parse ? parse.tid : null;
  const nav = events.find((e) => e.name === 'navigationStart' && e.pid === pid &&
    e.args && e.args.data && /\/t\//.test(e.args.data.documentLoaderURL || ''));
  const t0 = nav ? nav.ts : (parse ? parse.ts : 0);
  const ms = (us) => us / 1000;
  const main = events.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && e.dur != null).sort((a, b) => a.ts - b.ts);
  const tasks = main.filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask');
  const out = { run, ready: info.ready, longTasks: info.lt.map((x) => x.map(Math.round)), tasks: [] };
  const samples = samplesOf(events, pid, tid);
  let taskEnd = -1;
  for (const task of tasks) {
    if (task.ts < taskEnd) continue;  // a task run inside another one (nested RunTask)
    taskEnd = task.ts + task.dur;
    if (ms(task.dur) < MIN_MS) continue;
    const inside = main.filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur <= taskEnd);
    // the tracker's task: it runs the tracker's code (its scripts, its wasm)
    const ours = inside.some((e) => TRACKER_FILE.test(label(e))) ||
      samples.some(([t, f]) => t >= task.ts && t < taskEnd && TRACKER_FILE.test(f));
    out.tasks.push({ start: +ms(task.ts - t0).toFixed(1), dur: +ms(task.dur).toFixed(1), cpu: +ms(task.tdur || 0).toFixed(1), tree: tree(inside, t0),
      self: selfTimes(samples, task.ts, taskEnd), ours });
  }
  // the page's requests: sent, response, finished (ms after navigation)
  const reqs = new Map();
  for (const e of events) {
    const d = e.args && e.args.data;
    if (!d || !d.requestId) continue;
    if (e.name === 'ResourceSendRequest' && /^http:\/\/127\.0\.0\.1/.test(d.url || '')) reqs.set(d.requestId, { url: (d.url || '').replace(/^.*\/\/[^/]*/, ''), priority: d.priority, send: ms(e.ts - t0) });
    const r = reqs.get(d.requestId);
    if (!r) continue;
    if (e.name === 'ResourceReceiveResponse') r.response = ms(e.ts - t0);
    if (e.name === 'ResourceFinish') r.finish = ms(e.ts - t0);
  }
  out.requests = [...reqs.values()].map((r) => `${r.url.slice(0, 40)} [${r.priority}] sent ${r.send.toFixed(0)}, response ${(r.response || 0).toFixed(0)}, done ${(r.finish || 0).toFixed(0)}`);
  return out;
}

const results = [];
try {
  for (let run = 1; run <= RUNS; run++) {
    const r = await traceOnce(run);
    results.push(r);
    console.log(`\n## ${name} run ${r.run} (throttle ${THROTTLE}x): ready ${r.ready.toFixed(0)} ms; long tasks [start, ms]: ${JSON.stringify(r.longTasks)}`);
    const long = (ours) => r.tasks.filter((t) => t.ours === ours && t.dur > 50).map((t) => `${t.dur}@${t.start.toFixed(0)} (cpu ${t.cpu})`);
    const ours = r.tasks.filter((t) => t.ours && t.start <= r.ready);
    const oursMax = (key) => Math.max(0, ...ours.map((t) => t[key]));
    console.log(`  long tasks running ${name}'s code: [${long(true).join(', ')}]; others: [${long(false).join(', ')}]`);
    console.log(`  until ready: ${ours.length} tasks of ${name}'s over ${MIN_MS} ms, the longest ${oursMax('dur')} ms, the most thread CPU ${oursMax('cpu')} ms`);
    for (const line of r.requests) console.log('  request ' + line);
    for (const t of r.tasks) {
      console.log(`- task @${t.start} ms, ${t.dur} ms (thread CPU ${t.cpu} ms)${t.ours ? ' [' + name + ']' : ''}${t.dur > 50 ? '  ** LONG **' : ''}`);
      for (const line of t.tree.slice(0, 40)) console.log('    ' + line);
      if (t.self.length) console.log('    JS/wasm self ms: ' + t.self.join('; '));
    }
  }
  if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(results, null, 1));
} finally {
  await browser.close();
  await site.close();
  await sink.close();
}
