// The poster's "Imprimer" button (templates/surveys/poster.html): shown only where it works.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector("[data-print]");
    if (!button || typeof window.print !== "function") return;
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
