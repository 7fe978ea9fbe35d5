"""Security headers on every response, and pages the Content-Security-Policy leaves whole.

Every GET route of the URL map is requested (with the sample's ids), signed in and not: each
response carries the headers, and each HTML page holds no inline script, no `on…=` handler,
no `style=` attribute and no `<style>` element — what the policy would block.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import pytest

from indexer.users import UserStore
from tests.archive_support import PASSWORD, USER, sign_in
from tests.conftest import app_config
from tests.htmlpage import Page
from webapp import create_app

PK_MOFA = "2009-02-16-pakistan-mofa"
TEMPLATES = Path(__file__).resolve().parents[1] / "webapp" / "templates"
# A value for each URL variable of the app's routes.
SAMPLE_VALUES = {
    "letter_id": PK_MOFA,
    "n": "1",
    "size": "screen",
    "ext": "bib",
    "filename": "missive.css",
    "name": "page-001.txt",
    # IIIF: an image request's parts, a page of the collection
    "region": "full",
    "rotation": "0",
    "quality": "default",
    "fmt": "jpg",
    "page": "1",
    # a cited search that does not exist: its 404 page carries the headers too
    "cite_id": "no-such-citation",
}
# Pages beyond one URL per route: marked words and boxes, histograms, errors.
EXTRA = (
    "/search?q=munitions",
    f"/letters/{PK_MOFA}/pages/1?q=cluster",
    "/search?q=%22unclosed",
    "/search?sort=up",
    "/no/such/page",
    "/letters/no-such-letter",
    "/archive/letters?q=munitions",
)


@pytest.fixture(scope="module")
def app(sample_env, tmp_path_factory):
    users = tmp_path_factory.mktemp("users") / "users.sqlite3"
    UserStore(users).add(USER, PASSWORD)
    config = app_config(sample_env) | {
        "SECRET_KEY": secrets.token_hex(8),
        "USERS_DB": str(users),
    }
    app = create_app(config)
    yield app
    app.extensions["missive.jobs"].shutdown()


def get_urls(app) -> list[str]:
    """One URL for every GET route, its variables filled from SAMPLE_VALUES, and EXTRA."""
    urls = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if "GET" not in (rule.methods or ()):
                continue
            unknown = rule.arguments - set(SAMPLE_VALUES)
            assert not unknown, f"{rule.rule}: give SAMPLE_VALUES a value for {unknown}"
            urls.append(url_for(rule.endpoint, **{a: SAMPLE_VALUES[a] for a in rule.arguments}))
    return sorted(set(urls)) + list(EXTRA)


def check_headers(url: str, response) -> None:
    h = response.headers
    policy = h.get("Content-Security-Policy", "")
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives.get("script-src") == "'self'", (url, policy)
    assert directives.get("style-src") == "'self'", (url, policy)
    assert directives.get("frame-ancestors") == "'none'", (url, policy)
    assert directives.get("object-src") == "'none'", (url, policy)
    assert "unsafe" not in policy, (url, policy)
    assert h.get("X-Content-Type-Options") == "nosniff", url
    assert h.get("X-Frame-Options") == "DENY", url
    assert h.get("Referrer-Policy") == "strict-origin-when-cross-origin", url


def inline_code(html: str) -> list[str]:
    """What in a page the policy would block: inline scripts, handlers, styles, js: URLs."""
    found = []
    for el in Page(html).elements:
        if el.tag == "script" and (not el.get("src") or el.text.strip()):
            found.append(f"inline <script> {el.text.strip()[:60]!r}")
        if el.tag == "style":
            found.append("<style> element")
        for name, value in el.attrs.items():
            if name.startswith("on"):
                found.append(f"<{el.tag} {name}=…> handler")
            if name == "style":
                found.append(f"<{el.tag} style={value!r}>")
            if name in ("href", "src", "action") and "javascript:" in value.lower():
                found.append(f"<{el.tag} {name}={value!r}>")
    return found


@pytest.mark.parametrize("signed_in", [False, True], ids=["public", "archivist"])
def test_every_get_route_has_the_security_headers_and_no_inline_code(app, signed_in):
    client = app.test_client()
    if signed_in:
        sign_in(client)
    pages = 0
    for url in get_urls(app):
        with client.get(url) as response:
            assert response.status_code < 500, (url, response.status_code)
            check_headers(url, response)
            if response.mimetype == "text/html":
                pages += 1
                html = response.get_data(as_text=True)
                assert inline_code(html) == [], url
    # Pages that matter were really rendered, not only redirects to the sign-in page.
    assert pages >= (20 if signed_in else 10)


def test_the_pages_that_matter_render_with_their_geometry_in_svg_attributes(app):
    client = app.test_client()
    letter = Page(client.get(f"/letters/{PK_MOFA}/pages/1?q=cluster").get_data(as_text=True))
    assert len(letter.all("rect", class_="hl")) == 9  # the word boxes, as SVG rects
    home = Page(client.get("/").get_data(as_text=True))
    heights = [float(b.get("height").rstrip("%")) for b in home.all("svg", class_="bar-fill")]
    assert heights and max(heights) == 100 and min(heights) < 100  # bars of different heights


def test_error_responses_carry_the_headers_too(app):
    client = app.test_client()
    for url, status in (("/no/such/page", 404), ("/api/search?page=x", 400)):
        response = client.get(url)
        assert response.status_code == status
        check_headers(url, response)
    response = client.post("/search")  # 405
    assert response.status_code == 405
    check_headers("/search", response)


def test_no_template_holds_inline_script_handlers_or_style():
    """The templates' source, for pages no test renders (e.g. a branch seldom taken)."""
    patterns = {
        "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
        "on…= handler": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
        "style= attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
        "<style> element": re.compile(r"<style[\s>]", re.I),
        "javascript: URL": re.compile(r"javascript:", re.I),
    }
    found = []
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert len(templates) > 15
    for path in templates:
        text = path.read_text(encoding="utf-8")
        found += [f"{path.name}: {what}" for what, p in patterns.items() if p.search(text)]
    assert found == []


def test_favicon_is_served_and_linked(app):
    client = app.test_client()
    with client.get("/favicon.ico") as icon:
        assert icon.status_code == 200 and icon.mimetype in (
            "image/vnd.microsoft.icon",
            "image/x-icon",
        )
        assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page = Page(client.get("/").get_data(as_text=True))
    hrefs = {link.get("href") for link in page.all("link", rel="icon")}
    assert hrefs == {"/static/favicon.svg", "/favicon.ico"}
    for href in hrefs:
        with client.get(href) as r:
            assert r.status_code == 200
