"""A researcher's path through the app in a real Chromium: search, narrow, read, cite."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def facet_count(page, facet: str, label: str) -> int:
    item = page.locator(f".facet-{facet} a.facet-value", has_text=label).first
    return int(item.locator(".count").inner_text().split()[0].replace(",", ""))


def test_search_narrow_read_and_cite(page, live_server):
    base = live_server.url
    page.goto(base + "/")
    page.shot("home")

    # Type a phrase, see highlighted snippets.
    page.fill("#q", '"cluster munitions"')
    page.press("#q", "Enter")
    page.wait_for_selector("article.hit")
    hits = page.locator("article.hit")
    assert hits.count() == 5
    marks = page.locator(".snippet-text mark")
    assert marks.count() >= 5
    assert marks.first.inner_text().lower() in ("cluster", "munitions")
    page.shot("phrase-results")

    # Toggle a country facet and see counts change.
    assert facet_count(page, "text_source", "Transcribed") == 4
    page.locator(".facet-sender_country a.facet-value", has_text="Pakistan").first.click()
    page.wait_for_url(re.compile(r"country=PK"))
    assert hits.count() == 2
    assert facet_count(page, "text_source", "Transcribed") == 2
    assert page.locator(".chip", has_text="Pakistan").count() == 1
    # Other countries stay selectable, with their own counts.
    assert facet_count(page, "sender_country", "Peru") == 1
    page.shot("country-facet")

    # Narrow the date range.
    page.locator(".chip", has_text="Pakistan").click()
    page.wait_for_url(lambda url: "country=" not in url)
    page.fill("input#from", "2009")
    page.fill("input#to", "2009-03")
    page.locator("form.range button, form.range input[type=submit]").first.click()
    page.wait_for_url(re.compile(r"from=2009.*to=2009-03|to=2009-03.*from=2009"))
    titles = [t.lower() for t in page.locator("article.hit h2").all_inner_texts()]
    assert len(titles) == 2 and all("pakistan" in t for t in titles)
    page.shot("date-range")

    # Open a hit's snippet and land on that page, image and transcript side by side.
    page.goto(base + "/search?q=%22Lima+Conference%22")
    page.locator("a.snippet-page").first.click()
    page.wait_for_url(re.compile(r"/letters/2007-04-10-peru-mfa-lima/pages/1\?q="))
    image = page.locator(".viewer img")
    transcript = page.locator(".text-pane")
    image.wait_for()
    page.wait_for_function("document.querySelector('.viewer img').naturalWidth > 0")
    ibox, tbox = image.bounding_box(), transcript.bounding_box()
    assert ibox["x"] + ibox["width"] <= tbox["x"] + 5  # image left, transcript right
    assert abs(ibox["y"] - tbox["y"]) < 200  # side by side, not stacked
    assert page.locator(".transcript mark").count() >= 2  # the term in the transcript
    assert page.locator(".viewer .hl").count() >= 2  # and boxed on the image (OCR boxes)
    page.shot("letter-page-1")

    # Go to the next page with the keyboard ("]", as the page's Keyboard panel lists).
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("]")
    page.wait_for_url(re.compile(r"/pages/2"))
    assert "Page 2 of 2" in page.locator(".pager-pos").first.inner_text()
    assert "q=" in page.url  # the search terms travel with the reader
    page.shot("letter-page-2")

    # Open the Cite panel and find the Chicago note with the permanent URL.
    page.locator("details.cite summary").click()
    note = page.locator("#cite-chicago-note")
    note.wait_for(state="visible")
    permanent = f"{base}/letters/2007-04-10-peru-mfa-lima"
    assert permanent in note.inner_text()
    assert "García Belaunde" in note.inner_text()
    assert page.locator("#cite-letter-url").input_value() == permanent
    note.scroll_into_view_if_needed()
    page.shot("cite-panel")
