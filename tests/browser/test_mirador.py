"""Mirador 4 (from npm, served from this machine) in Chromium opens a sample letter's IIIF
manifest from the running app, shows its pages, runs a content search and draws the hit
on the page.

The viewer's page is the test's own, served by a loopback server on another port than the
app: the manifest, images and search are read across origins, as a viewer elsewhere reads
them (CORS). Mirador draws search hits on a canvas over the page image: the selected hit
is filled yellow, the others blue, at 30 % opacity; the test reads those pixels.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.browser

MIRADOR = REPO / "node_modules" / "mirador" / "dist" / "mirador.min.js"
LETTER = "2009-02-16-pakistan-mofa"
WORD = "munitions"

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Mirador test page</title>
<style>html, body, #viewer {{ margin: 0; height: 100%; }}</style></head>
<body><div id="viewer"></div>
<script src="/mirador.min.js"></script>
<script>
window.miradorInstance = Mirador.viewer({{
  id: "viewer",
  windows: [{{ manifestId: {manifest} }}],
  window: {{ allowClose: false, sideBarOpenByDefault: true, defaultSideBarPanel: "search" }},
  workspaceControlPanel: {{ enabled: false }},
  osdConfig: {{ crossOriginPolicy: "Anonymous" }},  // tiles read with CORS, not tainted
}});
</script></body></html>
"""

# The overlay canvas's filled pixels: the box of each colour (yellow: the selected hit).
READ_HITS = """() => {
  const found = {yellow: null, blue: null, size: null};
  for (const canvas of document.querySelectorAll('.openseadragon-canvas canvas')) {
    const ctx = canvas.getContext('2d', {willReadFrequently: true});
    if (!ctx || !canvas.width) continue;
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const boxes = {};
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b, a] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
      if (a < 40 || a > 120) continue;  // the hits' 30 % fill, not the page's opaque tiles
      const yellow = r > 200 && g > 200 && b < 60, blue = r < 60 && g > 150 && b > 200;
      const colour = yellow ? 'yellow' : (blue ? 'blue' : null);
      if (!colour) continue;
      const x = (i / 4) % canvas.width, y = Math.floor(i / 4 / canvas.width);
      const box = boxes[colour] || (boxes[colour] = {x0: x, y0: y, x1: x, y1: y, n: 0});
      box.x0 = Math.min(box.x0, x); box.x1 = Math.max(box.x1, x);
      box.y0 = Math.min(box.y0, y); box.y1 = Math.max(box.y1, y); box.n += 1;
    }
    if (boxes.yellow) {
      found.yellow = boxes.yellow; found.blue = boxes.blue || null;
      found.size = [canvas.width, canvas.height];
    }
  }
  return found;
}"""


