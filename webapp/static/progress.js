// Missive: follow the reading of a new draft page by page; without it the page reloads itself.
(function () {
  "use strict";
  var root = document.getElementById("processing");
  if (!root || !window.fetch) return;
  var url = root.getAttribute("data-progress-url");
  var label = document.getElementById("progress-label");
  var bar = document.getElementById("progress-bar");
  var steps = root.querySelectorAll(".steps li");
  Array.prototype.forEach.call(root.querySelectorAll(".js-only"), function (el) { el.hidden = false; });

  function show(data) {
    var text = data.label || "Working";
    if (data.step === "ocr" && data.total) text += ": page " + data.done + " of " + data.total;
    label.textContent = data.state === "done" ? "Done." : text + "…";
    if (data.total) {
      bar.max = data.total;
      bar.value = data.done;
    }
    Array.prototype.forEach.call(steps, function (li) {
      if (li.getAttribute("data-step") === data.step) li.setAttribute("aria-current", "step");
      else li.removeAttribute("aria-current");
    });
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        show(data);
        if (data.state === "done") {
          window.location.assign(data.review_url);
        } else if (data.state === "failed") {
          window.location.reload();  // the page shows why, and offers to try again
        } else {
          window.setTimeout(poll, 700);
        }
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 300);
})();
