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
  // When this device last loaded the page with signal: what the offline note says (a page
  // may have been drawn earlier on the server, when its content last changed).
  var seenKey = "club-seen:" + location.pathname;
  function showOffline() {
    var note = document.querySelector("[data-offline-note]");
    if (!note) return;
    note.hidden = navigator.onLine;
    var time = note.querySelector("[data-offline-time]");
    var seen = null;
    try { seen = window.localStorage.getItem(seenKey); } catch (error) { seen = null; }
    if (!navigator.onLine && time && seen) {
      var date = new Date(seen);
      time.setAttribute("datetime", date.toISOString());
      time.textContent = new Intl.DateTimeFormat(document.documentElement.lang || "fr", {
        day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit"
      }).format(date);
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (navigator.onLine && document.querySelector("[data-offline-note]")) {
      try { window.localStorage.setItem(seenKey, new Date().toISOString()); } catch (error) { /* private mode */ }
    }
    showOffline();
    // Logging out forgets what this device kept.
    document.querySelectorAll('form[action$="/logout/"]').forEach(function (form) {
      form.addEventListener("submit", function () {
        if (window.caches) window.caches.delete("club-offline-v1");
        try {
          Object.keys(window.localStorage).forEach(function (key) {
            if (key.indexOf("club-seen:") === 0) window.localStorage.removeItem(key);
          });
        } catch (error) { /* private mode */ }
      });
    });
  });
  window.addEventListener("online", showOffline);
  window.addEventListener("offline", showOffline);
})();
