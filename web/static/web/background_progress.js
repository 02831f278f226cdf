// Follows a background run (a project import, an open-data release, an indicators report): each
// element with `data-progress-url` is polled; its <progress data-progress-bar> and its
// [data-progress-text] follow, and the page reloads once the run is finished (the server renders
// the result). The sentence comes from the page, in French: `data-progress-template` with
// {done}, {total} and {percent}. Without JavaScript the page offers an « Actualiser » link.
(function () {
  "use strict";
  var format = new Intl.NumberFormat("fr-FR");

  function capitalise(text) {
    return text ? text.charAt(0).toUpperCase() + text.slice(1) : "";
  }

  function follow(box) {
    var bar = box.querySelector("[data-progress-bar]");
    var text = box.querySelector("[data-progress-text]");
    var template = box.dataset.progressTemplate || "";
    function poll() {
      fetch(box.dataset.progressUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (state) {
          if (state.finished) { window.location.reload(); return; }
          if (bar) {
            bar.value = state.percent;
            bar.textContent = state.percent + " %";
          }
          if (text) {
            text.textContent = state.total && template
              ? template
                  .replace("{done}", format.format(state.done))
                  .replace("{total}", format.format(state.total))
                  .replace("{percent}", state.percent)
              : capitalise(state.status_label);
          }
          window.setTimeout(poll, 1000);
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    window.setTimeout(poll, 500);
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-progress-url]"), follow);
})();
