// Desk pages: scan a QR code with the device camera where the browser can
// (BarcodeDetector); elsewhere the field still takes a typed or USB-scanned code.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector("[data-scan-target]");
    if (!button || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
    var input = document.getElementById(button.getAttribute("data-scan-target"));
    var video = document.querySelector("[data-scan-video]");
    button.hidden = false;
    button.addEventListener("click", function () {
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        video.play();
        function stop() {
          stream.getTracks().forEach(function (track) { track.stop(); });
          video.hidden = true;
        }
        function look() {
          detector.detect(video).then(function (codes) {
            if (codes.length) {
              stop();
              input.value = codes[0].rawValue;
              input.form.submit();
            } else {
              window.requestAnimationFrame(look);
            }
          }).catch(stop);
        }
        look();
      }).catch(function () { button.hidden = true; });
    });
  });
})();
