// Page hidden or unloaded: the last chance to send. Back online: send at
// once instead of waiting for the backoff. Other tabs' queues: tabs.js.
import { drainForUnload, flushQueue } from './delivery.js';
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
  addEventListener('online', guard(flushQueue));
  enableTabs();
};
