#!/usr/bin/env node
// Delivery under faults, side by side (issue 4): the scenarios (a)–(i) of
// tests/browser/delivery-faults.test.mjs run with microtrack and with three
// peers — Snowplow, PostHog, Segment — in one headless Chromium, in one run.
//
//   node bench/delivery-peers.mjs                 # all, writes bench/DELIVERY.md + bench/delivery-peers.json
//   node bench/delivery-peers.mjs --wait 20 --only a,h --sdks snowplow --no-write   # a quick look
//
// Options: --wait <s> (fixed wait after recovery, default 60), --revisit <s>
// (then one more visit, counted again that long after; default 10, 0 = none), --only a,b,…,
// --sdks microtrack,snowplow,posthog,segment, --serial (one SDK at a time
// instead of the four side by side), --no-write (print only), --verbose
// (console samples of each page).
//
// microtrack runs against its real collector (build/native) behind the
// fault-injecting proxy of the browser tests (tests/browser/fault-proxy.mjs,
// used as is), from MICROTRACK_DIST or dist/. Each peer runs against a
// loopback sink (bench/delivery-sink.mjs) that serves its page
// (bench/delivery-fixtures/<peer>.html), its published browser build from
// bench/node_modules (`cd bench && npm install --omit=optional`) and takes its
// events, with the same faults. Nothing is fetched from the internet: remote
// settings are given inline or switched off (see the fixtures), and every
// request to a host other than 127.0.0.1/localhost is recorded and reported.
//
// Every scenario is bounded in time: the fault, then a FIXED wait (--wait,
// 60 s) after the fault ends (or after the page was closed / left), then the
// events are counted at the collector/sink by each SDK's own event id
// (microtrack messageId, Snowplow eid, PostHog uuid, Segment messageId). No
// early exit: late duplicates count too. The four SDKs of one scenario run at
// the same time, each in its own browser context against its own proxy/sink
// (so a run takes ~9 × (fault + wait) ≈ 10 min); the scenarios run one after
// the other.
import { chromium } from 'playwright-core';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { randomBytes, createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCollector, fetchEvents, checkBuild, FIXTURES, DIST, ROOT, CHROMIUM, COLLECTOR_BIN } from '../tests/browser/harness.mjs';
import { startProxy, sendStats, fillLocalStorage } from '../tests/browser/fault-proxy.mjs';
import { startSink, countSink } from './delivery-sink.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const NM = path.join(BENCH, 'node_modules');
const OUT_MD = path.join(BENCH, 'DELIVERY.md');
const OUT_JSON = path.join(BENCH, 'delivery-peers.json');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// ---------------------------------------------------------------------------
// Options

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const WAIT_S = Number(opt('wait', 60));
const REVISIT_S = Number(opt('revisit', 10));
const ONLY = opt('only', '') ? opt('only').split(',') : null;
const SDK_NAMES = opt('sdks', 'microtrack,snowplow,posthog,segment').split(',');
const SERIAL = argv.includes('--serial');
const WRITE = !argv.includes('--no-write');
const VERBOSE = argv.includes('--verbose');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const sleepUntil = (t) => sleep(Math.max(0, t - Date.now()));
const names = (prefix, n) => Array.from({ length: n }, (_, i) => `${prefix}_${i + 1}`);
const pkgVersion = (name) => JSON.parse(readFileSync(path.join(NM, name, 'package.json'), 'utf8')).version;
const log = (...a) => console.log(new Date().toISOString().slice(11, 19), ...a);

// ---------------------------------------------------------------------------
// The SDKs: an endpoint (page origin + collector/sink with a settable fault
// mode) and how to wait for readiness and track in the page.

let collector = null;

