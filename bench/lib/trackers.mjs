// The trackers under test. Each one is the demo page (web-demo/site/index.html)
// with microtrack's two script tags replaced by that tracker's snippet, served
// at /t/<name>/. Every file a tracker's snippet loads lives under /t/<name>/
// (mapped to the repo's dist/ or to the peer's published build in
// bench/node_modules) or, for PostHog's lazy extensions, under the sink's
// /static/. Nothing is fetched from the internet or a CDN; remote settings are
// switched off or given inline.
//
// In the page: `__benchLoad(urls, init)` loads the scripts async (in parallel,
// like a tag manager) and runs `init` once all have loaded; the snippet sets
// `__benchTrack(token)` (one `track` call) and calls `__benchReady()` once the
// tracker says it is ready.
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';

const bench = fileURLToPath(new URL('..', import.meta.url));
const repo = join(bench, '..');
const nm = join(bench, 'node_modules');
const pkgVersion = (name) => JSON.parse(readFileSync(join(nm, name, 'package.json'), 'utf8')).version;

export function trackers(sink) {
  const S = `http://127.0.0.1:${sink}`;
  // The demo's own config (web-demo/site/mt-init.js) with the sink as
  // collector, every detector on; `folder` is where the bench serves the build.
  // `preloadWasm`: the README's advice for a site, a preload of the wasm so
  // that it downloads beside microtrack.js (not on a page whose CSP forbids
  // WebAssembly, which never fetches it).
  const microtrackHead = (folder, preloadWasm) => `${preloadWasm ? `<link rel="preload" href="/t/${folder}/microtrack.wasm" as="fetch" crossorigin>
` : ''}<script>
window.microtrack = window.microtrack || function () { (microtrack.q = microtrack.q || []).push(arguments); };
microtrack('init', {
  collector: '${S}/v1/batch',
  visibility: [{ name: 'pricing_teaser', selector: '#pricing-teaser' }],
  goals: [
    { name: 'visited_pricing', path: '/pricing.html' },
    { name: 'article_read', all: [{ event: 'scroll_depth', where: { percent: 75 } }, { engagedMs: 20000 }], path: '/blog/*' }
  ]
});
window.__benchTrack = function (tok) { microtrack.track('bench_click', { i: tok }); };
</script>
<script async src="/t/${folder}/microtrack.js" onload="microtrack.ready.then(function () { __benchReady(); })"></script>`;

  return [
    {
      name: 'baseline',
      label: 'demo page, no tracker',
      baseline: true,
      files: {},
      head: `<script>__benchReady()</script>`,
    },
    {
      name: 'microtrack',
      label: 'microtrack',
      version: () => JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).version,
      files: { 'microtrack.js': join(repo, 'dist/microtrack.js'), 'microtrack.wasm': join(repo, 'dist/microtrack.wasm') },
      head: microtrackHead('microtrack', true),
      defaults: 'batchSize 20, flushIntervalMs 5000, one request in flight, persist on (localStorage); the wasm preloaded (<link rel=preload as=fetch crossorigin>, the README\'s advice to sites)',
    },
    {
      name: 'microtrackjs',
      label: 'microtrack, JavaScript core (wasm2js: a CSP without \'wasm-unsafe-eval\')',
      version: () => JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).version,
      files: { 'microtrack.js': join(repo, 'dist/microtrack.js'), 'microtrack.wasm': join(repo, 'dist/microtrack.wasm'),
        'microtrack.wasm.js': join(repo, 'dist/microtrack.wasm.js') },
      // the same, on a page whose CSP refuses WebAssembly ('unsafe-inline': the bench's own inline scripts)
      head: `<meta http-equiv="Content-Security-Policy" content="script-src 'self' 'unsafe-inline'">
${microtrackHead('microtrackjs')}`,
      defaults: 'batchSize 20, flushIntervalMs 5000, one request in flight, persist on (localStorage)',
    },
    {
      name: 'snowplow',
      label: 'Snowplow browser-tracker + form + media plugins',
      version: () => `${pkgVersion('@snowplow/browser-tracker')} (form ${pkgVersion('@snowplow/browser-plugin-form-tracking')}, media ${pkgVersion('@snowplow/browser-plugin-media')})`,
      files: {
        'sp.js': join(nm, '@snowplow/browser-tracker/dist/index.umd.min.js'),
        'form.js': join(nm, '@snowplow/browser-plugin-form-tracking/dist/index.umd.min.js'),
        'media.js': join(nm, '@snowplow/browser-plugin-media/dist/index.umd.min.js'),
      },
      head: `<script>
__benchLoad(['/t/snowplow/sp.js', '/t/snowplow/form.js', '/t/snowplow/media.js'], function () {
  var sp = window.snowplowBrowserTracking;
  sp.newTracker('sp', '${S}', { appId: 'bench', plugins: [snowplowFormTracking.FormTrackingPlugin(), snowplowMedia.SnowplowMediaPlugin()] });
  snowplowFormTracking.enableFormTracking();
  sp.trackPageView();
  window.__benchTrack = function (tok) { sp.trackStructEvent({ category: 'bench', action: 'bench_click', label: tok }); };
  __benchReady();
});
</script>`,
      defaults: 'eventMethod post, bufferSize 1, maxPostBytes 40000, localStorage queue; form tracking on; the v4 media plugin has no automatic <video> tracking (registered only)',
    },
    {
      name: 'posthog',
      label: 'PostHog posthog-js (array.js)',
      version: () => pkgVersion('posthog-js'),
      files: {},  // array.js and its lazy extensions come from the sink's /static/, as from PostHog's asset host
      head: `<script>
__benchLoad(['${S}/static/array.js'], function () {
  posthog.init('phc_bench', {
    api_host: '${S}',
    advanced_disable_flags: true, disable_session_recording: true,
    opt_out_useragent_filter: true,  // headless Chromium under automation counts as a bot and would be dropped
    rate_limiting: { events_per_second: 1000, events_burst_limit: 10000 },
    loaded: function () { __benchReady(); }
  });
  window.__benchTrack = function (tok) { posthog.capture('bench_click', { i: tok }); };
});
</script>`,
      defaults: 'request queue flush 3000 ms, all queued events in one request; flags (/decide) and session recording off; client rate limit raised from 10/s (burst 100) to 1000/s (burst 10000) so the 1,000 events are not dropped; opt_out_useragent_filter on (headless Chromium under automation is dropped as a bot otherwise)',
    },
    {
      name: 'segment',
      label: 'Segment analytics-next (UMD)',
      version: () => pkgVersion('@segment/analytics-next'),
      dir: join(nm, '@segment/analytics-next/dist/umd'),  // index.js + its lazy *.bundle.*.js chunks (publicPath '')
      files: {},
      head: `<script>
__benchLoad(['/t/segment/index.js'], function () {
  window.analytics = AnalyticsNext.AnalyticsBrowser.load({
    writeKey: 'benchkey',
    cdnSettings: { integrations: { 'Segment.io': { apiKey: 'benchkey', apiHost: '127.0.0.1:${sink}/v1', protocol: 'http' } } }
  });
  analytics.page();
  analytics.ready(function () { __benchReady(); });
  window.__benchTrack = function (tok) { analytics.track('bench_click', { i: tok }); };
});
</script>`,
      defaults: "deliveryStrategy 'standard': one request per event (no batching); settings given inline (cdnSettings), no CDN fetch",
    },
    {
      name: 'amplitude',
      label: 'Amplitude analytics-browser (amplitude-min.js)',
      version: () => pkgVersion('@amplitude/analytics-browser'),
      files: { 'amplitude-min.js': join(nm, '@amplitude/analytics-browser/lib/scripts/amplitude-min.js') },
      head: `<script>
__benchLoad(['/t/amplitude/amplitude-min.js'], function () {
  amplitude.init('benchkey', { serverUrl: '${S}/2/httpapi', fetchRemoteConfig: false, enableDiagnostics: false })
    .promise.then(function () { __benchReady(); });
  window.__benchTrack = function (tok) { amplitude.track('bench_click', { i: tok }); };
});
</script>`,
      defaults: 'flushQueueSize 30, flushIntervalMillis 1000, default autocapture; remote config and diagnostics off',
    },
    {
      name: 'plausible',
      label: 'Plausible @plausible-analytics/tracker (ESM)',
      version: () => pkgVersion('@plausible-analytics/tracker'),
      files: { 'plausible.js': join(nm, '@plausible-analytics/tracker/plausible.js') },
      head: `<script type="module" async>
import { init, track } from '/t/plausible/plausible.js';
init({ domain: 'bench.test', endpoint: '${S}/api/event', captureOnLocalhost: true });
window.__benchTrack = function (tok) { track('bench_click', { props: { i: tok } }); };
__benchReady();
</script>`,
      defaults: 'one fetch (keepalive) per event, no batching; captureOnLocalhost on (the page is on 127.0.0.1)',
    },
  ];
}

