// microtrack side by side with its peers, in one headless Chromium, on loopback.
//   node bench/run.mjs [--runs 5] [--only microtrack,posthog] [--budget-min 45] [--no-native] [--no-write]
//   node bench/run.mjs --report bench/results.json   (re-render RESULTS.md only)
// Installs the peers into bench/node_modules (npm ci) if missing, builds dist/
// if missing, then for each round runs every tracker once, in the same order
// (baseline, microtrack, peers…), so machine load hits all of them alike.
// Writes bench/results.json (every sample) and the "Browser benchmark" and
// "Native microbenchmarks" sections of bench/RESULTS.md. See bench/README.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { gzipSync, brotliCompressSync, constants as zc } from 'node:zlib';
import { join } from 'node:path';
import os from 'node:os';
import { trackers, INIT_SCRIPT, repoRoot, benchRoot, requireFromRepo, posthogDist } from './lib/trackers.mjs';
import { startSink } from './lib/sink.mjs';
import { startSite } from './lib/site.mjs';
import { writeReport } from './lib/report.mjs';
import { LAUNCH_ARGS, launchChromium, openBenchPage } from './lib/browser.mjs';
import { SCROLL_MS, scrollSession } from './lib/scroll-session.mjs';
import { startScriptTrace } from './lib/script-trace.mjs';

// ---- options
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const RUNS = Number(opt('--runs', 5));
const ONLY = opt('--only', '') ? opt('--only', '').split(',') : null;
const BUDGET_MS = Number(opt('--budget-min', 45)) * 60000;
const NATIVE = !argv.includes('--no-native');
const WRITE = !argv.includes('--no-write');
const EVENTS = 1000;
const SETTLE_MS = 2000;        // after ready: lazy chunks, start-up sends
const QUIET_MS = 12000;        // no new bench event for this long: stop waiting (> every default flush interval; Snowplow can pause ~10 s)
const DELIVERY_CAP_MS = 30000; // at most this long after the loop's task ended
const LOOP_CAP_MS = 30000;     // the loop's task itself
const log = (...a) => console.error('[bench]', ...a);
const t0 = Date.now();

// --report FILE: only re-render RESULTS.md from an existing results.json
if (argv.includes('--report')) {
  writeReport(join(benchRoot, 'RESULTS.md'), JSON.parse(readFileSync(opt('--report'), 'utf8')));
  log('rewrote bench/RESULTS.md from ' + opt('--report'));
  process.exit(0);
}

// ---- prerequisites
if (!existsSync(join(benchRoot, 'node_modules/posthog-js/package.json'))) {
  log('installing the peers into bench/node_modules (npm ci)…');
  execFileSync('npm', ['ci', '--omit=optional', '--no-audit', '--no-fund'], { cwd: benchRoot, stdio: 'inherit' });
}
// The bench loads dist/ (every detector).
if (!existsSync(join(repoRoot, 'dist/microtrack.js')) || !existsSync(join(repoRoot, 'dist/microtrack.wasm'))) {
  log('dist/ is missing: building it…');
  if (existsSync(join(repoRoot, 'build/wasm/build.ninja'))) execFileSync('cmake', ['--build', 'build/wasm'], { cwd: repoRoot, stdio: 'inherit' });
  else execFileSync('cmake', ['--workflow', '--preset', 'wasm'], { cwd: repoRoot, stdio: 'inherit' });
}
const { chromium } = requireFromRepo('playwright-core');

// ---- native microbenchmarks (first: they need the CPU for ~1 min)
function runNative() {
  const build = join(repoRoot, 'build/bench-native');
  try {
    execFileSync('cmake', ['-S', join(benchRoot, 'native'), '-B', build, '-G', 'Ninja', '-DCMAKE_BUILD_TYPE=Release'], { stdio: 'ignore' });
    execFileSync('cmake', ['--build', build], { stdio: 'ignore' });
    const r = spawnSync(join(build, 'bench_core'), ['--benchmark_format=json', '--benchmark_min_time=0.3', '--benchmark_repetitions=5',
      '--benchmark_report_aggregates_only=true'], { encoding: 'utf8', maxBuffer: 1 << 24, timeout: 300000 });
    if (r.status !== 0) return { error: (r.stderr || '').slice(-2000) || `exit ${r.status}` };
    return JSON.parse(r.stdout);
  } catch (e) {
    return { error: String(e.message || e).slice(0, 2000) };
  }
}

