// Shared setup for the browser tests (node --test tests/browser/).
//
// Per test FILE: one real collector process (port 0, fresh temp SQLite db)
// and one Chromium. Per test: a fresh browser context (so a fresh
// localStorage and anonymousId), with every console message, page error,
// request and collector answer of its pages recorded.
//
// Usage in a test file:
//   import { useHarness } from './harness.mjs';
//   const h = useHarness({ site: 'fixtures' });   // registers before/after hooks
//   test('x', async (t) => { const p = await h.open(t, '/page.html'); ... });

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { gunzipSync } from 'node:zlib';
import { before, after, afterEach } from 'node:test';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// MICROTRACK_DIST=folder runs the tests against another build of dist/.
export const DIST = process.env.MICROTRACK_DIST ? path.resolve(process.env.MICROTRACK_DIST) : path.join(ROOT, 'dist');
export const FIXTURES = path.join(ROOT, 'tests', 'browser', 'fixtures');
export const DEMO_SITE = path.join(ROOT, 'web-demo', 'site');
export const COLLECTOR_BIN = path.join(ROOT, 'build', 'native', 'collector', 'microtrack-collector');
export const CHROMIUM = '/usr/bin/chromium';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Throws a clear error when a build output the tests need is missing. */
export function checkBuild() {
  const missing = [];
  for (const f of [path.join(DIST, 'microtrack.js'), path.join(DIST, 'microtrack.wasm'), path.join(DIST, 'microtrack.wasm.js'),
    COLLECTOR_BIN])
    if (!existsSync(f)) missing.push(f);
  if (!existsSync(CHROMIUM)) missing.push(CHROMIUM + ' (apt-get install chromium)');
  if (missing.length)
    throw new Error(`missing ${missing.join(', ')}: run the build first ` +
      '(cmake --build build/wasm && cmake --build build/native)');
}

// ---------------------------------------------------------------------------
// Collector process

// No collector outlives its test process: killed on exit, and on a
// SIGTERM/SIGHUP (a runner's timeout), which would otherwise leave node
// running (playwright's own handler only closes the browser).
const liveChildren = new Set();
const killChildren = () => { for (const c of liveChildren) try { c.kill('SIGKILL'); } catch {} };
process.on('exit', killChildren);
for (const [signal, code] of [['SIGTERM', 143], ['SIGHUP', 129]])
  process.on(signal, () => { killChildren(); process.exit(code); });

/**
 * Starts microtrack-collector on a free port with a fresh SQLite file;
 * `args` are more flags, `env` more environment (MICROTRACK_ADMIN_TOKEN).
 * Resolves to { url, port, db, log, stop() } once it printed its listening line.
 */
export async function startCollector({ site = DEMO_SITE, args = [], env = {}, timeoutMs = 15000 } = {}) {
  checkBuild();
  const tmp = mkdtempSync(path.join(tmpdir(), 'mt-browser-'));
  const db = path.join(tmp, 'events.db');
  const child = spawn(COLLECTOR_BIN, ['--port', '0', '--db', db, '--site', site, '--dist', DIST,
    '--dashboard', path.join(ROOT, 'web-demo', 'dashboard'), ...args],
  { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  liveChildren.add(child);
  const log = [];
  createInterface({ input: child.stderr }).on('line', (line) => log.push(line));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => {
    liveChildren.delete(child);
    resolve({ code, signal });
  }));

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(tmp, { recursive: true, force: true });
  };

  try {
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`collector printed no listening line within ${timeoutMs} ms`)), timeoutMs);
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (line) => {
        const m = /^microtrack-collector listening on (http:\/\/[^\s:]+:(\d+))$/.exec(line);
        if (m) { clearTimeout(timer); resolve(m[1]); }
      });
      child.once('error', (e) => { clearTimeout(timer); reject(e); });
      exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`collector exited (code ${code}, signal ${signal}) before listening:\n${log.join('\n')}`));
      });
    });
    return { url, port: Number(new URL(url).port), db, log, stop, child };
  } catch (e) {
    await stop();
    throw e;
  }
}

