// The public API (CONTRACT §1): the snippet's queue replayed in order, both
// call styles, and the WebAssembly core loaded on init.
const script = document.currentScript;
const scriptBase = script && script.src ? script.src.replace(/[^\/?#]*([?#].*)?$/, '') : '';
const pending = [];   // calls made after init, before the core runs
let initialised = false;
let resolveReady;
const ready = new Promise((resolve) => (resolveReady = resolve));

// The core's wasm, compiled while it downloads. A server that sends it with
// another MIME type than application/wasm gets the slower path; a browser
// without WebAssembly, a blocked request or a CSP without 'wasm-unsafe-eval'
// rejects.
const compileCore = (url) => Promise.resolve()
  .then(() => WebAssembly.compileStreaming(fetch(url)))
  .catch(() => fetch(url).then((response) => response.arrayBuffer()).then((bytes) => WebAssembly.compile(bytes)));

const startCore = (config) => {
  const configJson = toJson(config, 'the init config');
  compileCore((typeof config.wasmUrl === 'string' && config.wasmUrl) || scriptBase + 'microtrack.wasm')
    .then((wasm) => createMicrotrackCore({ wasm }))
    .then(guard((module) => {
      const seed = crypto.getRandomValues(new Uint32Array(2));
      const environment = JSON.stringify({
        userAgent: navigator.userAgent,
        locale: navigator.language,
        timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
        screenWidth: screen.width,
        screenHeight: screen.height,
        doNotTrack: navigator.globalPrivacyControl === true || navigator.doNotTrack === '1'
      });
      module.start(configJson || '', environment, storageGet(), seed[0], seed[1], now());
      core = module;
      debugOn = core.debug();
      core.setEcho(debugOn || listeners.length > 0);  // else calls return no event JSON to decode
      printCoreMessages();
      persistNow();  // also clears what must no longer be stored (Do Not Track, consent)
      if (core.active()) {
        collectorUrl = config.collector;
        enablePageViews();
        enableLifecycle();
      }
      // The adapters in a task of their own: start-up stays two short tasks
      // instead of one long one (bench/RESULTS.md, long tasks).
      setTimeout(guard(() => {
        if (core.active()) {
          if (core.wants('scroll')) enableScroll();
          for (const enable of adapters) enable();
        }
        resolveReady(true);
        for (const [method, args] of pending.splice(0)) run(method, args);
      }));
    }), (error) => {
      log('error', 'the WebAssembly core could not start (' + errorText(error) +
        "); nothing is tracked. A Content-Security-Policy must allow 'wasm-unsafe-eval'.");
      resolveReady(false);
    });
};

// Each method runs once the core is up, with valid arguments.
const api = {
  init(config) {
    if (initialised) return log('warn', 'init was already called; this call is ignored.');
    initialised = true;
    startCore(config && typeof config === 'object' ? config : {});
  },
  track(name, properties) {
    const json = toJson(properties, 'track properties');
    if (json !== null) afterCoreCall(core.track(typeof name === 'string' ? name : '', json, now()));
  },
  page(properties) {
    const json = toJson(properties, 'page properties');
    if (json !== null) afterCoreCall(core.pageView(location.href, document.title, document.referrer, json, false, now()));
  },
  identify(userId, traits) {
    const json = toJson(traits, 'identify traits');
    if (json !== null) afterCoreCall(core.identify(userId == null ? '' : String(userId), json, now()));
  },
  consent(granted) {
    core.consent(!!granted, now());
    afterCoreCall('');
  },
  reset() {
    core.reset(now());
    afterCoreCall('');
  },
  flush: () => flushQueue(),
  on(type, fn) {
    if (type !== 'event' || typeof fn !== 'function') return log('error', "on() takes 'event' and a function.");
    listeners.push(fn);
    if (core) core.setEcho(true);
    return () => {
      const i = listeners.indexOf(fn);
      if (i >= 0) listeners.splice(i, 1);
    };
  }
};

// Runs a call now if the core is up, queues it otherwise. Never throws.
const run = (method, args) => {
  try {
    if (!api.hasOwnProperty(method)) return log('error', "unknown method '" + method + "'.");
    if (method === 'init' || method === 'on') return api[method](...args);
    const running = core && core.active();
    if (method === 'flush' && !running) return ready.then(() => core && core.active() && flushQueue()).then(() => {});
    if (!core || pending.length) pending.push([method, args]);  // in order, until start-up's second task
    else if (running) return api[method](...args);
  } catch (e) {
    log('error', 'internal error in ' + method + '(): ' + errorText(e));
  }
};

const snippet = window.microtrack;
const microtrack = (method, ...args) => run(method, args);
for (const method of Object.keys(api)) microtrack[method] = (...args) => run(method, args);
microtrack.ready = ready;
microtrack.version = '@MICROTRACK_VERSION@';
window.microtrack = microtrack;

// Replay what the snippet queued, in order; or the zero-code form.
for (const args of (snippet && snippet.q) || []) run(args[0], [...args].slice(1));
if (!initialised && script && script.dataset.collector) api.init({ collector: script.dataset.collector });
