"""The search core over a small archive built on disk for the test."""

from __future__ import annotations

import itertools

import pytest

from indexer.search import QueryError, SearchRequest
from tests.conftest import write_letter

LETTERS = {
    "1850-03-01-paris": (
        [
            "Paris, le 1 mars 1850\n\nMonsieur le Ministre,\n\n"
            "Le traité sur les munitions est signé.",
            "We discussed the Arms Trade Treaty at length.\n<script>alert(1)</script>",
        ],
        {
            "date": "1850-03-01",
            "sender": {"name": "Jean Dupont", "country": "FR"},
            "recipient": {"name": "Lord Palmerston", "country": "GB"},
            "languages": ["fr", "en"],
        },
    ),
    "2007-04-10-lima": (
        [
            "Lima, April 10th 2007\n\nThe Minister of Foreign Affairs of Perú invites you to "
            "the Lima Conference on Cluster Munitions."
        ],
        {
            "date": "2007-04-10",
            "sender": {"name": "José García", "country": "PE"},
            "languages": ["en"],
        },
    ),
    "2009-01-05-ocr": (
        ["Th1s letter was read by a rnachine: c1uster munitlons are discussed here."],
        {
            "date": "2009-01",
            "sender": {"organisation": "Embassy", "country": "PK"},
            "languages": ["en"],
        },
    ),
    "1855-interval": (
        ["A letter of uncertain date about the harbour and its cluster of ships."],
        {"date": "1855/1856", "sender": {"name": "Anon", "country": "GB"}},
    ),
    "undated-note": (
        ["An undated note about munition supplies and the treaty."],
        {"sender": {"name": "Clerk", "country": "RU"}},
    ),
}


@pytest.fixture
def searcher(env):
    root = env.archive.root
    for letter_id, (pages, meta) in LETTERS.items():
        write_letter(root, letter_id, pages, meta)
    many = " ".join("zq" + "".join(p) for p in itertools.product("abcdefghijk", repeat=3))
    write_letter(root, "many-words", [many], {"date": "1990", "sender": {"country": "US"}})
    report = env.build()
    assert report.errors == []
    s = env.search()
    yield s
    s.close()


def ids(result) -> set[str]:
    return {h.id for h in result.hits}


def run(searcher, q="", **kw):
    kw.setdefault("per_page", 100)
    return searcher.search(SearchRequest(q=q, **kw))


def test_phrase_matches_only_adjacent_words(searcher):
    assert ids(run(searcher, '"Arms Trade Treaty"')) == {"1850-03-01-paris"}
    assert ids(run(searcher, '"Treaty Trade Arms"')) == set()


def test_stemming_and_accent_folding(searcher):
    assert ids(run(searcher, "Peru")) == {"2007-04-10-lima"}
    assert ids(run(searcher, "traite")) == {"1850-03-01-paris"}  # "traité"
    assert "undated-note" in ids(run(searcher, "munitions"))  # finds "munition"
    assert "2007-04-10-lima" in ids(run(searcher, "munition"))


def test_boolean_operators(searcher):
    assert ids(run(searcher, "munitions AND Lima")) == {"2007-04-10-lima"}
    assert ids(run(searcher, "Lima OR harbour")) == {"2007-04-10-lima", "1855-interval"}
    assert "2007-04-10-lima" not in ids(run(searcher, "munitions NOT Lima"))
    assert "2007-04-10-lima" not in ids(run(searcher, "munitions -Lima"))


def test_wildcards_expand_on_word_forms_and_are_guarded(searcher):
    assert ids(run(searcher, "munition*")) >= {
        "2007-04-10-lima",
        "undated-note",
        "1850-03-01-paris",
    }
    assert ids(run(searcher, "harb?ur")) == {"1855-interval"}
    with pytest.raises(QueryError, match="more than 1000 different words"):
        run(searcher, "zq*")
    with pytest.raises(QueryError, match="at least one letter"):
        run(searcher, "*")


def test_field_queries(searcher):
    assert ids(run(searcher, "sender:garcia")) == {"2007-04-10-lima"}
    assert ids(run(searcher, "recipient:palmerston")) == {"1850-03-01-paris"}
    assert ids(run(searcher, "country:PE")) == {"2007-04-10-lima"}
    assert ids(run(searcher, "country:Peru")) == {"2007-04-10-lima"}
    assert ids(run(searcher, "date:[1850 TO 1855]")) == {"1850-03-01-paris", "1855-interval"}
    assert ids(run(searcher, "date:2009")) == {"2009-01-05-ocr"}
    assert ids(run(searcher, "year:1856")) == {"1855-interval"}
    with pytest.raises(QueryError, match="not a country"):
        run(searcher, "country:Narnia")


