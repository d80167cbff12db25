// Several collectors for real (issue 11): a throwaway PostgreSQL (run under
// scripts/with-postgres.sh, which sets MICROTRACK_TEST_PG), two
// microtrack-collector processes on one database of it, and real nginx as a
// round-robin load balancer in front of both, from the shipped snippets
// (deploy/nginx/microtrack-collectors.conf for the upstream,
// microtrack-collector-host.conf for the locations). Chromium walks three
// visitors through the demo site with the real SDK from dist/; half way
// through, one collector is killed with SIGKILL and started again. Then,
// through nginx with the admin token:
//   - nothing lost: every event the pages accepted is stored (what nginx
//     could not pass on, the SDK sent again);
//   - nothing stored twice: each messageId once;
//   - every flow webhook delivered: each (flow, messageId) reached the
//     receiver once, but for one: the kill is timed for when the receiver
//     holds a webhook the doomed collector POSTed (found with `ss`) and has
//     not recorded; that one is sent again after its lease, exactly once
//     more (docs/COLLECTOR.md, "Stores": at least once, each POST with an
//     Idempotency-Key; once per key);
//   - the query API, the totals and the dashboard show every event, and its
//     live feed shows events ingested by either collector.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startCollector, launchBrowser, recordPage, awaitReady, flush, frames, checkBuild, ROOT } from './harness.mjs';
import { nginxConf } from './nginx-conf.mjs';

const PG_URL = process.env.MICROTRACK_TEST_PG;
const NGINX = '/usr/sbin/nginx';
const PSQL = 'psql';
const TOKEN = 'multi-instance-admin-token-93be1d';
const SNIPPETS = path.join(ROOT, 'deploy', 'nginx');
// Each visitor's walk: landing (with a campaign), pricing, the blog, then
// the shop up to the order confirmation (a purchase), and home again.
const ROUTE = ['/', '/pricing.html', '/blog/', '/shop/product.html', '/shop/cart.html', '/shop/checkout.html',
  '/shop/confirmation.html', '/'];
const VISITORS = 3;
const KILL_AFTER_PAGES = 9;  // of VISITORS * ROUTE.length = 24 page views
const FLOWS = (hook) => ({ flows: [
  { name: 'every_page', event: 'page', url: hook },
  { name: 'purchase', event: 'purchase', url: hook }] });

const ANSWER_DELAY_MS = 250;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const freePort = () => new Promise((resolve, reject) => {
  const server = createServer();
  server.once('error', reject);
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});

/** Polls `probe` until it returns a truthy value or `ms` pass; returns the last value. */
async function until(probe, ms, intervalMs = 100) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value || Date.now() > deadline) return value;
    await sleep(intervalMs);
  }
}

function psql(url, sql) {
  const run = spawnSync(PSQL, [url, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], { encoding: 'utf8', timeout: 30000 });
  if (run.status !== 0) throw new Error(`psql ${sql}: ${run.stderr || run.error}`);
  return run.stdout.trim();
}

/**
 * The webhook receiver: every POST it got, in order, and those it has not
 * answered yet (`held`: it answers after ANSWER_DELAY_MS, as a real service
 * takes a while), with the sender's port.
 */
async function startReceiver() {
  const posts = [];
  const held = new Map();  // key -> the sending socket's port
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      let json = null;
      try { json = JSON.parse(body); } catch {}
      const key = req.headers['idempotency-key'];
      posts.push({ key, flow: req.headers['x-microtrack-flow'], json, at: Date.now() });
      held.set(key, req.socket.remotePort);
      setTimeout(() => {
        held.delete(key);
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
      }, ANSWER_DELAY_MS);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { posts, held, url: `http://127.0.0.1:${server.address().port}/hook`, close: () => new Promise((r) => server.close(r)) };
}

/** nginx from the shipped snippets, the upstream pointed at the two ports. */
async function startNginx(dir, port, collectorPorts) {
  for (const file of ['microtrack-collector-host.conf', 'microtrack-proxy-params.conf'])
    copyFileSync(path.join(SNIPPETS, file), path.join(dir, file));
  const upstream = readFileSync(path.join(SNIPPETS, 'microtrack-collectors.conf'), 'utf8')
    .replace('127.0.0.1:8080', `127.0.0.1:${collectorPorts[0]}`).replace('127.0.0.1:8081', `127.0.0.1:${collectorPorts[1]}`);
  assert.ok(upstream.includes(`:${collectorPorts[1]} `), 'the shipped upstream names two collectors');
  writeFileSync(path.join(dir, 'microtrack-collectors.conf'), upstream);
  writeFileSync(path.join(dir, 'nginx.conf'), nginxConf(dir, `  include microtrack-collectors.conf;
  server { listen 127.0.0.1:${port}; include microtrack-collector-host.conf; }`));
  const check = spawnSync(NGINX, ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf')], { encoding: 'utf8' });
  assert.equal(check.status, 0, `nginx -t: ${check.stderr}`);
  const child = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
  const up = await until(() => fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false), 10000, 50);
  if (!up) throw new Error('nginx did not answer within 10 s');
  return {
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGQUIT');
      const exited = new Promise((resolve) => child.once('exit', resolve));
      if (!(await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]))) child.kill('SIGKILL');
    },
  };
}

