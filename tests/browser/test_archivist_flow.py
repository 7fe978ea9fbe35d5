"""An archivist's path in a real Chromium: sign in, drop scans, watch them read, correct,
publish, sign out; then a researcher finds the letter by a phrase of its OCR text."""

from __future__ import annotations

import base64
import re

import pytest

from tests.archive_support import PASSWORD, USER, archive_env, config, page_scans
from tests.conftest import LiveServer
from webapp import create_app

pytestmark = pytest.mark.browser

PHRASE = "pelican harpsichord covenant"

DROP = """(files) => {
  const dt = new DataTransfer();
  for (const f of files) {
    const bytes = Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0));
    dt.items.add(new File([bytes], f.name, { type: "image/jpeg" }));
  }
  return dt;
}"""


@pytest.fixture
def desk_server(tmp_path):
    env = archive_env(tmp_path)
    app = create_app(config(env))
    server = LiveServer(app)
    yield env, server
    server.stop()
    app.extensions["missive.jobs"].shutdown()


def test_sign_in_upload_review_publish_and_find(page, desk_server):
    env, server = desk_server
    base = server.url

    # Sign in.
    page.goto(base + "/archive/sign-in")
    page.fill("#name", USER)
    page.fill("#password", PASSWORD)
    page.shot("sign-in")
    page.click("form.form button[type=submit]")
    page.wait_for_url(base + "/archive/")
    assert page.locator("h1").inner_text() == "Drafts"
    page.click(".desk-nav >> text=Add a letter")
    page.wait_for_url(base + "/archive/upload")

    # Drop two page scans onto the drop zone.
    scans = page_scans(PHRASE, pages=2)
    files = [
        {"name": f"letter-scan-{n}.jpg", "data": base64.b64encode(data).decode()}
        for n, data in enumerate(scans, start=1)
    ]
    transfer = page.evaluate_handle(DROP, files)
    page.dispatch_event("#dropzone", "dragenter", {"dataTransfer": transfer})
    page.dispatch_event("#dropzone", "drop", {"dataTransfer": transfer})
    listed = page.locator("#file-list li")
    assert listed.count() == 3  # two files and their total
    assert "letter-scan-1.jpg" in listed.nth(0).inner_text()
    page.shot("files-dropped")

    # Send them: the progress bar fills, then the draft is being read.
    page.click("#upload-submit")
    page.wait_for_url(re.compile(r"/archive/letters/draft-\d{8}-[0-9a-f]{6}/processing$"))
    draft = page.url.split("/")[-2]
    assert page.locator("#progress-bar").count() == 1
    assert "Reading the new letter" in page.locator("h1").inner_text()
    page.shot("reading-pages")

    # When the pages are read, the review opens with the suggested metadata.
    page.wait_for_url(base + f"/archive/letters/{draft}", timeout=120_000)
    country = page.locator("input[name='sender.country']")
    assert country.input_value() == "NO"
    assert page.locator(".form-row--suggested").count() >= 3
    assert "Oslo, 3 March 2011" in page.locator(".suggested").first.inner_text()
    page.locator("#f-sender-country").scroll_into_view_if_needed()
    page.shot("review-suggestions")

    # Correct the sender's country, publish.
    country.fill("SE")
    page.fill("#f-sender-organisation", "Embassy of Norway")
    page.click("#publish")
    page.wait_for_selector(".flash--ok")
    flash = page.locator(".flash--ok").inner_text()
    final = re.search(r"Published as (\S+)", flash).group(1)
    assert final == "2011-03-03-embassy-of-norway"
    assert page.locator("#f-sender-country").input_value() == "SE"
    page.wait_for_function("Array.from(document.images).every((i) => i.complete)")
    page.shot("published")

    # Sign out; the letter is public now.
    page.click(".sign-out button")
    page.wait_for_url(re.compile(r"/archive/sign-in"))
    assert "You are signed out" in page.locator(".flash").inner_text()
    page.goto(base + "/")
    page.fill("#q", f'"{PHRASE}"')
    page.press("#q", "Enter")
    page.wait_for_selector("article.hit")
    assert page.locator("article.hit").count() == 1
    page.shot("found-in-public-search")
    page.locator("article.hit h2 a").first.click()
    page.wait_for_url(re.compile(rf"/letters/{final}"))
    about = page.locator(".about").inner_text()
    assert "Sweden" in about
    assert page.locator(".sign-out").count() == 0
    page.shot("public-letter")
