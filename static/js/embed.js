// Click-to-load for videos hosted by an allow-listed provider: nothing is requested from the provider until
// the member presses the button; then its privacy-enhanced player replaces the placeholder.
(function () {
  "use strict";
  document.querySelectorAll(".embed-placeholder").forEach(function (box) {
    var button = box.querySelector("button");
    if (!button) return;
    button.addEventListener("click", function () {
      var frame = document.createElement("iframe");
      frame.src = box.getAttribute("data-src");
      frame.title = box.getAttribute("data-title") || "";
      frame.allow = "autoplay; fullscreen; picture-in-picture";
      frame.setAttribute("allowfullscreen", "");
      frame.className = "embed-frame";
      box.replaceWith(frame);
      frame.focus();
    });
  });
})();
