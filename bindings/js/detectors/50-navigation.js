// SPA navigation and page visibility: history changes, back/forward, hash
// changes and bfcache restores are each reported; the core decides which is
// a new page view. Hiding the page reports it first (form_abandon,
// engagement), so that the unload drain carries those events too.
const pageHooks = [];  // called after each navigation (the visibility adapter re-scans)

adapters.push(() => {
  // The URL as it is now; the title once the page's own handlers have run
  // (apps often set it after pushState, or in their popstate handler).
  const report = (navigation) => {
    const url = location.href;
    setTimeout(guard(() => {
      afterCoreCall(core.navigate(url, document.title, navigation, now()));
      for (const hook of pageHooks) hook();
    }));
  };
  [['pushState', 0], ['replaceState', 1]].forEach(([method, navigation]) => {
    const original = history[method];
    history[method] = function () {
      const result = original.apply(this, arguments);
      report(navigation);
      return result;
    };
  });
  addEventListener('popstate', () => report(2));
  addEventListener('hashchange', () => report(3));
  addEventListener('pageshow', (e) => e.persisted && report(4));

  const state = guard(() =>
    afterCoreCall(core.pageState(document.visibilityState === 'visible', document.hasFocus(), now())));
  hideHooks.push(state);
  document.addEventListener('visibilitychange', state, true);
});