// Before the page's own scripts: the snippet's stub, and an `on('event')`
// listener (which runs at once, before init) that keeps the messageId of
// every event the SDK accepts on this origin in localStorage, so the ids of
// events accepted while a page unloads are kept too.
function recordAccepted() {
  window.microtrack = window.microtrack || function () { (window.microtrack.q = window.microtrack.q || []).push(arguments); };
  window.microtrack('on', 'event', (event) => {
    try {
      localStorage.setItem('test.accepted', (localStorage.getItem('test.accepted') || '') + event.messageId + ' ');
    } catch {}
  });
}

/**
 * One visitor: a fresh context walking ROUTE. Returns the messageIds of
 * every event its pages accepted.
 */
async function visit(browser, base, index, onPageDone) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'en-GB' });
  await context.addInitScript(recordAccepted);
  const page = await context.newPage();
  const rec = recordPage(page);
  try {
    for (const [step, urlPath] of ROUTE.entries()) {
      const query = step === 0 ? `?utm_source=visitor${index}&utm_campaign=multi` : '';
      const response = await page.goto(base + urlPath + query, { waitUntil: 'load' });
      assert.equal(response.status(), 200, `${urlPath} through nginx`);
      assert.equal(await awaitReady(page, 20000), true, `microtrack runs on ${urlPath}`);
      // Read the page as a visitor would: half way, then to the end.
      for (const share of [0.5, 1]) {
        await page.evaluate((s) => window.scrollTo(0, Math.ceil(document.documentElement.scrollHeight * s - innerHeight)), share);
        await frames(page, 3);
      }
      onPageDone();
    }
    // The last page sends what is still queued: flush until a flush has
    // nothing left to send (a failed send ends a flush; the next retries).
    for (let round = 0; round < 20; round += 1) {
      const before = rec.batches.length;
      const result = await flush(page, 20000);
      if (result === 'settled' && rec.batches.length === before) break;
      await sleep(250);
    }
    // Leaving the last page (to a file of the same origin, which tracks
    // nothing) sends its engagement; then every accepted id is in storage.
    await page.goto(`${base}/style.css`, { waitUntil: 'load' });
    const accepted = new Set((await page.evaluate(() => localStorage.getItem('test.accepted') || '')).split(' ').filter(Boolean));
    return { accepted, errors: rec.errors };
  } finally {
    await context.close();
  }
}

/** The process owning the loopback TCP socket bound to `port` (ss, as root), or 0. */
function pidOfSocket(port) {
  const run = spawnSync('ss', ['-Htnp', 'state', 'established', `( sport = :${port} )`], { encoding: 'utf8', timeout: 5000 });
  const match = /pid=(\d+)/.exec(run.stdout || '');
  return match ? Number(match[1]) : 0;
}

/** A webhook the receiver holds unanswered that process `pid` sent, if any. */
function heldFrom(receiver, pid) {
  for (const [key, port] of receiver.held) if (pidOfSocket(port) === pid) return key;
  return undefined;
}

/** The collector's request lines for a path. */
const requestsIn = (log, prefix) => log.filter((line) => line.startsWith(prefix)).length;

