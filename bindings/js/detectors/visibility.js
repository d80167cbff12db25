// Element visibility: an IntersectionObserver per rule reports when each
// matching element crosses the rule's threshold; the core times it.
import { afterCoreCall, detectorCallback } from '../delivery.js';
import { core } from '../state.js';
import { guard, now } from '../util.js';
import { pageHooks } from './navigation.js';

export const enableVisibility = () => {
  const rules = JSON.parse(core.visibilityRules());  // [{selector, threshold}, …]
  if (!rules.length) return;
  const ids = rules.map(() => new WeakMap());  // per rule: element -> its index
  const observers = rules.map((rule, index) => new IntersectionObserver(detectorCallback((entries) => {
    for (const entry of entries)
      afterCoreCall(core.visibilityChange(index, ids[index].get(entry.target),
        entry.isIntersecting && entry.intersectionRatio >= rule.threshold, now()));
  }), { threshold: rule.threshold }));
  const scan = guard(() => {
    rules.forEach((rule, index) => {
      observers[index].disconnect();
      let n = 0;
      for (const element of document.querySelectorAll(rule.selector)) {
        if (element.closest('[data-mt-ignore]')) continue;
        ids[index].set(element, n++);
        observers[index].observe(element);
      }
    });
  });
  scan();
  pageHooks.push(scan);  // an SPA page shows other elements
};
