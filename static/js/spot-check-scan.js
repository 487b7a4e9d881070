/* The spot check's "Scan a card": the phone's camera reads the card's QR code (jsQR, static/vendor/jsqr), the page
   posts what the code carries to the scan address with the contract chosen, and puts the verdict the server sends
   back in the page's live region; the number read is filled in the number field. Typing the number stays as it was:
   without a camera (or without this script) the button is not shown. */

var form = document.querySelector("[data-spot-check-form]");
var start = form && form.querySelector("[data-scan-start]");
var canScan = start && window.jsQR && navigator.mediaDevices && navigator.mediaDevices.getUserMedia;

if (canScan) {
  var panel = form.querySelector("[data-scan]");
  var video = form.querySelector("[data-scan-video]");
  var stop = form.querySelector("[data-scan-stop]");
  var result = document.querySelector("[data-spot-check-result]");
  var numberField = form.querySelector("input[name=number]");
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var stream = null;
  var timer = null;
  var busy = false;

  var warning = function (text) {
    var box = document.createElement("div");
    box.className = "govuk-warning-text";
    box.setAttribute("data-scan-error", "");
    var icon = document.createElement("span");
    icon.className = "govuk-warning-text__icon";
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = "!";
    var strong = document.createElement("strong");
    strong.className = "govuk-warning-text__text";
    strong.textContent = text;
    box.append(icon, strong);
    result.replaceChildren(box);
  };

  var stopCamera = function () {
    if (timer) { window.clearTimeout(timer); timer = null; }
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); stream = null; }
    video.srcObject = null;
    panel.hidden = true;
    start.hidden = false;
  };

  var send = function (code) {
    busy = true;
    var data = new FormData(form);
    data.delete("number");
    data.append("code", code);
    return fetch(form.getAttribute("data-scan-url"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        // 200 is a verdict, 400 a reason; anything else (signed out, no longer allowed) is not a fragment to show.
        if (response.redirected || (response.status !== 200 && response.status !== 400)) {
          throw new Error("not a verdict");
        }
        return response.text();
      })
      .then(function (html) {
        result.innerHTML = html;
        var answer = result.querySelector("[data-number]");
        if (answer) { numberField.value = answer.getAttribute("data-number"); }
        var heading = result.querySelector("h2");
        if (heading) { heading.focus(); } else { start.focus(); }
      })
      .catch(function () {
        warning("The card could not be checked: type the number and choose Check the card, or reload the page.");
        start.focus();
      })
      .finally(function () { busy = false; });
  };

  var look = function () {
    timer = null;
    if (!stream) { return; }
    if (video.readyState >= video.HAVE_CURRENT_DATA && video.videoWidth) {
      // Read at most 640 pixels wide: enough for a card held in front of the camera, and quick on a phone.
      var scale = Math.min(1, 640 / video.videoWidth);
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      if (code && code.data && !busy) {
        stopCamera();
        send(code.data);
        return;
      }
    }
    timer = window.setTimeout(look, 120);
  };

  start.hidden = false;
  start.addEventListener("click", function () {
    start.hidden = true;
    panel.hidden = false;
    result.replaceChildren();
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        return video.play();
      })
      .then(function () { stop.focus(); look(); })
      .catch(function () {
        stopCamera();
        warning("The camera could not be opened: allow this page to use the camera, or type the card number.");
        numberField.focus();
      });
  });
  stop.addEventListener("click", function () {
    stopCamera();
    start.focus();
  });
  window.addEventListener("pagehide", stopCamera);
}