test('two collectors on PostgreSQL behind nginx: one killed mid-stream, nothing lost, nothing twice, every webhook',
  { skip: PG_URL ? false : 'MICROTRACK_TEST_PG is not set (run under scripts/with-postgres.sh)', timeout: 110000 },
  async (t) => {
    checkBuild();
    const started = Date.now();
    const dir = mkdtempSync(path.join(tmpdir(), 'mt-multi-'));
    chmodSync(dir, 0o755);  // nginx's workers run as another user
    const database = `mt_multi_${process.pid}`;
    psql(PG_URL, `CREATE DATABASE ${database}`);
    const dbUrl = new URL(PG_URL);
    dbUrl.pathname = `/${database}`;
    const cleanups = [];
    t.after(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup().catch((e) => t.diagnostic(`cleanup: ${e.message}`));
      try { psql(PG_URL, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`); } catch (e) { t.diagnostic(e.message); }
      rmSync(dir, { recursive: true, force: true });
    });

    const receiver = await startReceiver();
    cleanups.push(receiver.close);
    const flowsFile = path.join(dir, 'flows.json');
    writeFileSync(flowsFile, JSON.stringify(FLOWS(receiver.url)));
    const ports = [await freePort(), await freePort()];
    const startOne = (port) => startCollector({
      args: ['--port', String(port), '--db', dbUrl.href, '--flows', flowsFile, '--flow-timeout-s', '2',
        '--trusted-proxies', '127.0.0.1', '--rate-limit', '0', '--spool-dir', path.join(dir, `spool-${port}`)],
      env: { MICROTRACK_ADMIN_TOKEN: TOKEN },
      timeoutMs: 30000,
    });
    const collectors = { a: await startOne(ports[0]), b: await startOne(ports[1]) };
    cleanups.push(() => Promise.all(Object.values(collectors).map((c) => c.stop())));
    const nginxPort = await freePort();
    const nginx = await startNginx(dir, nginxPort, ports);
    cleanups.push(nginx.stop);
    const base = `http://127.0.0.1:${nginxPort}`;
    const browser = await launchBrowser();
    cleanups.push(() => browser.close());
    const admin = (urlPath) => fetch(base + urlPath, { headers: { Authorization: `Bearer ${TOKEN}` } }).then(async (r) => {
      assert.equal(r.status, 200, `${urlPath} through nginx with the token`);
      return r.json();
    });

    // The stream, and the kill in its middle: once KILL_AFTER_PAGES pages
    // were read, collector a gets SIGKILL, and is started again on its port.
    let pagesDone = 0;
    let markKillDue;
    const killDue = new Promise((resolve) => { markKillDue = resolve; });
    const visits = Promise.all(Array.from({ length: VISITORS }, (_, i) =>
      visit(browser, base, i, () => { pagesDone += 1; if (pagesDone === KILL_AFTER_PAGES) markKillDue(); })));
    const killed = await Promise.race([killDue.then(() => true), visits.then(() => false)]);
    assert.ok(killed, 'the kill came before the visits ended');
    const firstLife = collectors.a;
    // The worst moment: a has POSTed a webhook the receiver holds, and has
    // not recorded it (waited for, bounded, while the visits go on).
    const inFlight = await until(() => heldFrom(receiver, firstLife.child.pid), 15000, 20);
    const batchesBeforeKill = requestsIn(firstLife.log, 'POST /v1/batch');
    firstLife.child.kill('SIGKILL');
    await until(() => firstLife.child.exitCode !== null || firstLife.child.signalCode !== null, 5000, 20);
    assert.equal(firstLife.child.signalCode, 'SIGKILL');
    await firstLife.stop();
    const killedAt = Date.now();
    t.diagnostic(`killed collector a after ${pagesDone} pages, with ${receiver.posts.length} webhooks received so far, ` +
      `${inFlight ? `webhook ${inFlight} in flight` : 'no webhook of its in flight (none seen in 15 s)'}`);
    await sleep(500);  // meanwhile its port refuses: nginx passes everything to b
    collectors.a = await startOne(ports[0]);
    const visitors = await visits;

    // Nothing lost, nothing twice.
    const accepted = new Set(visitors.flatMap((v) => [...v.accepted]));
    for (const [i, v] of visitors.entries()) assert.deepEqual(v.errors.map(String), [], `visitor ${i}: no page error`);
    // The last pages' leave events may still be on their way (bounded wait).
    let stored = [];
    await until(async () => {
      stored = (await admin('/api/events?limit=100000')).events;
      const ids = new Set(stored.map((e) => e.message_id));
      return [...accepted].every((id) => ids.has(id));
    }, 20000, 200);
    const storedIds = stored.map((e) => e.message_id);
    assert.equal(new Set(storedIds).size, storedIds.length, 'each messageId stored once');
    const storedSet = new Set(storedIds);
    const describe = (ids) => JSON.stringify(stored.filter((e) => ids.includes(e.message_id)).map((e) => [e.type, e.event]));
    const lost = [...accepted].filter((id) => !storedSet.has(id));
    const unknown = storedIds.filter((id) => !accepted.has(id));
    assert.deepEqual(lost, [], `every event the pages accepted is stored (${accepted.size} accepted)`);
    assert.deepEqual(unknown, [], `nothing else is stored: ${describe(unknown)}`);
    t.diagnostic(`${stored.length} events from ${VISITORS} visitors; batches answered: a ${batchesBeforeKill} ` +
      `(killed) + ${requestsIn(collectors.a.log, 'POST /v1/batch')} (restarted), b ${requestsIn(collectors.b.log, 'POST /v1/batch')}`);
    assert.ok(batchesBeforeKill > 0 && requestsIn(collectors.b.log, 'POST /v1/batch') > 0, 'both collectors took batches');
    assert.equal(stored.filter((e) => e.type === 'page').length, VISITORS * ROUTE.length, 'one page view per page read');
    assert.equal(stored.filter((e) => e.event === 'purchase').length, VISITORS, 'one purchase per visitor');

    // Every webhook: each (flow, messageId) delivered, once per key.
    const expected = new Set(stored.flatMap((e) => [
      ...(e.type === 'page' ? [`every_page:${e.message_id}`] : []),
      ...(e.event === 'purchase' ? [`purchase:${e.message_id}`] : [])]));
    const keysReceived = () => new Set(receiver.posts.map((p) => p.key));
    await until(() => [...expected].every((k) => keysReceived().has(k)), 30000);
    const flowsLog = await until(async () => {
      const log = (await admin('/api/flows')).deliveries;
      return log.length === expected.size && log.every((d) => d.status === 'delivered') ? log : null;
    }, 15000);
    assert.deepEqual([...keysReceived()].sort(), [...expected].sort(), 'every (flow, messageId) reached the receiver');
    const again = receiver.posts.filter((p, i) => receiver.posts.findIndex((q) => q.key === p.key) !== i);
    t.diagnostic(`${expected.size} webhooks, ${receiver.posts.length} POSTs received; sent again: ` +
      `${again.map((p) => `${p.key} ${p.at - killedAt} ms after the kill`).join(', ') || 'none'}`);
    // At least once, and once per key but for the webhook the killed
    // collector had sent and not recorded: a worker (b's, or the restarted
    // a's) sends it again once the dead one's lease (3 x 2 s + 1 s) ends.
    assert.deepEqual(again.map((p) => p.key), inFlight ? [inFlight] : [], 'only the webhook in flight at the kill is sent twice');
    if (inFlight) assert.ok(again[0].at - killedAt >= 6000, 'sent again once the lease ended');
    for (const p of receiver.posts) {
      assert.equal(p.key, `${p.flow}:${p.json.event.messageId}`, 'Idempotency-Key = flow:messageId');
      assert.equal(p.json.flow, p.flow);
    }
    assert.ok(flowsLog, 'the delivery log shows every delivery, delivered');

    // The totals and the dashboard, through nginx.
    const totals = await admin('/api/totals');
    assert.equal(totals.total, stored.length, '/api/totals counts every event');
    assert.equal(totals.visitors, VISITORS);
    const context = await browser.newContext();
    cleanups.push(() => context.close());
    const page = await context.newPage();
    await page.goto(`${base}/dashboard/login`, { waitUntil: 'load' });
    await page.fill('input[name=token]', TOKEN);
    await Promise.all([page.waitForURL(/\/dashboard\/(#.*)?$/, { timeout: 20000 }), page.click('button[type=submit]')]);
    await page.waitForFunction((n) => document.querySelector('#counts-summary')?.textContent.startsWith(`${n} events from`),
      stored.length, { timeout: 20000 });
    assert.equal(await page.textContent('#counts li[data-name="page"] .n'), String(VISITORS * ROUTE.length));
    await page.waitForFunction(() => document.querySelector('#status').dataset.state === 'live', null, { timeout: 20000 });
    // Live: batches through nginx reach both collectors in turn; the feed
    // (a stream from one of them) shows every one.
    const liveIds = Array.from({ length: 4 }, (_, i) => `live-${process.pid}-${i}`);
    for (const id of liveIds) {
      const now = new Date().toISOString();
      const res = await fetch(`${base}/v1/batch`, { method: 'POST', body: JSON.stringify({ sentAt: now, batch: [{
        type: 'track', event: 'live_check', messageId: id, anonymousId: 'anon-live', timestamp: now, properties: {} }] }) });
      assert.equal(res.status, 200);
    }
    await page.waitForFunction((ids) => ids.every((id) => document.querySelector(`#feed li[data-message-id="${id}"]`)),
      liveIds, { timeout: 20000 });
    const liveBatches = ['a', 'b'].map((k) => requestsIn(collectors[k].log, 'POST /v1/batch'));
    t.diagnostic(`batches after the restart: a ${liveBatches[0]}, b ${liveBatches[1]}; took ${Date.now() - started} ms`);
    assert.ok(collectors.a.log.some((line) => / 200 /.test(line)), 'the restarted collector answers requests again');
  });
