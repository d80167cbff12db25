// A/B of the scroll session alone (run.mjs's 10-second wheel session) between
// builds of microtrack, interleaved round by round so that machine load hits
// each alike: main-thread script (CDP ScriptDuration) and task time, medians.
//   node bench/scroll-ab.mjs [--runs 5] [--track] DIR_A DIR_B …
// Each DIR holds a microtrack.js and microtrack.wasm (dist/ or a copy of it);
// DIR@{"engagement":false} also changes the bench page's init config (what a
// detector costs: the same build with and without it).
// --track: the 1,000 `track` calls of run.mjs first, delivered, as in run.mjs.
import { join } from 'node:path';
import os from 'node:os';
import { trackers, INIT_SCRIPT, repoRoot, requireFromRepo } from './lib/trackers.mjs';
import { startSink } from './lib/sink.mjs';
import { startSite } from './lib/site.mjs';
import { launchChromium } from './lib/browser.mjs';
import { scrollSession } from './lib/scroll-session.mjs';

const argv = process.argv.slice(2);
const RUNS = Number(argv.includes('--runs') ? argv[argv.indexOf('--runs') + 1] : 5);
const TRACK = argv.includes('--track');
const dirs = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--runs');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const { chromium } = requireFromRepo('playwright-core');

const sink = await startSink({});
const template = trackers(sink.port).find((t) => t.name === 'microtrack');
const names = dirs.map((_, i) => 'v' + 'abcdefgh'[i]);
const variants = dirs.map((arg, i) => {
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

const sample = async (variant, key) => {
  sink.reset(key);
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  try {
    await context.addInitScript(INIT_SCRIPT);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(`http://127.0.0.1:${site.port}/t/${variant.name}/`, { waitUntil: 'load' });
    await page.waitForFunction(() => window.__readyAt > 0, null, { timeout: 15000, polling: 50 });
    await sleep(2000);
    if (TRACK) {
      await page.evaluate((k) => setTimeout(() => { for (let i = 0; i < 1000; i++) window.__benchTrack('mtb' + k + 'x' + i); }, 0), key);
      const until = Date.now() + 30000;
      while (sink.state.tokens.size < 1000 && Date.now() < until) await sleep(25);
    }
    const docH = await page.evaluate(() => { scrollTo(0, 0); return document.documentElement.scrollHeight; });
    await sleep(300);
    const before = sink.state.requests.length;
    const m0 = await metricsOf(cdp);
    await scrollSession(page, docH);
    await sleep(500);
    const m1 = await metricsOf(cdp);
    return { script: m1.script - m0.script, task: m1.task - m0.task, requests: sink.state.requests.length - before };
  } finally {
    await context.close();
  }
};

const results = Object.fromEntries(names.map((n) => [n, []]));
const loads = [];
try {
  await sample(variants[0], 'w0');  // warm-up, discarded
  for (let round = 1; round <= RUNS; round++) {
    loads.push(os.loadavg()[0]);
    for (const [i, variant] of variants.entries()) {
      const s = await sample(variant, `r${round}${names[i]}`);
      results[variant.name].push(s);
      console.error(`round ${round} ${dirs[i]}: script ${s.script.toFixed(2)} ms, task ${s.task.toFixed(1)} ms, requests ${s.requests}, load ${os.loadavg()[0].toFixed(1)}`);
    }
  }
} finally {
  await browser.close();
  await site.close();
  await sink.close?.();
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const range = (xs) => `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
for (const [i, name] of names.entries()) {
  const r = results[name];
  console.log(`${dirs[i]}: scroll script ${range(r.map((x) => x.script))} ms, task ${range(r.map((x) => x.task))} ms`);
}
console.log(`load average (1 min) at each round: ${loads.map((l) => l.toFixed(1)).join(', ')}`);
process.exit(0);
