"""What each part of the query language finds (README "Search syntax",
docs/query-language.md): boolean logic, wildcards and their budget, fuzzy terms, fields
and their short forms, dates, years and ids; checked against the letters themselves."""

from __future__ import annotations

import re

import pytest

from indexer.search import QueryError, QueryTooBroad
from tests.engine import scan
from tests.engine.conftest import found, search


@pytest.fixture(scope="module")
def everyone(corpus) -> set[str]:
    return set(corpus.published)


def test_the_empty_query_finds_every_public_letter(engine, everyone):
    assert found(engine, "") == everyone
    assert search(engine, "").total == len(everyone)


@pytest.mark.parametrize(
    "q,ids",
    [
        ("Peru", {"2007-04-11-lima-conference"}),  # "Perú" in the text
        ("traite", {"1850-03-01-paris"}),  # "traité"
        ("munition", {"undated-note", "2007-04-11-lima-conference"}),  # and "munitions"
        ("munitions", {"undated-note", "2007-04-11-lima-conference"}),
    ],
)
def test_words_are_found_in_any_case_accent_and_form(engine, q, ids):
    assert found(engine, f"text:{q}") >= ids


def test_implicit_and_is_and(engine):
    both = found(engine, "cluster munitions")
    assert both == found(engine, "cluster") & found(engine, "munitions")
    assert both == found(engine, "cluster AND munitions") == found(engine, "+cluster +munitions")
    assert "2007-04-11-lima-conference" in both


def test_or_not_and_minus(engine, everyone):
    lima, harbour = found(engine, "Lima"), found(engine, "harbour")
    assert found(engine, "Lima OR harbour") == lima | harbour
    assert {"2007-04-11-lima-conference", "1855-interval"} <= lima | harbour
    munitions = found(engine, "munitions")
    assert found(engine, "munitions NOT Lima") == munitions - lima
    assert found(engine, "munitions -Lima") == munitions - lima
    assert "2007-04-11-lima-conference" not in munitions - lima
    # NOT alone: every letter without the word.
    assert found(engine, "NOT Lima") == found(engine, "-Lima") == everyone - lima
    assert found(engine, "NOT NOT Lima") == lima


def test_grouping_and_precedence(engine):
    keepers, lighthouse = found(engine, "keepers"), found(engine, "lighthouse")
    harbour, fjord = found(engine, "harbour"), found(engine, "fjord")
    assert found(engine, "(lighthouse OR harbour) AND keepers") == (lighthouse | harbour) & keepers
    # Side by side binds loosest: `a b OR c` is `a AND (b OR c)`.
    assert found(engine, "keepers harbour OR fjord") == keepers & (harbour | fjord)
    # AND binds before OR: `a AND b OR c` is `(a AND b) OR c`.
    assert found(engine, "keepers AND harbour OR fjord") == (keepers & harbour) | fjord
    assert found(engine, "NOT (lighthouse OR harbour) keepers") == keepers - lighthouse - harbour


def test_operators_count_only_in_capitals(engine):
    ties = {"tie-a", "tie-b", "tie-c"}  # "One gazebo in the garden."
    assert found(engine, "gazebo AND garden") == ties
    # "and" and "or" are words they lack: every word asked for finds nothing (a question's
    # second try, most of its words, is test_natural.py's)
    assert found(engine, "gazebo and garden", match="all") == set()
    assert found(engine, "gazebo OR zzzqqq") == ties
    assert found(engine, "gazebo or", match="all") == set()


def test_words_split_by_hyphens_and_apostrophes_are_searched_together(engine, corpus):
    def side_by_side(*words: str) -> set[str]:
        letters = corpus.published.values()
        return scan.having(letters, lambda x: scan.contains(scan.text_words(x), list(words)))

    # "co-op" and "Pakistan policy" hold the words, but not side by side.
    assert "1970-05-02-co-op" not in side_by_side("co", "chair") | side_by_side("pakistan", "s")
    assert found(engine, "text:co-chair") == side_by_side("co", "chair")
    assert found(engine, "text:Pakistan's") == side_by_side("pakistan", "s")
    assert "1970-05-01-co-chair" in side_by_side("co", "chair") & side_by_side("pakistan", "s")
    assert {"1970-05-01-co-chair", "1970-05-02-co-op"} <= found(engine, "Pakistan")


