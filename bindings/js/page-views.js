// Page views of this document's URL: the automatic one at start and page()
// calls. (SPA navigations: detectors/navigation.js.)
import { afterCoreCall } from './delivery.js';
import { core, flushScroll } from './state.js';
import { now } from './util.js';

export const reportPageView = (propertiesJson, automatic) => {
  flushScroll();  // the deepest point belongs to the page being left
  afterCoreCall(core.pageView(location.href, document.title, document.referrer, propertiesJson, automatic, now()));
};
