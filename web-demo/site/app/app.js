// Fjordbrew app: a single page that navigates without reloading (no framework).
// Links with data-route are intercepted: the title and URL change with
// history.pushState, then the view is swapped; the back and forward buttons
// (popstate) swap it back. The #help link is an ordinary in-page link.
(function () {
  'use strict';
  var view = document.getElementById('app-view');
  var dashboard = document.createDocumentFragment();
  for (var n = view.firstChild; n; n = n.nextSibling) dashboard.appendChild(n.cloneNode(true));

  var ROUTES = {
    '/app/': { title: 'Dashboard — Fjordbrew app', template: null },
    '/app/brew-log': { title: 'Brew log — Fjordbrew app', template: 'view-brew-log' },
    '/app/settings': { title: 'Settings — Fjordbrew app', template: 'view-settings' }
  };
  var current = normalise(location.pathname);

  function normalise(path) {
    return ROUTES.hasOwnProperty(path) ? path : '/app/';  // /app/index.html and unknown paths: the dashboard
  }

  function render(path) {
    current = path;
    var route = ROUTES[path];
    document.title = route.title;
    var content = route.template ? document.getElementById(route.template).content : dashboard;
    view.replaceChildren(content.cloneNode(true));
    var links = document.querySelectorAll('.app-nav a[data-route]');
    for (var i = 0; i < links.length; i++) {
      if (links[i].getAttribute('href') === path) links[i].setAttribute('aria-current', 'page');
      else links[i].removeAttribute('aria-current');
    }
  }

  function navigate(path) {
    path = normalise(path);
    if (path === current) return;          // same view: no new history entry
    document.title = ROUTES[path].title;   // the new page's title is in place when the URL changes
    history.pushState({ path: path }, '', path);
    render(path);
    window.scrollTo(0, 0);
  }

  document.addEventListener('click', function (event) {
    var link = event.target.closest ? event.target.closest('a[data-route]') : null;
    if (!link || event.defaultPrevented || event.button !== 0 ||
        event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;  // new tab etc.: let the browser do it
    event.preventDefault();
    navigate(link.getAttribute('href'));
  });

  // Back/forward. A hash change (#help) also fires popstate: same path, nothing to swap.
  window.addEventListener('popstate', function () {
    var path = normalise(location.pathname);
    if (path !== current) render(path);
  });

  // The app's forms save in place, as an app would with fetch(); no page load.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!view.contains(form)) return;
    event.preventDefault();
    var status = form.querySelector('.app-status');
    if (status) status.textContent = 'Saved.';
  });

  if (current !== '/app/') render(current);  // a deep link (when the server answers one): show its view
})();
