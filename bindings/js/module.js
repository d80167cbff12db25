// The npm package's entry (an ES module for bundlers): the API of CONTRACT
// §1 as named exports and as a default object, without window.microtrack or
// the snippet's queue. Its wasm and JavaScript core are found beside it with
// `new URL(…, import.meta.url)`, which Vite and webpack 5 turn into the URLs
// of the files they emit; init's wasmUrl still overrides them.
import { VERSION } from 'core-constants';
import { api } from './api.js';
import { createCalls } from './calls.js';
import { callsMayRun, corePackageFiles, ready } from './start.js';
import { coreActive } from './state.js';

const [run, replay] = createCalls(api, () => callsMayRun, () => coreActive, ready);
ready.then((running) => {
  if (running) replay();
});

export const init = (config) => {
  corePackageFiles(new URL('./microtrack.wasm', import.meta.url).href,
    new URL('./microtrack.wasm.js', import.meta.url).href);
  return run('init', [config]);
};
export const track = (...args) => run('track', args);
export const page = (...args) => run('page', args);
export const identify = (...args) => run('identify', args);
export const consent = (...args) => run('consent', args);
export const reset = (...args) => run('reset', args);
export const flush = (...args) => run('flush', args);
export const on = (...args) => run('on', args);
export { ready, VERSION as version };
export default { init, track, page, identify, consent, reset, flush, on, ready, version: VERSION };
