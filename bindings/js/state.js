// What every module reads once the core runs. Set only here, through the
// functions below, at start-up (start.js); other modules import the names
// and see each change (ES module bindings are live).

// The WebAssembly core's API, once its tracker started: each function first
// hands over the track calls still waiting (track-queue.js), so that every
// call reaches the core in the order the page made it.
export let core = null;
export let rawCore = null;    // the same functions without that step
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
// Hands the scroll detector a sample of the position now (engagement: the
// deepest point while the visitor is active, read in an input's listener),
// kept for flushScroll to hand over. A no-op without it.
export let sampleScroll = () => {};
// Run at the end of every task that called the core: a page view may have
// moved the scroll positions the core names. A no-op without the detector.
export let followScroll = () => {};
// Hands the core the page's track calls still waiting (track-queue.js).
let handOverTracks = () => {};

export const coreStarted = (module) => {
  rawCore = module;
  core = {};
  for (const name in module) core[name] = (...args) => (handOverTracks(), module[name](...args));
  debugOn = module.debug();
  coreActive = module.active();
};

export const trackingStarted = (url) => {
  collectorUrl = url;
};

export const scrollReportsStarted = (flush, sample, follow) => {
  flushScroll = flush;
  sampleScroll = sample;
  followScroll = follow;
};

export const trackQueueStarted = (handOver) => {
  handOverTracks = handOver;
};
