// The npm package as an app builder uses it (issue 13): `npm pack` of
// dist/npm, installed into a small app (app/) with npm, built by Vite and by
// webpack 5 (versions pinned in this folder's package-lock.json), served by
// the real collector and run in Chromium: the events arrive, from the wasm
// and, under a CSP without 'wasm-unsafe-eval', from the JavaScript core the
// bundler emitted beside it. And importing
// the package in plain node (server-side rendering) does nothing and never
// throws.
//   (cd tests/bundlers && npm ci) && node --test tests/bundlers/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startCollector, launchBrowser, recordPage, pollEvents, DIST } from '../browser/harness.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const WORK = join(HERE, '.work');  // gitignored; inside this folder so the bundlers resolve their own dependencies
const PACKAGE = join(DIST, 'npm');
const requireHere = createRequire(join(HERE, 'package.json'));

let tarball;
let browser;

before(() => {
  assert.ok(existsSync(join(PACKAGE, 'package.json')), `${PACKAGE} is missing: run the build first`);
  assert.ok(existsSync(join(HERE, 'node_modules', 'vite')) && existsSync(join(HERE, 'node_modules', 'webpack')),
    'the bundlers are missing: (cd tests/bundlers && npm ci)');
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const name = execFileSync('npm', ['pack', PACKAGE, '--pack-destination', WORK], { encoding: 'utf8' }).trim().split('\n').pop();
  tarball = join(WORK, name);
  assert.ok(existsSync(tarball), `npm pack wrote ${tarball}`);
});

after(async () => {
  if (browser) await browser.close();
});

