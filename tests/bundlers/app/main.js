// An app's own code: microtrack imported from the npm package, as the
// README shows. window.__mt lets the test wait for it.
import microtrack, { init, track, ready } from 'microtrack';

// ?wasm=URL: the site hosts the core itself (init's wasmUrl).
const wasmUrl = new URLSearchParams(location.search).get('wasm');
init(wasmUrl ? { collector: '/v1/batch', wasmUrl } : { collector: '/v1/batch' });
track('bundled_app', { bundler: document.documentElement.dataset.bundler || 'unknown' });
window.__mt = { ready, flush: microtrack.flush, version: microtrack.version };
