/* ccmkit web workbench: the only script (same origin, allowed by the CSP). Every page works
   without it. It does two things:
   1. after a form was refused, moves the focus to the first error message (WCAG 3.3.1);
   2. on a running job's page, updates the progress every two seconds, with a button to pause
      and resume the updates (WCAG 2.2.1), and shows the results when the job ends. */
(function () {
  "use strict";

  function focusFirstError() {
    var message = document.querySelector(".field-error, main .error[role=alert]");
    if (!message) { return; }
    if (!message.hasAttribute("tabindex")) { message.setAttribute("tabindex", "-1"); }
    message.focus();
  }

  function follow(progress) {
    var main = document.querySelector("main");
    var paused = false;
    var timer = null;
    var button = document.createElement("button");
    button.type = "button";
    button.id = "pause-updates";
    button.className = "secondary";
    var labels = { pause: progress.dataset.pause, resume: progress.dataset.resume };
    button.textContent = labels.pause;
    button.setAttribute("aria-pressed", "false");
    var hint = progress.querySelector(".auto-hint");
    if (hint) { hint.appendChild(document.createTextNode(" ")); hint.appendChild(button); }

    function schedule() { timer = window.setTimeout(update, 2000); }

    function update() {
      timer = null;
      if (paused) { return; }
      window.fetch(window.location.href, { credentials: "same-origin",
                                           headers: { "Accept": "text/html" } })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html");
          var next = fresh.querySelector("#progress");
          if (!next) { return; }
          if (next.dataset.state === "running") {
            var bar = progress.querySelector("progress");
            var freshBar = next.querySelector("progress");
            if (bar && freshBar) { bar.value = freshBar.value; bar.max = freshBar.max; }
            var status = progress.querySelector(".status-line");
            var freshStatus = next.querySelector(".status-line");
            if (status && freshStatus) { status.textContent = freshStatus.textContent; }
            if (!paused) { schedule(); }
          } else {
            var freshMain = fresh.querySelector("main");
            if (freshMain) { main.innerHTML = freshMain.innerHTML; }
          }
        })
        .catch(function () { if (!paused) { schedule(); } });
    }

    button.addEventListener("click", function () {
      paused = !paused;
      button.textContent = paused ? labels.resume : labels.pause;
      button.setAttribute("aria-pressed", paused ? "true" : "false");
      if (paused && timer !== null) { window.clearTimeout(timer); timer = null; }
      if (!paused) { update(); }
    });
    schedule();
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusFirstError();
    var progress = document.querySelector("#progress[data-state=running]");
    if (progress && window.fetch && window.DOMParser) { follow(progress); }
  });
}());
