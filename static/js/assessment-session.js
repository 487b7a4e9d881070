/* The delegate's ECS Assessment session (templates/assessments/session/): the camera photographs of stage 1 and
   the questions of stage 2. Everything that matters is held on the server; this file only shows it and reports
   what the delegate did. Each request carries the tab's claim (X-Sitting-Claim): a newer tab's claim ends this
   one's. Switched on by data attributes; no inline script (CSP). */
(function () {
  "use strict";

  function csrf(root) {
    var input = root.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function post(root, url, data, claim) {
    var headers = {"X-CSRFToken": csrf(root), "Accept": "application/json"};
    var body = data;
    if (!(data instanceof FormData)) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(data || {});
    }
    if (claim) headers["X-Sitting-Claim"] = claim;
    return fetch(url, {method: "POST", headers: headers, body: body, credentials: "same-origin"}).then(
      function (response) {
        return response.json().then(
          function (json) { json.httpStatus = response.status; return json; },
          function () { return {httpStatus: response.status, error: "The server did not answer. Try again."}; }
        );
      },
      function () { return {httpStatus: 0, error: "The connection was lost. Check it, then try again: your answers are kept."}; }
    );
  }

  function show(element, visible) { if (element) element.hidden = !visible; }

  function say(element, text) {
    if (!element) return;
    element.textContent = text || "";
    show(element, !!text);
  }

  /* Stage 1: a photograph from the camera (getUserMedia), or an uploaded one when there is no camera. */
  function initCapture(box) {
    var root = box.closest("[data-assessment-root]") || document;
    var video = box.querySelector("video");
    var takeButton = box.querySelector("[data-capture-take]");
    var startButton = box.querySelector("[data-capture-start]");
    var upload = box.querySelector("[data-capture-upload]");
    var hint = box.querySelector("[data-capture-hint]");
    var problem = box.querySelector("[data-capture-problem]");
    var preview = box.querySelector("[data-capture-preview]");
    var stream = null;

    function useUpload(reason) {
      show(box.querySelector("[data-capture-camera]"), false);
      show(upload, true);
      say(problem, reason);
    }

    function report(result) {
      if (result.error) { say(problem, result.error); return; }
      say(problem, "");
      if (hint) {
        hint.textContent = result.hint.message;
        hint.className = "govuk-inset-text ecs-face-hint " + (result.hint.ok ? "ecs-face-hint--ok" : "ecs-face-hint--check");
        show(hint, true);
      }
      box.setAttribute("data-capture-done", "true");
      document.dispatchEvent(new CustomEvent("assessment:photo", {detail: result}));
    }

    function send(blob, name) {
      var form = new FormData();
      form.append("photo", blob, name);
      var document_ = document.querySelector("[data-id-document-choice]:checked");
      if (box.getAttribute("data-capture-kind") === "id" && document_) form.append("id_document", document_.value);
      return post(root, box.getAttribute("data-capture-url"), form).then(report);
    }

    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      useUpload("This browser cannot use a camera here. Upload a photograph instead.");
    } else if (startButton) {
      startButton.addEventListener("click", function () {
        navigator.mediaDevices.getUserMedia({video: {width: {ideal: 1280}, height: {ideal: 720}}, audio: false}).then(
          function (s) {
            stream = s;
            video.srcObject = s;
            video.play();
            show(video, true);
            show(takeButton, true);
            show(startButton, false);
            say(problem, "");
          },
          function (error) {
            var refused = error && (error.name === "NotAllowedError" || error.name === "SecurityError");
            useUpload(refused
              ? "The camera was not allowed. Upload a photograph instead, or allow the camera and reload the page."
              : "No camera could be found. Upload a photograph instead.");
          }
        );
      });
    }

    if (takeButton) {
      takeButton.addEventListener("click", function () {
        if (!stream || !video.videoWidth) { say(problem, "The camera is not ready yet. Try again in a moment."); return; }
        var canvas = document.createElement("canvas");
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        canvas.getContext("2d").drawImage(video, 0, 0);
        takeButton.disabled = true;
        if (preview) { preview.src = canvas.toDataURL("image/jpeg", 0.8); show(preview, true); }  // data: (CSP)
        canvas.toBlob(function (blob) {
          send(blob, "camera.jpg").then(function () { takeButton.disabled = false; });
        }, "image/jpeg", 0.9);
      });
    }

    if (upload) {
      upload.addEventListener("submit", function (event) {
        var file = upload.querySelector("input[type=file]").files[0];
        if (!file) return;  // the server says what is missing
        event.preventDefault();
        send(file, file.name);
      });
    }
  }

  /* Stage 2: the assessment itself. */
  function initAssessment(root) {
    var urls = {
      claim: root.getAttribute("data-claim-url"),
      state: root.getAttribute("data-state-url"),
      answer: root.getAttribute("data-answer-url"),
      move: root.getAttribute("data-move-url"),
      prompt: root.getAttribute("data-prompt-url"),
      focus: root.getAttribute("data-focus-url"),
      review: root.getAttribute("data-review-url"),
      submit: root.getAttribute("data-submit-url"),
      done: root.getAttribute("data-done-url")
    };
    var claim = null;
    var state = null;
    var deadline = 0;  // this browser's clock, from the server's seconds remaining
    var promptTimer = null;
    var pollTimer = null;
    var tickTimer = null;
    var finished = false;
    var el = function (name) { return root.querySelector("[data-" + name + "]"); };
    var problem = el("session-problem");

    function finish() {
      finished = true;
      window.clearInterval(tickTimer);
      window.clearTimeout(pollTimer);
      window.clearTimeout(promptTimer);
      window.location.assign(urls.done);
    }

    function handle(result) {
      if (result.closed) { finish(); return result; }
      if (result.error) {
        if (result.code === "closed") { finish(); return result; }  // the assessment ended meanwhile
        say(problem, result.error);
        if (result.code === "superseded") { finished = true; show(el("session-question"), false); show(el("session-review"), false); }
        return result;
      }
      say(problem, "");
      render(result);
      return result;
    }

    function call(url, data) {
      if (finished) return Promise.resolve({});
      return post(root, url, data, claim).then(handle);
    }

    function clock(seconds) {
      var m = Math.floor(seconds / 60), s = seconds % 60;
      return m + ":" + (s < 10 ? "0" : "") + s;
    }

    function tick() {
      if (finished || !state) return;
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      el("session-clock").textContent = clock(left);
      if (left === 0) { call(urls.state); }  // the server submits what was answered when the time is up
    }

    function render(s) {
      state = s;
      deadline = Date.now() + s.remaining * 1000;
      tick();
      el("session-answered").textContent = s.answered + " of " + s.total;
      var reviewing = s.stage === "review";
      show(el("session-question"), !reviewing);
      show(el("session-review"), reviewing);
      if (reviewing) renderReview(s); else renderQuestion(s.question, s.total);
      renderPrompt(s.prompt);
      window.clearTimeout(pollTimer);
      if (s.next_check !== null && s.next_check !== undefined) {
        pollTimer = window.setTimeout(function () { call(urls.state); }, Math.max(0.5, s.next_check) * 1000);
      }
    }

    function renderQuestion(q, total) {
      if (!q) return;
      el("session-position").textContent = "Question " + q.position + " of " + total;
      el("session-text").textContent = q.text;
      var list = el("session-choices");
      list.textContent = "";
      q.choices.forEach(function (choice, i) {
        var item = document.createElement("div");
        item.className = "govuk-radios__item";
        var input = document.createElement("input");
        input.className = "govuk-radios__input";
        input.type = "radio";
        input.name = "choice";
        input.id = "choice-" + choice.key;
        input.value = choice.key;
        input.checked = q.chosen === choice.key;
        input.addEventListener("change", function () { call(urls.answer, {position: q.position, choice: choice.key}); });
        var label = document.createElement("label");
        label.className = "govuk-label govuk-radios__label";
        label.htmlFor = input.id;
        label.textContent = choice.text;
        item.appendChild(input);
        item.appendChild(label);
        list.appendChild(item);
      });
      el("session-previous").disabled = q.position <= 1;
      el("session-next").textContent = q.position >= total ? "Review your answers" : "Next question";
    }

    function renderReview(s) {
      var list = el("session-review-list");
      list.textContent = "";
      s.review.forEach(function (row) {
        var item = document.createElement("div");
        item.className = "govuk-summary-list__row";
        var key = document.createElement("dt");
        key.className = "govuk-summary-list__key";
        key.textContent = row.position + ". " + row.text;
        var value = document.createElement("dd");
        value.className = "govuk-summary-list__value";
        value.textContent = row.chosen_text || "Not answered";
        var actions = document.createElement("dd");
        actions.className = "govuk-summary-list__actions";
        var change = document.createElement("button");
        change.type = "button";
        change.className = "govuk-button govuk-button--secondary ecs-button--small";
        change.textContent = "Change";
        var hidden = document.createElement("span");
        hidden.className = "govuk-visually-hidden";
        hidden.textContent = " the answer to question " + row.position;
        change.appendChild(hidden);
        change.addEventListener("click", function () { call(urls.move, {position: row.position}); });
        actions.appendChild(change);
        item.appendChild(key);
        item.appendChild(value);
        item.appendChild(actions);
        list.appendChild(item);
      });
      var unanswered = s.total - s.answered;
      say(el("session-unanswered"), unanswered ? unanswered + (unanswered === 1 ? " question is" : " questions are") + " not answered." : "");
    }

    function renderPrompt(p) {
      var box = el("session-prompt");
      window.clearTimeout(promptTimer);
      if (!p) { show(box, false); return; }
      var target = el("session-prompt-target");
      target.setAttribute("data-prompt-id", p.id);
      target.style.setProperty("--ecs-prompt-x", p.x + "%");
      target.style.setProperty("--ecs-prompt-y", p.y + "%");
      show(box, true);
      target.focus();
      // When the time to click has passed, ask the server, which records the missed prompt.
      promptTimer = window.setTimeout(function () { call(urls.state); }, (p.seconds + 0.5) * 1000);
    }

    el("session-prompt-target").addEventListener("click", function (event) {
      var id = event.currentTarget.getAttribute("data-prompt-id");
      show(el("session-prompt"), false);
      call(urls.prompt, {prompt: id});
    });
    el("session-previous").addEventListener("click", function () {
      if (state && state.question) call(urls.move, {position: state.question.position - 1});
    });
    el("session-next").addEventListener("click", function () {
      if (!state || !state.question) return;
      if (state.question.position >= state.total) call(urls.review, {});
      else call(urls.move, {position: state.question.position + 1});
    });
    el("session-submit").addEventListener("click", function (event) {
      event.currentTarget.disabled = true;  // submitted once; the server refuses a second submission too
      post(root, urls.submit, {}, claim).then(function (result) {
        if (result.closed) finish();
        else { event.currentTarget.disabled = false; handle(result); }
      });
    });

    // Leaving the tab or the window ends the assessment: the server is told at once (keepalive: the request
    // outlives the page). Reloading the page or losing the connection does not: the server resumes the sitting.
    var unloading = false;
    window.addEventListener("beforeunload", function () { unloading = true; });
    function left(what) {
      if (finished || unloading || !claim) return;
      fetch(urls.focus, {
        method: "POST",
        keepalive: true,
        credentials: "same-origin",
        headers: {"X-CSRFToken": csrf(root), "Content-Type": "application/json", "Accept": "application/json", "X-Sitting-Claim": claim},
        body: JSON.stringify({what: what})
      }).then(function (response) { return response.json(); }).then(handle, function () {});
    }
    document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") left("tab hidden"); });
    window.addEventListener("blur", function () { left("window left"); });

    post(root, urls.claim, {}).then(function (result) {
      if (result.closed) { finish(); return; }
      if (result.error) { say(problem, result.error); return; }
      claim = result.claim;
      show(el("session-loading"), false);
      show(el("session-live"), true);
      handle(result);
      tickTimer = window.setInterval(tick, 1000);
    });
  }

  /* Stage 1's continue button waits for both photographs. */
  function initVerify(root) {
    var next = root.querySelector("[data-verify-continue]");
    if (!next) return;
    var done = false;
    function update() {
      var boxes = root.querySelectorAll("[data-capture]");
      done = Array.prototype.every.call(boxes, function (b) { return b.getAttribute("data-capture-done") === "true"; });
      next.setAttribute("aria-disabled", done ? "false" : "true");
      next.classList.toggle("govuk-button--disabled", !done);
    }
    next.addEventListener("click", function (event) { if (!done) event.preventDefault(); });
    document.addEventListener("assessment:photo", update);
    update();
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-capture]"), initCapture);
  Array.prototype.forEach.call(document.querySelectorAll("[data-verify-root]"), initVerify);
  Array.prototype.forEach.call(document.querySelectorAll("[data-assessment-session]"), initAssessment);
})();