def test_fuzzy_proximity_and_ocr_mode(searcher):
    assert "2007-04-10-lima" in ids(run(searcher, "munitoins~2"))
    assert ids(run(searcher, '"Lima Munitions"~8')) == {"2007-04-10-lima"}
    assert ids(run(searcher, '"Lima Munitions"')) == set()
    plain = ids(run(searcher, '"cluster munitions"'))
    assert "2009-01-05-ocr" not in plain
    assert "2009-01-05-ocr" in ids(run(searcher, "cluster munitions", ocr=True))


def test_did_you_mean(searcher):
    result = run(searcher, "munitoins")
    assert result.total == 0
    assert result.did_you_mean == "munitions"


def test_country_filter_is_or_and_facets_ignore_their_own_filter(searcher):
    result = run(searcher, "", filters={"country": ["PE", "PK"]})
    assert ids(result) == {"2007-04-10-lima", "2009-01-05-ocr"}
    countries = {v.value: (v.count, v.selected) for v in result.facets["sender_country"]}
    # Other countries stay selectable with their counts.
    assert countries["GB"] == (1, False)
    assert countries["RU"] == (1, False)
    assert countries["PE"] == (1, True)
    years = {v.value: v.count for v in result.facets["year"]}
    assert years == {"2007": 1, "2009": 1}


def test_date_range_and_year_filters(searcher):
    result = run(searcher, "", date_from="1850", date_to="1855-06")
    assert ids(result) == {"1850-03-01-paris", "1855-interval"}
    assert ids(run(searcher, "", filters={"year": ["1856"]})) == {"1855-interval"}
    with pytest.raises(QueryError, match="is not a date"):
        run(searcher, "", date_from="last year")


def test_sort_by_date_puts_undated_last_both_ways(searcher):
    asc = [h.id for h in run(searcher, "", sort="date").hits]
    desc = [h.id for h in run(searcher, "", sort="-date").hits]
    assert asc[0] == "1850-03-01-paris" and asc[-1] == "undated-note"
    assert desc[0] == "2009-01-05-ocr" and desc[-1] == "undated-note"


def test_paging(searcher):
    pages = [run(searcher, "", sort="date", per_page=2, page=n) for n in (1, 2, 3, 4)]
    seen = [h.id for p in pages for h in p.hits]
    assert len(seen) == len(set(seen)) == 6
    assert pages[0].total == 6 and pages[3].hits == []
    with pytest.raises(QueryError, match="page"):
        run(searcher, "", page=0)
    with pytest.raises(QueryError, match="per_page"):
        run(searcher, "", per_page=10000)


def test_snippets_name_their_page_escape_html_and_mark_hits(searcher):
    result = run(searcher, "treaty alert")
    hit = next(h for h in result.hits if h.id == "1850-03-01-paris")
    assert hit.pages_with_hits == [2]
    html = " ".join(s.html for s in hit.snippets)
    assert {s.page for s in hit.snippets} == {2}
    assert "<mark>Treaty</mark>" in html
    assert "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;" in html
    assert "<script>" not in html


def test_results_carry_ids_not_document_numbers(searcher):
    result = run(searcher, "munitions")
    assert all(isinstance(h.id, str) and not h.id.isdigit() for h in result.hits)
    assert result.coverage == {"transcribed": result.total}


def test_more_like_this(searcher):
    similar = [m["id"] for m in searcher.more_like_this("2007-04-10-lima")]
    assert similar and "2007-04-10-lima" not in similar


def test_unparseable_and_empty_queries(searcher):
    assert run(searcher, "").total == 6
    with pytest.raises(QueryError):
        run(searcher, "date:[nonsense TO 2009]")


def test_hyphens_and_apostrophes_split_words_but_queries_keep_them_together(env):
    write_letter(
        env.archive.root, "a", ["The Co-Chair of the coalition spoke on Pakistan's policy."]
    )
    write_letter(env.archive.root, "b", ["The chair of the co-op; Pakistan policy."])
    env.build()
    s = env.search()
    try:
        assert ids(run(s, "co-chair")) == {"a"}
        assert ids(run(s, "Pakistan")) == {"a", "b"}
        assert ids(run(s, "Pakistan's")) == {"a"}
        assert ids(run(s, "id:a")) == {"a"}
    finally:
        s.close()


def test_an_index_without_any_dated_letter_sorts_and_filters(env):
    write_letter(env.archive.root, "b-note", ["an undated note about ships"])
    write_letter(env.archive.root, "a-note", ["another undated note about ships"])
    env.build()
    s = env.search()
    try:
        assert [h.id for h in run(s, "", sort="date").hits] == ["a-note", "b-note"]
        assert run(s, "ships", date_from="1900").total == 0
        assert [h.id for h in run(s, "ships").hits] == ["a-note", "b-note"]  # equal scores: by id
    finally:
        s.close()