const SDKS = {
  microtrack: {
    label: 'microtrack',
    idField: 'messageId',
    version: () => {
      const h = createHash('sha256');
      for (const f of ['microtrack.js', 'microtrack.wasm']) h.update(readFileSync(path.join(DIST, f)));
      return `${JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version} ` +
        `(${path.relative(ROOT, DIST) || '.'}/, js+wasm sha256 ${h.digest('hex').slice(0, 12)}; collector ${path.relative(ROOT, COLLECTOR_BIN)})`;
    },
    config: 'defaults (batchSize 20, flushIntervalMs 5000, persist on, autoPageview on), collector /v1/batch on the page\'s origin',
    async endpoint() {
      const proxy = await startProxy(collector.url, {
        routes: { '/outside': (req, res) => { res.writeHead(200, { 'Content-Type': 'text/html' }); res.end('<p>another site</p>'); } },
      });
      return {
        port: proxy.port,
        pagePath: '/mt/page.html?c=' + encodeURIComponent(JSON.stringify({ collector: '/v1/batch' })),
        setMode: (m) => { proxy.mode = m; },
        async count(expected, recoveredAt) {
          const want = new Set(expected);
          const rows = (await fetchEvents(collector.url)).filter((e) => want.has(e.event));
          const delivered = new Set(rows.map((e) => e.event)).size;
          const ids = new Set(rows.map((e) => e.message_id));
          const okAt = proxy.sends.filter((s) => typeof s.status === 'number' && s.status < 300 && s.ids.some((id) => ids.has(id))).map((s) => s.at);
          return { expected: want.size, delivered, duplicated: rows.length - delivered, ...sendStats(proxy, [...ids]),
            lastDeliveryAfterRecoveryMs: okAt.length ? Math.max(...okAt) - recoveredAt : null };
        },
        releaseHung: () => { for (const r of proxy.hung.splice(0)) try { r.destroy(); } catch {} },
        close: async () => { for (const r of proxy.hung) try { r.destroy(); } catch {} await proxy.close(); },
      };
    },
    ready: (page) => page.evaluate(() => Promise.race([window.microtrack.ready, new Promise((r) => setTimeout(() => r('timeout'), 15000))])),
    track: (page, list) => page.evaluate((l) => { for (const [n, p] of l) window.microtrack.track(n, p || undefined); }, list),
  },
};

for (const [peer, label, idField, pkg, config] of [
  ['snowplow', 'Snowplow', 'eid', '@snowplow/browser-tracker',
    'index.umd.min.js; defaults (POST, bufferSize 1, localStorage queue, connectionTimeout 5 s, no keepalive); trackPageView at load; events as structured events (action = name)'],
  ['posthog', 'PostHog', 'uuid', 'posthog-js',
    'array.full.js; defaults (batching, 3 s flush, gzip, localStorage+cookie persistence, autocapture, pageview/pageleave); advanced_disable_flags (no /flags, no remote config), session recording and surveys off, opt_out_useragent_filter (else it drops every event of HeadlessChrome as a bot)'],
  ['segment', 'Segment', 'messageId', '@segment/analytics-next',
    "dist/umd; defaults (deliveryStrategy 'standard': one fetch per event, retry with backoff, queue persisted at pagehide); settings inline (cdnSettings, no CDN fetch), metrics sampleRate 0; page() at load"],
]) {
  SDKS[peer] = {
    label,
    idField,
    version: () => `${pkg} ${pkgVersion(pkg)}`,
    config,
    async endpoint() {
      const sink = await startSink(peer);
      return {
        port: sink.port,
        pagePath: '/page.html',
        setMode: (m) => { sink.mode = m; },
        async count(expected, recoveredAt) {
          const want = new Set(expected);
          const okAt = sink.sends.filter((s) => s.status === 200 && s.events.some((e) => want.has(e.name))).map((s) => s.at);
          return { ...countSink(sink, expected),
            lastDeliveryAfterRecoveryMs: okAt.length ? Math.max(...okAt) - recoveredAt : null,
            missingAssets: sink.assets.filter((a) => a.missing).map((a) => a.path) };
        },
        releaseHung: () => { for (const r of sink.hung.splice(0)) try { r.destroy(); } catch {} },
        close: () => sink.close(),
      };
    },
    ready: (page) => page.evaluate(() => Promise.race([window.__dt.ready, new Promise((r) => setTimeout(() => r('timeout'), 15000))])),
    track: (page, list) => page.evaluate((l) => { for (const [n, p] of l) window.__dt.track(n, p || undefined); }, list),
  };
}

