/* Behaviour the pages share, kept in a file because the Content-Security-Policy runs no inline
   script and no on…= attribute (config/settings/headers.py). Listeners sit on the document, so
   they work for any element whenever this deferred file runs, and pages work without it too
   (a <noscript> button submits the filters; printing is the browser's own menu).

   data-autosubmit  on a <select>: choosing an option submits its form (year and status filters).
   data-print       on a button: opens the print dialogue (QR codes, posters).
   data-submit-once on a form: the submit button is disabled after the first submit, and shows the
                    attribute's text if any. Phones upload evidence slowly: a second tap must
                    not send the entry twice. */
(function () {
  "use strict";

  function closest(target, selector) {
    return target && target.closest ? target.closest(selector) : null;
  }

  document.addEventListener("change", function (event) {
    var select = closest(event.target, "select[data-autosubmit]");
    if (select && select.form) {
      select.form.submit();
    }
  });

  document.addEventListener("click", function (event) {
    if (closest(event.target, "[data-print]")) {
      window.print();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.hasAttribute || !form.hasAttribute("data-submit-once")) {
      return;
    }
    var button = form.querySelector("button[type=submit]");
    if (!button) {
      return;
    }
    button.disabled = true;
    if (form.getAttribute("data-submit-once")) {
      button.textContent = form.getAttribute("data-submit-once");
    }
  });
})();