// ---------------------------------------------------------------------------
// Browser

export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

const COLLECTOR_PATH = /^\/v1\/(batch|track|page|identify)$/;

/**
 * Records what a page does: console messages, page errors, every request,
 * and the batches POSTed to a collector path with the collector's answers.
 */
export function recordPage(page) {
  const rec = { page, console: [], errors: [], requests: [], batches: [], answers: [] };
  page.on('console', (msg) => rec.console.push({ type: msg.type(), text: msg.text() }));
  page.on('pageerror', (err) => rec.errors.push(err));
  page.on('request', (req) => {
    const u = new URL(req.url());
    // A ?compression=gzip body (CONTRACT §4) is recorded as its JSON.
    const compressed = u.searchParams.get('compression') === 'gzip';
    let body = req.postData();
    try { if (compressed) body = gunzipSync(req.postDataBuffer()).toString('utf8'); } catch {}
    const entry = { method: req.method(), url: req.url(), path: u.pathname, type: req.resourceType(),
      headers: req.headers(), body, compressed };
    rec.requests.push(entry);
    if (req.method() === 'POST' && COLLECTOR_PATH.test(u.pathname)) {
      let parsed = null;
      try { parsed = JSON.parse(entry.body); } catch {}
      rec.batches.push({ ...entry, json: parsed });
    }
  });
  page.on('response', (res) => {
    const req = res.request();
    if (req.method() !== 'POST' || !COLLECTOR_PATH.test(new URL(req.url()).pathname)) return;
    // Only the status: Chromium does not hand out bodies of keepalive fetches.
    rec.answers.push({ status: res.status(), url: req.url() });
  });
  let markers = 0;
  /**
   * Waits until every console message the page logged so far has reached
   * node: logs a unique marker and waits for it (CDP keeps the order).
   */
  rec.syncConsole = async (timeoutMs = 5000) => {
    const marker = `[harness-sync ${++markers}]`;
    const seen = new Promise((resolve, reject) => {
      const timer = setTimeout(() => { page.off('console', onMsg); reject(new Error('console marker never arrived')); }, timeoutMs);
      const onMsg = (msg) => {
        if (msg.text() !== marker) return;
        clearTimeout(timer);
        page.off('console', onMsg);
        resolve();
      };
      page.on('console', onMsg);
    });
    await page.evaluate((m) => console.debug(m), marker);
    await seen;
    // The marker itself is noise for the tests.
    const i = rec.console.findIndex((m) => m.text === marker);
    if (i >= 0) rec.console.splice(i, 1);
  };
  /** Console messages of the SDK (text starting 'microtrack:'), optionally of one type. */
  rec.sdkMessages = (type) => rec.console.filter((m) => m.text.startsWith('microtrack:') && (!type || m.type === type));
  /** messageIds of every event this page POSTed to a collector. */
  rec.sentMessageIds = () => new Set(rec.batches.flatMap((b) => (b.json && Array.isArray(b.json.batch) ? b.json.batch : [])
    .map((e) => e && e.messageId)));
  return rec;
}

// ---------------------------------------------------------------------------
// Collector query API

export async function fetchEvents(base, { event, type, limit = 100000 } = {}) {
  const q = new URLSearchParams();
  if (event) q.set('event', event);
  if (type) q.set('type', type);
  q.set('limit', String(limit));
  const res = await fetch(`${base}/api/events?${q}`);
  if (res.status !== 200) throw new Error(`GET /api/events -> ${res.status}: ${await res.text()}`);
  return (await res.json()).events;
}

/**
 * Polls /api/events until predicate(events) is true or the deadline passes.
 * Resolves to the last events either way (the caller asserts exact values),
 * and reports a timeout via { timedOut: true } on the returned array.
 */
