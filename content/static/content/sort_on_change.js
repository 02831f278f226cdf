// Lists whose sort applies as soon as it is chosen (issue 27): a <select data-sort-on-change>
// submits its form on change, and the form's [data-sort-button] (kept for browsers without
// JavaScript) is hidden. An external file: the CSP allows no inline script.
(function () {
  "use strict";
  document.querySelectorAll("select[data-sort-on-change]").forEach(function (select) {
    var form = select.form;
    if (!form) return;
    form.querySelectorAll("[data-sort-button]").forEach(function (button) {
      button.hidden = true;
    });
    select.addEventListener("change", function () {
      if (form.requestSubmit) form.requestSubmit();
      else form.submit();
    });
  });
})();
