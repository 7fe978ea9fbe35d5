"""The letter view keeps the researcher's place, in a real Chromium: the search carried from
a result to the first page with a hit and back to the same result page, the hits in order
across pages and letters, keys that do one thing each, a visible focus on every Tab stop,
a phone layout, the image bytes a phone loads, and axe-core's WCAG 2.1 A/AA audit.

One browser context for the module (the pages are loaded again where a test needs them).
"""

from __future__ import annotations

import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image, ImageChops
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import page_errors
from tests.conftest import REPO

pytestmark = pytest.mark.browser

UK = "2008-10-10-uk-fco-miliband"  # "cluster munitions" on page 2 only
PK_MOFA = "2009-02-16-pakistan-mofa"  # on pages 1 and 2
PERU = "2007-04-10-peru-mfa-lima"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 1000}


@pytest.fixture(scope="module")
def tab(browser, live_server):
    """One page in one context for the module; requests off this machine are refused (an
    authority record's link followed by Enter is seen as a navigation, not fetched)."""
    context = browser.new_context(viewport=DESKTOP)
    context.route(
        re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort()
    )
    page = context.new_page()
    errors = page_errors(page)
    page.base = live_server.url  # type: ignore[attr-defined]
    yield page
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def open_page(page, path: str, viewport: dict = DESKTOP) -> None:
    page.set_viewport_size(viewport)
    for _attempt in range(3):
        try:
            page.goto(page.base + path)
            break
        except PlaywrightError:  # a navigation still under way (a link followed) came between
            page.wait_for_load_state("load")
    page.wait_for_load_state("load")


def state_after_enter(page) -> str | None:
    """The page's state once its handlers have run (a moment after the key), None when it
    is leaving (a link followed, a form sent)."""
    page.wait_for_timeout(150)
    try:
        return page.evaluate(_STATE)
    except PlaywrightError:
        return None


# -- the search carried ---------------------------------------------------------------------
def test_a_title_leads_to_the_first_page_with_a_hit_and_back_to_the_same_results(tab):
    search = "/search?q=cluster+munitions&-country=RU&sort=date&per_page=1&page=2"
    open_page(tab, search)
    results_url = tab.url
    tab.locator("h2.hit-title a").click()
    tab.wait_for_url(re.compile(rf"/letters/{UK}/pages/2\?"))
    # the search travels: query, exclusion, sort, page size and result page
    assert query(tab.url) == query(results_url)
    assert tab.locator(".transcript mark.hit-mark").count() > 0
    assert tab.locator(".transcript mark.hit-mark").first.is_visible()
    assert tab.input_value("#q") == "cluster munitions"
    summary = " ".join(tab.locator(".hits-summary").inner_text().split())
    assert summary.startswith("“cluster munitions”: ") and " here" in summary
    assert "letter 2 of 4" in tab.locator("a.back").inner_text()
    tab.locator("a.back").click()
    tab.wait_for_url(re.compile(r"/search\?"))
    assert urlsplit(tab.url).path == "/search" and query(tab.url) == query(results_url)
    assert tab.locator("h2.hit-title").inner_text().startswith("Foreign Secretary")


def test_next_and_previous_hit_go_through_the_page_then_on_to_other_letters(tab):
    base_q = "q=cluster+munitions&-country=RU&sort=date&per_page=1"
    open_page(tab, f"/letters/{UK}/pages/2?{base_q}&page=2")
    marks = tab.locator(".transcript mark.hit-mark")
    here = marks.count()
    assert here == int(tab.locator(".hits-summary").get_attribute("data-here"))
    for k in range(1, here + 1):
        tab.keyboard.press("n")
        assert tab.locator("mark.is-current").get_attribute("id") == f"hit-{k}"
        assert tab.url.endswith(f"#hit-{k}")
    # past the last hit of the letter: the next letter of the results, its first hit, on
    # the next result page (one letter a page here)
    tab.keyboard.press("n")
    tab.wait_for_url(re.compile(rf"/letters/{PK_MOFA}/pages/1\?"))
    assert query(tab.url)["page"] == ["3"]
    tab.locator("mark.is-current").wait_for()
    assert tab.locator("mark.is-current").get_attribute("id") == "hit-1"
    # and back: Shift+N before the first hit is the previous letter's last hit
    tab.keyboard.press("Shift+N")
    tab.wait_for_url(re.compile(rf"/letters/{UK}/pages/2\?"))
    assert query(tab.url)["page"] == ["2"]
    tab.locator("mark.is-current").wait_for()
    assert tab.locator("mark.is-current").get_attribute("id") == f"hit-{here}"


