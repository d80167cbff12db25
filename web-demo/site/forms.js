// Fjordbrew demo: this site is static, so its forms submit with GET to a
// thank-you page where a real site would POST to a server and redirect. So that
// nothing a visitor types ends up in a page address (and from there in logs or
// analytics), typed text is left out of every submission; choices (selects,
// radios, checkboxes) and hidden fields still travel. The submit itself, and
// everything a script can observe about it, is unchanged.
(function () {
  'use strict';
  var TYPED = /^(text|email|password|tel|search|url)$/;
  document.addEventListener('formdata', function (event) {
    var elements = event.target.elements;
    for (var i = 0; i < elements.length; i++) {
      var el = elements[i];
      if (el.name && (el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT' && TYPED.test(el.type))))
        event.formData.delete(el.name);
    }
  }, true);
})();
