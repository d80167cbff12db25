// Where microtrack's main-thread script goes during run.mjs's 10-second wheel
// session: a Chromium trace (CDP Tracing: devtools.timeline + V8's sampling
// profiler) of that session, the page's script entry points (a listener, a
// timer, an observer's callback, microtasks) summed by kind and by function,
// with what ran inside them (forced layouts, storage, the functions the
// sampler saw). Also CDP's ScriptDuration over the session, the bench's figure.
//   node bench/scroll-trace.mjs [--dist DIR] [--track] [--json out.json]
// --dist: microtrack.{js,wasm} from DIR (default dist/); --track: the 1,000
// `track` calls of run.mjs first, delivered.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { trackers, INIT_SCRIPT, repoRoot, requireFromRepo } from './lib/trackers.mjs';
import { startSink } from './lib/sink.mjs';
import { startSite } from './lib/site.mjs';
import { launchChromium, openBenchPage } from './lib/browser.mjs';
import { scrollSession } from './lib/scroll-session.mjs';

const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const TRACK = argv.includes('--track');
const CATEGORIES = ['devtools.timeline'];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const { chromium } = requireFromRepo('playwright-core');
const sink = await startSink({});
const tracker = trackers(sink.port).find((t) => t.name === 'microtrack');
if (opt('--dist', '')) for (const f of Object.keys(tracker.files)) tracker.files[f] = join(opt('--dist'), f);
const site = await startSite({ siteDir: join(repoRoot, 'web-demo/site'), trackers: [tracker] });
const browser = await launchChromium(chromium);

// A script entry point's label: its kind and what it runs.
const ENTRY = new Set(['FunctionCall', 'EventDispatch', 'TimerFire', 'FireIdleCallback', 'FireAnimationFrame', 'RunMicrotasks',
  'v8.callFunction', 'EvaluateScript', 'v8.run', 'V8.Execute']);
const label = (e) => {
  const d = (e.args && (e.args.data || e.args)) || {};
  const url = (d.url || d.scriptName || '').replace(/^.*\//, '');
  const where = `${d.type || ''}${d.functionName ? ' ' + d.functionName : ''}${url ? ' ' + url + ':' + (d.lineNumber ?? '') + ':' + (d.columnNumber ?? '') : ''}`;
  return where.trim() ? `${e.name}(${where.trim()})` : e.name;
};

try {
  const { context, page, cdp } = await openBenchPage(browser, INIT_SCRIPT);
  await page.goto(`http://127.0.0.1:${site.port}/t/microtrack/`, { waitUntil: 'load' });
  await page.waitForFunction(() => window.__readyAt > 0, null, { timeout: 15000, polling: 50 });
  await sleep(2000);
  if (TRACK) {
    await page.evaluate(() => setTimeout(() => { for (let i = 0; i < 1000; i++) window.__benchTrack('mtbtx' + i); }, 0));
    const until = Date.now() + 30000;
    while (sink.state.tokens.size < 1000 && Date.now() < until) await sleep(25);
  }
  const docH = await page.evaluate(() => { scrollTo(0, 0); return document.documentElement.scrollHeight; });
  await sleep(300);
  const events = [];
  cdp.on('Tracing.dataCollected', ({ value }) => events.push(...value));
  const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: CATEGORIES, recordMode: 'recordAsMuchAsPossible' }, transferMode: 'ReportEvents' });
  const m0 = (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ScriptDuration').value;
  await scrollSession(page, docH);
  await sleep(500);
  const m1 = (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ScriptDuration').value;
  await cdp.send('Tracing.end');
  await done;
  await context.close();

  // the renderer main thread: the one with the wheel's EventDispatch
  const wheel = events.find((e) => e.name === 'EventDispatch' && e.args?.data?.type === 'wheel') ||
    events.find((e) => e.name === 'FunctionCall');
  const main = events.filter((e) => e.pid === wheel.pid && e.tid === wheel.tid && e.ph === 'X' && e.dur != null).sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  // outermost entry points, each with what ran inside it
  const entries = [];
  let end = -1;
  for (const e of main) {
    if (!ENTRY.has(e.name) || e.ts < end) continue;
    end = e.ts + e.dur;
    const inside = main.filter((x) => x !== e && x.ts >= e.ts && x.ts + x.dur <= end);
    entries.push({ e, inside });
  }
  const byKind = new Map();
  for (const { e, inside } of entries) {
    // the innermost FunctionCall names the script run by a dispatch or a timer
    const fn = inside.find((x) => x.name === 'FunctionCall');
    const key = label(e) + (fn && e.name !== 'FunctionCall' ? ' -> ' + label(fn) : '');
    const k = byKind.get(key) || { n: 0, us: 0, cpuUs: 0, layoutUs: 0, styleUs: 0 };
    k.n++; k.us += e.dur; k.cpuUs += e.tdur || 0;
    for (const x of inside) {
      if (x.name === 'Layout') k.layoutUs += x.dur;
      if (x.name === 'UpdateLayoutTree') k.styleUs += x.dur;
    }
    byKind.set(key, k);
  }
  const total = entries.reduce((n, { e }) => n + e.dur, 0);
  console.log(`ScriptDuration over the session: ${((m1 - m0) * 1000).toFixed(2)} ms; traced script entry points: ${entries.length}, ${(total / 1000).toFixed(2)} ms (the tracing adds its own cost)`);
  console.log('\n| n | ms | cpu ms | forced layout ms | style ms | entry point |\n|---:|---:|---:|---:|---:|---|');
  for (const [k, v] of [...byKind.entries()].sort((a, b) => b[1].us - a[1].us).slice(0, 30))
    console.log(`| ${v.n} | ${(v.us / 1000).toFixed(2)} | ${(v.cpuUs / 1000).toFixed(2)} | ${(v.layoutUs / 1000).toFixed(2)} | ${(v.styleUs / 1000).toFixed(2)} | ${k.slice(0, 140)} |`);
  if (opt('--json', '')) writeFileSync(opt('--json'), JSON.stringify(events));
} finally {
  await browser.close();
  await site.close();
  await sink.close();
}
