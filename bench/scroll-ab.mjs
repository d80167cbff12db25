// A/B of the scroll session alone (run.mjs's 10-second wheel session) between
// builds of microtrack, interleaved round by round so that machine load hits
// each alike: main-thread script (CDP ScriptDuration), script including
// promise reactions (a trace of the phase, lib/script-trace.mjs, as run.mjs)
// and task time, medians.
//   node bench/scroll-ab.mjs [--runs 5] [--track] [--trace-ab] DIR_A DIR_B …
// Each DIR holds a microtrack.js and microtrack.wasm (dist/ or a copy of it);
// DIR@{"engagement":false} also changes the bench page's init config (what a
// detector costs: the same build with and without it); peer:NAME is a peer of
// run.mjs as it runs there (peer:posthog), for --trace-ab on other trackers.
// --track: the 1,000 `track` calls of run.mjs first, delivered, as in run.mjs
// (in its own timer), with both script figures for that phase too.
// --trace-ab: each build also runs untraced in every round (order swapped
// from round to round): does tracing move ScriptDuration?
import { join } from 'node:path';
import os from 'node:os';
import { trackers, INIT_SCRIPT, repoRoot, requireFromRepo, posthogDist } from './lib/trackers.mjs';
import { startSink } from './lib/sink.mjs';
import { startSite } from './lib/site.mjs';
import { launchChromium, openBenchPage } from './lib/browser.mjs';
import { scrollSession } from './lib/scroll-session.mjs';
import { startScriptTrace } from './lib/script-trace.mjs';

const argv = process.argv.slice(2);
const RUNS = Number(argv.includes('--runs') ? argv[argv.indexOf('--runs') + 1] : 5);
const TRACK = argv.includes('--track');
const TRACE_AB = argv.includes('--trace-ab');
const dirs = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--runs');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const { chromium } = requireFromRepo('playwright-core');

const sink = await startSink({ staticRoots: { '/static/': posthogDist() } });
const all = trackers(sink.port);
const template = all.find((t) => t.name === 'microtrack');
const peerOf = (arg) => arg.startsWith('peer:') && all.find((t) => t.name === arg.slice(5));
const names = dirs.map((arg, i) => (peerOf(arg) ? peerOf(arg).name : 'v' + 'abcdefgh'[i]));
const variants = dirs.map((arg, i) => {
  if (peerOf(arg)) return peerOf(arg);
  const [dir, overrides] = arg.split('@');
  let head = template.head.replaceAll('/t/microtrack/', `/t/${names[i]}/`);
  if (overrides) {
    head = head.replace("microtrack('init', {", "microtrack('init', Object.assign({")
      .replace('\n});\nwindow.__benchTrack', `\n}, ${JSON.stringify(JSON.parse(overrides))}));\nwindow.__benchTrack`);
    if (!head.includes('Object.assign') || !head.includes(overrides.slice(0, 5))) throw new Error('could not apply ' + overrides);
  }
  return { ...template, name: names[i], head,
    files: { 'microtrack.js': join(dir, 'microtrack.js'), 'microtrack.wasm': join(dir, 'microtrack.wasm') } };
});
const site = await startSite({ siteDir: join(repoRoot, 'web-demo/site'), trackers: variants });
const browser = await launchChromium(chromium);
const metricsOf = async (cdp) => {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
  return { script: m.ScriptDuration * 1000, task: m.TaskDuration * 1000 };
};

// A phase's figures: ScriptDuration and task time (CDP), and, when traced,
// script including promise reactions.
const measured = async (cdp, page, traced, phase) => {
  const stop = traced ? await startScriptTrace(cdp, page) : null;
  const m0 = await metricsOf(cdp);
  await phase();
  const m1 = await metricsOf(cdp);
  const all = stop ? await stop() : null;
  return { script: m1.script - m0.script, task: m1.task - m0.task, scriptAll: all ? all.ms : null };
};

const sample = async (variant, key, traced) => {
  sink.reset(key);
  const { context, page, cdp } = await openBenchPage(browser, INIT_SCRIPT);
  try {
    await page.goto(`http://127.0.0.1:${site.port}/t/${variant.name}/`, { waitUntil: 'load' });
    await page.waitForFunction(() => window.__readyAt > 0, null, { timeout: 15000, polling: 50 });
    await sleep(2000);
    const track = TRACK ? await measured(cdp, page, traced, async () => {
      await page.evaluate((k) => setTimeout(() => { for (let i = 0; i < 1000; i++) window.__benchTrack('mtb' + k + 'x' + i); }, 0), key);
      const until = Date.now() + 30000;
      while (sink.state.tokens.size < 1000 && Date.now() < until) await sleep(25);
    }) : null;
    const docH = await page.evaluate(() => { scrollTo(0, 0); return document.documentElement.scrollHeight; });
    await sleep(300);
    const before = sink.state.requests.length;
    const scroll = await measured(cdp, page, traced, async () => {
      await scrollSession(page, docH);
      await sleep(500);
    });
    return { ...scroll, track, requests: sink.state.requests.length - before };
  } finally {
    await context.close();
  }
};

// Each build traced; with --trace-ab also untraced, the order swapped each round.
const modes = TRACE_AB ? [true, false] : [true];
const runsOf = names.flatMap((name, i) => modes.map((traced) => ({ name, i, traced, key: `${name}${traced ? '' : ' untraced'}` })));
const results = Object.fromEntries(runsOf.map((r) => [r.key, []]));
const loads = [];
const f = (x, d = 2) => (x == null ? '–' : x.toFixed(d));
try {
  await sample(variants[0], 'w0', true);  // warm-up, discarded
  for (let round = 1; round <= RUNS; round++) {
    loads.push(os.loadavg()[0]);
    const order = round % 2 ? runsOf : [...runsOf].reverse();
    for (const [k, run] of order.entries()) {
      const s = await sample(variants[run.i], `r${round}${k}${names[run.i]}`, run.traced);
      results[run.key].push(s);
      console.error(`round ${round} ${dirs[run.i]}${run.traced ? '' : ' (untraced)'}: ` +
        (s.track ? `track script ${f(s.track.script, 1)} ms (incl. promise reactions ${f(s.track.scriptAll, 1)}), ` : '') +
        `scroll script ${f(s.script)} ms (incl. promise reactions ${f(s.scriptAll)}), task ${f(s.task, 1)} ms, ` +
        `requests ${s.requests}, load ${os.loadavg()[0].toFixed(1)}`);
    }
  }
} finally {
  await browser.close();
  await site.close();
  await sink.close?.();
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const range = (xs) => (xs.some((x) => x == null) ? '–'
  : `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`);
for (const run of runsOf) {
  const r = results[run.key];
  console.log(`${dirs[run.i]}${run.traced ? '' : ' (untraced)'}: ` +
    (TRACK ? `track script ${range(r.map((x) => x.track.script))} ms, incl. promise reactions ${range(r.map((x) => x.track.scriptAll))} ms; ` : '') +
    `scroll script ${range(r.map((x) => x.script))} ms, incl. promise reactions ${range(r.map((x) => x.scriptAll))} ms, ` +
    `task ${range(r.map((x) => x.task))} ms`);
}
console.log(`load average (1 min) at each round: ${loads.map((l) => l.toFixed(1)).join(', ')}`);
process.exit(0);
