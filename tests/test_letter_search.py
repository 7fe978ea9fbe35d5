"""Search within a letter and the correspondents' context, over real HTTP.

The letter page lists a query's hits in this letter by page and line, each linking to its
line anchor, and marks them in the transcript and on the image; /api/letters/<id>/search
gives the same as JSON. Every letter shows the letters just before and after it between
its sender and recipient (either way, by date), a search for all of them, and the letter
it replies to.
"""

from __future__ import annotations

import shutil
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from tests.conftest import SAMPLE, Env, LiveServer, app_config, write_letter
from tests.htmlpage import Page
from tests.test_letters import fetch, get_json, path_of
from webapp import create_app

PK_MOFA = "2009-02-16-pakistan-mofa"  # Shami to Goose, two pages; "Landmine" on page 2 only
PK_EMBASSY = "2009-02-24-pakistan-embassy-washington"  # Baloch to Goose, encloses PK_MOFA
PERU = "2007-04-10-peru-mfa-lima"  # a circular: no recipient
SHAMI, GOOSE = "Irfan Yusuf Shami", "Stephen D. Goose"


# -- search within a letter ----------------------------------------------------------------
def test_a_word_on_page_two_is_listed_with_its_line_anchor_and_marked_there(live_server):
    first = fetch(live_server, f"/letters/{PK_MOFA}?q=landmine")
    form = first.one("form", class_="within-form")
    assert form.get("method") == "get" and form.get("action") == f"/letters/{PK_MOFA}/pages/1"
    assert first.one("input", id="within-q").get("value") == "landmine"
    summary = " ".join(first.one("p", class_="within-summary").text.split())
    assert summary == "1 match for “landmine” on 1 line of 1 page."
    hits = first.find("a", class_="within-line")
    assert [(h.get("href"), h.text) for h in hits] == [
        (f"/letters/{PK_MOFA}/pages/2?q=landmine#L6", "line 6")
    ]
    assert first.one("span", class_="within-text").text == "Editor, ICBL Landmine Monitor"
    assert "<mark>Landmine</mark>" in first.html
    assert first.one("h3", class_="within-page").text.startswith("Page 2")

    # Following the link: line 6 of page 2 is there, marked, and so is the word's box.
    href = hits[0].get("href")
    second = fetch(live_server, href.split("#")[0])
    line = second.one("div", id="L6")
    assert "line--hit" in line.classes
    marks = [m.text for m in second.find("mark") if m.inside("transcript")]
    assert marks == ["Landmine"]
    assert [r.text.strip() for r in second.find("rect", class_="hl")] == ["Landmine"]


def test_the_query_language_matches_as_in_the_main_search(live_server):
    def lines(q: str, **extra) -> tuple[bool, list[tuple[int, int]]]:
        data = get_json(live_server, f"/api/letters/{PK_MOFA}/search?q={quote(q)}")
        return data["match"], [(p["n"], ln["line"]) for p in data["pages"] for ln in p["lines"]]

    assert lines("landm*") == (True, [(2, 6)])  # a wildcard
    assert lines("monitors") == (True, [(2, 6)])  # a stem: "Monitor"
    assert lines("Connecticut OR landmine") == (True, [(2, 6), (2, 9)])
    found, where = lines('"cluster munitions"')
    assert found and (1, 6) in where and (2, 7) in where  # "Co-chair, Cluster Munitions…"
    # The letter holds "cluster" but never "cluster bombs": the words are listed, the
    # letter does not match.
    found, where = lines('"cluster bombs"')
    assert not found and (1, 6) in where
    assert lines("zeppelin") == (False, [])
    # A question the letter answers only in part: its words listed, no match (the main
    # search would list the letter among those with most of the words).
    found, where = lines("cluster zeppelin")
    assert not found and (1, 6) in where


def test_the_ocr_tolerant_mode_on_a_letter_read_by_ocr(live_server):
    # The Peru letter's text is OCR: its page offers the OCR-tolerant switch.
    def switch(letter_id: str) -> list:
        page = fetch(live_server, f"/letters/{letter_id}")
        return [i for i in page.find("input", name="ocr") if i.inside("within-form")]

    assert len(switch(PERU)) == 1 and not switch(PK_MOFA)
    strict = get_json(live_server, f"/api/letters/{PERU}/search?q=munitlons")
    assert (strict["match"], strict["hits"]) == (False, 0)
    tolerant = get_json(live_server, f"/api/letters/{PERU}/search?q=munitlons&ocr=1")
    assert tolerant["match"] and tolerant["ocr"] is True and tolerant["hits"] > 0
    first = tolerant["pages"][0]["lines"][0]
    assert "<mark>" in first["html"] and first["url"].endswith(f"&ocr=1#L{first['line']}")
    page = fetch(live_server, path_of(first["url"]).split("#")[0])
    assert "line--hit" in page.one("div", id=f"L{first['line']}").classes
    marked = [m.text.lower() for m in page.find("mark") if m.inside("transcript")]
    assert marked and all(m.startswith("munition") for m in marked)


