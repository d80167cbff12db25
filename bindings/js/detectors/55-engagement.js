// Engaged time: visitor input (at most one report a second) and window
// focus. Page visibility is reported by 50-navigation.js.
adapters.push(() => {
  if (!core.wants('engagement')) return;
  let last = 0;
  const onInput = guard(() => {
    const t = now();
    if (t - last < 1000) return;
    last = t;
    afterCoreCall(core.activity(t));
  });
  for (const type of ['pointerdown', 'pointermove', 'keydown', 'scroll', 'wheel', 'touchstart'])
    addEventListener(type, onInput, { passive: true, capture: true });
  const onFocus = guard(() =>
    afterCoreCall(core.pageState(document.visibilityState === 'visible', document.hasFocus(), now())));
  addEventListener('focus', onFocus);
  addEventListener('blur', onFocus);
});
