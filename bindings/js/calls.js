// The public API's calls (CONTRACT §1) before and after the core runs. A
// call made while the core starts waits; the waiting calls are replayed in
// order once it runs, and calls made meanwhile queue behind them. Then a
// call runs at once, or does nothing when the core does not track (Do Not
// Track, no consent to store, a failed start). `init` and `on` always run at
// once; `flush` before the core runs settles after start-up (flushing if the
// core tracks). Never throws. No DOM: node's tests import it as it is.
import { errorText, log } from './util.js';

// `methods`: the API's functions by name; `mayRun()`: the core exists and
// the first page view is out (start.js `callsMayRun`); `active()`: it
// tracks; `ready`: settles once start-up is over. Returns [run(method,
// args), replay()].
export const createCalls = (methods, mayRun, active, ready) => {
  const pending = [];  // [method, args], in call order

  const run = (method, args) => {
    try {
      if (!methods.hasOwnProperty(method)) {
        log('error', "unknown method '" + method + "'.");
        return undefined;
      }
      if (method === 'init' || method === 'on') return methods[method](...args);
      if (method === 'flush' && !active()) return ready.then(() => active() && methods.flush()).then(() => {});
      if (!mayRun() || pending.length) pending.push([method, args]);
      else if (active()) return methods[method](...args);
    } catch (e) {
      log('error', 'internal error in ' + method + '(): ' + errorText(e));
    }
  };

  const replay = () => {
    for (const [method, args] of pending.splice(0)) run(method, args);
  };

  return [run, replay];
};

// The calls the snippet queued before this script ran: `window.microtrack.q`
// holds each call's `arguments` ([method, ...args]).
export const snippetCalls = (snippet) =>
  Array.from((snippet && snippet.q) || [], (args) => [args[0], [...args].slice(1)]);