// ---- sizes, cached by content
const sizeCache = new Map();
function sizes(buf) {
  const key = createHash('sha1').update(buf).digest('hex');
  if (!sizeCache.has(key)) {
    sizeCache.set(key, {
      raw: buf.length,
      gzip: gzipSync(buf, { level: 9 }).length,
      brotli: brotliCompressSync(buf, { params: { [zc.BROTLI_PARAM_QUALITY]: 11, [zc.BROTLI_PARAM_SIZE_HINT]: buf.length } }).length,
    });
  }
  return sizeCache.get(key);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const metricsOf = async (cdp) => {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
  return { script: m.ScriptDuration * 1000, task: m.TaskDuration * 1000, layout: (m.LayoutDuration || 0) * 1000 };
};
const delta = (a, b) => ({ script: b.script - a.script, task: b.task - a.task, layout: b.layout - a.layout });
const ltIn = (lts, from, to) => {
  const sel = lts.filter(([s]) => s >= from && s < to);
  return { count: sel.length, totalMs: sel.reduce((n, [, d]) => n + d, 0), maxMs: sel.reduce((n, [, d]) => Math.max(n, d), 0) };
};
// The start-up long tasks, each with the script entry points that ran in it:
// a long-animation-frame entry overlapping the task lists the scripts that ran
// >= 5 ms in that frame (Chromium's LoAF attribution), with their sourceURL;
// those overlapping the task itself are the task's. A task ran the tracker's
// code when one of them is the tracker's (isTrackerScript).
const scriptsIn = (lts, loafs, from, to) => lts.filter(([s]) => s >= from && s < to).map(([s, d]) => {
  const overlaps = (a, b) => a < s + d && a + b > s;
  const scripts = loafs.filter(([fs, fd]) => overlaps(fs, fd)).flatMap(([, , sc]) => sc).filter(([ss, sd]) => overlaps(ss, sd));
  return { start: s, ms: d, scripts: scripts.map(([, sd, url, type, invoker]) => ({ url, type, invoker, ms: sd })) };
});
const trackerLongTasks = (tasks, isTrackerScript) => {
  const hit = tasks.map((t) => ({ ms: t.ms, scriptMs: t.scripts.filter(isTrackerScript).reduce((n, x) => n + x.ms, 0) }))
    .filter((t) => t.scriptMs > 0);
  return { count: hit.length, maxMs: hit.reduce((n, t) => Math.max(n, t.ms), 0), trackerScriptMs: hit.reduce((n, t) => n + t.scriptMs, 0) };
};
const withTimeout = (p, ms, what) => Promise.race([p, sleep(ms).then(() => { throw new Error(`${what}: timed out after ${ms} ms`); })]);

// ---- one sample: a fresh context (cold cache, empty storage) for one tracker
async function sample(browser, sink, site, tracker, runKey) {
  const out = { tracker: tracker.name, runKey, startedAt: new Date().toISOString(), loadavg: os.loadavg()[0] };
  sink.reset(runKey);
  let context = null;
  try {
    const opened = await openBenchPage(browser, INIT_SCRIPT);
    context = opened.context;
    const { page, cdp } = opened;
    const siteOrigin = `http://127.0.0.1:${site.port}`;
    const sinkOrigin = `http://127.0.0.1:${sink.port}`;
    const pageUrl = `${siteOrigin}/t/${tracker.name}/`;
    const assetBodies = [];
    const external = [];
    const consoleErrors = [];
    page.on('console', (m) => { if (m.type() === 'error' && consoleErrors.length < 5) consoleErrors.push(m.text().slice(0, 300)); });
    page.on('pageerror', (e) => { if (consoleErrors.length < 5) consoleErrors.push('pageerror: ' + String(e.message).slice(0, 300)); });
    // The tracker's own files: under /t/<name>/ but the page itself, and
    // PostHog's scripts from the sink's /static/ (the sink is GET for nothing else).
    const isTrackerUrl = (u) => (u.startsWith(`${siteOrigin}/t/${tracker.name}/`) && !u.endsWith(`/t/${tracker.name}/`)) ||
      u.startsWith(`${sinkOrigin}/static/`);
    // A script entry point (LoAF) is the tracker's when it comes from those
    // files, or is the tracker's snippet: the page's inline code (the demo page
    // has none of its own; only the snippet is inline) or the onload callback
    // of one of the tracker's <script> elements (__benchLoad's, which calls the
    // peer's init: Chromium names it SCRIPT[src="…"].onload, without a URL).
    const isTrackerScript = ({ url, type, invoker }) => {
      if (isTrackerUrl(url) || url === pageUrl) return true;
      const m = type === 'event-listener' && /^SCRIPT\[src="([^"]+)"\]\.onload$/.exec(invoker || '');
      return Boolean(m) && isTrackerUrl(new URL(m[1], pageUrl).href);
    };
    page.on('response', (r) => {
      const u = r.url();
      const isAsset = isTrackerUrl(u) || (u.startsWith(`${sinkOrigin}/`) && r.request().method() === 'GET');
      if (isAsset) assetBodies.push(r.body().then((b) => ({ url: u.replace(siteOrigin, '').replace(sinkOrigin, 'SINK'), status: r.status(), ...sizes(b) }), () => null));
    });
    page.on('requestfailed', (r) => {
      const u = r.url();
      if (!u.startsWith('http://127.0.0.1') && !u.startsWith('data:')) external.push(u.slice(0, 200));
    });

    // start-up
    const m0 = await metricsOf(cdp);
    await page.goto(pageUrl, { waitUntil: 'load', timeout: 20000 });
    await page.waitForFunction(() => window.__readyAt > 0 || window.__benchError, null, { timeout: 15000, polling: 50 });
    await sleep(SETTLE_MS);
    const st = await page.evaluate(() => ({
      readyAt: window.__readyAt, error: window.__benchError || '', now: performance.now(),
      load: (performance.getEntriesByType('navigation')[0] || {}).loadEventEnd || 0,
    }));
    if (st.error) throw new Error(st.error);
    const m1 = await metricsOf(cdp);
    const [lts1, loafs1] = await page.evaluate(() => [window.__lt.slice(), window.__loaf.slice()]);
    const startTasks = scriptsIn(lts1, loafs1, 0, st.now);
    out.startup = {
      readyMs: st.readyAt, loadMs: st.load, ...delta(m0, m1), longTasks: ltIn(lts1, 0, st.now),
      trackerLongTasks: trackerLongTasks(startTasks, isTrackerScript), window: [0, Math.round(st.now)],
      requests: sink.state.requests.length,
      // each long task with the scripts (>= 5 ms) that ran in it, for reading results.json
      longTaskScripts: startTasks.map((t) => [Math.round(t.start), Math.round(t.ms),
        t.scripts.map((x) => `${Math.round(x.ms)} ms ${x.type} ${(x.invoker || '').replaceAll(siteOrigin, '').replaceAll(sinkOrigin, 'SINK').slice(0, 80)}` +
          ` (${x.url.replace(siteOrigin, '').replace(sinkOrigin, 'SINK') || 'no URL'})${isTrackerScript(x) ? ' [tracker]' : ''}`)]),
    };

    // 1,000 track calls until all are delivered
    if (!tracker.baseline) {
      const reqStart = sink.state.requests.length;
      let loopDoneResolve;
      const loopDone = new Promise((r) => (loopDoneResolve = r));
      page.on('console', (m) => { if (m.text() === '__bench_loop_done') loopDoneResolve(); });
      // the second script figure: a trace of the phase, promise reactions included
      const stopTraceA = await startScriptTrace(cdp, page);
      const mA = await metricsOf(cdp);
      const sinkStart = sink.now();
      // The loop runs in a page task of its own (a timer), not inside the
      // CDP evaluate, so that ScriptDuration and long tasks see it.
      const trigger = await page.evaluate(([key, n]) => {
        setTimeout(() => {
          const a = performance.now();
          for (let i = 0; i < n; i++) window.__benchTrack('mtb' + key + 'x' + i);
          window.__loop = { start: a, ms: performance.now() - a };
          console.debug('__bench_loop_done');  // tells the harness without polling the page
        }, 0);
        return performance.now();  // the long task holding the loop starts after this, and before the loop's first line
      }, [runKey, EVENTS]);
      // Delivery is timed from the end of the loop's task (some trackers hold
      // the main thread for seconds after the calls): until all arrived, or
      // QUIET_MS without a new event, or DELIVERY_CAP_MS.
      await withTimeout(loopDone, LOOP_CAP_MS, 'the 1,000-call loop').catch(() => {});
      let lastCount = -1, lastChange = Date.now();
      const capAt = Date.now() + DELIVERY_CAP_MS;
      while (sink.state.tokens.size < EVENTS && Date.now() < capAt) {
        if (sink.state.tokens.size !== lastCount) { lastCount = sink.state.tokens.size; lastChange = Date.now(); }
        if (Date.now() - lastChange > QUIET_MS) break;
        await sleep(25);
      }
      const mB = await metricsOf(cdp);
      const tracedA = await stopTraceA();
      const end = await page.evaluate(() => ({ now: performance.now(), lt: window.__lt.slice(), loop: window.__loop || { start: 0, ms: NaN } }));
      const loop = end.loop;
      const reqs = sink.state.requests.slice(reqStart);
      const posts = reqs.filter((r) => !r.preflight);
      out.track = {
        loopMs: loop.ms, ...delta(mA, mB), scriptInclReactions: tracedA ? tracedA.ms : null,
        delivered: sink.state.tokens.size,
        allDeliveredMs: sink.state.tokens.size >= EVENTS ? sink.state.lastTokenAt - sinkStart : null,
        lastDeliveryMs: sink.state.lastTokenAt ? sink.state.lastTokenAt - sinkStart : null,
        windowMs: sink.now() - sinkStart,
        requests: posts.length,
        requestsWithEvents: posts.filter((r) => r.events > 0).length,
        preflights: reqs.filter((r) => r.preflight).length,
        bodyBytes: posts.reduce((n, r) => n + r.bodyBytes, 0),
        wireBytes: reqs.reduce((n, r) => n + r.bodyBytes + r.headerBytes, 0),
        longTasks: ltIn(end.lt, trigger, end.now),
        window: [Math.round(trigger), Math.round(end.now)],
        paths: [...new Set(posts.map((r) => r.method + ' ' + r.path))].slice(0, 6),
      };
    }

    // a scripted 10-second scroll session: down for 5 s, up for 5 s, a wheel tick every 50 ms
    const docH = await page.evaluate(() => { scrollTo(0, 0); return document.documentElement.scrollHeight; });
    await sleep(300);
    const reqBeforeScroll = sink.state.requests.length;
    const stopTraceC = await startScriptTrace(cdp, page);
    const mC = await metricsOf(cdp);
    const sStart = await page.evaluate(() => performance.now());
    const maxY = await scrollSession(page, docH);
    await sleep(500);
    const mD = await metricsOf(cdp);
    const tracedC = await stopTraceC();
    const sc = await page.evaluate(() => ({ now: performance.now(), lt: window.__lt.slice() }));
    out.scroll = {
      documentPx: docH, maxScrollY: maxY, ...delta(mC, mD), scriptInclReactions: tracedC ? tracedC.ms : null, longTasks: ltIn(sc.lt, sStart, sc.now),
      window: [Math.round(sStart), Math.round(sc.now)],
      requests: sink.state.requests.length - reqBeforeScroll,
    };
    out.longTasksAll = sc.lt.map(([s, d]) => [Math.round(s), Math.round(d)]);

    const assets = (await Promise.all(assetBodies)).filter(Boolean);
    out.transfer = {
      files: assets.length,
      raw: assets.reduce((n, a) => n + a.raw, 0),
      gzip: assets.reduce((n, a) => n + a.gzip, 0),
      brotli: assets.reduce((n, a) => n + a.brotli, 0),
      list: assets.map((a) => `${a.url} ${a.raw}/${a.gzip}/${a.brotli}`),
    };
    out.external = [...new Set(external)];
    out.consoleErrors = consoleErrors;
  } catch (e) {
    out.error = String(e.message || e).split('\n')[0].slice(0, 400);
  } finally {
    if (context) await withTimeout(context.close(), 10000, 'context.close').catch(() => {});
  }
  return out;
}

