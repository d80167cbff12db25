// An app's own code: microtrack imported from the npm package, as the
// README shows. window.__mt lets the test wait for it.
import microtrack, { init, track, ready } from 'microtrack';

init({ collector: '/v1/batch' });
track('bundled_app', { bundler: document.documentElement.dataset.bundler || 'unknown' });
window.__mt = { ready, flush: microtrack.flush, version: microtrack.version };