def _matching(corpus, pattern: str, fields) -> set[str]:
    rx = re.compile(pattern)
    return scan.having(
        corpus.published.values(), lambda x: any(rx.fullmatch(w) for f in fields for w in f(x))
    )


@pytest.mark.parametrize("q", ["munition*", "harb?ur", "negoti*", "lighthouse*", "c?uster"])
def test_wildcards_stand_for_word_forms(engine, corpus, q):
    pattern = re.escape(q).replace(r"\*", r"\w*").replace(r"\?", r"\w")
    in_text = _matching(corpus, pattern, [scan.text_words])
    anywhere = _matching(corpus, pattern, [scan.text_words, scan.title_words])
    hits = found(engine, q)
    assert in_text <= hits <= anywhere, q
    assert found(engine, f"text:{q}") == in_text, q
    assert in_text, q  # the pattern stands for words of the letters


def test_wildcards_reach_every_form(engine):
    assert found(engine, "munition*") >= {
        "2007-04-11-lima-conference",
        "undated-note",
        "1850-03-01-paris",
    }
    assert "1855-interval" in found(engine, "harb?ur")


def test_a_wildcard_standing_for_too_many_words_is_refused(engine):
    # 1,331 words start with "zq" (one letter holds them), more than one query may use.
    with pytest.raises(QueryTooBroad, match=r"^'zq\*' matches more than 1,?000 different words"):
        search(engine, "zq*")
    # Several wildcards count together: 9 x 121 words.
    with pytest.raises(QueryTooBroad):
        search(engine, " OR ".join(f"zq{c}*" for c in "abcdefghi"))
    assert found(engine, "zqa* OR zqb*") == {"1990-many-words"}  # 242 words
    with pytest.raises(QueryError, match="at least one letter"):
        search(engine, "*")


@pytest.fixture(scope="module")
def text_words(corpus) -> dict[str, set[str]]:
    return {i: set(scan.text_words(x)) for i, x in corpus.published.items()}


def _within(text_words: dict[str, set[str]], word: str, edits: int) -> set[str]:
    """The letters with a word within `edits` edits of `word`."""
    near = {
        w
        for w in set().union(*text_words.values())
        if abs(len(w) - len(word)) <= edits and scan.osa(w, word) <= edits
    }
    return {i for i, words in text_words.items() if words & near}


@pytest.mark.parametrize(
    "q,word,edits",
    [
        ("munitoins~", "munitoins", 1),  # two neighbours swapped: one edit
        ("munitoins~1", "munitoins", 1),
        ("munitxxns~", "munitxxns", 1),
        ("munitxxns~2", "munitxxns", 2),
        ("lighthuose~2", "lighthuose", 2),
        ("garcie~", "garcie", 1),
    ],
)
def test_fuzzy_terms_find_words_within_their_edits(engine, text_words, q, word, edits):
    expected = _within(text_words, word, edits)
    assert found(engine, f"text:{q}") == expected, q
    assert expected or edits == 1, q  # the two-edit ones find something


def test_fuzzy_distance_matters(engine):
    assert "2007-04-11-lima-conference" in found(engine, "munitoins~2")
    # "munitxxns" is two edits from "munitions": ~2 finds it, ~ does not.
    assert "2007-04-11-lima-conference" in found(engine, "munitxxns~2")
    assert "2007-04-11-lima-conference" not in found(engine, "munitxxns~")


def _value_field(corpus, test) -> set[str]:
    return scan.having(corpus.published.values(), test)


def _party_has(which: str, word: str):
    return lambda x: any(scan.same_word(w, word) for w in scan.party_words(x, which))


@pytest.mark.parametrize(
    "q,alias,which,word",
    [
        ("sender:garcia", "from:garcia", "sender", "garcia"),
        ("sender:embassy", "from:embassy", "sender", "embassy"),
        ("recipient:palmerston", "to:palmerston", "recipient", "palmerston"),
        ("recipient:halvorsen", "to:halvorsen", "recipient", "halvorsen"),
    ],
)
def test_party_fields_and_their_short_forms(engine, corpus, q, alias, which, word):
    hits = found(engine, q)
    exact = scan.having(corpus.published.values(), lambda x: word in scan.party_words(x, which))
    assert exact and exact <= hits, q
    assert hits <= _value_field(corpus, _party_has(which, word)), q
    assert found(engine, alias) == hits


