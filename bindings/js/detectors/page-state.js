// Page visibility and window focus, one report per change: hiding the page
// reports it before the unload drain (form_abandon, engagement), so that the
// drain carries those events too; focus matters for engaged time only.
import { afterCoreCall } from '../delivery.js';
import { hideHooks } from '../lifecycle.js';
import { core, flushScroll } from '../state.js';
import { guard, now } from '../util.js';

export const enablePageState = () => {
  const report = guard(() => {
    flushScroll();  // hiding the page reports how deep it was scrolled
    afterCoreCall(core.pageState(document.visibilityState === 'visible', document.hasFocus(), now()));
  });
  hideHooks.push(report);
  document.addEventListener('visibilitychange', report, true);
  if (core.wants('engagement')) {
    addEventListener('focus', report);
    addEventListener('blur', report);
  }
};
