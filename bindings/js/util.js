// Shared by every module: console output and the guard that keeps
// exceptions out of the host page. Plain functions of their arguments (no
// DOM), so node's tests import them as they are.

export const log = (level, message) => {
  try {
    console[level]('microtrack: ' + message);
  } catch (ignored) {}
};

// The wasm's abort() throws an empty string (MINIMAL_RUNTIME): named here.
export const errorText = (e) => (e && e.message) || String(e) || 'the WebAssembly core aborted';

// Wraps a callback so that nothing it throws reaches the page.
export const guard = (fn) => function (...args) {
  try {
    return fn.apply(this, args);
  } catch (e) {
    log('error', 'internal error: ' + errorText(e));
  }
};

export const now = () => Date.now();

// JSON text for the core ('' for none), or null (with an error) when the
// value cannot be written (a cycle, a BigInt).
export const toJson = (value, what) => {
  if (value == null) return '';
  try {
    return JSON.stringify(value);
  } catch (e) {
    log('error', what + ' must be JSON-serialisable (' + errorText(e) + '); ignoring the call.');
    return null;
  }
};

// Resolves in a task of its own: start-up runs as several short tasks, so
// that the page's input and rendering can run between them (a task over
// 50 ms is a long task). scheduler.yield() where the browser has it (its
// continuation goes ahead of other tasks), else a message to ourselves
// (setTimeout(0) may be clamped to 4 ms).
export const nextTask = () => {
  const scheduler = globalThis.scheduler;
  if (scheduler && typeof scheduler.yield === 'function') return scheduler.yield();
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(0);
  });
};