// ---- main
const native = NATIVE ? (log('native microbenchmarks (bench/native)…'), runNative()) : null;

const sink = await startSink({ staticRoots: { '/static/': posthogDist() } });
const all = trackers(sink.port).filter((t) => !ONLY || t.baseline || ONLY.includes(t.name));
const site = await startSite({ siteDir: join(repoRoot, 'web-demo/site'), trackers: all });
const browser = await launchChromium(chromium);

const samples = [];
let stoppedEarly = '';
try {
  log(`warm-up (discarded)…`);
  await sample(browser, sink, site, all[0], 'w0');
  let roundMs = 0;
  for (let round = 1; round <= RUNS; round++) {
    const elapsed = Date.now() - t0;
    if (round > 1 && elapsed + roundMs > BUDGET_MS) {
      stoppedEarly = `stopped after ${round - 1} rounds: the next would pass the ${BUDGET_MS / 60000}-minute budget`;
      log(stoppedEarly);
      break;
    }
    const rs = Date.now();
    for (const [i, tracker] of all.entries()) {
      const s = await sample(browser, sink, site, tracker, `${round}${i}`);
      s.round = round;
      samples.push(s);
      log(`round ${round} ${tracker.name}: ` + (s.error ? `ERROR ${s.error}` :
        `ready ${s.startup.readyMs.toFixed(0)} ms, gzip ${s.transfer.gzip} B` +
        (s.track ? `, script ${s.track.script.toFixed(0)} ms (incl. promise reactions ${s.track.scriptInclReactions?.toFixed(0)} ms), task ${s.track.task.toFixed(0)} ms, delivered ${s.track.delivered} in ${s.track.requests} req` : '') +
        `, start-up long tasks ${s.startup.longTasks.count} (with its code ${s.startup.trackerLongTasks.count}), scroll long tasks ${s.scroll.longTasks.count}` +
        `, scroll script ${s.scroll.script.toFixed(1)} ms (incl. promise reactions ${s.scroll.scriptInclReactions?.toFixed(1)} ms)`));
    }
    roundMs = Date.now() - rs;
  }
} finally {
  await browser.close().catch(() => {});
  await site.close();
  await sink.close();
}