def test_the_api_gives_pages_lines_anchors_marked_text_and_counts(live_server):
    data = get_json(live_server, f"/api/letters/{PK_MOFA}/search?q=goose")
    assert data["id"] == PK_MOFA and data["q"] == "goose" and data["ocr"] is False
    assert data["match"] is True and data["truncated"] is False
    assert (data["hits"], data["lines"]) == (2, 2)
    assert [p["n"] for p in data["pages"]] == [1, 2]
    one, two = data["pages"]
    assert one["hits"] == 1 and path_of(one["url"]) == f"/letters/{PK_MOFA}/pages/1?q=goose"
    assert one["lines"] == [
        {
            "line": 4,
            "url": one["lines"][0]["url"],
            "text": "Dear Mr. Stephen D. Goose,",
            "html": "Dear Mr. Stephen D. <mark>Goose</mark>,",
            "spans": [[20, 25]],
        }
    ]
    assert one["lines"][0]["url"].endswith(f"/letters/{PK_MOFA}/pages/1?q=goose#L4")
    assert two["lines"][0]["line"] == 4 and two["lines"][0]["text"] == "Mr. Stephen D. Goose,"
    # The line numbers are the page's own anchors.
    page = fetch(live_server, f"/letters/{PK_MOFA}/pages/2?q=goose")
    assert "Goose" in page.one("div", id="L4").text


def test_a_query_that_marks_nothing_or_cannot_be_read(live_server):
    data = get_json(live_server, f"/api/letters/{PK_MOFA}/search?q=country:PK")
    assert (data["match"], data["hits"], data["pages"]) == (True, 0, [])
    page = fetch(live_server, f"/letters/{PK_MOFA}?q=country:PK")
    assert "none of the query's words stands in its text" in page.one(
        "p", class_="within-summary"
    ).text
    for q, message in (
        ("(a", "missing ')' for '(' at character 1"),
        ("", "q is empty; accepted: a query in Missive's query language"),
        ("sendr:goose", "unknown field 'sendr' at character 1; accepted:"),
    ):
        error = get_json(live_server, f"/api/letters/{PK_MOFA}/search?q={quote(q)}", 400)
        assert error["status"] == 400 and error["error"].startswith(message)
        assert "\n" not in error["error"]
    bad = get_json(live_server, f"/api/letters/{PK_MOFA}/search?q=goose&ocr=maybe", 400)
    assert bad["error"] == "ocr='maybe' is not a switch; accepted: 1 or 0"
    # The page says why it cannot mark, and lists no hits.
    page = fetch(live_server, f"/letters/{PK_MOFA}?q=%28a")
    assert not page.find("div", class_="within-hits")
    assert "cannot be marked" in page.one("p", class_="notice").text


def test_unknown_letters_are_404(live_server):
    error = get_json(live_server, "/api/letters/no-such-letter/search?q=goose", 404)
    assert error == {"status": 404, "error": "There is no letter 'no-such-letter' in the archive."}


# -- a collection with a correspondence, a draft and a withdrawn letter ----------------------
HRW = {"name": GOOSE, "organisation": "Human Rights Watch", "country": "US"}
MOFA = {"name": SHAMI, "organisation": "Ministry of Foreign Affairs", "country": "PK"}
EXTRA = {
    # Goose writes first (B to A), before the sample's letter of 16 February.
    "2009-01-30-hrw-to-mofa": ("2009-01-30", HRW, MOFA, {}),
    # Goose to someone else in between: not between Shami and Goose.
    "2009-02-18-hrw-to-oslo": ("2009-02-18", HRW, {"name": "Grethe Ostern"}, {}),
    # Between them, but a draft (not public) and a withdrawn letter.
    "2009-02-20-hrw-draft": ("2009-02-20", HRW, MOFA, {"status": "draft"}),
    "2009-02-21-hrw-withdrawn": (
        "2009-02-21",
        HRW,
        MOFA,
        {"status": "withdrawn", "withdrawn": {"at": "2026-11-23T10:00:00Z", "reason": "a copy"}},
    ),
    # Goose's answer, which says what it replies to.
    "2009-03-02-hrw-reply": (
        "2009-03-02",
        HRW,
        MOFA,
        {"related": [{"id": PK_MOFA, "relation": "reply-to"}]},
    ),
}


