// What every module reads once the core runs. Set only here, through the
// functions below, at start-up (start.js); other modules import the names
// and see each change (ES module bindings are live).

export let core = null;       // the WebAssembly core's API, once its tracker started
export let debugOn = false;   // config 'debug', read once the core runs
// Whether it tracks: decided when it starts and fixed from then on (Do Not
// Track, sampling, a bad config), so read once rather than crossing into
// the wasm on every call.
export let coreActive = false;
export let collectorUrl = '';  // config 'collector', once the core tracks
export const listeners = [];  // on('event', fn) callbacks
// Hands the core the deepest scroll sample the scroll detector kept back:
// called before every core call that may report how deep the page was
// scrolled (engagement) or start a new page view. A no-op without it.
export let flushScroll = () => {};

export const coreStarted = (module) => {
  core = module;
  debugOn = module.debug();
  coreActive = module.active();
};

export const trackingStarted = (url) => {
  collectorUrl = url;
};

export const scrollReportsStarted = (flush) => {
  flushScroll = flush;
};
