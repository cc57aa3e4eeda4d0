// The door page (events/staff/door.html): present / booked for the session follows the other
// phones at the door. It asks the small JSON address every few seconds and rewrites the figure
// and the bar only when they change (the figure is a polite live region).
// Without JavaScript the page shows the figures of its last load.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-door-counts]");
    if (!box || !window.fetch) return;
    var url = box.getAttribute("data-door-counts");
    var every = (parseInt(box.getAttribute("data-door-refresh"), 10) || 5) * 1000;
    var text = box.querySelector("[data-door-text]");
    var bar = box.querySelector("[data-door-progress]");
    function poll() {
      if (document.hidden) {
        window.setTimeout(poll, every);
        return;
      }
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (data) {
          if (text.textContent !== data.text) text.textContent = data.text;
          bar.max = Math.max(data.booked, 1);
          bar.value = data.present;
          bar.textContent = data.present + " / " + data.booked;
          window.setTimeout(poll, every);
        })
        .catch(function () { window.setTimeout(poll, every * 3); });
    }
    window.setTimeout(poll, every);
  });
})();
