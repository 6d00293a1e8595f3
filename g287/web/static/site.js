// g287's own script: progressive enhancement only; every page works without it.
// Forms marked data-autosubmit are sent as soon as a choice changes (their submit button still works).
(function () {
  "use strict";
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", function () { form.submit(); });
    });
  });
})();