// Injected before any page script (playwright addInitScript).
export const INIT_SCRIPT = `
window.__lt = [];
try {
  new PerformanceObserver(function (list) {
    for (const e of list.getEntries()) window.__lt.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
} catch (e) {}
// Long animation frames with their script attribution (Chromium lists each
// script entry point that ran >= 5 ms in the frame, with its sourceURL): the
// harness uses them to say whose code ran in a long task.
window.__loaf = [];
try {
  new PerformanceObserver(function (list) {
    for (const e of list.getEntries()) {
      window.__loaf.push([e.startTime, e.duration, e.scripts.map(function (s) {
        return [s.startTime, s.duration, s.sourceURL, s.invokerType, s.invoker];
      })]);
    }
  }).observe({ type: 'long-animation-frame', buffered: true });
} catch (e) {}
window.__readyAt = 0;
window.__benchReady = function () { if (!window.__readyAt) window.__readyAt = performance.now(); };
window.__benchLoad = function (urls, init) {
  var left = urls.length;
  urls.forEach(function (u) {
    var s = document.createElement('script');
    s.async = true; s.src = u;
    s.onload = function () { if (--left === 0) init(); };
    s.onerror = function () { window.__benchError = 'could not load ' + u; };
    document.head.appendChild(s);
  });
};
`;

export const repoRoot = repo;
export const benchRoot = bench;
export const requireFromRepo = createRequire(join(repo, 'package.json'));
export const posthogDist = () => join(nm, 'posthog-js/dist');
export { dirname };
