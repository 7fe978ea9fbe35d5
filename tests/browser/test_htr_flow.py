"""HTR output in a real Chromium: a register page from eScriptorium (its scan and its PAGE
XML, line-level) is searched by a word of its HTR text, and the letter view shows the hit
as a box over that word's place on the scan."""

from __future__ import annotations

import re

import pytest

from indexer import indexing
from indexer.ingest.reader import Reader
from tests.conftest import Env, LiveServer, app_config, need_corpus, write_letter
from webapp import create_app

pytestmark = pytest.mark.browser

WORD = "indemnité"


@pytest.fixture
def htr_server(tmp_path):
    root = need_corpus("page_xml", "timeus")
    env = Env(tmp_path)
    write_letter(env.archive.root, "a-letter", ["An earlier letter about the harbour."])
    env.build()
    reader = Reader(env.archive, ocr_cache=tmp_path / "cache" / "ocr", use_ocr=False)
    scan, xml = root / "images" / "PH 1858-2 c.jpg", root / "page" / "PH 1858-2 c.xml"
    letter = indexing.add(env.archive, env.engine, reader, [scan, xml])
    server = LiveServer(create_app(app_config(env)))
    yield letter.id, server
    server.stop()


def test_a_word_of_the_htr_text_is_found_and_boxed_on_the_scan(page, htr_server):
    letter_id, server = htr_server
    page.goto(server.url + "/")
    page.fill("#q", WORD)
    page.press("#q", "Enter")
    page.wait_for_selector("article.hit")
    assert page.locator("article.hit").count() == 1
    page.shot("search")

    page.locator("a.snippet-page").first.click()
    page.wait_for_url(re.compile(rf"/letters/{letter_id}/pages/1\?q="))
    page.wait_for_function("document.querySelector('.viewer img').naturalWidth > 0")
    assert "PAGE XML" in page.locator("#text-heading").inner_text()
    assert page.locator(".transcript mark").first.inner_text() == WORD

    boxes = page.locator(".viewer rect.hl")
    assert boxes.count() == 1
    assert boxes.first.locator("title").text_content() == WORD
    image = page.locator(".viewer img").bounding_box()
    box = boxes.first.bounding_box()
    assert box is not None and box["width"] > 5 and box["height"] > 5
    # The box lies on the scan: in the transcribed right-hand page of the opening
    # (x 1530-3800 of 4608 pixels), on its first line (y 309-473 of 3072).
    left = (box["x"] - image["x"]) / image["width"]
    top = (box["y"] - image["y"]) / image["height"]
    right = (box["x"] + box["width"] - image["x"]) / image["width"]
    assert 1530 / 4608 < left < right < 3800 / 4608
    assert 300 / 3072 < top < 480 / 3072
    page.shot("letter-with-box")
