// Polls a background import's progress and reloads the page when it is finished (the result
// is rendered by the server). Without JavaScript the page offers an « Actualiser » link.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) return;
  var bar = document.getElementById("import-progress-bar");
  var text = document.getElementById("import-progress-text");
  var format = new Intl.NumberFormat("fr-FR");
  function poll() {
    fetch(box.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (state.finished) { window.location.reload(); return; }
        bar.value = state.percent;
        bar.textContent = state.percent + " %";
        text.textContent = state.total
          ? format.format(state.done) + " lignes lues sur " + format.format(state.total) + " (" + state.percent + " %)"
          : state.status_label.charAt(0).toUpperCase() + state.status_label.slice(1);
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
