"""Snippets: the passages where the query's words stand, labelled with their page, the
words in <mark>, everything else escaped; and the marks an engine gives for any text."""

from __future__ import annotations

import html
import re

from indexer.search import SearchRequest
from tests.engine import scan
from tests.engine.conftest import search

MARK = re.compile(r"<mark>(.*?)</mark>")


def _hit(engine, q: str, letter_id: str, **kw):
    return next(h for h in search(engine, q, **kw).hits if h.id == letter_id)


def test_snippets_name_their_page_escape_html_and_mark_hits(engine):
    hit = _hit(engine, "treaty alert", "1850-03-01-paris")
    assert hit.pages_with_hits == [2]
    assert {s.page for s in hit.snippets} == {2}
    text = " ".join(s.html for s in hit.snippets)
    assert "<mark>Treaty</mark>" in text
    assert "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;" in text
    assert "<script>" not in text


def test_pages_with_hits_are_every_page_holding_a_word(engine, corpus):
    hit = _hit(engine, "traite OR treaty", "1850-03-01-paris")
    assert hit.pages_with_hits == [1, 2]  # "traité" on page 1, "Treaty" on page 2
    assert [s.page for s in hit.snippets] == sorted(s.page for s in hit.snippets)
    for q in ("munitions", "embassy", '"arms trade"', "negoti*"):
        for h in search(engine, q).hits:
            letter = corpus.letters[h.id]
            assert set(h.pages_with_hits) <= set(range(1, len(letter.pages) + 1)), (q, h.id)
            assert {s.page for s in h.snippets} <= set(h.pages_with_hits), (q, h.id)


def test_marked_words_are_the_query_words_and_the_rest_is_escaped(engine, corpus):
    for q, words in (
        ("munitions", ["munitions"]),
        ("embassy ministry", ["embassy", "ministry"]),
        ('"arms trade"', ["arms", "trade"]),
    ):
        result = search(engine, q)
        assert result.hits, q
        for h in result.hits:
            page_texts = [p.text for p in corpus.letters[h.id].pages]
            for s in h.snippets:
                marked = MARK.findall(s.html)
                assert marked or not h.pages_with_hits, (q, h.id, s.html)
                for m in marked:
                    assert any(scan.same_word(scan.fold(html.unescape(m)), w) for w in words), m
                # Outside the marks, nothing is markup: the page's text, escaped.
                plain = MARK.sub(r"\1", s.html)
                assert "<" not in plain and ">" not in plain, s.html
                body = html.unescape(plain).strip("…")
                flat = " ".join(page_texts[s.page - 1].split())
                assert body in flat, (q, h.id, body)


def test_a_search_without_words_shows_the_opening_of_the_letter(engine):
    hit = _hit(engine, "", "1850-03-01-paris", filters={"country": ["FR"]})
    assert hit.pages_with_hits == []
    [lead] = hit.snippets
    assert lead.page == 1 and "<mark>" not in lead.html
    assert lead.html.startswith("Monsieur le Ministre")
    # An image-only letter has no text to show.
    [unread] = [h for h in search(engine, "id:1920-scan-unread").hits]
    assert unread.snippets == [] and unread.pages_with_hits == []


def test_marks_say_which_words_of_a_text_a_query_matched(engine):
    text = "The Treaty; treaties & <b>treaty</b>, retreat."
    spans = engine.marks("treaty").spans(text)
    assert [text[a:b] for a, b in spans] == ["Treaty", "treaties", "treaty"]
    assert engine.marks("treaty")
    assert not engine.marks("")
    assert engine.marks("").spans(text) == []
    # Accents folded, the engine's OCR-tolerant reading on request.
    names = "peru PERU Pérou"
    assert [names[a:b] for a, b in engine.marks("Perú").spans(names)] == ["peru", "PERU"]
    ocr_text = "c1uster munitlons"
    assert engine.marks("cluster munitions").spans(ocr_text) == []
    assert len(engine.marks("cluster munitions", ocr=True).spans(ocr_text)) == 2


def test_hits_of_an_export_carry_the_same_snippets(engine):
    req = SearchRequest(q="treaty alert", per_page=100)
    ordered = engine.ordered(req, 100)
    exported = engine.hits(ordered.letters, ordered.marks)
    shown = engine.search(req).hits
    assert [h.id for h in exported] == [h.id for h in shown]
    assert [(h.pages_with_hits, h.snippets) for h in exported] == [
        (h.pages_with_hits, h.snippets) for h in shown
    ]
    # Letters no public search shows, or no longer in the index, are left out.
    hidden = [("2009-05-draft", None), ("no-such-letter", None), ("tie-a", None)]
    assert [h.id for h in engine.hits(hidden, ordered.marks)] == ["tie-a"]
    assert [h.id for h in engine.hits(hidden, ordered.marks, unpublished=True)] == [
        "2009-05-draft",
        "tie-a",
    ]
