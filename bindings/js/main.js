// The loader's entry, the module bundle.mjs starts from: window.microtrack
// (both call styles, CONTRACT §1), then the snippet's queued calls replayed
// in order, or the zero-code form <script data-collector="…">.
import { VERSION } from 'core-constants';
import { api, initialised } from './api.js';
import { createCalls, snippetCalls } from './calls.js';
import { callsMayRun, compileBesideScript, ready } from './start.js';
import { coreActive } from './state.js';

const script = document.currentScript;
compileBesideScript();
const [run, replay] = createCalls(api, () => callsMayRun, () => coreActive, ready);
ready.then((running) => {
  if (running) replay();
});

const snippet = window.microtrack;
const microtrack = (method, ...args) => run(method, args);
for (const method of Object.keys(api)) microtrack[method] = (...args) => run(method, args);
microtrack.ready = ready;
microtrack.version = VERSION;
window.microtrack = microtrack;

for (const [method, args] of snippetCalls(snippet)) run(method, args);
if (!initialised && script && script.dataset.collector) api.init({ collector: script.dataset.collector });
