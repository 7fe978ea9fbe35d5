/* "Cite a passage of this page": a box drawn on the page image becomes the page's
   permanent URL with ?region=x,y,w,h (in the image's pixels); the page then outlines the
   passage and gives its link and its IIIF Content State. Without this script the button
   stays hidden; a region URL still works. */
(function () {
  "use strict";
  var start = document.querySelector(".cite-passage-start");
  var viewport = document.querySelector(".viewport");
  var img = viewport && viewport.querySelector(".canvas img");
  if (!start || !img) return;
  var width = Number(start.getAttribute("data-page-width"));
  var height = Number(start.getAttribute("data-page-height"));
  var svgNS = "http://www.w3.org/2000/svg";
  var selecting = false, origin = null, layer = null, rect = null;
  start.hidden = false;

  function point(e) {  // the pointer in the page image's pixels
    var r = img.getBoundingClientRect();
    var x = Math.min(Math.max((e.clientX - r.left) / r.width, 0), 1);
    var y = Math.min(Math.max((e.clientY - r.top) / r.height, 0), 1);
    return [Math.round(x * width), Math.round(y * height)];
  }
  function box(a, b) {
    return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.abs(a[0] - b[0]), Math.abs(a[1] - b[1])];
  }
  function show(b) {
    if (!layer) {
      layer = document.createElementNS(svgNS, "svg");
      layer.setAttribute("class", "passage-layer");
      layer.setAttribute("viewBox", "0 0 " + width + " " + height);
      layer.setAttribute("preserveAspectRatio", "none");
      layer.setAttribute("aria-hidden", "true");
      rect = document.createElementNS(svgNS, "rect");
      rect.setAttribute("class", "passage");
      layer.appendChild(rect);
      img.parentNode.appendChild(layer);
    }
    ["x", "y", "width", "height"].forEach(function (name, i) { rect.setAttribute(name, b[i]); });
  }
  function stop() {
    selecting = false;
    origin = null;
    viewport.classList.remove("is-selecting");
    start.setAttribute("aria-pressed", "false");
  }
  start.addEventListener("click", function () {
    selecting = !selecting;
    viewport.classList.toggle("is-selecting", selecting);
    start.setAttribute("aria-pressed", String(selecting));
    if (selecting) viewport.scrollIntoView({ block: "nearest" });
  });
  // Capture on the window: the viewer's own dragging (letter.js) never sees these.
  window.addEventListener("pointerdown", function (e) {
    if (!selecting || !viewport.contains(e.target)) return;
    e.preventDefault();
    e.stopPropagation();
    origin = point(e);
    show(box(origin, origin));
  }, true);
  window.addEventListener("pointermove", function (e) {
    if (!origin) return;
    e.preventDefault();
    e.stopPropagation();
    show(box(origin, point(e)));
  }, true);
  window.addEventListener("pointerup", function (e) {
    if (!origin) return;
    e.preventDefault();
    e.stopPropagation();
    var b = box(origin, point(e));
    stop();
    if (b[2] < 3 || b[3] < 3) return;  // a click, not a box
    window.location.href = start.getAttribute("data-page-url") + "?region=" + b.join(",") + "#passage";
  }, true);
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && selecting) stop();
  });
}());