class _Handler(BaseHTTPRequestHandler):
    page = b""

    def do_GET(self):  # noqa: N802 (http.server's name)
        path = urlsplit(self.path).path
        if path == "/":
            body, kind = self.page, "text/html; charset=utf-8"
        elif path == "/mirador.min.js":
            body, kind = MIRADOR.read_bytes(), "text/javascript"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def viewer_page(live_server):
    """The test page with Mirador, on a loopback server of its own (stopped after)."""
    if not MIRADOR.exists():
        pytest.fail(f"{MIRADOR} is missing: `make test` installs it with npm ci")
    manifest = f"{live_server.url}/iiif/{LETTER}/manifest"
    handler = type(
        "Handler",
        (_Handler,),
        {"page": PAGE.format(manifest=json.dumps(manifest)).encode()},
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_mirador_shows_the_letter_and_draws_the_content_search_hit(page, viewer_page, live_server):
    search = json.loads(live_server.get(f"/iiif/{LETTER}/search/1?q={WORD}")[2])
    first = search["resources"][0]
    x, y, w, h = (int(v) for v in first["on"].split("#xywh=")[1].split(","))

    page.goto(viewer_page)
    # The letter: its title, and its two pages as thumbnails.
    page.wait_for_selector("text=Ministry of Foreign Affairs of Pakistan", timeout=20000)
    page.shot("letter")
    # A content search from the search panel lists the letter's hits.
    box = (
        page.get_by_role("combobox").or_(page.locator("input[type=search], input[type=text]")).first
    )
    box.fill(WORD)
    box.press("Enter")
    page.wait_for_selector(f"text=1 of {search['within']['total']}", timeout=20000)
    # Each hit is an item of the panel's list, its match in <strong> (the selected one an
    # <li>, the others buttons).
    hits = page.locator("ul > *", has=page.locator("strong", has_text=re.compile(WORD, re.I)))
    assert hits.count() == search["within"]["total"] == 10
    # The first lists our hit: its page, the words before it (Mirador cuts them), its match.
    hit = search["hits"][0]
    listed = " ".join(hits.first.inner_text().split())
    assert listed.startswith("1 p. 1 ")
    assert f"{hit['before'].split()[-1]} {hit['match']}" in listed, (listed, hit)

    # Mirador selected the first hit: the annotation of our response, its box as we gave it.
    state = page.evaluate(
        """() => {
          const s = window.miradorInstance.store.getState();
          const w = Object.values(s.searches)[0];
          const search = Object.values(w)[0];
          return {selected: search.selectedContentSearchAnnotationIds,
                  on: Object.values(search.data)[0].json.resources[0].on};
        }"""
    )
    assert state["selected"] == [first["@id"]]
    assert state["on"].endswith(f"#xywh={x},{y},{w},{h}")

    # The hit is drawn: a yellow box of the word's proportions over the page image.
    page.wait_for_function(f"({READ_HITS})().yellow !== null", timeout=20000)
    drawn = page.evaluate(f"({READ_HITS})()")
    page.shot("content-search-hit")
    yellow = drawn["yellow"]
    width, height = yellow["x1"] - yellow["x0"] + 1, yellow["y1"] - yellow["y0"] + 1
    assert width > 10 and height > 2, drawn
    assert abs((width / height) / (w / h) - 1) < 0.25, (drawn, (x, y, w, h))
    assert yellow["n"] > 0.8 * width * height  # a filled box, not scattered pixels
    # The other hits of the page, blue, stand where their boxes say relative to the first:
    # the union of their boxes, mapped by the first box's scale and place, is the blue one.
    others = [
        tuple(int(v) for v in r["on"].split("#xywh=")[1].split(","))
        for r in search["resources"][1:]
        if r["on"].split("#")[0] == first["on"].split("#")[0]
    ]
    assert drawn["blue"] is not None and others
    scale = width / w
    expected = (
        min(o[0] for o in others),
        min(o[1] for o in others),
        max(o[0] + o[2] for o in others),
        max(o[1] + o[3] for o in others),
    )
    blue = drawn["blue"]
    seen = (blue["x0"], blue["y0"], blue["x1"] + 1, blue["y1"] + 1)
    origin = (yellow["x0"] - x * scale, yellow["y0"] - y * scale)
    for i, value in enumerate(expected):
        predicted = origin[i % 2] + value * scale
        assert abs(seen[i] - predicted) < 6, (i, seen, expected, scale, origin)


def test_a_passage_drawn_on_the_page_gets_its_permanent_link(page, live_server):
    page.goto(f"{live_server.url}/letters/{LETTER}/pages/1")
    page.locator("details.cite summary").click()
    start = page.locator("button.cite-passage-start")
    start.click()
    assert start.get_attribute("aria-pressed") == "true"
    image = page.locator(".viewport .canvas img")
    image.scroll_into_view_if_needed()
    bounds = image.bounding_box()
    scale = 1654 / bounds["width"]  # the page image's pixels per screen pixel
    x0, y0 = bounds["x"] + 100, bounds["y"] + 150
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + 60, y0 + 20, steps=4)
    page.mouse.move(x0 + 120, y0 + 40, steps=4)
    page.mouse.up()
    page.wait_for_url(re.compile(r"\?region=\d+,\d+,\d+,\d+#passage$"))
    region = [int(v) for v in page.url.split("region=")[1].split("#")[0].split(",")]
    expected = [100 * scale, 150 * scale, 120 * scale, 40 * scale]
    assert all(abs(a - b) <= 2 * scale for a, b in zip(region, expected, strict=True)), region
    outline = page.locator("rect.passage")
    assert outline.count() == 1 and outline.get_attribute("width") == str(region[2])
    assert (
        page.locator("#cite-passage-url")
        .input_value()
        .endswith(f"/letters/{LETTER}/pages/1?region={','.join(map(str, region))}")
    )
    page.locator("rect.passage").scroll_into_view_if_needed()
    page.shot("passage")
