// Shared by every adapter: console output and the guard that keeps
// exceptions out of the host page.
const log = (level, message) => {
  try {
    console[level]('microtrack: ' + message);
  } catch (ignored) {}
};

// The wasm's abort() throws an empty string (MINIMAL_RUNTIME): named here.
const errorText = (e) => (e && e.message) || String(e) || 'the WebAssembly core aborted';

// Wraps a callback so that nothing it throws reaches the page.
const guard = (fn) => function (...args) {
  try {
    return fn.apply(this, args);
  } catch (e) {
    log('error', 'internal error: ' + errorText(e));
  }
};

const now = () => Date.now();

// JSON text for the core ('' for none), or null (with an error) when the
// value cannot be written (a cycle, a BigInt).
const toJson = (value, what) => {
  if (value == null) return '';
  try {
    return JSON.stringify(value);
  } catch (e) {
    log('error', what + ' must be JSON-serialisable (' + errorText(e) + '); ignoring the call.');
    return null;
  }
};

// Extension points for the detector adapters (js/detectors/): each pushes
// what it needs.
const adapters = [];   // called once the core runs and tracks
const hideHooks = [];  // called when the page is hidden, before the unload drain