@pytest.fixture(scope="module")
def corr_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("correspondence")
    shutil.copytree(SAMPLE, root / "archive")
    for letter_id, (date, sender, recipient, extra) in EXTRA.items():
        meta = {"title": f"Letter of {date}", "date": date, "sender": sender}
        meta |= {"recipient": recipient, "languages": ["en"], **extra}
        text = f"Dear colleague,\nour letter of {date}.\n"
        write_letter(root / "archive", letter_id, [text], meta)
    env = Env(root)
    report = env.build()
    assert not report.errors, report.errors
    server = LiveServer(create_app(app_config(env)))
    yield server
    server.stop()


def test_drafts_are_404_and_withdrawn_letters_410_as_in_the_letter_api(corr_server):
    for letter_id, status in (("2009-02-20-hrw-draft", 404), ("2009-02-21-hrw-withdrawn", 410)):
        error = get_json(corr_server, f"/api/letters/{letter_id}/search?q=colleague", status)
        same = get_json(corr_server, f"/api/letters/{letter_id}", status)
        assert error == same and error["status"] == status


# -- correspondents' context ---------------------------------------------------------------
def context(page: Page) -> dict[str, str | None]:
    section = [e for e in page.elements if e.inside("correspondents")]

    def link(class_: str) -> str | None:
        found = [e for e in section if e.tag == "a" and e.inside(class_)]
        return found[0].get("href") if found else None

    return {
        "previous": link("corr-prev"),
        "next": link("corr-next"),
        "reply": link("corr-reply"),
        "all": next(e.get("href") for e in section if "corr-all" in e.classes),
        "all_text": " ".join(next(e.text for e in section if "corr-all" in e.classes).split()),
    }


def hit_ids_of(server, path: str) -> list[str]:
    page = fetch(server, path)
    return page.hit_ids()


def test_the_sample_pakistan_letters_have_no_other_letter_between_their_correspondents(
    live_server,
):
    # The two letters have one recipient but two senders: each pair wrote once.
    for letter_id, sender in ((PK_MOFA, SHAMI), (PK_EMBASSY, "Mumtaz Zahra Baloch")):
        page = fetch(live_server, f"/letters/{letter_id}")
        found = context(page)
        assert (found["previous"], found["next"], found["reply"]) == (None, None, None)
        assert found["all_text"] == f"All letters between {sender} and {GOOSE} (1)"
        assert "No earlier letter between them" in page.one("li", class_="corr-prev").text
        query = parse_qs(urlsplit(found["all"]).query)
        assert query == {
            "sort": ["date"],
            "sender": [sender, GOOSE],
            "recipient": [sender, GOOSE],
        }
        assert hit_ids_of(live_server, found["all"]) == [letter_id]
    # A circular without a recipient has no correspondent to pair with.
    assert not fetch(live_server, f"/letters/{PERU}").find("section", class_="correspondents")


def test_previous_and_next_letters_between_the_same_two_either_way(corr_server):
    found = context(fetch(corr_server, f"/letters/{PK_MOFA}"))
    # Goose to Shami before, Goose's reply after: the draft, the withdrawn letter and the
    # letter to someone else in between are passed over.
    assert found["previous"] == "/letters/2009-01-30-hrw-to-mofa"
    assert found["next"] == "/letters/2009-03-02-hrw-reply"
    assert found["reply"] is None
    assert found["all_text"] == f"All letters between {SHAMI} and {GOOSE} (3)"
    assert hit_ids_of(corr_server, found["all"]) == [
        "2009-01-30-hrw-to-mofa",
        PK_MOFA,
        "2009-03-02-hrw-reply",
    ]

    first = context(fetch(corr_server, "/letters/2009-01-30-hrw-to-mofa"))
    assert (first["previous"], first["next"]) == (None, f"/letters/{PK_MOFA}")
    # The pair is named in the order of this letter: its sender first.
    assert first["all_text"] == f"All letters between {GOOSE} and {SHAMI} (3)"

    reply_page = fetch(corr_server, "/letters/2009-03-02-hrw-reply")
    reply = context(reply_page)
    assert (reply["previous"], reply["next"]) == (f"/letters/{PK_MOFA}", None)
    assert reply["reply"] == f"/letters/{PK_MOFA}"
    assert reply_page.one("li", class_="corr-reply").text.split()[:2] == ["Reply", "to"]

    # The embassy's letter to Goose is still between other correspondents.
    embassy = context(fetch(corr_server, f"/letters/{PK_EMBASSY}"))
    assert (embassy["previous"], embassy["next"]) == (None, None)


