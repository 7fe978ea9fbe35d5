/* Missive letter view: zoom and pan the page image, the keys listed in its "Keyboard" panel
   (pages, hits, help), the image/text tabs of narrow screens, "Go to line", copy buttons.
   Everything here is an enhancement: without JavaScript the image shows, linked to its full
   size, the pages are links and the citations are text to select. */
(function () {
  "use strict";

  var MIN = 1, MAX = 8, STEP = 1.25;

  function Viewer(viewport) {
    this.viewport = viewport;
    this.canvas = viewport.querySelector(".canvas");
    this.img = this.canvas.querySelector("img");
    this.level = document.querySelector(".zoom-level");
    this.scale = 1;
    this.x = 0;
    this.y = 0;
    this.baseW = 0;
    this.baseH = 0;
    this.swapped = false;
    // The image's width and height attributes hold the scan's size.
    var w = parseFloat(this.img.getAttribute("width")), h = parseFloat(this.img.getAttribute("height"));
    this.ratio = w / h || 0.707;
    viewport.classList.add("is-zoomable");
    this.bind();
    this.fit();
  }

  Viewer.prototype.fit = function () {
    var vw = this.viewport.clientWidth, vh = this.viewport.clientHeight;
    // The whole page in view: as wide as the pane allows, no taller than it.
    var w = Math.min(vw, vh * this.ratio);
    this.baseW = w;
    this.baseH = w / this.ratio;
    this.canvas.style.width = this.baseW + "px";
    this.canvas.style.height = this.baseH + "px";
    this.scale = 1;
    this.x = (vw - this.baseW) / 2;
    this.y = Math.max(0, (vh - this.baseH) / 2);
    this.apply();
  };

  Viewer.prototype.clamp = function () {
    var vw = this.viewport.clientWidth, vh = this.viewport.clientHeight;
    var w = this.baseW * this.scale, h = this.baseH * this.scale;
    this.x = w <= vw ? (vw - w) / 2 : Math.min(0, Math.max(vw - w, this.x));
    this.y = h <= vh ? (vh - h) / 2 : Math.min(0, Math.max(vh - h, this.y));
  };

  Viewer.prototype.apply = function () {
    this.clamp();
    this.canvas.style.transform =
      "translate(" + this.x + "px," + this.y + "px) scale(" + this.scale + ")";
    if (this.level) this.level.textContent = Math.round(this.scale * 100) + "%";
    this.viewport.classList.toggle("is-zoomed", this.scale > 1);
    // A button that can do nothing is no Tab stop; the focus it held moves to the image.
    var scale = this.scale, vp = this.viewport;
    document.querySelectorAll("[data-zoom]").forEach(function (button) {
      var what = button.getAttribute("data-zoom");
      var idle = what === "in" ? scale >= MAX : scale <= MIN;
      if (idle && document.activeElement === button) vp.focus();
      button.disabled = idle;
    });
    // Past the screen image's resolution, show the full scan.
    var full = this.viewport.getAttribute("data-full");
    var needed = this.baseW * this.scale * (window.devicePixelRatio || 1);
    if (!this.swapped && full && needed > 1500) {
      this.swapped = true;
      var hi = new Image();
      var img = this.img;
      // srcset would otherwise keep choosing the screen-sized image over src.
      hi.onload = function () { img.removeAttribute("srcset"); img.src = full; };
      hi.src = full;
    }
  };

  // Zoom by `factor` keeping the point (px, py) of the viewport where it is.
  Viewer.prototype.zoom = function (factor, px, py) {
    var vw = this.viewport.clientWidth, vh = this.viewport.clientHeight;
    if (px === undefined) { px = vw / 2; py = vh / 2; }
    var next = Math.min(MAX, Math.max(MIN, this.scale * factor));
    if (next === this.scale) return;
    this.x = px - (px - this.x) * (next / this.scale);
    this.y = py - (py - this.y) * (next / this.scale);
    this.scale = next;
    this.apply();
  };

  Viewer.prototype.pan = function (dx, dy) {
    this.x += dx;
    this.y += dy;
    this.apply();
  };

  Viewer.prototype.bind = function () {
    var self = this, vp = this.viewport, drag = null;

    vp.addEventListener("wheel", function (e) {
      var factor = Math.pow(STEP, -e.deltaY / (e.deltaMode === 1 ? 3 : 100));
      // At the fitted size, wheeling down scrolls the page on instead of zooming out.
      if (factor < 1 && self.scale <= MIN) return;
      e.preventDefault();
      var r = vp.getBoundingClientRect();
      self.zoom(factor, e.clientX - r.left, e.clientY - r.top);
    }, { passive: false });

    vp.addEventListener("dblclick", function (e) {
      var r = vp.getBoundingClientRect();
      self.zoom(e.shiftKey ? 1 / 2 : 2, e.clientX - r.left, e.clientY - r.top);
    });

    vp.addEventListener("pointerdown", function (e) {
      if (e.button !== 0) return;
      drag = { id: e.pointerId, x: e.clientX, y: e.clientY, moved: false };
      vp.setPointerCapture(e.pointerId);
      vp.classList.add("is-dragging");
    });
    vp.addEventListener("pointermove", function (e) {
      if (!drag || drag.id !== e.pointerId) return;
      var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 2) drag.moved = true;
      drag.x = e.clientX;
      drag.y = e.clientY;
      self.pan(dx, dy);
    });
    function end(e) {
      if (!drag || drag.id !== e.pointerId) return;
      vp.classList.remove("is-dragging");
      self.justDragged = drag.moved;
      drag = null;
    }
    vp.addEventListener("pointerup", end);
    vp.addEventListener("pointercancel", end);
    vp.addEventListener("keydown", function (e) {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      var k = e.key, step = 60;
      if (k === "+" || k === "=") { self.zoom(STEP); }
      else if (k === "-" || k === "_") { self.zoom(1 / STEP); }
      else if (k === "0") { self.fit(); }
      else if (k === "Enter") { if (self.scale > 1) self.fit(); else self.zoom(2); }
      else if (self.scale > 1 && k === "ArrowLeft") { self.pan(step, 0); }
      else if (self.scale > 1 && k === "ArrowRight") { self.pan(-step, 0); }
      else if (self.scale > 1 && k === "ArrowUp") { self.pan(0, step); }
      else if (self.scale > 1 && k === "ArrowDown") { self.pan(0, -step); }
      else return;
      e.preventDefault();
      e.stopPropagation();
    });

    document.querySelectorAll("[data-zoom]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var what = button.getAttribute("data-zoom");
        if (what === "in") self.zoom(STEP);
        else if (what === "out") self.zoom(1 / STEP);
        else self.fit();
      });
    });
    if (this.level) this.level.hidden = false;

    // Fit again whenever the pane changes size (window resized, layout settled).
    var size = [vp.clientWidth, vp.clientHeight];
    var refit = function () {
      var now = [vp.clientWidth, vp.clientHeight];
      if (now[0] === size[0] && now[1] === size[1]) return;
      size = now;
      self.fit();
    };
    if (window.ResizeObserver) new ResizeObserver(refit).observe(vp);
    else window.addEventListener("resize", refit);
  };

  // Keys of the page (listed in its "Keyboard" panel), one thing each: [ and ] turn the
  // page, n and N (Shift+n) go to the next and previous hit, ? opens the list. Never while
  // typing in a field, nor with Ctrl, Alt or Cmd (the browser's own keys).
  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  function follow(rel) {
    var link = document.querySelector('link[rel="' + rel + '"]');
    if (link) window.location.href = link.href;
    return !!link;
  }

  // Narrow screens: the image and the text are two tabs, not one long column (two
  // buttons, one pressed; on wide screens they are hidden and both panes show).
  var reader = document.querySelector(".reader");
  var viewerPane = document.querySelector(".viewer");
  var textPane = document.querySelector(".text-pane");
  var tabs = null;
  function showPane(which) {
    if (!tabs) return;
    tabs.querySelectorAll("button").forEach(function (tab) {
      tab.setAttribute("aria-pressed", tab.getAttribute("data-pane") === which ? "true" : "false");
    });
    reader.setAttribute("data-pane", which);
  }
  if (reader && viewerPane && textPane) {
    tabs = document.createElement("div");
    tabs.className = "pane-tabs";
    tabs.setAttribute("role", "group");
    tabs.setAttribute("aria-label", "Show the page's");
    [["image", "Image", viewerPane], ["text", "Text", textPane]].forEach(function (t) {
      t[2].id = t[2].id || "pane-" + t[0];
      var tab = document.createElement("button");
      tab.type = "button";
      tab.setAttribute("data-pane", t[0]);
      tab.setAttribute("aria-controls", t[2].id);
      tab.textContent = t[1];
      tab.addEventListener("click", function () { showPane(t[0]); });
      tabs.appendChild(tab);
    });
    reader.insertBefore(tabs, viewerPane);
    reader.classList.add("has-tabs");
    // The text first where there is some (the search's hits are marked in it).
    showPane(document.querySelector(".transcript") ? "text" : "image");
  }

  // Hits: the marks of this page in order; past the last (or before the first) the link's
  // data-beyond leads to the next page or letter with one.
  var hits = Array.prototype.slice.call(document.querySelectorAll(".transcript mark.hit-mark"));
  var current = -1;
  function showHit(i) {
    if (current >= 0 && hits[current]) hits[current].classList.remove("is-current");
    current = i;
    var mark = hits[i];
    mark.classList.add("is-current");
    showPane("text");
    mark.scrollIntoView({ block: "center" });
    if (history.replaceState) history.replaceState(null, "", "#" + mark.id);
  }
  function step(forward) {
    var link = document.querySelector(forward ? ".hit-next" : ".hit-prev");
    var next = forward ? current + 1 : (current < 0 ? hits.length - 1 : current - 1);
    if (next >= 0 && next < hits.length) { showHit(next); return true; }
    var beyond = link && link.getAttribute("data-beyond");
    if (beyond) { window.location.href = beyond; return true; }
    return false;
  }
  document.querySelectorAll(".hit-next, .hit-prev").forEach(function (link) {
    link.addEventListener("click", function (e) {
      if (step(link.classList.contains("hit-next"))) e.preventDefault();
    });
  });
  // Arriving at "#hit-3" (or "#hit-last", from the next letter's "previous hit"): that hit.
  (function () {
    var hash = window.location.hash;
    if (!/^#hit-/.test(hash) || !hits.length) return;
    var i = hash === "#hit-last" ? hits.length - 1 : hits.indexOf(document.getElementById(hash.slice(1)));
    if (i >= 0) showHit(i);
  })();
  if (/^#L\d+$/.test(window.location.hash)) showPane("text");

  var keys = document.getElementById("keys");
  document.addEventListener("keydown", function (e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "Escape" && keys && keys.open) {
      keys.open = false;
      keys.querySelector("summary").focus();
      return;
    }
    if (typing(document.activeElement)) return;
    var done = false;
    if (e.key === "[") done = follow("prev");
    else if (e.key === "]") done = follow("next");
    else if (e.key === "n" || e.key === "N") done = step(e.key === "n");
    else if (e.key === "?" && keys) {
      keys.open = !keys.open;
      keys.querySelector("summary").focus();
      done = true;
    }
    if (done) e.preventDefault();
  });

  // "Go to line": to the line's anchor without reloading the page.
  var goto = document.querySelector("form.goto-line");
  if (goto) goto.addEventListener("submit", function (e) {
    var n = parseInt(goto.querySelector("input[name=line]").value, 10);
    var line = document.getElementById("L" + n);
    if (!line) return;
    e.preventDefault();
    showPane("text");
    window.location.hash = "L" + n;
    line.querySelector(".line-link").focus();
  });

  // Copy buttons: copy an input's value or an element's text.
  var status = document.querySelector(".copied");
  function copied(button, ok) {
    var label = button.textContent;
    button.textContent = ok ? "Copied" : "Press Ctrl+C";
    if (status) status.textContent = ok ? "Copied to the clipboard" : "Select the text and copy it";
    setTimeout(function () { button.textContent = label; }, 1500);
  }
  document.querySelectorAll("button.copy").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    if (!target) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = "value" in target && target.tagName === "INPUT" ? target.value : target.textContent.trim();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(
          function () { copied(button, true); },
          function () { select(target); copied(button, false); }
        );
      } else {
        select(target);
        var ok = false;
        try { ok = document.execCommand("copy"); } catch (err) { ok = false; }
        copied(button, ok);
      }
    });
  });
  function select(el) {
    if (el.tagName === "INPUT") { el.focus(); el.select(); return; }
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  // "Cite" opens the citation panel.
  function openCite() {
    var cite = document.getElementById("cite");
    if (cite && window.location.hash === "#cite") cite.open = true;
  }
  window.addEventListener("hashchange", openCite);
  openCite();
  var jump = document.querySelector(".cite-jump");
  if (jump) jump.addEventListener("click", function () {
    var cite = document.getElementById("cite");
    if (cite) cite.open = true;
  });

  var viewport = document.querySelector(".viewport");
  if (viewport && viewport.querySelector(".canvas img")) new Viewer(viewport);
})();
