"""The HTML search pages over real HTTP: home, results, facets, chips, paging, errors.

Links are not rebuilt here: each test reads them from the page, follows them like a
browser would, and checks what the next page says.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from PIL import Image

from indexer.ingest.reader import Reader
from indexer.search import SearchRequest
from tests.conftest import Env, LiveServer, app_config, write_letter
from tests.htmlpage import Element, Page
from webapp import create_app

PK_MOFA = "2009-02-16-pakistan-mofa"
PERU = "2007-04-10-peru-mfa-lima"  # the sample's OCR-only letter


# -- reading pages -----------------------------------------------------------------------
def fetch(server: LiveServer, path: str, status: int = 200) -> Page:
    got, headers, body = server.get(path)
    assert got == status, (path, got, body[:500])
    assert headers["Content-Type"].startswith("text/html")
    return Page(body)


def facet_links(page: Page, name: str) -> dict[str, Element]:
    """A facet's value links by label, read from the facet's section."""
    html = page.html
    start = html.index(f'id="facet-{name}"')
    end = html.index("</section>", start)
    section = Page(html[start - 200 : end])
    return {_label(a): a for a in section.find("a", class_="facet-value")}


def _label(a: Element) -> str:
    # the link text is "Label 2 letters..." ; the label is what stands before the count
    words = " ".join(a.text.split())
    return re.split(r" \d[\d,]* letters?", words)[0]


def total(page: Page) -> int:
    m = re.search(r"([\d,]+) letters?", page.one("p", class_="total").text)
    return int(m.group(1).replace(",", ""))


def params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


# -- the home page -------------------------------------------------------------------------
def test_home_shows_what_the_collection_holds(live_server):
    page = fetch(live_server, "/")
    figures = {
        dt.text.strip(): dd.text.strip()
        for dt, dd in zip(page.find("dt"), page.find("dd"), strict=True)
    }
    assert figures == {"Letters": "5", "Pages": "9", "Dates": "2007–2009"}
    assert "4 letters transcribed" in page.text
    assert "1 read by OCR only" in page.text
    assert "0 image only" in page.text
    assert page.one("input", id="q").get("name") == "q"


def test_home_year_histogram_bars_link_to_that_year(live_server):
    page = fetch(live_server, "/")
    bars = {a.get("title"): a.get("href") for a in page.elements if a.tag == "a" and a.get("title")}
    assert bars["2009: 3 letters"] == "/search?year=2009"
    assert bars["2007: 1 letter"] == "/search?year=2007"
    assert "2009: 3 letters" in page.text  # the accessible text, not only a tooltip
    followed = fetch(live_server, bars["2009: 3 letters"])
    assert total(followed) == 3
    assert all(h.startswith("2009-") for h in followed.hit_ids())


def test_home_lists_sender_countries_with_counts_and_links(live_server):
    page = fetch(live_server, "/")
    countries = {
        _label(a): (a.get("href"), " ".join(a.text.split()))
        for a in page.elements
        if a.tag == "a" and (a.get("href") or "").startswith("/search?country=")
    }
    assert set(countries) == {"Pakistan", "Peru", "Russia", "United Kingdom"}
    href, text = countries["Pakistan"]
    assert href == "/search?country=PK" and "2 letters" in text
    assert sorted(fetch(live_server, href).hit_ids()) == [
        PK_MOFA,
        "2009-02-24-pakistan-embassy-washington",
    ]


# -- every page ------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/", "/search", "/search?q=munitions", "/no-such-page"])
def test_every_page_has_the_frame_landmarks_and_labelled_inputs(live_server, path):
    status, _, body = live_server.get(path)
    page = Page(body)
    assert page.one("html").get("lang") == "en"
    skip = page.find("a", class_="skip-link")[0]
    assert skip.get("href") == "#main" and page.one("main").get("id") == "main"
    assert page.find("header") and page.find("nav") and page.find("footer")
    assert page.one("link", rel="search").get("href") == "/opensearch.xml"
    assert page.one("input", id="q").get("name") == "q"
    labels = {lab.get("for") for lab in page.find("label")}
    for inp in page.find("input"):
        if inp.get("type") != "hidden":
            assert inp.get("id") in labels, inp
    assert "Traceback" not in page.html


def test_results_page_has_facets_beside_the_results(live_server):
    page = fetch(live_server, "/search?q=munitions")
    aside = page.one("aside")
    assert aside.get("aria-labelledby") == "refine-title"
    assert page.one("section", id="results")


# -- the results page --------------------------------------------------------------------------
def test_hits_show_title_date_parties_and_marked_snippets_linking_to_their_page(live_server):
    page = fetch(live_server, "/search?q=%22Arms+Trade+Treaty%22")
    assert page.hit_ids() == ["2008-10-10-uk-fco-miliband"]
    assert total(page) == 1
    assert "<mark>Arms</mark> <mark>Trade</mark> <mark>Treaty</mark>" in page.html
    hit = fetch(live_server, "/search?q=cluster+munitions&country=PK&sort=date")
    text = hit.text
    assert "16 February 2009" in text
    assert "From Irfan Yusuf Shami, Ministry of Foreign Affairs (Pakistan)" in text
    assert "To Stephen D. Goose, Human Rights Watch (United States)" in text
    # every link to a letter carries the whole search (the way back to these results)
    carried = "q=cluster+munitions&country=PK&sort=date"
    snippet_links = [a.get("href") for a in hit.find("a", class_="snippet-page")]
    assert f"/letters/{PK_MOFA}/pages/1?{carried}" in snippet_links
    assert f"/letters/{PK_MOFA}/pages/2?{carried}" in snippet_links
    title_link = hit.find("h2", class_="hit-title")[0]
    assert title_link.get("id") == f"hit-{PK_MOFA}"
    assert f'href="/letters/{PK_MOFA}/pages/1?{carried}"' in hit.html.replace("&amp;", "&")
    # a title leads to the first page with a hit
    uk = fetch(live_server, "/search?q=cluster+munitions&sort=date&per_page=1&page=2")
    assert [a.get("href") for a in uk.find("a") if a.inside("hit-title")] == [
        "/letters/2008-10-10-uk-fco-miliband/pages/2?q=cluster+munitions&sort=date&per_page=1&page=2"
    ]
    status, _, body = live_server.get(snippet_links[-1])
    assert status == 200  # the letter view answers the snippet's page link


def test_title_reflects_query_filters_and_count(live_server):
    page = fetch(live_server, "/search?q=munitions&country=PK")
    assert page.title == "“munitions” — Pakistan — 2 letters · Missive"
    assert fetch(live_server, "/search").title == "All letters — 5 letters · Missive"
    assert "(page 2)" in fetch(live_server, "/search?per_page=2&page=2").title


def test_empty_query_browses_everything_in_date_order(live_server):
    page = fetch(live_server, "/search")
    assert total(page) == 5
    ids = page.hit_ids()
    assert ids == sorted(ids)  # ids start with the date
    current = [a.text.strip() for a in page.find("a") if a.get("aria-current") == "true"]
    assert current == ["Oldest first"]
    assert "Relevance" not in page.one("nav", aria_label="Sort order").text


def test_sort_links_order_by_relevance_or_date_either_way(live_server, sample_env):
    page = fetch(live_server, "/search?q=munitions")
    nav = page.html[page.html.index('aria-label="Sort order"') :]
    sorts = Page(nav[: nav.index("</nav>")])
    current = [a.text for a in sorts.find("a") if a.get("aria-current")]
    assert current == ["Relevance"]
    oldest = fetch(live_server, sorts.link("Oldest first"))
    newest = fetch(live_server, sorts.link("Newest first"))
    assert params(sorts.link("Newest first"))["sort"] == ["-date"]
    assert oldest.hit_ids() == sorted(oldest.hit_ids())
    assert newest.hit_ids() == sorted(newest.hit_ids(), reverse=True)
    assert len(oldest.hit_ids()) == 5
    # Relevance is the engine's score order, which for this query is neither date order.
    searcher = sample_env.search()
    try:
        by_score = [h.id for h in searcher.search(SearchRequest(q="munitions")).hits]
    finally:
        searcher.close()
    assert by_score not in (oldest.hit_ids(), newest.hit_ids())
    assert fetch(live_server, "/search?q=munitions").hit_ids() == by_score


def test_facet_value_is_a_toggle_link_that_filters_and_unfilters(live_server):
    page = fetch(live_server, "/search?q=cluster+munitions")
    countries = facet_links(page, "sender_country")
    assert set(countries) == {"Pakistan", "Peru", "Russia", "United Kingdom"}
    assert "2 letters" in countries["Pakistan"].text
    assert not countries["Pakistan"].get("aria-current")

    on = fetch(live_server, countries["Pakistan"].get("href"))
    assert params(countries["Pakistan"].get("href"))["country"] == ["PK"]
    assert total(on) == 2
    pk = facet_links(on, "sender_country")["Pakistan"]
    assert pk.get("aria-current") == "true" and "selected" in pk.classes
    # other facets are counted over the filtered letters
    assert "2 letters" in facet_links(on, "recipient")["Stephen D. Goose"].text
    assert "Jo Franks" not in facet_links(on, "recipient")
    # a second country is combined with OR
    both = fetch(live_server, facet_links(on, "sender_country")["Russia"].get("href"))
    assert total(both) == 3
    # selecting a selected value takes it away again
    off = fetch(live_server, pk.get("href"))
    assert total(off) == 5
    assert "country" not in params(pk.get("href"))


def test_year_facet_histogram_bars_toggle_years(live_server):
    page = fetch(live_server, "/search?q=munitions")
    html = page.html[page.html.index('id="facet-year"') :]
    bars = {
        a.get("title"): a.get("href")
        for a in Page(html).find("a")
        if a.get("title") and "facet-exclude" not in a.classes  # not a value's minus
    }
    assert set(bars) == {"2007: 1 letter", "2008: 1 letter", "2009: 3 letters"}
    year = fetch(live_server, bars["2009: 3 letters"])
    assert total(year) == 3
    assert params(bars["2009: 3 letters"])["year"] == ["2009"]


def test_date_range_form_keeps_the_other_state_and_applies(live_server):
    page = fetch(live_server, "/search?q=munitions&country=PK&country=RU&sort=-date")
    form = page.html[page.html.index('<form class="range"') :]
    form = Page(form[: form.index("</form>")])
    assert form.one("form").get("action") == "/search"
    fields = [(i.get("name"), i.get("value")) for i in form.find("input", type="hidden")]
    assert fields == [("q", "munitions"), ("country", "PK"), ("country", "RU"), ("sort", "-date")]
    assert {lab.get("for") for lab in form.find("label")} == {"from", "to"}
    url = "/search?" + urlencode(fields + [("from", "2009-02-20"), ("to", "2009-12")])
    ranged = fetch(live_server, url)
    assert ranged.hit_ids() == [
        "2009-08-18-russia-embassy-wellington",
        "2009-02-24-pakistan-embassy-washington",
    ]


def test_active_filters_are_chips_whose_links_remove_them(live_server):
    page = fetch(live_server, "/search?q=munitions&country=PK&country=RU&from=2008&ocr=1")
    chips = {" ".join(a.text.split()): a.get("href") for a in page.find("a", class_="chip")}
    assert set(chips) == {
        "Sender country: Pakistan × (remove this filter)",
        "Sender country: Russia × (remove this filter)",
        "From: 2008 × (remove this filter)",
        "Matching: OCR-tolerant × (remove this filter)",
    }
    without_ru = chips["Sender country: Russia × (remove this filter)"]
    assert params(without_ru) == {
        "q": ["munitions"],
        "country": ["PK"],
        "from": ["2008"],
        "ocr": ["1"],
    }
    assert total(fetch(live_server, without_ru)) == 2
    without_from = chips["From: 2008 × (remove this filter)"]
    assert "from" not in params(without_from)
    clear = page.link("Clear all filters")
    assert params(clear) == {"q": ["munitions"], "ocr": ["1"]}
    assert total(fetch(live_server, clear)) == 5


def test_header_search_form_keeps_the_filters_and_the_ocr_switch(live_server):
    page = fetch(live_server, "/search?q=munitions&country=PK&ocr=1")
    form = page.html[page.html.index('<form class="searchbox"') :]
    form = Page(form[: form.index("</form>")])
    assert form.one("input", name="q").get("value") == "munitions"
    assert "checked" in form.one("input", name="ocr").attrs
    hidden = [(i.get("name"), i.get("value")) for i in form.find("input", type="hidden")]
    assert hidden == [("country", "PK")]
    assert "checked" not in fetch(live_server, "/search?q=munitions").one("input", id="ocr").attrs


def test_paging_links_with_rel_and_aria_current(live_server):
    first = fetch(live_server, "/search?per_page=2")
    pager = first.html[first.html.index('aria-label="Result pages"') :]
    pager = Page(pager[: pager.index("</nav>")])
    numbers = {a.text.replace("Page", "").strip(): a for a in pager.find("a") if not a.get("rel")}
    assert set(numbers) == {"1", "2", "3"}
    assert numbers["1"].get("aria-current") == "page"
    assert not pager.find("a", rel="prev")
    nxt = pager.one("a", rel="next").get("href")
    assert params(nxt) == {"per_page": ["2"], "page": ["2"]}
    assert first.one("link", rel="next").get("href") == nxt

    second = fetch(live_server, nxt)
    assert second.one("link", rel="prev").get("href") == "/search?per_page=2"
    assert second.one("link", rel="next").get("href") == "/search?per_page=2&page=3"
    last = fetch(live_server, second.one("link", rel="next").get("href"))
    seen = first.hit_ids() + second.hit_ids() + last.hit_ids()
    assert len(seen) == 5 and len(set(seen)) == 5
    assert not last.find("link", rel="next")
    assert last.one("ol", class_="hits").get("start") == "5"


def test_a_page_past_the_end_says_so(live_server):
    page = fetch(live_server, "/search?per_page=2&page=9")
    assert page.hit_ids() == []
    assert "There is no page 9: these results have 3 pages." in page.text
    assert page.link("Go to the last page") == "/search?per_page=2&page=3"


def test_coverage_line_counts_transcribed_and_ocr_letters(live_server):
    page = fetch(live_server, "/search?q=cluster+munitions")
    line = " ".join(page.one("p", class_="coverage").text.split())
    assert "Searched in a human transcript: 4; in OCR text only: 1." in line
    assert "could not be searched" not in line
    assert "try OCR-tolerant matching" in line
    only_pk = " ".join(
        fetch(live_server, "/search?q=munitions&country=PK")
        .one("p", class_="coverage")
        .text.split()
    )
    assert "Searched in a human transcript: 2; in OCR text only: 0." in only_pk
    browse = " ".join(fetch(live_server, "/search").one("p", class_="coverage").text.split())
    assert browse == "4 transcribed, 1 OCR only, 0 image only (no text)."


def test_did_you_mean_links_to_the_corrected_search(live_server):
    page = fetch(live_server, "/search?q=munitoins&country=PK")
    assert total(page) == 0
    link = page.link("munitions", rel="nofollow")
    assert params(link) == {"q": ["munitions"], "country": ["PK"]}
    assert total(fetch(live_server, link)) == 2


def test_no_results_explains_and_offers_a_way_out(live_server):
    page = fetch(live_server, "/search?q=zebra&country=PK")
    assert "No letters match zebra with these filters." in page.text
    assert params(page.link("Search again without the filters")) == {"q": ["zebra"]}
    assert page.hit_ids() == []


def test_results_page_links_its_json_twin_and_exports(live_server):
    page = fetch(live_server, "/search?q=munitions&country=PK&sort=date")
    twin = page.one("link", rel="alternate").get("href")
    assert twin == "/api/search?q=munitions&country=PK&sort=date"
    assert page.one("a", class_="json-twin").get("href") == twin
    status, headers, body = live_server.get(twin)
    assert status == 200 and json.loads(body)["total"] == 2
    exports = {a.text.strip(): a.get("href") for a in page.find("a")}
    for label, path in [
        ("CSV", "/search.csv"),
        ("JSON", "/search.json"),
        ("BibTeX", "/search.bib"),
        ("RIS", "/search.ris"),
    ]:
        href = exports[label]
        assert href == f"{path}?q=munitions&country=PK&sort=date"
        assert live_server.get(href)[0] == 200


def test_ocr_tolerant_checkbox_finds_misread_words(live_server):
    plain = fetch(live_server, "/search?q=munitlons")
    tolerant = fetch(live_server, "/search?q=munitlons&ocr=1")
    assert total(plain) == 0
    assert total(tolerant) >= 1
    assert "OCR-tolerant matching" in tolerant.one("p", class_="total").text


def test_query_is_escaped_everywhere(live_server):
    payload = '<script>alert("x")</script>'
    for path in (
        f"/search?{urlencode({'q': payload})}",
        f"/search?{urlencode({'q': payload + ' *'})}",
    ):
        status, _, body = live_server.get(path)
        html = body.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(" in html


# -- errors ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "query, message",
    [
        ("q=*", "a wildcard needs at least one letter"),
        ("sort=best", "sort='best' is unknown; accepted: relevance, date, -date"),
        ("country=XX", "country='XX' is not a known sender country"),
        ("from=soon", "from='soon' is not a date; accepted: YYYY, YYYY-MM or YYYY-MM-DD"),
        ("page=two", "page='two' is not a whole number; accepted: 1 or more"),
    ],
)
def test_a_bad_search_is_a_400_page_with_the_message(live_server, query, message):
    page = fetch(live_server, f"/search?{query}", status=400)
    assert message in page.one("p", class_="error-message").text
    assert page.title == "Search not understood · Missive"
    assert "Traceback" not in page.html


def test_a_bad_query_stays_in_the_search_box(live_server):
    page = fetch(live_server, "/search?q=munit*+AND+*", status=400)
    assert page.one("input", name="q").get("value") == "munit* AND *"


def test_unknown_path_is_a_404_page_with_a_message(live_server):
    page = fetch(live_server, "/no/such/page", status=404)
    assert "There is no page at this address" in page.one("p", class_="error-message").text
    assert page.title == "Not found · Missive"


def _failing_app(sample_env):
    app = create_app(app_config(sample_env))

    def boom():
        raise RuntimeError("secret internal detail")

    app.add_url_rule("/boom", "boom", boom)
    app.add_url_rule("/api/boom", "api_boom", boom)
    return app


def test_an_unexpected_error_is_a_generic_500_page_and_is_logged(sample_env, caplog):
    client = _failing_app(sample_env).test_client()
    response = client.get("/boom")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert "secret internal detail" not in html and "Traceback" not in html
    assert any("secret internal detail" in str(r.exc_info) for r in caplog.records)


# -- a collection with image-only letters ----------------------------------------------------
@pytest.fixture(scope="module")
def mixed_server(tmp_path_factory):
    """Transcribed letters and image-only ones (pages without text, OCR off)."""
    root: Path = tmp_path_factory.mktemp("mixed")
    (root / "archive" / "letters").mkdir(parents=True)
    env = Env(root)
    env.reader = Reader(env.archive, use_ocr=False)
    letters = root / "archive"
    for n, country in enumerate(["FR", "FR", "GB"], start=1):
        write_letter(
            letters,
            f"1850-0{n}-01-text",
            [f"A letter about the harbour treaty, number {n}."],
            {"date": f"1850-0{n}-01", "sender": {"name": "Clerk", "country": country}},
        )
    for n, country in enumerate(["FR", "FR", "GB"], start=1):
        folder = write_letter(
            letters,
            f"1851-0{n}-01-scan",
            [],
            {
                "date": f"1851-0{n}-01",
                "sender": {"name": "Scribe", "country": country},
                "title": "A scanned letter" + (" about the harbour" if n == 3 else ""),
            },
        )
        Image.new("L", (60, 80), 255).save(folder / "page-001.png")
    report = env.build()
    assert not report.errors, report.errors
    server = LiveServer(create_app(app_config(env)))
    yield server
    server.stop()


def test_coverage_counts_image_only_letters_that_could_not_be_searched(mixed_server):
    page = fetch(mixed_server, "/search?q=treaty")
    line = " ".join(page.one("p", class_="coverage").text.split())
    assert total(page) == 3
    assert "Searched in a human transcript: 3; in OCR text only: 0." in line
    assert "3 image-only letters in this selection have no text and could not be searched." in line
    # the same filters narrow the count of letters that could not be searched
    fr = fetch(mixed_server, "/search?q=treaty&country=FR")
    line = " ".join(fr.one("p", class_="coverage").text.split())
    assert total(fr) == 2
    assert "2 image-only letters in this selection have no text" in line
    # an image-only letter found by its title counts as matched, not as unsearched
    harbour = fetch(mixed_server, "/search?q=harbour")
    line = " ".join(harbour.one("p", class_="coverage").text.split())
    assert total(harbour) == 4
    assert "on catalogue data only (no text): 1." in line
    assert "2 image-only letters in this selection" in line


def test_home_counts_image_only_letters_and_links_them(mixed_server):
    page = fetch(mixed_server, "/")
    link = page.link("3 image only")
    assert link == "/search?source=image-only"
    assert sorted(fetch(mixed_server, link).hit_ids()) == [
        "1851-01-01-scan",
        "1851-02-01-scan",
        "1851-03-01-scan",
    ]


def test_no_results_show_no_empty_facets_nor_sort_and_export(live_server):
    none = fetch(live_server, "/search?q=zzzqqq")
    assert total(none) == 0
    assert not none.find("div", class_="toolbar") and not none.find("aside", class_="facets")
    some = fetch(live_server, "/search?q=munitions")
    assert some.find("div", class_="toolbar") and len(some.find("section", class_="facet")) > 3
    # a date range that finds nothing keeps its date box, where the range can be widened
    dated = fetch(live_server, "/search?q=munitions&from=1800&to=1801")
    assert [s.get("class") for s in dated.find("section", class_="facet")] == ["facet facet-year"]
