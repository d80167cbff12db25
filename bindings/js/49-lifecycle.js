// Page hidden or unloaded: the last chance to send. Back online: send at
// once instead of waiting for the backoff. Other tabs' queues: 35-tabs.js.
const enableLifecycle = () => {
  const onHide = guard(() => {
    for (const hook of hideHooks) hook();
    drainForUnload();
  });
  document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && onHide(), true);
  addEventListener('pagehide', onHide, true);
  addEventListener('online', guard(flushQueue));
  enableTabs();
};
