// Forms: field edits (never their values) and submits. A submit event is a
// submit that happens: the browser fires it only once the form is valid, and
// an SPA that cancels it saves the form itself.
import { afterCoreCall } from '../delivery.js';
import { core } from '../state.js';
import { guard, now } from '../util.js';

// A text field's `change` comes on blur, after its `input`s (and maybe after
// an SPA navigation): only fields without `input` semantics report it.
const CHANGE_ONLY = /^(select-one|select-multiple|checkbox|radio|file|range|color|date|datetime-local|month|time|week)$/;

// getAttribute: form.id would be a field named "id" if the form has one.
const attribute = (element, name) => element.getAttribute(name) || '';

export const enableForms = () => {
  const ids = new WeakMap();  // form -> the number the core knows it by
  let nextId = 1;
  const key = (form) => {
    if (!ids.has(form)) ids.set(form, nextId++);
    return ids.get(form);
  };

  const onEdit = guard((e) => {
    const field = e.target;
    const form = field && field.form;
    if (!form || field.closest('[data-mt-ignore]') || (e.type === 'change' && !CHANGE_ONLY.test(field.type))) return;
    afterCoreCall(core.formEdit(key(form), attribute(form, 'id'), attribute(form, 'name'),
      attribute(field, 'name') || attribute(field, 'id'), field.type || '', e.isTrusted, now()));
  });
  document.addEventListener('input', onEdit, true);
  document.addEventListener('change', onEdit, true);

  document.addEventListener('submit', guard((e) => {
    const form = e.target;
    if (!(form instanceof HTMLFormElement) || form.closest('[data-mt-ignore]')) return;
    afterCoreCall(core.formSubmit(key(form), attribute(form, 'id'), attribute(form, 'name'),
      attribute(form, 'data-mt-goal'), now()));
  }), true);
};