# -- keys -----------------------------------------------------------------------------------
def test_arrows_pan_the_zoomed_image_and_brackets_turn_pages(tab):
    open_page(tab, f"/letters/{PK_MOFA}/pages/1?q=munitions")
    viewport = tab.locator("#viewport")
    viewport.focus()
    url = tab.url
    transform = "document.querySelector('.canvas').style.transform"
    tab.keyboard.press("Enter")  # Enter zooms to twice the size
    assert tab.locator(".zoom-level").inner_text() == "200%"
    before = tab.evaluate(transform)
    tab.keyboard.press("ArrowRight")
    tab.keyboard.press("ArrowDown")
    after = tab.evaluate(transform)
    assert after != before and "scale(2)" in after
    assert tab.url == url  # the arrows moved the image, not the page
    tab.keyboard.press("Enter")
    assert tab.locator(".zoom-level").inner_text() == "100%"
    # Typing "]" in a field types it
    tab.locator("#within-q").fill("")
    tab.locator("#within-q").press("]")
    assert tab.input_value("#within-q") == "]" and tab.url == url
    # Elsewhere "]" is the next page, with the search kept
    tab.locator("h1").click()
    tab.keyboard.press("]")
    tab.wait_for_url(re.compile(rf"/letters/{PK_MOFA}/pages/2\?q=munitions"))
    # "?" opens the list of keys, Escape closes it
    tab.keyboard.press("?")
    assert tab.locator("#keys").get_attribute("open") is not None
    assert tab.locator(".keys-body").is_visible()
    assert "next / previous hit" in tab.locator(".keys-body").inner_text()
    tab.keyboard.press("Escape")
    assert tab.locator("#keys").get_attribute("open") is None


# -- Tab stops ------------------------------------------------------------------------------
_WHERE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const path = [];
  for (let e = el; e && e !== document.body; e = e.parentElement) {
    let i = 1;
    for (let s = e.previousElementSibling; s; s = s.previousElementSibling)
      if (s.tagName === e.tagName) i++;
    path.unshift(e.tagName.toLowerCase() + ':nth-of-type(' + i + ')');
  }
  const r = el.getBoundingClientRect();
  return {path: 'body > ' + path.join(' > '), x: r.x, y: r.y, w: r.width, h: r.height,
          cls: el.className || '', tag: el.tagName,
          part: ((el.parentElement && el.parentElement.closest('[class]')) || {}).className || '',
          text: (el.innerText || el.value || '').slice(0, 40)};
}"""

# What Enter could change: the URL, the scroll, open panels, pressed buttons, the zoom,
# the focus, a form's complaint about an empty field.
_STATE = """() => [location.href, Math.round(scrollY),
  [...document.querySelectorAll('details')].map(d => d.open).join(),
  [...document.querySelectorAll('[aria-pressed]')].map(b => b.getAttribute('aria-pressed')).join(),
  (document.querySelector('.canvas') || {style: {}}).style.transform,
  document.activeElement && document.activeElement.outerHTML.slice(0, 80),
  window.__invalid || 0].join('|')"""


def enter_does_something(context, url: str, selector: str) -> bool:
    """Whether Enter on the element changes anything: a page of its own for each element,
    so a link followed or a form sent leaves the next one's page alone."""
    page = context.new_page()
    try:
        navigations: list[str] = []

        def leave(route) -> None:  # a page to load: seen, and stopped (the page stays)
            if route.request.is_navigation_request():
                navigations.append(route.request.url)
                route.abort()
            else:
                route.continue_()

        page.goto(url)
        page.route("**/*", leave)
        page.evaluate(
            "document.addEventListener('invalid', () => "
            "{ window.__invalid = (window.__invalid || 0) + 1; }, true)"
        )
        page.evaluate(f"document.querySelector({selector!r}).focus()")
        before = page.evaluate(_STATE)
        page.keyboard.press("Enter")
        after = state_after_enter(page)
        return after is None or bool(navigations) or after != before
    finally:
        page.close()


def _shot(page, box) -> Image.Image:
    vw, vh = page.viewport_size["width"], page.viewport_size["height"]
    x, y = max(0, box["x"] - 7), max(0, box["y"] - 7)
    w = min(vw - x, box["w"] + 14)
    h = min(vh - y, box["h"] + 14)
    clip = {"x": x, "y": y, "width": max(1, w), "height": max(1, h)}
    return Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("RGB")


def _changed(a: Image.Image, b: Image.Image) -> int:
    diff = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v > 40 else 0)
    return diff.histogram()[255]  # the pixels that changed clearly