export async function pollEvents(base, filter, predicate, { timeoutMs = 10000, intervalMs = 50 } = {}) {
  const deadline = Date.now() + timeoutMs;
  const select = typeof filter === 'function' ? filter : () => true;
  for (;;) {
    const events = (await fetchEvents(base)).filter(select);
    if (predicate(events)) return events;
    if (Date.now() > deadline) {
      events.timedOut = true;
      return events;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

// ---------------------------------------------------------------------------
// Per-file harness

/**
 * Registers before/after hooks: one collector (with `site` mounted at /) and
 * one browser for the file; a fresh context per open(). Everything a test
 * opened is closed after it, pass or fail.
 */
export function useHarness({ site = DEMO_SITE } = {}) {
  const h = { collector: null, browser: null, base: '' };
  let contexts = [];

  before(async () => {
    checkBuild();
    h.collector = await startCollector({ site });
    h.base = h.collector.url;
    try {
      h.browser = await launchBrowser();
    } catch (e) {
      await h.collector.stop();
      throw e;
    }
  });

  afterEach(async () => {
    const open = contexts;
    contexts = [];
    await Promise.allSettled(open.map((c) => c.close()));
  });

  after(async () => {
    await Promise.allSettled(contexts.map((c) => c.close()));
    contexts = [];
    try { if (h.browser) await h.browser.close(); } catch {}
    if (h.collector) await h.collector.stop();
  });

  /** A new context (fresh storage) and page, recorded. Does not navigate. */
  h.newPage = async ({ viewport = { width: 1280, height: 720 }, locale = 'en-GB', timezoneId = 'Europe/Oslo',
    init } = {}) => {
    const context = await h.browser.newContext({ viewport, locale, timezoneId });
    contexts.push(context);
    const page = await context.newPage();
    if (init) await page.addInitScript(init.fn, init.arg);
    return recordPage(page);
  };

  /** newPage() and goto(base + urlPath); waits for `load`. */
  h.open = async (urlPath, options = {}) => {
    const rec = await h.newPage(options);
    const response = await rec.page.goto(h.base + urlPath, { waitUntil: 'load' });
    if (!response || response.status() !== 200)
      throw new Error(`GET ${urlPath} -> ${response && response.status()}`);
    return rec;
  };

  /** Stored rows, optionally filtered. */
  h.events = (filter) => fetchEvents(h.base).then((ev) => (filter ? ev.filter(filter) : ev));

  /** Polls until predicate(rows matching filter) holds; see pollEvents. */
  h.waitEvents = (filter, predicate, opts) => pollEvents(h.base, filter, predicate, opts);

  /** Rows of the events this page sent (by the messageIds in its POST bodies). */
  h.eventsOf = async (rec) => {
    const ids = rec.sentMessageIds();
    return (await fetchEvents(h.base)).filter((e) => ids.has(e.message_id));
  };

  /** Collector log (stderr), for diagnostics. */
  h.log = () => (h.collector ? h.collector.log.join('\n') : '');
  return h;
}

// ---------------------------------------------------------------------------
// In-page helpers (strings/functions passed to page.evaluate)

/** Awaits microtrack.ready in the page; returns its value (or 'timeout'). */
export async function awaitReady(page, timeoutMs = 10000) {
  await page.waitForFunction(() => window.microtrack && window.microtrack.ready, null, { timeout: timeoutMs });
  return page.evaluate((ms) => Promise.race([window.microtrack.ready,
    new Promise((r) => setTimeout(() => r('timeout'), ms))]), timeoutMs);
}

/** Awaits microtrack.flush() in the page, bounded (flush must never hang). */
export async function flush(page, timeoutMs = 15000) {
  return page.evaluate((ms) => Promise.race([
    Promise.resolve(window.microtrack.flush()).then(() => 'settled', (e) => 'rejected: ' + e),
    new Promise((r) => setTimeout(() => r('timeout'), ms))]), timeoutMs);
}

/** Two animation frames: lets rAF-batched listeners (scroll) run. */
export function frames(page, n = 2) {
  return page.evaluate((count) => new Promise((resolve) => {
    const step = (left) => (left ? requestAnimationFrame(() => step(left - 1)) : resolve());
    step(count);
  }), n);
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;

export function readText(rel) {
  return readFileSync(path.join(ROOT, rel), 'utf8');
}