/** A copy of app/ in .work/<name> with the packed tarball installed by npm. */
function appWith(name, bundler) {
  const dir = join(WORK, name);
  cpSync(join(HERE, 'app'), dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `app-${name}`, private: true, type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--offline', tarball], { cwd: dir, stdio: 'pipe' });
  assert.ok(existsSync(join(dir, 'node_modules', 'microtrack', 'microtrack.wasm')), 'the tarball is installed');
  const html = join(dir, 'index.html');
  execFileSync('sed', ['-i', `s/<html lang="en">/<html lang="en" data-bundler="${bundler}">/`, html]);
  return dir;
}

/**
 * Serves `site` with a collector and opens it in Chromium, then checks that
 * its events arrived; `strict`: the page's CSP forbids WebAssembly, so the
 * JavaScript core the bundler emitted runs instead.
 */
async function runInChromium(site, bundler, { strict = false, query = '' } = {}) {
  const collector = await startCollector({ site });
  try {
    browser = browser || await launchBrowser();
    const context = await browser.newContext();
    const page = await context.newPage();
    const rec = recordPage(page);
    if (strict)
      await page.route((u) => u.pathname === '/', async (route) => {
        const response = await route.fetch();
        await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': "script-src 'self'" } });
      });
    await page.goto(collector.url + '/' + query, { waitUntil: 'load' });
    await page.waitForFunction(() => window.__mt, null, { timeout: 10000 });
    assert.equal(await page.evaluate(() => window.__mt.ready), true, `${bundler}: ready resolves true`);
    await page.evaluate(() => window.__mt.flush());
    const rows = await pollEvents(collector.url, () => true,
      (ev) => ev.some((e) => e.type === 'page') && ev.some((e) => e.event === 'bundled_app'));
    assert.ok(!rows.timedOut, `${bundler}: events did not arrive: ${JSON.stringify(rows.map((e) => e.event || e.type))}`);
    assert.deepEqual(rows.find((e) => e.event === 'bundled_app').properties, { bundler });
    await rec.syncConsole();
    assert.deepEqual(rec.errors.map(String), [], `${bundler}: no page error`);
    assert.deepEqual(rec.sdkMessages().map((m) => m.text), [], `${bundler}: no microtrack: message`);
    // The JavaScript core's name: Vite keeps 'microtrack.wasm' in it, webpack
    // gives every asset a bare hash.
    const fetched = rec.requests.map((r) => r.path).filter((p) => p !== '/' && !p.startsWith('/v1/'));
    const wasm = fetched.filter((p) => p.endsWith('.wasm'));
    const scripts = fetched.filter((p) => p.endsWith('.js'));
    assert.equal(wasm.length, strict ? 0 : 1, `${bundler}: the wasm is fetched only where it may be compiled (${fetched})`);
    assert.equal(scripts.length, strict ? 2 : 1, `${bundler}: the app's script, and the JavaScript core only under the strict CSP (${fetched})`);
    await context.close();
    return fetched;
  } finally {
    await collector.stop();
  }
}

/** The files a build wrote (relative names). */
const files = (dir) => readdirSync(dir, { recursive: true }).map(String);

test('Vite builds the app from the packed tarball; its events reach the collector', async () => {
  const dir = appWith('vite', 'vite');
  const vite = await import(pathToFileURL(requireHere.resolve('vite')).href);
  const outDir = join(dir, 'out');
  await vite.build({ root: dir, logLevel: 'warn', configFile: false, build: { outDir, emptyOutDir: true } });
  const out = files(outDir);
  assert.ok(out.some((f) => /microtrack.*\.wasm$/.test(f)), `the wasm is emitted: ${out}`);
  assert.ok(out.some((f) => /microtrack\.wasm.*\.js$/.test(f)), `the JavaScript core is emitted: ${out}`);
  await runInChromium(outDir, 'vite');
  await runInChromium(outDir, 'vite', { strict: true });

  // Self-hosted core files: init({ wasmUrl }) wins over the emitted ones.
  mkdirSync(join(outDir, 'self-hosted'));
  cpSync(join(PACKAGE, 'microtrack.wasm'), join(outDir, 'self-hosted', 'mt.wasm'));
  cpSync(join(PACKAGE, 'microtrack.wasm.js'), join(outDir, 'self-hosted', 'mt.wasm.js'));
  const query = '?wasm=/self-hosted/mt.wasm';
  assert.deepEqual((await runInChromium(outDir, 'vite', { query })).filter((p) => !p.startsWith('/assets/index')),
    ['/self-hosted/mt.wasm'], 'init({ wasmUrl }): the wasm from there');
  assert.deepEqual((await runInChromium(outDir, 'vite', { query, strict: true })).filter((p) => !p.startsWith('/assets/index')),
    ['/self-hosted/mt.wasm.js'], "init({ wasmUrl }) under a strict CSP: the JavaScript core beside it, '.js' added");
});

test("Vite's dev server serves the app from the tarball without optimizeDeps.exclude; its events reach the collector", async () => {
  const dir = appWith('vite-dev', 'vite-dev');
  const vite = await import(pathToFileURL(requireHere.resolve('vite')).href);
  const collector = await startCollector({ site: dir });
  const server = await vite.createServer({ root: dir, logLevel: 'warn', configFile: false,
    server: { host: '127.0.0.1', port: 0, proxy: { '/v1': collector.url } } });
  try {
    await server.listen();
    browser = browser || await launchBrowser();
    const context = await browser.newContext();
    const page = await context.newPage();
    const rec = recordPage(page);
    await page.goto(server.resolvedUrls.local[0], { waitUntil: 'load' });
    await page.waitForFunction(() => window.__mt, null, { timeout: 20000 });
    assert.equal(await page.evaluate(() => window.__mt.ready), true, 'ready resolves true');
    await page.evaluate(() => window.__mt.flush());
    const rows = await pollEvents(collector.url, () => true, (ev) => ev.some((e) => e.event === 'bundled_app'));
    assert.ok(!rows.timedOut, `events did not arrive: ${JSON.stringify(rows.map((e) => e.event || e.type))}`);
    assert.deepEqual(rows.find((e) => e.event === 'bundled_app').properties, { bundler: 'vite-dev' });
    await rec.syncConsole();
    assert.deepEqual(rec.sdkMessages().map((m) => m.text), [], 'no microtrack: message');
    await context.close();
  } finally {
    await server.close();
    await collector.stop();
  }
});

test('webpack 5 builds the app from the packed tarball; its events reach the collector', async () => {
  const dir = appWith('webpack', 'webpack');
  const webpack = requireHere('webpack');
  const outDir = join(dir, 'out');
  const stats = await new Promise((resolve, reject) => webpack({
    mode: 'production',
    context: dir,
    entry: './main.js',
    output: { path: outDir, filename: 'main.js', clean: true },
  }, (error, result) => (error ? reject(error) : resolve(result))));
  assert.equal(stats.hasErrors(), false, stats.toString('errors-only'));
  // webpack bundles the script; the page is the app's own.
  writeFileSync(join(outDir, 'index.html'), `<!DOCTYPE html><html lang="en" data-bundler="webpack"><head><meta charset="utf-8">
<title>webpack app</title><link rel="icon" href="data:,"><script defer src="./main.js"></script></head><body><h1>webpack</h1></body></html>`);
  const out = files(outDir);
  assert.ok(out.some((f) => /\.wasm$/.test(f)), `the wasm is emitted: ${out}`);
  await runInChromium(outDir, 'webpack');
  await runInChromium(outDir, 'webpack', { strict: true });
});

test('importing the package in plain node (server-side rendering) does nothing and never throws', async () => {
  const dir = appWith('node', 'node');
  const script = `import microtrack, { init, track, page, identify, consent, reset, flush, on, ready, version } from 'microtrack';
init({ collector: '/v1/batch' }); track('x', { a: 1 }); page(); identify('u'); consent(true); reset(); on('event', () => {})();
microtrack.track('y');
await flush();
console.log(JSON.stringify({ ready: await ready, version, type: typeof microtrack.init }));`;
  writeFileSync(join(dir, 'ssr.mjs'), script);
  const out = JSON.parse(execFileSync(process.execPath, ['ssr.mjs'], { cwd: dir, encoding: 'utf8' }));
  assert.deepEqual(out, { ready: false, version: out.version, type: 'function' });
  assert.match(out.version, /^\d+\.\d+\.\d+/);
});
