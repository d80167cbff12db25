// A Content-Security-Policy without 'wasm-unsafe-eval' (issue 13): the demo
// site served with `script-src 'self'` cannot compile WebAssembly, so the
// loader imports the same C++ core built as JavaScript (wasm2js,
// dist/microtrack.wasm.js) and the events reach the real collector. Pages
// that may compile WebAssembly never download that file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useHarness, awaitReady, flush, frames } from './harness.mjs';

const h = useHarness();  // the demo site
const STRICT = "script-src 'self'";

/** Opens `path` of the demo with every HTML response carrying `policy` as its CSP header. */
async function openWithPolicy(path, policy) {
  const rec = await h.newPage();
  const { page } = rec;
  await page.context().route((u) => u.hostname !== '127.0.0.1', (route) => route.abort());
  await page.route((u) => u.pathname.endsWith('/') || u.pathname.endsWith('.html'), async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': policy } });
  });
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__cspViolations.push({ directive: e.effectiveDirective, blocked: e.blockedURI }));
  });
  const response = await page.goto(h.base + path, { waitUntil: 'load' });
  assert.equal(response && response.status(), 200, `GET ${path}`);
  return rec;
}

const fetched = (rec) => rec.requests.filter((r) => r.method === 'GET').map((r) => r.path);

test("script-src 'self' (no 'wasm-unsafe-eval'): the JavaScript core runs and the events arrive", async () => {
  const rec = await openWithPolicy('/pricing.html', STRICT);
  const { page } = rec;
  assert.equal(await awaitReady(page), true, 'ready resolves true with the JavaScript core');
  await page.evaluate(() => window.microtrack.track('strict_csp_ok', { core: 'wasm2js' }));
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await frames(page, 3);
  assert.equal(await flush(page), 'settled');

  const rows = await h.waitEvents((e) => rec.sentMessageIds().has(e.message_id),
    (ev) => ev.some((e) => e.event === 'strict_csp_ok') && ev.some((e) => e.event === 'scroll_depth'));
  assert.ok(!rows.timedOut, `events did not arrive: ${JSON.stringify(rows.map((e) => e.event || e.type))}`);
  const page0 = rows.find((e) => e.type === 'page');
  assert.ok(page0, 'the automatic page view');
  assert.equal(page0.context.page.path, '/pricing.html');
  assert.ok(rows.some((e) => e.event === 'visited_pricing'), "the site's path goal (decided in the core)");
  assert.deepEqual(rows.find((e) => e.event === 'strict_csp_ok').properties, { core: 'wasm2js' });

  const violations = await page.evaluate(() => window.__cspViolations);
  assert.ok(violations.some((v) => v.directive === 'script-src' && v.blocked === 'wasm-eval'),
    `the policy is in force: compiling WebAssembly was refused (${JSON.stringify(violations)})`);
  const files = fetched(rec);
  assert.ok(files.includes('/dist/microtrack.wasm.js'), 'the JavaScript core was loaded');
  assert.ok(!files.includes('/dist/microtrack.wasm'), 'the wasm, which could not be compiled, was not downloaded');

  await rec.syncConsole();
  assert.deepEqual(rec.errors.map(String), [], 'no page error');
  assert.deepEqual(rec.sdkMessages().map((m) => `${m.type}: ${m.text}`), [], 'no microtrack: message');
});

test("with 'wasm-unsafe-eval' the wasm runs and microtrack.wasm.js is never downloaded", async () => {
  const rec = await openWithPolicy('/', "script-src 'self' 'wasm-unsafe-eval'");
  assert.equal(await awaitReady(rec.page), true);
  assert.equal(await flush(rec.page), 'settled');
  const files = fetched(rec);
  assert.ok(files.includes('/dist/microtrack.wasm'), 'the wasm was downloaded');
  assert.ok(!files.includes('/dist/microtrack.wasm.js'), 'the JavaScript core was not');
  assert.deepEqual(await rec.page.evaluate(() => window.__cspViolations), [], 'nothing refused');
});

test('strict CSP and the JavaScript core blocked: ready is false, one microtrack: error naming both, no page error', async () => {
  const rec = await h.newPage();
  await rec.page.route('**/microtrack.wasm.js', (route) => route.abort('blockedbyclient'));
  await rec.page.route((u) => u.pathname === '/privacy.html', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': STRICT } });
  });
  await rec.page.goto(h.base + '/privacy.html', { waitUntil: 'load' });
  assert.equal(await awaitReady(rec.page), false);
  await rec.page.evaluate(() => { window.microtrack.track('x'); return window.microtrack.flush(); });
  await rec.syncConsole();
  const messages = rec.sdkMessages().map((m) => `${m.type}: ${m.text}`);
  assert.equal(messages.length, 1, JSON.stringify(messages));
  assert.match(messages[0], /^error: microtrack: the JavaScript .* core could not start .*nothing is tracked/);
  assert.ok(messages[0].includes("'wasm-unsafe-eval'") && messages[0].includes('/dist/microtrack.wasm.js'),
    'it says why the JavaScript core was needed and which file did not load');
  assert.deepEqual(rec.errors.map(String), [], 'no page error');
  assert.equal(rec.requests.filter((r) => r.method === 'POST').length, 0, 'nothing sent');
});
