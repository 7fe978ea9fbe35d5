// Missive: small enhancements. Every page works without this script.
(function () {
  "use strict";

  // "/" focuses the search box (unless typing in a field already).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var box = document.getElementById("q");
    if (!box) return;
    event.preventDefault();
    box.focus();
    box.select();
  });

  // On narrow screens, fold the filters away until asked for (they stay open without JS).
  var refine = document.querySelector("details.refine");
  if (refine && window.matchMedia && window.matchMedia("(max-width: 52rem)").matches) {
    refine.open = false;
  }

  // Year range: check the format before the round trip (the server checks again).
  var range = document.querySelector("form.range");
  if (range) {
    var pattern = /^\s*(\d{4}(-\d{2}(-\d{2})?)?)?\s*$/;
    range.addEventListener("submit", function (event) {
      var fields = range.querySelectorAll("input[name=from], input[name=to]");
      for (var i = 0; i < fields.length; i++) {
        var field = fields[i];
        if (!pattern.test(field.value)) {
          field.setCustomValidity("Write a year (1856), a month (1856-04) or a day (1856-04-10).");
          field.reportValidity();
          event.preventDefault();
          return;
        }
        field.setCustomValidity("");
        // Leave empty ends out of the URL.
        if (!field.value.trim()) field.disabled = true;
      }
    });
    window.addEventListener("pageshow", function () {
      var fields = range.querySelectorAll("input[name=from], input[name=to]");
      for (var i = 0; i < fields.length; i++) fields[i].disabled = false;
    });
    range.addEventListener("input", function (event) {
      if (event.target.setCustomValidity) event.target.setCustomValidity("");
    });
  }
})();
