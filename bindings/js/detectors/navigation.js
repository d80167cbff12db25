// SPA navigation: history changes, back/forward, hash changes and bfcache
// restores are each reported; the core decides which is a new page view.
import {
  NAVIGATION_HASH, NAVIGATION_POP, NAVIGATION_PUSH, NAVIGATION_REPLACE, NAVIGATION_RESTORE
} from 'core-constants';
import { afterCoreCall } from '../delivery.js';
import { core, flushScroll } from '../state.js';
import { guard, now } from '../util.js';

// Called after each navigation (the visibility adapter scans the new page).
export const pageHooks = [];

export const enableNavigation = () => {
  // The URL as it is now; the title once the page's own handlers have run
  // (apps often set it after pushState, or in their popstate handler).
  const report = (navigation) => {
    const url = location.href;
    setTimeout(guard(() => {
      flushScroll();  // the page left reports how deep it was scrolled
      afterCoreCall(core.navigate(url, document.title, navigation, now()));
      for (const hook of pageHooks) hook();
    }));
  };
  for (const [method, navigation] of [['pushState', NAVIGATION_PUSH], ['replaceState', NAVIGATION_REPLACE]]) {
    const original = history[method];
    history[method] = function () {
      const result = original.apply(this, arguments);
      report(navigation);
      return result;
    };
  }
  addEventListener('popstate', () => report(NAVIGATION_POP));
  addEventListener('hashchange', () => report(NAVIGATION_HASH));
  addEventListener('pageshow', (e) => {
    if (e.persisted) report(NAVIGATION_RESTORE);
  });
};
