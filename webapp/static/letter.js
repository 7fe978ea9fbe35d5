/* Missive letter view: zoom and pan the page image, keyboard page navigation, copy buttons.
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
    // Past the screen image's resolution, show the full scan.
    var full = this.viewport.getAttribute("data-full");
    var needed = this.baseW * this.scale * (window.devicePixelRatio || 1);
    if (!this.swapped && full && needed > 1500) {
      this.swapped = true;
      var hi = new Image();
      var img = this.img;
      hi.onload = function () { img.src = full; };
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
    // A drag must not follow the image's link to the full size file.
    vp.addEventListener("click", function (e) {
      if (e.target.closest("a.image-link")) e.preventDefault();
    });

    vp.addEventListener("keydown", function (e) {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      var k = e.key, step = 60;
      if (k === "+" || k === "=") { self.zoom(STEP); }
      else if (k === "-" || k === "_") { self.zoom(1 / STEP); }
      else if (k === "0") { self.fit(); }
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

  // Pages: ArrowLeft/ArrowRight or k/j follow rel=prev/next, unless typing or zoomed in.
  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  document.addEventListener("keydown", function (e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.shiftKey) return;
    if (typing(document.activeElement)) return;
    var rel = null;
    if (e.key === "ArrowLeft" || e.key === "k") rel = "prev";
    else if (e.key === "ArrowRight" || e.key === "j") rel = "next";
    if (!rel) return;
    var link = document.querySelector('link[rel="' + rel + '"]');
    if (link) {
      e.preventDefault();
      window.location.href = link.href;
    }
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

  // On wide screens the reader fills the window below the letter's heading.
  var reader = document.querySelector(".reader");
  function sizeReader() {
    if (!reader) return;
    if (window.matchMedia("(max-width: 60rem)").matches) {
      reader.style.removeProperty("--reader-h");
      return;
    }
    var top = reader.getBoundingClientRect().top + window.scrollY;
    var h = window.innerHeight - Math.min(top, window.innerHeight * 0.4) - 12;
    reader.style.setProperty("--reader-h", Math.round(h) + "px");
  }
  sizeReader();
  window.addEventListener("resize", sizeReader);

  var viewport = document.querySelector(".viewport");
  if (viewport && viewport.querySelector(".canvas img")) new Viewer(viewport);
})();
