// Forms: field edits (never their values) and submits. The submit listener
// sits at the window in the bubble phase, after the page's own handlers, so
// a submit the page cancels is not counted.
adapters.push(() => {
  const ids = new WeakMap();  // form -> the number the core knows it by
  let nextId = 1;
  const key = (form) => ids.get(form) || (ids.set(form, nextId), nextId++);
  // getAttribute: form.id would be a field named "id" if the form has one.
  const attribute = (element, name) => element.getAttribute(name) || '';

  const onEdit = guard((e) => {
    const field = e.target;
    const form = field && field.form;
    if (!form || field.closest('[data-mt-ignore]')) return;
    afterCoreCall(core.formEdit(key(form), attribute(form, 'id'), attribute(form, 'name'),
      attribute(field, 'name') || attribute(field, 'id'), field.type || '', e.isTrusted, now()));
  });
  document.addEventListener('input', onEdit, true);
  document.addEventListener('change', onEdit, true);

  addEventListener('submit', guard((e) => {
    const form = e.target;
    if (e.defaultPrevented || !(form instanceof HTMLFormElement) || form.closest('[data-mt-ignore]')) return;
    afterCoreCall(core.formSubmit(key(form), attribute(form, 'id'), attribute(form, 'name'),
      attribute(form, 'data-mt-goal'), now()));
  }));
});