def _word_in(corpus, word: str, where) -> tuple[set[str], set[str]]:
    """The letters with `word` as written in `where(letter)`, and with it in any form."""
    letters = corpus.published.values()
    exact = scan.having(letters, lambda x: word in where(x))
    loose = scan.having(letters, lambda x: any(scan.same_word(w, word) for w in where(x)))
    return exact, loose


def test_place_title_and_text_fields(engine, corpus):
    assert found(engine, "place:lima") >= {"2007-04-11-lima-conference"}
    assert "1850-03-01-paris" not in found(engine, "place:lima")
    exact, loose = _word_in(corpus, "invitation", scan.title_words)
    assert exact >= {"2007-04-11-lima-conference", "1960-03-07-uy-mfa-000075"}
    assert exact <= found(engine, "title:invitation") <= loose
    exact, loose = _word_in(corpus, "invitation", scan.text_words)
    text = found(engine, "text:invitation")
    assert exact <= text <= loose
    assert found(engine, "content:invitation") == text
    # "Invitation" is in its title only, its text says "invites": found in either form.
    assert "2007-04-11-lima-conference" not in exact
    assert found(engine, "text:invitation -text:invites") == exact - found(engine, "invites")


@pytest.mark.parametrize(
    "queries,test",
    [
        (("country:PE", "country:pe", "country:Peru"), lambda x: x.sender.country == "PE"),
        (
            ("recipient_country:NO", "recipient_country:Norway"),
            lambda x: any(r.country == "NO" for r in x.recipients),
        ),
        (("language:fr", "lang:fr", "lang:French"), lambda x: "fr" in x.languages),
        (("source:ocr", "source:OCR"), lambda x: x.text_source == "ocr"),
        (("source:image-only",), lambda x: x.text_source == "image-only"),
        (
            ('collection:"Cluster munitions and arms trade correspondence (sample)"',),
            lambda x: x.collection == "Cluster munitions and arms trade correspondence (sample)",
        ),
    ],
)
def test_value_fields_find_exactly_their_letters(engine, corpus, queries, test):
    expected = _value_field(corpus, test)
    assert expected
    for q in queries:
        assert found(engine, q) == expected, q


def test_unknown_values_and_fields_are_refused(engine):
    with pytest.raises(QueryError, match="not a country"):
        search(engine, "country:Narnia")
    with pytest.raises(QueryError, match="unknown field 'sendr'") as caught:
        search(engine, "sendr:goose")
    assert caught.value.position == 1
    with pytest.raises(QueryError, match="character 1") as caught:
        search(engine, '"Lima munitions')
    assert caught.value.position == 1
    with pytest.raises(QueryError):
        search(engine, "date:[nonsense TO 2009]")


# (query, first day, last day it takes in), as docs/query-language.md lists them.
DATES = [
    ("date:2009", "2009-01-01", "2009-12-31"),
    ("date:2009-02", "2009-02-01", "2009-02-28"),
    ("date:2008-12", "2008-12-01", "2008-12-31"),
    ("date:2008-12-31", "2008-12-31", "2008-12-31"),
    ("date:1855/1856", "1855-01-01", "1856-12-31"),
    ("date:1856", "1856-01-01", "1856-12-31"),
    ("date:[2007 TO 2009-06]", "2007-01-01", "2009-06-30"),
    ("date:{2007 TO 2009}", "2008-01-01", "2008-12-31"),
    ("date:[2007 TO 2009}", "2007-01-01", "2008-12-31"),
    ("date:{2007 TO 2009]", "2008-01-01", "2009-12-31"),
    ("date:[2008-12-31 TO 2009-01-01]", "2008-12-31", "2009-01-01"),
    ("date:[1850 TO 1855]", "1850-01-01", "1855-12-31"),
    ("date:[2007 TO]", "2007-01-01", None),
    ("date:[TO 1901]", None, "1901-12-31"),
    ("date:>2008", "2009-01-01", None),
    ("date:>=2008", "2008-01-01", None),
    ("date:<2008", None, "2007-12-31"),
    ("date:<=2008", None, "2008-12-31"),
    ("date:>2008-12", "2009-01-01", None),
    ("date:<2009-01-01", None, "2008-12-31"),
    ("year:1856", "1856-01-01", "1856-12-31"),
    ("year:2008", "2008-01-01", "2008-12-31"),
    ("year:[1850 TO 1860]", "1850-01-01", "1860-12-31"),
    ("year:>2008", "2009-01-01", None),
]


