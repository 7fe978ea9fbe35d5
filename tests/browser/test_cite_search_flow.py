"""Citing a search in a real Chromium: "Cite this search" on the results page, the
citation with its short URL, the cited page's frozen list, and its "Changed since" once
a letter it found is withdrawn."""

from __future__ import annotations

import re
import shutil

import pytest

from indexer.archive import lifecycle
from tests.conftest import SAMPLE, Env, serve

pytestmark = pytest.mark.browser

GONE = "2009-08-18-russia-embassy-wellington"


@pytest.fixture
def cite_server(tmp_path, sample_env):
    shutil.copytree(SAMPLE, tmp_path / "archive")
    shutil.copytree(sample_env.root / "cache", tmp_path / "cache")  # OCR made once
    env = Env(tmp_path)
    for server in serve(env):
        yield env, server


def test_cite_a_search_open_it_and_see_what_changed(page, cite_server):
    env, server = cite_server
    page.goto(server.url + "/search?q=oslo")
    page.wait_for_selector("article.hit")
    found = page.locator("article.hit").count()
    page.get_by_role("button", name="Cite this search").click()
    page.wait_for_url(re.compile(r"/cite/s/[a-z2-7]{10}\?cited=1$"))
    text = page.locator("#cited-text").inner_text()
    url = page.locator("a.cited-url").get_attribute("href")
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/cite/s/[a-z2-7]{10}", url), url
    assert text.startswith("Search for “oslo” in Missive, ") and text.endswith(url)
    assert f"{found} letters" in text or (found == 1 and "1 letter," in text)
    page.shot("citation")

    # The archive changes: a letter the search found is withdrawn.
    lifecycle.set_status(env.archive, GONE, "withdrawn", by="test", reason="a duplicate copy")
    with env.engine.write_lock(), env.engine.writer() as w:
        w.replace(env.reader.read(GONE))

    page.locator("a.cited-url").click()
    page.wait_for_selector("#cited-letters")
    assert page.locator("#cited-letters li").count() == found  # the list as found then
    assert page.locator("#cited-letters li", has_text="Russian Federation").count() == 1
    since = page.locator("#changed-since")
    assert "Withdrawn since (1)" in since.inner_text()
    assert "a duplicate copy" in since.inner_text()
    assert "yes" in page.locator("#reproducible").inner_text()
    page.shot("cited-page")
