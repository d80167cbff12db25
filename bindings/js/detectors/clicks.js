// Clicks (left, middle and modified, and keyboard activation, which the
// browser turns into a click): the link, the element's data-mt-goal and the
// goal selectors it matches. The core decides what the click was.
import { afterCoreCall } from '../delivery.js';
import { core } from '../state.js';
import { guard, now } from '../util.js';

const matches = (element, selector) => {
  try {
    return !!element.closest(selector);
  } catch (e) {
    return false;  // an invalid selector matches nothing
  }
};

export const enableClicks = () => {
  const selectors = JSON.parse(core.goalSelectors());  // [[index, selector], …]
  const onClick = guard((e) => {
    const target = e.target instanceof Element ? e.target : null;
    if ((e.type === 'auxclick' && e.button !== 1) || !target || target.closest('[data-mt-ignore]')) return;
    const link = target.closest('a[href],area[href]');
    const declared = target.closest('[data-mt-goal]');
    // A form's data-mt-goal counts on its submit (forms.js), not on clicks inside it.
    const goal = declared && !(declared instanceof HTMLFormElement) ? declared.getAttribute('data-mt-goal') : '';
    const matched = selectors.filter(([, selector]) => matches(target, selector)).map(([index]) => index);
    if (!link && !goal && !matched.length) return;
    afterCoreCall(core.click(link ? link.href : '', link ? link.textContent : '', !!link && link.hasAttribute('download'),
      goal, JSON.stringify(matched), now()));
  });
  document.addEventListener('click', onClick, true);
  document.addEventListener('auxclick', onClick, true);
};
