// Page hidden or unloaded: the last chance to send.
const enableLifecycle = () => {
  const onHide = guard(drainForUnload);
  document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && onHide(), true);
  addEventListener('pagehide', onHide, true);
};
