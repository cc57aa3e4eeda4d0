// The site's own video player reporting: sends each milestone (0, 25, 50, 75, 100 %) once, to our API,
// so the club counts how far members watch without any third-party tracker. The furthest milestone the
// server already knows is skipped. When the video is complete the points are shown.
(function () {
  "use strict";
  var video = document.getElementById("content-video");
  if (!video || !window.fetch) return;
  var url = video.getAttribute("data-progress-url");
  var sent = parseInt(video.getAttribute("data-furthest") || "0", 10) || 0;
  var started = sent > 0;
  var status = document.getElementById("video-progress");
  var outcome = document.getElementById("video-outcome");

  function csrf() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function send(milestone) {
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ milestone: milestone })
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (!data || !outcome || milestone !== 100) return;
      var text = outcome.getAttribute("data-done");
      if (data.points > 0) {
        text += " " + outcome.getAttribute("data-paid")
          .replace("%(points)s", data.points).replace("%(balance)s", data.balance);
      }
      outcome.textContent = text;
      outcome.hidden = false;
      if (status) status.hidden = true;
    }).catch(function () { /* a lost event is sent again at the next milestone or visit */ });
  }

  function reach(milestone) {
    if (milestone <= sent && (milestone > 0 || started)) return;
    if (milestone === 0) started = true; else sent = milestone;
    send(milestone);
  }

  video.addEventListener("play", function () { reach(0); });
  video.addEventListener("timeupdate", function () {
    if (!video.duration || !isFinite(video.duration)) return;
    var share = (video.currentTime / video.duration) * 100;
    [25, 50, 75].forEach(function (milestone) { if (share >= milestone) reach(milestone); });
  });
  video.addEventListener("ended", function () { reach(100); });
})();
