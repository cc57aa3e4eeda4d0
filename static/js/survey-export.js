// The results page follows the XLSX file being prepared (surveys/staff/_export.html): it asks the
// progress address every few seconds, moves the bar, then shows the download link or the failure
// (and the button to prepare the file again).
// Without JavaScript the page says the same after a reload.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-export-progress]");
    if (!box || !window.fetch) return;
    var url = box.getAttribute("data-export-progress");
    var working = box.querySelector("[data-export-working]");
    var bar = box.querySelector("progress");
    var percent = box.querySelector("[data-export-percent]");
    var done = box.querySelector("[data-export-done]");
    var link = box.querySelector("[data-export-link]");
    var failed = box.querySelector("[data-export-failed]");
    var again = document.querySelector("[data-export-again]");
    function finish(block) {
      working.hidden = true;
      block.hidden = false;
      if (again) again.hidden = false;
    }
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (data) {
          bar.value = data.percent;
          bar.textContent = data.percent_text;
          percent.textContent = data.percent_text;
          if (data.status === "done" && data.download_url) {
            link.href = data.download_url;
            finish(done);
          } else if (data.status === "failed") {
            finish(failed);
          } else {
            window.setTimeout(poll, 1500);
          }
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, 1000);
  });
})();