// ---------------------------------------------------------------------------
// The scenarios: the same steps for every SDK. run(s) returns the expected
// event names and the moment the fault ended (the fixed wait starts there).

const withProps = (list, props) => list.map((n, i) => [n, typeof props === 'function' ? props(i) : props || null]);

// (f), (f′): both tabs track 20 and send them; the collector goes down; each
// tracks 10 more; tab A is closed `closeAfterMs` later; 0.5 s later the
// collector is up again. The test's (f) calls flush() in both tabs while the
// collector is down; the peers have no common flush, so (f) waits 6 s instead
// (past microtrack's 5 s and PostHog's 3 s flush interval).
function twoTabs(key, closeAfterMs, label, prefix = key) {
  return {
    key, label,
    async run(s) {
      const a = await s.open();
      const b = await s.open();
      await Promise.all([s.track(a, withProps(names(`${prefix}_a`, 20))), s.track(b, withProps(names(`${prefix}_b`, 20)))]);
      await sleep(6000);  // past every SDK's flush interval: the healthy phase is sent
      s.ep.setMode('down');
      await Promise.all([s.track(a, withProps(names(`${prefix}2_a`, 10))), s.track(b, withProps(names(`${prefix}2_b`, 10)))]);
      await sleep(closeAfterMs);
      await a.close();
      await sleep(500);
      s.ep.setMode('ok');
      const expected = [...names(`${prefix}_a`, 20), ...names(`${prefix}_b`, 20), ...names(`${prefix}2_a`, 10), ...names(`${prefix}2_b`, 10)];
      return { expected, recoveredAt: Date.now() };
    },
  };
}

