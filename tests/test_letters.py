"""The letter view and the letters API over real HTTP: image beside text, marks, links, errors.

Pages are read with a small HTML parser: tests look for elements and attributes, and follow
the links the page gives (prev/next, thumbnails, related letters) like a browser would.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from indexer import indexing
from tests.conftest import Env, LiveServer, app_config, write_letter
from tests.htmlpage import Page
from webapp import create_app

PK_MOFA = "2009-02-16-pakistan-mofa"  # two pages, images + transcripts + word boxes
PK_EMBASSY = "2009-02-24-pakistan-embassy-washington"  # encloses PK_MOFA
PERU = "2007-04-10-peru-mfa-lima"  # images only: text and word boxes from OCR
UK_PDF = "2008-10-10-uk-fco-miliband"  # one PDF with a text layer
OSLO = "2008-03-12-oslo-embassy"  # transcript-only, no sidecar: everything extracted
CIRCULAR = "1855-harbour-board"  # an uncertain date, an organisation, two recipients


# -- reading pages -------------------------------------------------------------------------
def fetch(server, path: str, status: int = 200) -> Page:
    code, headers, body = server.get(path)
    assert code == status, (path, code, body[:300])
    assert headers["Content-Type"].startswith("text/html")
    return Page(body.decode("utf-8"))


def get_json(server, path: str, status: int = 200):
    code, headers, body = server.get(path)
    assert code == status, (path, code, body[:300])
    assert headers["Content-Type"].startswith("application/json")
    return json.loads(body)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# -- a letter whose metadata is all extracted ----------------------------------------------
OSLO_PAGES = [
    "BRITISH EMBASSY\nOSLO\n\n12 March 2008\n\nMs Grethe Ostern\nNorwegian People's Aid\n"
    "Oslo\n\nDear Ms Ostern,\n\nThank you for your letter about cluster munitions and the "
    "Oslo process.\nThe Government shares your concern for civilians harmed by cluster "
    "munitions <b>&amp;</b> submunitions.\n",
    "We will continue to work for a strong treaty on cluster munitions.\n\nYours sincerely,"
    "\n\nRichard Wood\nAmbassador\n",
]


@pytest.fixture(scope="module")
def extracted_server(tmp_path_factory):
    """A transcript-only letter without a sidecar, indexed and served."""
    root = tmp_path_factory.mktemp("extracted")
    (root / "archive" / "letters").mkdir(parents=True)
    write_letter(root / "archive", OSLO, OSLO_PAGES)
    write_letter(
        root / "archive",
        CIRCULAR,
        ["Sirs,\nWe write to you both about the harbour.\nYours, the Board\n"],
        {
            "title": "A circular to two merchants",
            "date": "1855?",
            "sender": {"organisation": "Harbour Board"},
            "recipient": [{"name": "John Smith"}, {"name": "Ann Jones", "place": "Leith"}],
        },
    )
    env = Env(root)
    assert not env.build().errors
    server = LiveServer(create_app(app_config(env)))
    yield server
    server.stop()


# -- the letter page -----------------------------------------------------------------------
def test_letter_url_is_its_first_page_with_image_and_transcript(live_server):
    page = fetch(live_server, f"/letters/{PK_MOFA}")
    same = fetch(live_server, f"/letters/{PK_MOFA}/pages/1")
    assert page.one("h1").text == same.one("h1").text
    assert page.one("h1").text.startswith("Ministry of Foreign Affairs of Pakistan")
    img = page.one("img", alt=f"Page 1 of {page.one('h1').text}")
    assert img.get("src") == f"/letters/{PK_MOFA}/pages/1/image/screen.jpg"
    # a phone takes the 800 px image (the browser chooses by the sizes given)
    images = f"/letters/{PK_MOFA}/pages/1/image"
    assert img.get("srcset") == f"{images}/medium.jpg 800w, {images}/screen.jpg 1400w"
    assert img.get("sizes").startswith("(max-width: 60rem)")
    # the full size scan is one link in the viewer's toolbar (the image itself is no link)
    assert page.one("a", class_="full-link").get("href") == f"{images}/full.jpg"
    assert not page.find("a", class_="image-link")
    assert page.one("h2", id="text-heading").text == "Transcript"
    assert "Reference your letter of 30 January 2009" in page.one("div", class_="transcript").text
    assert "reader--text-only" not in page.one("div", class_="reader").classes


def test_search_words_are_marked_in_the_transcript(live_server):
    page = fetch(live_server, f"/letters/{PK_MOFA}/pages/1?q=cluster+munitions")
    # the words side by side are one occurrence, marked as one and counted once
    marks = [m for m in page.all("mark") if m.inside("transcript")]
    assert len(marks) == 9 and {m.text.lower() for m in marks} == {"cluster munitions"}
    assert [m.get("id") for m in marks] == [f"hit-{k}" for k in range(1, 10)]
    summary = " ".join(page.one("p", class_="hits-summary").text.split())
    assert summary.startswith("“cluster munitions”: 9 here, 1 on page 2.")
    # the query is kept in the search box and in the link back to the results
    assert page.one("input", id="q").get("value") == "cluster munitions"
    back = page.one("a", class_="back")
    assert back.text.startswith("← Back to results")
    assert back.get("href") == "/search?q=cluster+munitions"


def test_search_words_are_boxed_on_the_page_image(live_server):
    page = fetch(live_server, f"/letters/{PK_MOFA}/pages/1?q=cluster")
    boxes = page.all("rect", class_="hl")
    assert len(boxes) == 9 and {b.text.lower().strip(".") for b in boxes} == {"cluster"}
    # positioned in % of the image (the layer's viewBox), so they scale with zoom
    assert page.one("svg", class_="hl-layer").get("viewbox") == "0 0 100 100"
    for box in boxes:
        assert all(0 <= float(box.get(k)) <= 100 for k in ("x", "y", "width", "height"))
    assert not fetch(live_server, f"/letters/{PK_MOFA}/pages/1").all("rect", class_="hl")


def test_ocr_letter_has_boxes_from_ocr_and_says_where_its_text_came_from(live_server):
    page = fetch(live_server, f"/letters/{PERU}?q=munitions")
    heading = page.one("h2", id="text-heading").text
    assert heading == "No transcript; text from OCR (uncorrected, may contain errors)"
    assert page.all("rect", class_="hl"), "OCR word boxes mark the matches on the image"
    assert "transcript--ocr" in page.one("div", class_="transcript").classes
    assert "OCR only" in page.one("p", class_="byline").text


def test_pdf_page_text_comes_from_its_text_layer(live_server):
    page = fetch(live_server, f"/letters/{UK_PDF}/pages/2")
    assert page.one("h2", id="text-heading").text == "Text from the PDF's text layer"
    img = page.one("img", alt=f"Page 2 of {page.one('h1').text}")
    assert img.get("src") == f"/letters/{UK_PDF}/pages/2/image/screen.jpg"


def test_page_links_keep_the_query_and_bracket_keys_follow_rel_links(live_server):
    first = fetch(live_server, f"/letters/{PK_MOFA}?q=munitions")
    nxt = first.all("a", rel="next")[0].get("href")
    assert nxt == f"/letters/{PK_MOFA}/pages/2?q=munitions"
    assert [el.get("href") for el in first.all("link", rel="next")] == [nxt]
    # the pager stands above the pages and below them
    assert [a.get("href") for a in first.all("a", rel="next")] == [nxt, nxt]
    assert not first.all("link", rel="prev") and not first.all("a", rel="prev")
    second = fetch(live_server, nxt)
    assert [s.text for s in second.all("span", class_="pager-pos")] == ["Page 2 of 2"] * 2
    prev = second.all("a", rel="prev")[0].get("href")
    assert prev == f"/letters/{PK_MOFA}/pages/1?q=munitions"
    assert not second.all("a", rel="next")
    assert [a.get("href") for a in second.all("a", rel="prev")] == [prev, prev]
    thumbs = {a.get("href"): a for a in second.all("a") if a.inside("thumbs")}
    assert list(thumbs) == [prev, nxt]
    assert thumbs[nxt].get("aria-current") == "page" and not thumbs[prev].get("aria-current")
    assert "Page 1" in thumbs[prev].text
    thumb_imgs = [img.get("src") for img in second.all("img") if img.inside("thumbs")]
    assert thumb_imgs == [f"/letters/{PK_MOFA}/pages/{n}/image/thumb.jpg" for n in (1, 2)]
    # the page script binds [ and ] to these rel links
    js = live_server.get("/static/letter.js")[2].decode()
    assert 'link[rel="' in js and '"]"' in js and '"["' in js


def test_transcript_lines_have_anchors(live_server):
    page = fetch(live_server, f"/letters/{PK_MOFA}/pages/2")
    lines = page.all("div", class_="line")
    assert [el.get("id") for el in lines] == [f"L{n}" for n in range(1, len(lines) + 1)]
    link = page.one("a", href="#L3")
    assert "line-link" in link.classes and link.text.strip().endswith("3")
    assert lines[2].text.endswith(page.one("div", id="L3").text[-10:])
    css = live_server.get("/static/letter.css")[2].decode()
    assert ".line:target" in css and ".line-link:focus" in css


def test_related_letters_link_both_ways_with_titles(live_server):
    page = fetch(live_server, f"/letters/{PK_MOFA}")
    related = page.one("section", class_="related")
    assert "Enclosed in" in related.text
    link = next(a for a in page.all("a") if a.get("href") == f"/letters/{PK_EMBASSY}")
    assert link.text.startswith("Embassy of Pakistan to Human Rights Watch")
    back = fetch(live_server, link.get("href"))
    assert "Encloses" in back.one("section", class_="related").text
    assert any(a.get("href") == f"/letters/{PK_MOFA}" for a in back.all("a"))


def test_more_like_this_lists_other_letters(live_server):
    page = fetch(live_server, f"/letters/{PK_MOFA}")
    similar = page.one("section", class_="similar")
    links = [a.get("href") for a in page.all("a") if a.inside("similar")]
    assert "More like this" in similar.text
    assert f"/letters/{PK_EMBASSY}" in links and f"/letters/{PK_MOFA}" not in links


def test_sample_metadata_is_marked_as_given_by_the_archivist(live_server):
    page = fetch(live_server, f"/letters/{PK_MOFA}")
    fields = page.all("div", class_="field")
    marked = [f for f in fields if "archivist" in f.text]
    assert len(marked) >= 14  # title, date, sender's and recipient's fields, collection...
    assert "extracted, not verified" not in "".join(f.text for f in fields)
    country = next(f for f in fields if "Pakistan (PK)" in f.text)
    assert "archivist" in country.text


def test_extracted_metadata_is_marked_with_the_line_it_came_from(extracted_server):
    page = fetch(extracted_server, f"/letters/{OSLO}")
    date = next(f for f in page.all("div", class_="field") if "Date" in f.text)
    badges = page.all("span", class_="src--extracted")
    badge = next(el for el in badges if "12 March 2008" in el.get("title", ""))
    assert badge.text == "extracted, not verified"
    assert "line 4" in badge.get("title")
    assert "12 March 2008" in date.text and "date-line" in date.text
    # the line it came from is linked: page and line anchor
    links = [a.get("href") for a in page.all("a") if "#L" in a.get("href", "")]
    assert f"/letters/{OSLO}/pages/1#L4" in links  # the date line
    assert f"/letters/{OSLO}/pages/2#L5" in links  # the signature: "Richard Wood"
    assert "made by Missive" in page.html  # the title was composed, not given


def test_transcript_only_letter_reads_full_width_and_escapes_its_text(extracted_server):
    page = fetch(extracted_server, f"/letters/{OSLO}?q=munitions")
    assert "reader--text-only" in page.one("div", class_="reader").classes
    assert not page.all("section", class_="viewer")
    assert not [img for img in page.all("img") if "/image/" in img.get("src", "")]
    assert "&lt;b&gt;&amp;amp;&lt;/b&gt;" in page.html  # the letter's own text, escaped
    assert "<b>&amp;</b>" not in page.html
    assert len(page.all("span", class_="thumb-text")) == 2  # text pages: a mark, not an image


def test_unknown_letters_and_pages_are_404_with_a_message(live_server):
    page = fetch(live_server, "/letters/no-such-letter", status=404)
    assert "no-such-letter" in page.one(class_="error-message").text
    for n in ("0", "999", "abc"):
        page = fetch(live_server, f"/letters/{PK_MOFA}/pages/{n}", status=404)
        assert f"letter {PK_MOFA} has 2 pages" in page.one(class_="error-message").text
    page = fetch(live_server, "/letters/Not_An_Id", status=404)
    assert "is not a letter id" in page.one(class_="error-message").text


def test_cite_panel_has_permanent_urls_and_every_format(live_server):
    page = fetch(live_server, f"/letters/{PK_MOFA}/pages/2?q=cluster")
    cite = page.one("details", id="cite")
    assert "Cite this letter" in cite.text
    assert page.one("input", id="cite-letter-url").get("value") == (
        f"{live_server.url}/letters/{PK_MOFA}"
    )
    assert page.one("input", id="cite-page-url").get("value") == (
        f"{live_server.url}/letters/{PK_MOFA}/pages/2"
    )
    for key in ("chicago-note", "chicago-bibliography", "mla", "apa", "bibtex", "ris", "csl-json"):
        el = page.one(id=f"cite-{key}")
        assert f"{live_server.url}/letters/{PK_MOFA}" in el.text, key
        assert page.one("button", data_copy=f"cite-{key}").get("hidden") is not None
    note = page.one(id="cite-chicago-note").text
    assert note.startswith("Irfan Yusuf Shami, “Ministry of Foreign Affairs")
    assert "letter to Stephen D. Goose" in note
    assert "February 16, 2009" in note


def test_highwire_tags_and_coins_describe_the_letter(live_server):
    page = fetch(live_server, f"/letters/{PK_MOFA}/pages/2")
    assert page.meta("citation_title") == [
        "Ministry of Foreign Affairs of Pakistan to Human Rights Watch on cluster munitions"
    ]
    assert page.meta("citation_author") == ["Shami, Irfan Yusuf"]
    assert page.meta("citation_date") == ["2009/02/16"]
    assert page.meta("citation_language") == ["en"]
    assert page.meta("citation_abstract_html_url") == [f"{live_server.url}/letters/{PK_MOFA}"]
    assert page.meta("citation_public_url") == [f"{live_server.url}/letters/{PK_MOFA}/pages/2"]
    coins = parse_qs(page.one("span", class_="Z3988").get("title"))
    assert coins["ctx_ver"] == ["Z39.88-2004"] and coins["rft.type"] == ["letter"]
    assert coins["rft.aulast"] == ["Shami"] and coins["rft.date"] == ["2009-02-16"]
    assert coins["rft.identifier"] == [f"{live_server.url}/letters/{PK_MOFA}"]
    canonical = page.one("link", rel="canonical").get("href")
    assert canonical == f"{live_server.url}/letters/{PK_MOFA}/pages/2"


def test_citation_files_download(live_server):
    status, headers, body = live_server.get(f"/letters/{PK_MOFA}/citation.bib")
    assert status == 200 and headers["Content-Type"].startswith("application/x-bibtex")
    assert f'filename="{PK_MOFA}.bib"' in headers["Content-Disposition"]
    assert body.decode().startswith(f"@misc{{{PK_MOFA},")
    status, headers, body = live_server.get(f"/letters/{PK_MOFA}/citation.ris")
    assert status == 200 and body.decode().startswith("TY  - PCOMM\n")
    status, headers, body = live_server.get(f"/letters/{PK_MOFA}/citation.json")
    assert status == 200 and json.loads(body)[0]["id"] == PK_MOFA
    assert live_server.get(f"/letters/{PK_MOFA}/citation.doc")[0] == 404


# -- the letters API -----------------------------------------------------------------------
def test_api_letter_contract(live_server):
    data = get_json(live_server, f"/api/letters/{PK_MOFA}")
    base = live_server.url
    assert list(data) == [
        "id", "url", "title", "date", "date_precision", "date_uncertain", "date_as_written",
        "sender", "recipients", "languages", "collection", "rights", "notes", "text_source",
        "edition", "fields", "suggestions", "related", "pages", "citation", "iiif_manifest",
    ]  # fmt: skip
    assert data["suggestions"] == {}  # the archivist gave every value this letter has
    assert data["id"] == PK_MOFA and data["url"] == f"{base}/letters/{PK_MOFA}"
    assert data["date"] == "2009-02-16" and data["sender"]["country"] == "PK"
    assert data["edition"] is None  # only a catalogue record has one
    assert data["fields"]["date"] == {"value": "2009-02-16", "source": "archivist"}
    assert data["fields"]["sender.name"] == {"value": "Irfan Yusuf Shami", "source": "archivist"}
    assert data["fields"]["recipient.organisation"]["value"] == "Human Rights Watch"
    assert data["fields"]["languages"] == {"value": ["en"], "source": "archivist"}
    assert data["related"] == [
        {
            "id": PK_EMBASSY,
            "relation": "enclosed-in",
            "label": "Enclosed in",
            "title": "Embassy of Pakistan to Human Rights Watch: cover letter on Pakistan's "
            "cluster munitions policy",
            "status": "published",
            "url": f"{base}/letters/{PK_EMBASSY}",
            "api_url": f"{base}/api/letters/{PK_EMBASSY}",
        }
    ]
    page = data["pages"][1]
    assert list(page) == [
        "n", "url", "image", "screen", "thumbnail", "width", "height", "label", "text",
        "text_origin", "notes", "words_url",
    ]  # fmt: skip
    assert page["label"] is None and page["notes"] == ""  # a TEI letter's (README)
    pages_url = f"{base}/letters/{PK_MOFA}/pages/2"
    assert page["n"] == 2 and page["url"] == pages_url
    assert page["image"] == f"{pages_url}/image/full.jpg"
    assert page["thumbnail"] == f"{pages_url}/image/thumb.jpg"
    assert page["words_url"] == f"{base}/api/letters/{PK_MOFA}/pages/2/words"
    assert page["text"].startswith("(Dr. Irfan Yasui Shami)")
    assert page["text_origin"] == "transcript" and page["width"] == 1654
    cite = data["citation"]
    assert set(cite) == {
        "csl",
        "chicago-note",
        "chicago-bibliography",
        "mla",
        "apa",
        "bibtex",
        "ris",
    }
    assert cite["csl"]["type"] == "personal_communication"
    assert cite["csl"]["URL"] == data["url"]
    # every URL the API gives resolves
    for url in (data["url"], page["url"], page["image"], page["thumbnail"], page["words_url"]):
        assert live_server.get(path_of(url))[0] == 200, url


def test_api_marks_extracted_values_with_their_line(extracted_server):
    data = get_json(extracted_server, f"/api/letters/{OSLO}")
    base = extracted_server.url
    date = dict(data["fields"]["date"])
    assert date.pop("confidence") >= 0.7  # sure enough to set, not only a suggestion
    assert date == {
        "value": "2008-03-12",
        "source": "extracted",
        "line": "12 March 2008",
        "line_no": 4,
        "page": 1,
        "method": "date-line",
        "line_url": f"{base}/letters/{OSLO}/pages/1#L4",
    }
    assert data["fields"]["sender.name"]["source"] == "extracted"
    assert data["fields"]["sender.name"]["line_url"] == f"{base}/letters/{OSLO}/pages/2#L5"
    assert data["fields"]["languages"]["source"] == "extracted"
    assert data["fields"]["title"]["source"] == "derived"
    for page in data["pages"]:  # a transcript-only letter has no images and no word boxes
        assert page["image"] is None and page["thumbnail"] is None and page["words_url"] is None
    assert "cluster munitions" in data["pages"][0]["text"]


def test_api_words_of_a_page(live_server):
    data = get_json(live_server, f"/api/letters/{PK_MOFA}/pages/1/words")
    assert list(data) == ["width", "height", "words"]
    assert (data["width"], data["height"]) == (1654, 2339)
    first = data["words"][0]
    assert first == {"text": "MINISTRY", "x": 389, "y": 175, "w": 279, "h": 50, "line": 1}
    ocr = get_json(live_server, f"/api/letters/{PERU}/pages/1/words")
    assert len(ocr["words"]) > 100 and all(
        set(w) >= {"text", "x", "y", "w", "h"} for w in ocr["words"]
    )
    pdf = get_json(live_server, f"/api/letters/{UK_PDF}/pages/1/words")
    assert pdf["words"] == []


def test_api_errors_are_json_404s(live_server):
    for path, words in (
        ("/api/letters/no-such-letter", "no-such-letter"),
        (f"/api/letters/{PK_MOFA}/pages/3/words", f"letter {PK_MOFA} has 2 pages"),
        (f"/api/letters/{PK_MOFA}/pages/0/words", "has 2 pages"),
        ("/api/letters/BAD_ID", "is not a letter id"),
    ):
        data = get_json(live_server, path, status=404)
        assert data["status"] == 404 and words in data["error"], path


# -- permanence ----------------------------------------------------------------------------
def test_citation_url_still_resolves_after_a_rebuild_from_scratch(tmp_path, sample_env):
    shutil.copytree(sample_env.archive.root, tmp_path / "archive")
    ocr_cache = Path(sample_env.root) / "cache" / "ocr"
    if ocr_cache.is_dir():  # reuse the session's OCR results: the same images
        shutil.copytree(ocr_cache, tmp_path / "cache" / "ocr")
    env = Env(tmp_path)
    assert not indexing.build(env.archive, env.engine, env.reader).errors
    server = LiveServer(create_app(app_config(env)))
    try:
        before = get_json(server, f"/api/letters/{PK_MOFA}")
        url = before["citation"]["csl"]["URL"]
        assert url in before["citation"]["chicago-note"]
        shutil.rmtree(tmp_path / "index")
        assert not indexing.build(env.archive, env.engine, env.reader).errors
        page = fetch(server, path_of(url))
        assert page.one("h1").text == before["title"]
        assert page.one("input", id="cite-letter-url").get("value") == url
    finally:
        server.stop()


def test_several_recipients_an_organisation_and_an_uncertain_date(extracted_server):
    data = get_json(extracted_server, f"/api/letters/{CIRCULAR}")
    assert data["fields"]["recipient.name"] == {"value": "John Smith", "source": "archivist"}
    assert data["fields"]["recipient2.name"] == {"value": "Ann Jones", "source": "archivist"}
    assert data["fields"]["recipient2.place"]["value"] == "Leith"
    assert data["date"] == "1855?" and data["date_uncertain"] is True
    csl = data["citation"]["csl"]
    assert csl["author"] == [{"literal": "Harbour Board"}]
    assert csl["issued"] == {"date-parts": [[1855]], "circa": True}
    assert [r["family"] for r in csl["recipient"]] == ["Smith", "Jones"]
    page = fetch(extracted_server, f"/letters/{CIRCULAR}")
    assert "(date uncertain)" in page.one("p", class_="byline").text
    headings = [h.text for h in page.all("h3") if h.inside("about")]
    assert headings == ["Letter", "From", "To (1)", "To (2)", "Record"]
    assert page.meta("citation_author") == ["Harbour Board"]
    assert page.meta("citation_date") == ["1855"]


def test_queries_that_mark_nothing_or_cannot_be_read(live_server):
    page = fetch(live_server, f"/letters/{PK_MOFA}?q=country%3APK")  # a filter: no words
    assert not page.all("mark") and not page.all("rect", class_="hl")
    assert not page.all("p", class_="hits-summary")
    page = fetch(live_server, f"/letters/{PK_MOFA}?q=%2A")  # the letter shows; a notice says why
    assert "The search words cannot be marked" in page.one("p", class_="notice").text
    assert page.one("h1").text.startswith("Ministry of Foreign Affairs")


def test_one_date_format_with_the_date_as_written_beside_it(live_server):
    page = fetch(live_server, f"/letters/{PERU}")
    byline = " ".join(page.one("p", class_="byline").text.split())
    assert byline.startswith("10 April 2007 (written “April 10th 2007”)")
    assert page.find("time")[0].get("datetime") == "2007-04-10"
    labels = [dt.text for dt in page.find("dt")]
    rows = dict(zip(labels, (" ".join(dd.text.split()) for dd in page.find("dd")), strict=True))
    assert rows["Date"].startswith("10 April 2007 ")
    assert rows["Date as written"].startswith("“April 10th 2007”")
