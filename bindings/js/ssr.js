// The npm package's entry outside a browser (server-side rendering in
// node): the same names as module.js, doing nothing. Importing it and
// calling it never throws; ready resolves false (no core runs here).
import { VERSION } from 'core-constants';

const nothing = () => undefined;
export const ready = Promise.resolve(false);
export const init = nothing;
export const track = nothing;
export const page = nothing;
export const identify = nothing;
export const consent = nothing;
export const reset = nothing;
export const flush = () => Promise.resolve();
export const on = () => nothing;
export { VERSION as version };
export default { init, track, page, identify, consent, reset, flush, on, ready, version: VERSION };
