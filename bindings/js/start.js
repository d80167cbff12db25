// Loading the WebAssembly core: the wasm fetched and compiled while it
// downloads, from the moment this script runs; on init, the tracker started
// from the config, the stored state and the browser's environment, then the
// page views, the lifecycle and the detectors' adapters, each step in a task
// of its own. `ready` settles once that is over.
import createMicrotrackCore from 'core-glue';
import { hasWasmUrl, scriptBase, wasmJsUrl, wasmUrl } from './config.js';
import { persistNow, printCoreMessages } from './delivery.js';
import { environmentJson, timeZone } from './environment.js';
import { enableClicks } from './detectors/clicks.js';
import { enableEmbeds } from './detectors/embeds.js';
import { enableEngagement } from './detectors/engagement.js';
import { enableForms } from './detectors/forms.js';
import { enableMedia } from './detectors/media.js';
import { enableNavigation } from './detectors/navigation.js';
import { enablePageState } from './detectors/page-state.js';
import { enableScroll } from './detectors/scroll.js';
import { enableVisibility } from './detectors/visibility.js';
import { enableLifecycle } from './lifecycle.js';
import { reportPageView } from './page-views.js';
import { runInSlices } from './slices.js';
import { coreActive, coreStarted, trackingStarted } from './state.js';
import { GZIP_KEY, storageGet } from './storage.js';
import { collectorReadsGzip } from './transport.js';
import { errorText, guard, log, nextTask, now, toJson } from './util.js';

// Each adapter checks what the config asks for and listens at most once.
const DETECTORS = [enableScroll, enableNavigation, enablePageState, enableMedia, enableEmbeds, enableForms,
  enableClicks, enableVisibility, enableEngagement];

// Read while this script runs: document.currentScript is null afterwards.
const base = scriptBase(document.currentScript && document.currentScript.src);
// The npm package's wasm and JavaScript core as its bundler emitted them
// (module.js); null for the script tag, whose files sit beside it.
let packageFiles = null;
export const corePackageFiles = (wasm, js) => {
  packageFiles = [wasm, js];
};

let resolveReady;
// true once the core runs (tracking or not), false when it could not start.
export const ready = new Promise((resolve) => {
  resolveReady = resolve;
});

// The core's wasm, compiled while it downloads. A server that sends it with
// another MIME type than application/wasm gets the slower path; a blocked
// request rejects.
const compileCore = (url) => Promise.resolve()
  .then(() => WebAssembly.compileStreaming(fetch(url)))
  .catch(() => fetch(url).then((response) => response.arrayBuffer()).then((bytes) => WebAssembly.compile(bytes)));

// Whether the page's calls may run: once the first page view is out (a
// call the page makes must come after it). Until then they wait (calls.js).
export let callsMayRun = false;

// Start-up after the instantiation, in short tasks with the page's own work
// in between (slices.js): the environment (where the browser has no
// Temporal, Intl's first use: environment.js), the stored state (the page's
// first localStorage read waits for the browser process to send it over),
// the core's start, the first page view with the lifecycle, then each
// adapter. Resolves to whether the core runs.
const SLICE_MS = 8;
const runCore = (module, config, configJson) => {
  let environment, stored;
  const steps = [
    () => {
      environment = environmentJson(navigator, screen, timeZone(globalThis));
    },
    () => {
      stored = storageGet();
    },
    () => {
      const seed = crypto.getRandomValues(new Uint32Array(2));
      module.start(configJson || '', environment, stored, seed[0], seed[1], now());
      coreStarted(module);
      printCoreMessages();
      // (Read before persistNow, which stores it again or clears it.)
      if (coreActive && storageGet(GZIP_KEY) === config.collector) collectorReadsGzip(config.collector);
      persistNow();  // also clears what must no longer be stored (Do Not Track, consent)
    },
    () => {
      if (coreActive) {
        trackingStarted(config.collector);
        reportPageView('', true);
        enableLifecycle();
      }
      callsMayRun = true;
    },
    ...DETECTORS.map((enable) => () => {
      if (coreActive) guard(enable)();
    }),
  ];
  return runInSlices(steps, SLICE_MS).then(() => true);
};

// Whether this page may compile WebAssembly: a Content-Security-Policy
// without 'wasm-unsafe-eval' refuses even the empty module (8 bytes), and a
// browser without WebAssembly has none. Asked before anything is downloaded.
// (Asked once: the loader and init both need it.)
let wasmAllowed;
const canCompileWasm = () => {
  if (wasmAllowed === undefined) {
    try {
      wasmAllowed = !!new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
    } catch (e) {
      wasmAllowed = false;
    }
  }
  return wasmAllowed;
};

// The same core built as JavaScript (wasm2js, an ES module beside the
// wasm), imported only by pages that may not compile WebAssembly. Its URL is
// made absolute: import() would read a relative one as a package name.
const importJsCore = (url) => Promise.resolve()
  .then(() => import(/* webpackIgnore: true */ /* @vite-ignore */ new URL(url, document.baseURI).href))
  .then((glue) => glue.default({}));

// The script tag's entry (main.js) calls this first: the wasm beside the
// script, fetched and compiled at once (a page that may not compile
// WebAssembly fetches nothing here; the npm package, whose bundler decides
// where the wasm is, never calls it). init, usually queued by the snippet,
// takes it unless its config names another wasmUrl. A `<link rel="preload"
// as="fetch" crossorigin>` for it in the page starts the download even
// earlier (docs/CONFIG.md).
let defaultWasmUrl = '';
let earlyCompile = null;
export const compileBesideScript = () => {
  defaultWasmUrl = base && canCompileWasm() ? wasmUrl({}, base) : '';
  earlyCompile = defaultWasmUrl ? compileCore(defaultWasmUrl) : null;
  if (earlyCompile) earlyCompile.catch(() => {});  // reported by startCore if init comes
};

export const startCore = (config) => {
  const configJson = toJson(config, 'the init config');
  const url = wasmUrl(config, base);
  const [wasmFile, jsFile] = packageFiles && !hasWasmUrl(config) ? packageFiles : [url, wasmJsUrl(url)];
  const wasm = canCompileWasm();
  const compiled = earlyCompile && wasmFile === defaultWasmUrl ? earlyCompile : null;
  earlyCompile = null;
  // The instantiation (Embind's registrations run in it) in a task of its
  // own, not in the one that finished the compilation.
  (wasm ? (compiled || compileCore(wasmFile)).then((module) => nextTask().then(() => createMicrotrackCore({ wasm: module })))
    : importJsCore(jsFile))
    .then((module) => runCore(module, config, configJson))
    .then(resolveReady, (error) => {
      log('error', 'the ' + (wasm ? 'WebAssembly' : "JavaScript (no 'wasm-unsafe-eval'?) " + jsFile) +
        ' core could not start (' + errorText(error) + '); nothing is tracked.');
      resolveReady(false);
    });
};
