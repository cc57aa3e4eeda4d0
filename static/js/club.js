// Small progressive enhancements; every page works without JavaScript.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    // A form sent back with errors: move focus to its summary so it is heard and seen.
    var summary = document.querySelector("[data-autofocus]");
    if (summary) summary.focus();

    var toggle = document.querySelector(".nav-toggle");
    var nav = document.getElementById("site-nav");
    if (!toggle || !nav) return;
    function setOpen(open) {
      toggle.setAttribute("aria-expanded", String(open));
      nav.setAttribute("data-collapsed", String(!open));
    }
    setOpen(false);
    toggle.addEventListener("click", function () {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        toggle.focus();
      }
    });
  });
})();

// "Mon club", the card and the open vouchers stay readable offline (templates/offline/sw.js).
(function () {
  "use strict";
  var script = document.body && document.body.getAttribute("data-service-worker");
  if ("serviceWorker" in navigator && script) {
    navigator.serviceWorker.register(script, { scope: "/" }).catch(function () {});
  }
  function showOffline() {
    var note = document.querySelector("[data-offline-note]");
    if (note) note.hidden = navigator.onLine;
  }
  document.addEventListener("DOMContentLoaded", function () {
    showOffline();
    // Logging out forgets what this device kept.
    document.querySelectorAll('form[action$="/logout/"]').forEach(function (form) {
      form.addEventListener("submit", function () {
        if (window.caches) window.caches.delete("club-offline-v1");
      });
    });
  });
  window.addEventListener("online", showOffline);
  window.addEventListener("offline", showOffline);
})();
