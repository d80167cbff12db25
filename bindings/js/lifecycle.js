// Page hidden or unloaded: the last chance to send. Frozen: what is not
// stored yet is stored (no timer runs in a frozen page, which may be
// discarded). Back online: send at once instead of waiting for the backoff.
// Other tabs' queues: tabs.js.
import { drainForUnload, flushQueue, storePending } from './delivery.js';
import { enableTabs } from './tabs.js';
import { sendCompressingNow } from './transport.js';
import { guard } from './util.js';

// Called when the page is hidden, before the unload drain (the detectors
// report what the page leaves with: detectors/page-state.js).
export const hideHooks = [];

export const enableLifecycle = () => {
  const onHide = guard(() => {
    for (const hook of hideHooks) hook();
    sendCompressingNow();
    drainForUnload();
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') onHide();
  }, true);
  addEventListener('pagehide', onHide, true);
  document.addEventListener('freeze', guard(storePending), true);
  addEventListener('online', guard(flushQueue));
  enableTabs();
};