def overlapping(corpus, first: str | None, last: str | None) -> set[str]:
    """Dated public letters whose date (a day, or every day of a month, year or interval)
    overlaps the days from `first` to `last` (None: open)."""
    return scan.having(
        corpus.published.values(),
        lambda x: (
            x.date is not None
            and (last is None or x.date.start.isoformat() <= last)
            and (first is None or x.date.end.isoformat() >= first)
        ),
    )


@pytest.mark.parametrize("q,first,last", DATES, ids=[d[0] for d in DATES])
def test_dates_take_in_the_days_the_reference_lists(engine, corpus, q, first, last):
    assert found(engine, q) == overlapping(corpus, first, last)


def test_exclusive_bounds_leave_the_boundary_out(engine):
    after = found(engine, "date:>2008")
    assert not {"2008-year-report", "2008-12-month", "2008-12-31-eve"} & after
    assert "2009-01-01-new-year" in after
    before = found(engine, "date:<2008")
    assert not {"2008-year-report", "2008-12-month"} & before
    assert "2007-04-11-lima-conference" in before
    # A partial date covers its whole span: a year dated 2008 overlaps December 2008.
    assert {"2008-year-report", "2008-12-month", "2008-12-31-eve"} <= found(engine, "date:2008-12")
    # The interval 1855/1856 is in both years.
    assert "1855-interval" in found(engine, "year:1855") & found(engine, "year:1856")


def test_undated_letters_match_no_date(engine):
    undated = {"undated-note", "undated-memo", "tie-a"}
    assert not undated & found(engine, "date:[1000 TO 3000]")
    assert not undated & found(engine, "year:>1000")


def test_ranges_that_take_in_no_day_are_refused(engine):
    for q in ("date:{2009 TO 2010}", "date:[2010 TO 2009]", "date:2009-13", "year:18"):
        with pytest.raises(QueryError, match="character"):
            search(engine, q)


def test_date_filters_of_the_request_overlap_too(engine, corpus):
    result = found(engine, "", date_from="1850", date_to="1855-06")
    assert result == overlapping(corpus, "1850-01-01", "1855-06-30")
    assert result >= {"1850-03-01-paris", "1855-interval"}
    assert found(engine, "", date_from="2009") == overlapping(corpus, "2009-01-01", None)
    assert found(engine, "", date_to="1901") == overlapping(corpus, None, "1901-12-31")
    with pytest.raises(QueryError, match="is not a date"):
        search(engine, "", date_from="last year")
    # The year filter takes in every year of an interval.
    assert found(engine, filters={"year": ["1856"]}) == {"1855-interval"}
    assert found(engine, filters={"year": ["1855"]}) == {"1855-interval"}


def test_id_finds_one_letter_and_id_wildcards_their_prefix(engine, corpus):
    assert found(engine, "id:tie-a") == {"tie-a"}
    assert found(engine, "id:2009-02-16-pakistan-mofa") == {"2009-02-16-pakistan-mofa"}
    assert found(engine, "id:no-such-letter") == set()
    assert found(engine, "id:2009-05-draft") == set()  # a draft is no public letter
    assert found(engine, "id:2009-05-draft", unpublished=True) == {"2009-05-draft"}
    prefixed = {i for i in corpus.published if i.startswith("2009-0")}
    assert len(prefixed) > 3
    assert found(engine, "id:2009-0*") == prefixed


def test_ocr_mode_finds_words_within_a_slip(engine):
    assert "2009-01-noisy" not in found(engine, '"cluster munitions"')
    assert "2009-01-noisy" in found(engine, "cluster munitions", ocr=True)  # "c1uster munitlons"
    assert found(engine, "cluster munitions") <= found(engine, "cluster munitions", ocr=True)