# -- official correspondence: a country's offices with the other party ----------------------
def office_context(page: Page) -> list[dict]:
    """Each institutional level of the correspondents' box: its heading, links and counts."""
    anchors = [e for e in page.elements if e.inside("correspondents") and e.tag == "a"]

    def link(class_: str) -> str | None:
        found = [e.get("href") for e in anchors if e.inside(class_) or class_ in e.classes]
        return found[0] if found else None

    return [
        {
            "previous": link("corr-office-prev"),
            "next": link("corr-office-next"),
            "from": link("corr-office-from"),
            "to": link("corr-office-to"),
            "all_text": " ".join(page.one("p", class_="corr-office-all").text.split()),
            "heading": " ".join(block.text.split()),
        }
        for block in page.elements
        if "corr-office" in block.classes
    ]


def test_the_pakistan_letters_are_one_official_correspondence_with_goose(live_server):
    mofa = office_context(fetch(live_server, f"/letters/{PK_MOFA}"))
    embassy = office_context(fetch(live_server, f"/letters/{PK_EMBASSY}"))
    assert len(mofa) == len(embassy) == 1  # Goose's side (US offices) adds no letter
    assert mofa[0]["heading"].startswith(f"Between Pakistan (its offices) and {GOOSE}")
    assert (mofa[0]["previous"], mofa[0]["next"]) == (None, f"/letters/{PK_EMBASSY}")
    assert (embassy[0]["previous"], embassy[0]["next"]) == (f"/letters/{PK_MOFA}", None)
    assert mofa[0]["all_text"] == f"All letters between Pakistan and {GOOSE} (2): from Pakistan (2)"
    assert mofa[0]["to"] is None  # Goose wrote to no office of Pakistan here
    query = parse_qs(urlsplit(mofa[0]["from"]).query)
    assert query == {"sort": ["date"], "country": ["PK"], "recipient": [GOOSE]}
    assert hit_ids_of(live_server, mofa[0]["from"]) == [PK_MOFA, PK_EMBASSY]
    # The persons' level is as it was: each signer wrote once.
    assert context(fetch(live_server, f"/letters/{PK_MOFA}"))["next"] is None


def test_letters_of_one_office_to_one_person_show_no_second_level(live_server):
    for letter_id in ("2009-08-18-russia-embassy-wellington", "2008-10-10-uk-fco-miliband"):
        page = fetch(live_server, f"/letters/{letter_id}")
        assert page.find("section", class_="correspondents")
        assert office_context(page) == []


def test_the_official_level_goes_either_way_past_drafts_and_withdrawn_letters(corr_server):
    # Goose wrote to the Ministry on 30 January and replied on 2 March; the embassy wrote
    # on 24 February: four letters between Pakistan's offices and Goose, three between
    # Shami and Goose.
    [mofa] = office_context(fetch(corr_server, f"/letters/{PK_MOFA}"))
    assert (mofa["previous"], mofa["next"]) == (
        "/letters/2009-01-30-hrw-to-mofa",
        f"/letters/{PK_EMBASSY}",
    )
    assert mofa["all_text"] == (
        f"All letters between Pakistan and {GOOSE} (4): from Pakistan (2), to Pakistan (2)"
    )
    assert hit_ids_of(corr_server, mofa["to"]) == ["2009-01-30-hrw-to-mofa", "2009-03-02-hrw-reply"]
    [embassy] = office_context(fetch(corr_server, f"/letters/{PK_EMBASSY}"))
    assert (embassy["previous"], embassy["next"]) == (
        f"/letters/{PK_MOFA}",
        "/letters/2009-03-02-hrw-reply",
    )
    # From Goose's side: his letter to the Ministry has Pakistan's offices as its level.
    [first] = office_context(fetch(corr_server, "/letters/2009-01-30-hrw-to-mofa"))
    assert (first["previous"], first["next"]) == (None, f"/letters/{PK_MOFA}")


def test_words_side_by_side_are_one_hit_a_phrase_counted_once(live_server):
    from indexer.search.within import occurrences

    text = "Cluster Munitions and cluster cluster, munitions"
    spans = [(0, 7), (8, 17), (22, 29), (30, 37), (39, 48)]
    # a repeated word is two hits, and a comma parts two words
    assert occurrences(text, spans) == [[(0, 7), (8, 17)], [(22, 29)], [(30, 37)], [(39, 48)]]
    data = get_json(live_server, f"/api/letters/{PK_MOFA}/search?q=%22cluster+munitions%22")
    assert data["hits"] == 10 and [p["hits"] for p in data["pages"]] == [9, 1]
    first = data["pages"][0]["lines"][0]
    assert first["html"].count("<mark>") == 1 and "<mark>Cluster Munitions</mark>" in first["html"]
    # the letter page says the same in plain words
    page = fetch(live_server, f"/letters/{PK_MOFA}/pages/2?q=%22cluster+munitions%22")
    summary = " ".join(page.one("p", class_="hits-summary").text.split())
    assert summary.startswith('“"cluster munitions"”: 1 here, 9 on page 1.')