const chromiumVersion = (() => { try { return execFileSync('/usr/lib/chromium/chromium', ['--version'], { encoding: 'utf8' }).trim(); } catch { return browser.version?.() || '?'; } })();
const meta = {
  date: new Date().toISOString(),
  command: 'node bench/run.mjs' + (argv.length ? ' ' + argv.join(' ') : ''),
  durationS: Math.round((Date.now() - t0) / 1000),
  machine: {
    nproc: execFileSync('nproc', { encoding: 'utf8' }).trim(),
    memory: execFileSync('free', ['-h'], { encoding: 'utf8' }).split('\n')[1].trim().split(/\s+/)[1],
    cpu: os.cpus()[0]?.model || '?',
    loadavgEnd: os.loadavg().map((x) => x.toFixed(2)).join(' '),
    chromium: chromiumVersion,
    node: process.version,
    playwrightCore: requireFromRepo('playwright-core/package.json').version,
  },
  runs: RUNS, events: EVENTS, settleMs: SETTLE_MS, quietMs: QUIET_MS, deliveryCapMs: DELIVERY_CAP_MS, scrollMs: SCROLL_MS,
  stoppedEarly,
  launchArgs: LAUNCH_ARGS,
  trackers: all.map((t) => ({ name: t.name, label: t.label, version: t.version ? t.version() : '', defaults: t.defaults || '' })),
};
const results = { meta, samples, native };
if (WRITE) {
  writeFileSync(join(benchRoot, 'results.json'), JSON.stringify(results, null, 1) + '\n');
  writeReport(join(benchRoot, 'RESULTS.md'), results);
  log('wrote bench/results.json and bench/RESULTS.md');
} else {
  console.log(JSON.stringify(results, null, 1));
}