def test_every_tab_stop_shows_its_focus_and_does_something_on_enter(tab, output_dir):
    path = f"/letters/{PK_MOFA}/pages/1?q=cluster+munitions"
    open_page(tab, path)
    tab.wait_for_load_state("networkidle")
    stops: list[dict] = []
    unseen: list[str] = []
    for _ in range(150):
        tab.keyboard.press("Tab")
        where = tab.evaluate(_WHERE)
        if where is None or (stops and where["path"] == stops[0]["path"]):
            break
        stops.append(where)
        focused = _shot(tab, where)
        tab.evaluate("document.activeElement.blur()")
        plain = _shot(tab, where)
        tab.evaluate(f"document.querySelector({where['path']!r}).focus()")
        if _changed(focused, plain) < 12:
            focused.save(output_dir / f"focus-unseen-{len(stops):02d}.png")
            unseen.append(f"{where['tag']}.{where['cls']} {where['text']!r}")
    assert len(stops) > 20
    assert unseen == [], f"Tab stops without a visible focus indicator: {unseen}"
    kinds = [s["cls"] for s in stops]
    assert not any("line-link" in k for k in kinds), "line numbers are out of the Tab path"
    assert not any("image-link" in k for k in kinds)
    cite = next(i for i, s in enumerate(stops) if s["text"].startswith("Cite this letter"))
    assert cite < 30, f"the Cite link is Tab stop {cite + 1}"

    # Enter, once for each kind of stop (the same element in the same part of the page: the
    # ten "line 6" links of the hit list are one kind; each has a page load of its own).
    kinds_seen: dict[tuple[str, str, str], dict] = {}
    for stop in stops:
        kinds_seen.setdefault((stop["tag"], stop["cls"], stop["part"]), stop)
    idle = [
        f"{stop['tag']}.{stop['cls']} {stop['text']!r}"
        for stop in kinds_seen.values()
        if not enter_does_something(tab.context, tab.base + path, stop["path"])
    ]
    assert idle == [], f"Tab stops where Enter does nothing: {idle}"


# -- a phone --------------------------------------------------------------------------------
def test_a_phone_reads_the_text_in_a_tab_with_the_pager_below_it(tab):
    open_page(tab, f"/letters/{PK_MOFA}/pages/1?q=munitions", PHONE)
    assert tab.locator(".pane-tabs button[aria-pressed=true]").inner_text() == "Text"
    assert tab.locator(".transcript").is_visible() and not tab.locator(".viewer").is_visible()
    end = tab.locator(".transcript").bounding_box()
    pager = tab.locator(".pager--bottom").bounding_box()
    assert 0 <= pager["y"] - (end["y"] + end["height"]) < PHONE["height"]
    tab.locator(".pane-tabs button", has_text="Image").click()
    assert tab.locator(".viewer").is_visible() and not tab.locator(".transcript").is_visible()
    tab.locator(".viewer-tools button[data-zoom=in]").wait_for()
    # tap targets of the page's controls: at least 24 by 24 CSS pixels
    small = tab.evaluate("""() => [...document.querySelectorAll(
        '.pager a, .hit-nav a, .pane-tabs button, .viewer-tools button, .viewer-tools a,'
        + ' .thumbs a, .keys summary, .within-form button, .within-form input, .crumbs a')]
      .filter(e => e.offsetParent !== null)
      .map(e => [e.className || e.tagName, e.getBoundingClientRect()])
      .filter(([, r]) => r.width < 24 || r.height < 24).map(([c]) => c)""")
    assert small == []
    assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # the Keyboard panel opens on screen
    tab.locator("#keys summary").click()
    keys = tab.locator(".keys-body").bounding_box()
    assert keys["x"] >= 0 and keys["x"] + keys["width"] <= PHONE["width"]


def test_a_phone_width_letter_page_loads_under_150_kb_of_images(browser, live_server):
    # A context of its own, without a cache: the bytes are those of a first visit.
    context = browser.new_context(viewport=PHONE)
    try:
        for letter in (f"{UK}/pages/2", PK_MOFA, PERU):
            page = context.new_page()
            images: list = []
            page.on(
                "response",
                lambda r, seen=images: seen.append(r)
                if r.request.resource_type == "image"
                else None,
            )
            page.goto(f"{live_server.url}/letters/{letter}")
            page.wait_for_load_state("networkidle")
            sizes = {r.url: len(r.body()) for r in images}
            assert any("/image/medium.jpg" in url for url in sizes), sizes
            assert sum(sizes.values()) < 150_000, (letter, sizes)
            page.close()
    finally:
        context.close()


# -- axe-core -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    ["/", "/search?q=cluster+munitions", f"/letters/{PK_MOFA}/pages/1?q=cluster+munitions",
     "/search?q=zzzqqq", "/archive/sign-in"],
)
def test_axe_finds_no_wcag_21_a_or_aa_violations(tab, path):
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: `make test` installs it (npm ci)")
    open_page(tab, path)
    # Evaluated, not added as a <script>: the pages' Content-Security-Policy (script-src
    # 'self') refuses an inline script, rightly.
    tab.evaluate(AXE.read_text(encoding="utf-8"))
    found = tab.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
           .then(r => r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target).join(' ')))"""
    )
    assert found == []