const SCENARIOS = [
  {
    key: 'a', label: '(a) collector answers 500 for the first 8 s',
    async run(s) {
      const t0 = Date.now();
      s.ep.setMode(() => (Date.now() - t0 < 8000 ? 500 : 'ok'));
      const page = await s.open();
      const expected = names('a', 20);
      await s.track(page, withProps(expected));
      return { expected, recoveredAt: t0 + 8000 };
    },
  },
  {
    key: 'b', label: '(b) collector down (connection reset) 6 s, then up',
    async run(s) {
      const t0 = Date.now();
      s.ep.setMode(() => (Date.now() - t0 < 6000 ? 'down' : 'ok'));
      const page = await s.open();
      const expected = names('b', 20);
      await s.track(page, withProps(expected));
      return { expected, recoveredAt: t0 + 6000 };
    },
  },
  {
    key: 'c', label: '(c) offline, page reloaded while offline, then online (page visited again)',
    // (see run() for why the collector is down while offline)
    async run(s) {
      const page = await s.open();
      // Offline = the context offline (Playwright) AND the collector down:
      // Chromium's offline emulation does not fail the beacon/keepalive
      // requests a page makes as it unloads — some reached the loopback while
      // "offline", others were held and sent the moment the context went
      // online; on a real offline network they fail, as they do here. The
      // collector stays down 1 s past `online` (only the browser's error page
      // is open then), and is up before the page is visited again.
      await s.context.setOffline(true);
      s.ep.setMode('down');
      const expected = names('c', 10);
      await s.track(page, withProps(expected));
      await sleep(1000);
      await page.reload({ timeout: 5000 }).catch(() => {});  // the browser's offline error page
      await sleep(500);
      // Leave the error page before going online: Chromium's error page
      // reloads itself when the network returns, racing the visit below.
      await page.goto('about:blank');
      await s.context.setOffline(false);
      await sleep(1000);
      s.ep.setMode('ok');
      const recoveredAt = Date.now();
      await page.goto(s.url, { waitUntil: 'load', timeout: 15000 });
      await s.ready(page);
      return { expected, recoveredAt };
    },
  },
  {
    key: 'd', label: '(d) 20 tracked, page closed at once',
    async run(s) {
      const page = await s.open();
      const expected = names('d', 20);
      await s.track(page, withProps(expected));
      await page.close({ runBeforeUnload: true });
      return { expected, recoveredAt: Date.now() };
    },
  },
  {
    key: 'e', label: '(e) 20 tracked, outbound link navigates away',
    async run(s) {
      const page = await s.open();
      const expected = names('e', 20);
      await page.evaluate((href) => { document.getElementById('out').href = href; }, `http://localhost:${s.ep.port}/outside`);
      await s.track(page, withProps(expected));
      await Promise.all([page.waitForURL(/localhost.*outside/, { timeout: 15000 }), page.click('#out')]);
      return { expected, recoveredAt: Date.now() };
    },
  },
  twoTabs('f', 6000, '(f) two tabs track at once; collector down, 10 more each; tab A closed 6 s later (after every SDK\'s first attempt at them), then up'),
  twoTabs('fx', 2000, '(f′) the same, but tab A closed 2 s after its 10 (before microtrack\'s 5 s flush attempted them; not one of the issue\'s list)', 'fx'),
  {
    key: 'g', label: '(g) localStorage full',
    async setup(context) {
      await context.addInitScript(fillLocalStorage);
    },
    async run(s) {
      const page = await s.open();
      const expected = names('g', 20);
      await s.track(page, withProps(expected, { pad: 'y'.repeat(200) }));
      return { expected, recoveredAt: Date.now() };
    },
  },
  {
    key: 'h', label: '(h) collector answers 413 to bodies over 6 KB (600-byte incompressible property per event)',
    async run(s) {
      s.ep.setMode((req, body) => (body.length > 6000 ? 413 : 'ok'));
      const page = await s.open();
      const expected = names('h', 20);
      // base64 of random bytes: gzip (PostHog) cannot shrink 20 of them under 6 KB
      await s.track(page, withProps(expected, () => ({ blob: randomBytes(450).toString('base64') })));
      return { expected, recoveredAt: Date.now() };
    },
  },
  {
    key: 'i', label: '(i) collector hangs 11 s (never answers those requests)',
    async run(s) {
      const t0 = Date.now();
      s.ep.setMode(() => (Date.now() - t0 < 11000 ? 'hang' : 'ok'));
      const page = await s.open();
      const expected = names('i', 20);
      await s.track(page, withProps(expected));
      return { expected, recoveredAt: t0 + 11000 };
    },
  },
];

// ---------------------------------------------------------------------------

const isLoopback = (u) => {
  try { const h = new URL(u).hostname; return h === '127.0.0.1' || h === 'localhost' || u.startsWith('data:'); } catch { return true; }
};

