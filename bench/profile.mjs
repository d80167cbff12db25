// Where the main-thread time of the 1,000-call run goes, for one tracker:
// a CDP CPU profile (Profiler.start/stop) from the track loop until every
// event is delivered, summed by function (self time), plus the time spent in
// localStorage.setItem measured by wrapping it. Prints a Markdown table.
// With --startup: the same from navigation until ready + 2 s; with --scroll:
// during the 10-second wheel session of run.mjs; both list the long tasks.
//   node bench/profile.mjs [tracker=microtrack] [--startup | --scroll]
import { join } from 'node:path';
import { trackers, INIT_SCRIPT, repoRoot, requireFromRepo, posthogDist } from './lib/trackers.mjs';
import { startSink } from './lib/sink.mjs';
import { startSite } from './lib/site.mjs';
import { launchChromium } from './lib/browser.mjs';

const STARTUP = process.argv.includes('--startup');
const SCROLL = process.argv.includes('--scroll');
const name = process.argv.slice(2).find((a) => !a.startsWith('--')) || 'microtrack';
const { chromium } = requireFromRepo('playwright-core');
const sink = await startSink({ staticRoots: { '/static/': posthogDist() } });
const all = trackers(sink.port).filter((t) => t.name === name);
if (!all.length) throw new Error('unknown tracker ' + name);
const site = await startSite({ siteDir: join(repoRoot, 'web-demo/site'), trackers: all });
const browser = await launchChromium(chromium);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  // count the time spent in localStorage.setItem and the characters written
  await context.addInitScript(INIT_SCRIPT + `
    (function () {
      var set = Storage.prototype.setItem;
      window.__ls = { calls: 0, ms: 0, chars: 0 };
      Storage.prototype.setItem = function (k, v) {
        var a = performance.now();
        try { return set.call(this, k, v); } finally {
          __ls.calls++; __ls.ms += performance.now() - a; __ls.chars += String(v).length;
        }
      };
    })();`);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  sink.reset('77');
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  if (STARTUP) await cdp.send('Profiler.start');
  await page.goto(`http://127.0.0.1:${site.port}/t/${name}/`, { waitUntil: 'load' });
  await page.waitForFunction(() => window.__readyAt > 0, null, { timeout: 15000 });
  await sleep(2000);
  let profile, info;
  if (STARTUP) {
    ({ profile } = await cdp.send('Profiler.stop'));
    info = await page.evaluate(() => ({ ready: window.__readyAt, lt: window.__lt, ls: window.__ls }));
    console.log(`${name} start-up: ready at ${info.ready.toFixed(0)} ms; long tasks [start, duration] ms: ${JSON.stringify(info.lt.map((x) => x.map(Math.round)))}; ` +
      `localStorage.setItem: ${info.ls.calls} calls, ${info.ls.ms.toFixed(1)} ms`);
  } else if (SCROLL) {
    const docH = await page.evaluate(() => document.documentElement.scrollHeight);
    const start = await page.evaluate(() => { window.__ls.calls = 0; window.__ls.ms = 0; return performance.now(); });
    await cdp.send('Profiler.start');
    await page.mouse.move(640, 400);
    const dy = Math.ceil((docH - 720) / 100);
    const t0 = Date.now();
    for (let k = 0; Date.now() - t0 < 10000; k++) {
      await page.mouse.wheel(0, Date.now() - t0 < 5000 ? dy : -dy);
      const next = t0 + (k + 1) * 50;
      if (next > Date.now()) await sleep(next - Date.now());
    }
    await sleep(500);
    ({ profile } = await cdp.send('Profiler.stop'));
    info = await page.evaluate((s0) => ({ lt: window.__lt.filter((x) => x[0] >= s0), ls: window.__ls, s0 }), start);
    console.log(`${name} scroll: long tasks [start, duration] ms after the session start: ${JSON.stringify(info.lt.map((x) => [Math.round(x[0] - start), Math.round(x[1])]))}; ` +
      `localStorage.setItem: ${info.ls.calls} calls, ${info.ls.ms.toFixed(1)} ms; requests ${sink.state.requests.length}`);
  } else {
    await page.evaluate(() => { window.__ls.calls = 0; window.__ls.ms = 0; window.__ls.chars = 0; });
    await cdp.send('Profiler.start');
    await page.evaluate(() => setTimeout(() => {
      const a = performance.now();
      for (let i = 0; i < 1000; i++) window.__benchTrack('mtb77x' + i);
      window.__loop = performance.now() - a;
    }, 0));
    const until = Date.now() + 30000;
    while (sink.state.tokens.size < 1000 && Date.now() < until) await sleep(25);
    ({ profile } = await cdp.send('Profiler.stop'));
    info = await page.evaluate(() => ({ loop: window.__loop, ls: window.__ls }));
    console.log(`${name}: loop ${info.loop.toFixed(1)} ms; delivered ${sink.state.tokens.size}/1000 in ${sink.state.requests.length} requests; ` +
      `localStorage.setItem: ${info.ls.calls} calls, ${info.ls.ms.toFixed(0)} ms, ${(info.ls.chars / 1e6).toFixed(1)} M characters written`);
  }

  // self time per function
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const n = byId.get(profile.samples[i]);
    const f = n.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url ? f.url.replace(/^.*\//, '') + ':' + (f.lineNumber + 1) + ':' + (f.columnNumber + 1) : ''}`.trim();
    self.set(key, (self.get(key) || 0) + (dt[i] || 0) / 1000);
  }
  const total = [...self.entries()].filter(([k]) => !/^\((idle|program|garbage collector)\)/.test(k)).reduce((n, [, v]) => n + v, 0);
  console.log(`sampled JS/wasm self time (excl. idle/program/GC): ${total.toFixed(0)} ms; GC: ${(self.get('(garbage collector)') || 0).toFixed(0)} ms\n`);
  console.log('| self ms | function |\n|---:|---|');
  for (const [k, v] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`| ${v.toFixed(1)} | \`${k}\` |`);
  await context.close();
} finally {
  await browser.close();
  await site.close();
  await sink.close();
}