async function runOne(browser, sdkName, sc) {
  const sdk = SDKS[sdkName];
  const ep = await sdk.endpoint();
  const context = await browser.newContext();
  const diag = { console: { error: 0, warning: 0 }, consoleSample: [], pageErrors: [], external: [], notReady: 0 };
  const watch = (page) => {
    page.on('console', (m) => {
      const t = m.type();
      if (t !== 'error' && t !== 'warning') return;
      diag.console[t]++;
      if (diag.consoleSample.length < 5) diag.consoleSample.push(`${t}: ${m.text().slice(0, 200)}`);
    });
    page.on('pageerror', (e) => { if (diag.pageErrors.length < 5) diag.pageErrors.push(String(e).slice(0, 200)); });
  };
  context.on('request', (r) => { if (!isLoopback(r.url())) diag.external.push(r.url()); });
  const s = {
    ep, context,
    url: `http://127.0.0.1:${ep.port}${ep.pagePath}`,
    ready: async (page) => {
      const r = await sdk.ready(page);
      // Not ready: noted, and the scenario goes on (a page's calls are queued by every SDK's stub/buffer).
      if (r === 'timeout') diag.notReady++;
    },
    async open() {
      const page = await context.newPage();
      watch(page);
      await page.goto(s.url, { waitUntil: 'load', timeout: 15000 });
      await s.ready(page);
      return page;
    },
    track: (page, list) => sdk.track(page, list),
  };
  let result;
  try {
    if (sc.setup) await sc.setup(context);
    const { expected, recoveredAt } = await sc.run(s);
    await sleepUntil(recoveredAt + WAIT_S * 1000);
    result = { ...(await ep.count(expected, recoveredAt)), waitedS: WAIT_S };
    if (REVISIT_S > 0) {
      // One more visit in the same context (same localStorage): what the
      // SDK had kept for the next page. Requests still hanging from (i) are
      // reset first (as a server would, eventually).
      ep.releaseHung();
      await s.open();
      await sleep(REVISIT_S * 1000);
      const again = await ep.count(expected, recoveredAt);
      result.revisit = { delivered: again.delivered, duplicated: again.duplicated, duplicateSends: again.duplicateSends,
        retrySends: again.retrySends, requests: again.requests, waitedS: REVISIT_S };
    }
  } catch (e) {
    result = { error: String(e && e.stack || e).split('\n').slice(0, 3).join(' | ') };
  }
  await context.close().catch(() => {});
  await ep.close().catch(() => {});
  return { ...result, ...diag, external: [...new Set(diag.external)] };
}

function cell(r, notReady) {
  if (!r) return '–';
  if (r.error) return 'not run';
  return `${r.delivered} · ${r.duplicated} · ${r.duplicateSends}${notReady ? ' ¹' : ''}`;
}

function markdown(meta, results) {
  const sdks = meta.sdks;
  const L = [];
  L.push('<!-- delivery-peers:begin (generated by `node bench/delivery-peers.mjs`; edits between these markers are overwritten) -->');
  L.push('');
  L.push(`Command (${meta.date}, headless Chromium ${meta.chromium}, Node ${meta.node}; ` +
    `${sdks.map((n) => `${SDKS[n].label} ${meta.versions[n]}`).join('; ')}):`);
  L.push('');
  L.push('    node bench/delivery-peers.mjs');
  L.push('');
  L.push(`One run, all four SDKs, the same scenarios and faults. microtrack runs against its real collector behind ` +
    '`tests/browser/fault-proxy.mjs`; each peer against a loopback sink (`bench/delivery-sink.mjs`) that serves its page ' +
    '(`bench/delivery-fixtures/<peer>.html`: the peer\'s own browser build from `bench/node_modules`, its defaults, ' +
    'remote settings off) and takes its events with the same fault injection. The four SDKs of a scenario run side by ' +
    'side, each in its own browser context and with its own proxy/sink; the scenarios run one after the other. ' +
    `Each scenario waits a fixed ${meta.waitS} s after the fault ends (after recovery; after the page was closed or ` +
    'left in (d), (e); after going back online in (c); from the moment of tracking in (g), (h)) and then counts, by ' +
    'each SDK\'s own event id (microtrack `messageId`, Snowplow `eid`, PostHog `uuid`, Segment `messageId`). No page ' +
    'is reopened before that count except in (c), whose scenario is the revisit. Unlike ' +
    '`tests/browser/delivery-faults.test.mjs`, no `flush()` is ever called (the peers have no common one): every SDK ' +
    'sends on its own timers; hence (f) waits 6 s before closing tab A, and (h) pads each event with 600 random base64 ' +
    'characters (not `z` × 600) so that PostHog\'s gzip meets the 6 KB limit too.');
  L.push('');
  L.push('Each cell: **delivered · duplicated · duplicate sends** — events that reached the collector/sink with a 2xx ' +
    'answer (of `expected`); events stored twice under different ids (what an id dedupe cannot remove; for microtrack, ' +
    'rows left after the collector\'s messageId dedupe); sends of an event id the collector had already answered 2xx.');
  L.push('');
  L.push(`| scenario | expected | ${sdks.map((n) => SDKS[n].label).join(' | ')} |`);
  L.push(`|---|---:|${sdks.map(() => '---:').join('|')}|`);
  for (const sc of SCENARIOS.filter((x) => results[x.key])) {
    const row = results[sc.key];
    const expected = Object.values(row).find((r) => r && r.expected)?.expected ?? '';
    L.push(`| ${sc.label} | ${expected} | ${sdks.map((n) => cell(row[n], row[n] && row[n].notReady)).join(' | ')} |`);
  }
  L.push('');
  L.push('Retry sends (sends of an event after failed attempts only) / batch requests, and the last delivery of an ' +
    'expected event, in seconds after the fault ended (– none delivered):');
  L.push('');
  L.push(`| scenario | ${sdks.map((n) => SDKS[n].label).join(' | ')} |`);
  L.push(`|---|${sdks.map(() => '---').join('|')}|`);
  for (const sc of SCENARIOS.filter((x) => results[x.key])) {
    const row = results[sc.key];
    L.push(`| ${sc.label.split(' ')[0]} | ${sdks.map((n) => {
      const r = row[n];
      if (!r || r.error) return 'not run';
      const last = r.lastDeliveryAfterRecoveryMs == null ? '–' : `${(r.lastDeliveryAfterRecoveryMs / 1000).toFixed(1)} s`;
      return `${r.retrySends} / ${r.requests}, ${last}`;
    }).join(' | ')} |`);
  }
  L.push('');
  if (meta.revisitS > 0) {
    L.push(`After one more visit: once counted, the same browser context (same localStorage) opens the page once ` +
      `more and everything is counted again ${meta.revisitS} s later — what each SDK had kept for the next page, ` +
      'and what it sent twice. Requests still hanging in (i) are reset first. Same cell format (delivered · ' +
      'duplicated · duplicate sends):');
    L.push('');
    L.push(`| scenario | ${sdks.map((n) => SDKS[n].label).join(' | ')} |`);
    L.push(`|---|${sdks.map(() => '---:').join('|')}|`);
    for (const sc of SCENARIOS.filter((x) => results[x.key])) {
      const row = results[sc.key];
      L.push(`| ${sc.label.split(' ')[0]} | ${sdks.map((n) => cell(row[n] && !row[n].error ? row[n].revisit : row[n])).join(' | ')} |`);
    }
    L.push('');
  }
  L.push('Configuration of each SDK (everything else at its defaults):');
  L.push('');
  for (const n of sdks) L.push(`- ${SDKS[n].label} ${meta.versions[n]}: ${SDKS[n].config}.`);
  L.push('');
  const notRun = [];
  for (const sc of SCENARIOS) for (const n of sdks) {
    const r = results[sc.key]?.[n];
    if (r && r.error) notRun.push(`- (${sc.key}) ${SDKS[n].label}: ${r.error}`);
  }
  const external = [...new Set(Object.values(results).flatMap((row) => Object.values(row).flatMap((r) => r.external || [])))];
  if (notRun.length) { L.push('Not run:'); L.push(''); L.push(...notRun); L.push(''); }
  const notReady = SCENARIOS.flatMap((sc) => sdks.filter((n) => results[sc.key]?.[n]?.notReady).map((n) => `${SDKS[n].label} in (${sc.key})`));
  if (notReady.length) {
    L.push(`¹ The SDK did not report ready within 15 s of the page's load (${notReady.join(', ')}); the events were ` +
      'tracked anyway (its buffer queues calls made before ready).');
    L.push('');
  }
  L.push(external.length ? `Requests that left the loopback (should be none): ${external.join(', ')}.` :
    'No request left the loopback (every request of every page went to 127.0.0.1/localhost).');
  L.push('');
  L.push(`Raw counts, console error/warning counts and samples per SDK and scenario: \`bench/delivery-peers.json\`. ` +
    `Total run time ${meta.runtimeS} s.`);
  L.push('');
  L.push('<!-- delivery-peers:end -->');
  return L.join('\n');
}

function writeDeliveryMd(section) {
  let md = readFileSync(OUT_MD, 'utf8');
  const begin = md.indexOf('<!-- delivery-peers:begin');
  const endMarker = '<!-- delivery-peers:end -->';
  const end = md.indexOf(endMarker);
  if (begin >= 0 && end > begin) {
    md = md.slice(0, begin) + section + md.slice(end + endMarker.length);
  } else {
    // First run: the generated block goes under the peers' heading, replacing the placeholder text.
    const heading = '## Peers (Snowplow, PostHog, Segment)';
    const h = md.indexOf(heading);
    const newHeading = '## microtrack and the peers (Snowplow, PostHog, Segment), one run';
    if (h >= 0) {
      const next = md.indexOf('\n## ', h + heading.length);
      md = md.slice(0, h) + `${newHeading}\n\n${section}\n` + (next >= 0 ? md.slice(next) : '');
    } else {
      md = md.trimEnd() + `\n\n${newHeading}\n\n${section}\n`;
    }
  }
  writeFileSync(OUT_MD, md);
}

async function main() {
  const started = Date.now();
  const sdks = SDK_NAMES.filter((n) => SDKS[n]);
  if (sdks.length !== SDK_NAMES.length) throw new Error(`unknown SDK in --sdks ${SDK_NAMES.join(',')}`);
  for (const n of sdks.filter((x) => x !== 'microtrack'))
    if (!existsSync(path.join(NM, { snowplow: '@snowplow/browser-tracker', posthog: 'posthog-js', segment: '@segment/analytics-next' }[n])))
      throw new Error(`bench/node_modules lacks ${n}: run \`cd bench && npm install --omit=optional\``);
  if (sdks.includes('microtrack')) {
    checkBuild();
    collector = await startCollector({ site: FIXTURES });
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const meta = {
    date: new Date().toISOString().slice(0, 10),
    chromium: browser.version(),
    node: process.version,
    waitS: WAIT_S,
    revisitS: REVISIT_S,
    sdks,
    versions: Object.fromEntries(sdks.map((n) => [n, SDKS[n].version()])),
    idFields: Object.fromEntries(sdks.map((n) => [n, SDKS[n].idField])),
    mode: SERIAL ? 'serial' : 'side by side',
  };
  const results = {};
  try {
    for (const sc of SCENARIOS) {
      if (ONLY && !ONLY.includes(sc.key)) continue;
      log(`${sc.label}: ${sdks.join(', ')}`);
      results[sc.key] = {};
      const one = async (n) => {
        const r = await runOne(browser, n, sc);
        results[sc.key][n] = r;
        log(`  ${n}: ${r.error ? `ERROR ${r.error}` : `expected ${r.expected}, delivered ${r.delivered}, duplicated ${r.duplicated}, ` +
          `duplicate sends ${r.duplicateSends}, retry sends ${r.retrySends}, requests ${r.requests}`}`);
        if (r.revisit) log(`    after one more visit: delivered ${r.revisit.delivered}, duplicated ${r.revisit.duplicated}, duplicate sends ${r.revisit.duplicateSends}`);
        if (VERBOSE) log(`    ${JSON.stringify({ notReady: r.notReady, last: r.lastDeliveryAfterRecoveryMs, console: r.console, sample: r.consoleSample, pageErrors: r.pageErrors })}`);
      };
      if (SERIAL) for (const n of sdks) await one(n);
      else await Promise.all(sdks.map(one));
    }
  } finally {
    await browser.close().catch(() => {});
    if (collector) await collector.stop();
  }
  meta.runtimeS = Math.round((Date.now() - started) / 1000);
  const section = markdown(meta, results);
  console.log('\n' + section);
  if (WRITE) {
    writeFileSync(OUT_JSON, JSON.stringify({ meta, scenarios: Object.fromEntries(SCENARIOS.map((s) => [s.key, s.label])), results }, null, 2) + '\n');
    writeDeliveryMd(section);
    log(`wrote ${path.relative(ROOT, OUT_MD)} and ${path.relative(ROOT, OUT_JSON)}`);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
