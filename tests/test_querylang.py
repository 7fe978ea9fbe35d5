"""Missive's query language: the README's examples, the tree, the canonical form, errors."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.errors import MissiveError
from indexer.search.querylang import OPERATORS, QueryError, parse
from indexer.search.querytree import (
    TEXT_FIELDS,
    And,
    DateRange,
    Everything,
    Fuzzy,
    Id,
    Node,
    Not,
    Or,
    Phrase,
    Term,
    Wildcard,
    Year,
    all_of,
    any_of,
    to_query_string,
)
from tests.conftest import REPO


def _table_examples() -> list[str]:
    """Every `example` in the first column of the README's search-syntax table."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Search syntax", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [example for row in rows for example in re.findall(r"`([^`]+)`", row.split("|")[1])]


def w(text: str) -> Term:
    return Term(None, text)


EXPECTED = {
    "cluster munitions": And((w("cluster"), w("munitions"))),
    '"Arms Trade Treaty"': Phrase(None, ("Arms", "Trade", "Treaty")),
    '"Lima munitions"~8': Phrase(None, ("Lima", "munitions"), 8),
    "munitions AND Lima": And((w("munitions"), w("Lima"))),
    "Lima OR Oslo": Or((w("Lima"), w("Oslo"))),
    "munitions NOT Oslo": And((w("munitions"), Not(w("Oslo")))),
    "munitions -Oslo": And((w("munitions"), Not(w("Oslo")))),
    "(a OR b) AND c": And((Or((w("a"), w("b"))), w("c"))),
    "munition*": Wildcard(None, "munition*"),
    "harb?ur": Wildcard(None, "harb?ur"),
    "munitoins~": Fuzzy(None, "munitoins"),
    "munitoins~2": Fuzzy(None, "munitoins", 2),
    "sender:goose": Term("sender", "goose"),
    "recipient:wareham": Term("recipient", "wareham"),
    "place:lima": Term("place", "lima"),
    "title:treaty": Term("title", "treaty"),
    "country:PK": Term("country", "PK"),
    "country:Pakistan": Term("country", "PK"),
    "recipient_country:US": Term("recipient_country", "US"),
    "date:2009": DateRange("2009", "2009"),
    "date:2009-02": DateRange("2009-02", "2009-02"),
    "date:[2007 TO 2009-06]": DateRange("2007", "2009-06"),
    "date:>2008": DateRange("2008", None, start_inclusive=False),
    "date:>=2008": DateRange("2008", None),
    "year:1856": Year(1856),
    "language:fr": Term("language", "fr"),
    "source:ocr": Term("source", "ocr"),
    "text:treaty": Term("text", "treaty"),
    'collection:"Cluster munitions and arms trade correspondence (sample)"': Term(
        "collection", "Cluster munitions and arms trade correspondence (sample)"
    ),
    "id:2009-02-16-pakistan-mofa": Id("2009-02-16-pakistan-mofa"),
}


@pytest.mark.parametrize("example", _table_examples())
def test_every_example_of_the_readme_table_parses_and_prints_back(example):
    tree = parse(example)
    assert parse(str(tree)) == tree


def test_every_example_of_the_readme_table_gives_its_tree():
    examples = _table_examples()
    assert len(examples) >= 29  # the table was read
    missing = [e for e in examples if e not in EXPECTED]
    assert not missing, f"add the expected tree of each new README example: {missing}"
    for example in examples:
        assert parse(example) == EXPECTED[example], example


# -- grammar decisions ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "query, tree",
    [
        ("", Everything()),
        ("   ", Everything()),
        # side by side binds loosest, AND tighter than OR, NOT tightest
        ("a b OR c", And((w("a"), Or((w("b"), w("c")))))),
        ("a OR b c", And((Or((w("a"), w("b"))), w("c")))),
        ("a AND b OR c", Or((And((w("a"), w("b"))), w("c")))),
        ("a OR b AND c", Or((w("a"), And((w("b"), w("c")))))),
        ("NOT a AND b", And((Not(w("a")), w("b")))),
        ("NOT a OR b", Or((Not(w("a")), w("b")))),
        ("a OR -b", Or((w("a"), Not(w("b"))))),
        ("-(a OR b) c", And((Not(Or((w("a"), w("b")))), w("c")))),
        ("NOT Lima", Not(w("Lima"))),
        ("NOT NOT a", w("a")),
        ("+a +b", And((w("a"), w("b")))),
        ("a +b", And((w("a"), w("b")))),
        ("(a b) c", And((w("a"), w("b"), w("c")))),
        ("((a))", w("a")),
        ("and or not And", And((w("and"), w("or"), w("not"), w("And")))),
        # words keep hyphens, apostrophes and colons that start no field
        ("co-chair", w("co-chair")),
        ("Pakistan's", w("Pakistan's")),
        ("Note: treaty", And((w("Note:"), w("treaty")))),
        ("10:30", w("10:30")),
        ("[sic]", w("[sic]")),
        ('a"b c"', And((w("a"), Phrase(None, ("b", "c"))))),
        ('"AND munition*"', Phrase(None, ("AND", "munition*"))),
        # fields, aliases, groups
        ("from:goose to:wareham", And((Term("sender", "goose"), Term("recipient", "wareham")))),
        ("content:x", Term("text", "x")),
        ("lang:French", Term("language", "fr")),
        ("country:peru", Term("country", "PE")),
        ('country:"United States"', Term("country", "US")),
        ("source:OCR", Term("source", "ocr")),
        ("sender:(goose OR wareham)", Or((Term("sender", "goose"), Term("sender", "wareham")))),
        ("sender:(goose title:x)", And((Term("sender", "goose"), Term("title", "x")))),
        ('title:"arms trade"~3', Phrase("title", ("arms", "trade"), 3)),
        ("sender:goose~", Fuzzy("sender", "goose")),
        ("munitoins~2/3", Fuzzy(None, "munitoins", 2, 3)),
        ("title:mun*", Wildcard("title", "mun*")),
        ("id:2009-02*", Wildcard("id", "2009-02*")),
        ('id:"a*"', Id("a*")),
        ("id:-x", Id("-x")),
        ("collection:Cluster*", Wildcard("collection", "Cluster*")),
        # dates and years
        ("date:2009-02-16", DateRange("2009-02-16", "2009-02-16")),
        ("date:1855/1856", DateRange("1855", "1856")),
        ('date:"2009"', DateRange("2009", "2009")),
        ("date:{2007 TO 2009}", DateRange("2007", "2009", False, False)),
        ("date:[2007 to 2009}", DateRange("2007", "2009", True, False)),
        ("date:[2007 TO]", DateRange("2007", None)),
        ("date:[TO 2009]", DateRange(None, "2009")),
        ("date:>=2008", DateRange("2008", None)),
        ("date:<2008", DateRange(None, "2008", end_inclusive=False)),
        ("date:<=2008-06", DateRange(None, "2008-06")),
        ("date:(2009 OR >2010)", Or((DateRange("2009", "2009"), DateRange("2010", None, False)))),
        ("year:[1850 TO 1860]", DateRange("1850", "1860")),
        ("year:>1850", DateRange("1850", None, start_inclusive=False)),
    ],
)
def test_grammar(query, tree):
    assert parse(query) == tree
    assert parse(str(tree)) == tree


def test_date_bounds_exclusive_and_inclusive():
    after = parse("date:>2008")
    assert (after.first_day(), after.last_day()) == (dt.date(2009, 1, 1), None)
    from_ = parse("date:>=2008")
    assert from_.first_day() == dt.date(2008, 1, 1)
    before = parse("date:<2008")
    assert (before.first_day(), before.last_day()) == (None, dt.date(2007, 12, 31))
    until = parse("date:<=2008-02")
    assert until.last_day() == dt.date(2008, 2, 29)
    inside = parse("date:{2007-06 TO 2009}")
    assert (inside.first_day(), inside.last_day()) == (dt.date(2007, 7, 1), dt.date(2008, 12, 31))
    day = parse("date:2009-02-16")
    assert day.first_day() == day.last_day() == dt.date(2009, 2, 16)


@pytest.mark.parametrize(
    "tree, text",
    [
        (parse("from:goose OR lang:French"), "sender:goose OR language:fr"),
        (parse("a AND b OR c"), "(a b) OR c"),
        (parse("a b OR c"), "a (b OR c)"),
        (parse("-(a OR b)"), "NOT (a OR b)"),
        (parse('"a  b"~1'), '"a b"'),
        (parse("x~1/0"), "x~"),
        (parse("x~/2"), "x~1/2"),
        (parse("year:[1850 TO 1860}"), "date:[1850 TO 1860}"),
        (parse("date:[2009 TO 2009]"), "date:2009"),
        (parse("date:[2007 TO]"), "date:>=2007"),
        (parse("title:(>x)"), "title:(>x)"),
        (parse('collection:"A (b)"'), 'collection:"A (b)"'),
        (Everything(), ""),
    ],
)
def test_canonical_form(tree, text):
    assert to_query_string(tree) == text
    assert parse(text) == tree


# -- errors ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "query, position, message",
    [
        ('cluster "Lima munitions', 9, "unclosed quote at character 9"),
        ("a (b OR c", 3, "missing ')' for '(' at character 3"),
        ("a b)", 4, "unexpected ')' at character 4"),
        ("a ()", 3, "empty brackets '()' at character 3"),
        ("sendr:goose", 1, "unknown field 'sendr' at character 1; accepted: title, text "
         "(content), sender (from), recipient (to), place, country, recipient_country, "
         "language (lang), source, collection, date, year, id"),
        ("date:2009-13", 6, "'2009-13' at character 6 is not a date; accepted: YYYY, "
         "YYYY-MM, YYYY-MM-DD"),
        ("date:2009-02-30", 6, "'2009-02-30' at character 6 is not a date"),
        ("date:[nonsense TO 2009]", 7, "'nonsense' at character 7 is not a date"),
        ("date:[2009 TO 2009-1x]", 15, "'2009-1x' at character 15 is not a date"),
        ("date:2009?", 6, "'2009?' at character 6 is not a date"),
        ("date:[2007 2009]", 6, "the range at character 6 reads [FROM TO UNTIL]"),
        ("date:[2007 TO 2009", 6, "missing ']' for '[' at character 6"),
        ("date:{2009 TO 2010}", 6, "takes in no day"),
        ("date:[2010 TO 2009]", 6, "takes in no day"),
        ("year:18", 6, "'18' at character 6 is not a year; accepted: YYYY"),
        ("sender:[a TO b]", 8, "a range or comparison at character 8 is accepted only after "
         "date: or year:"),
        ("a AND", 3, "expected a search term after 'AND' at character 3"),
        ("a AND OR b", 3, "expected a search term after 'AND' at character 3, found 'OR'"),
        ("(a OR)", 4, "expected a search term after 'OR' at character 4, found ')'"),
        ("x NOT", 3, "expected a search term after 'NOT' at character 3"),
        ("OR a", 1, "'OR' at character 1 needs a search term before it"),
        ("AND", 1, "'AND' at character 1 needs a search term before it"),
        ("a AND - b", 7, "'-' at character 7 must be followed by a search term without a "
         "space"),
        ("*", 1, "a wildcard needs at least one letter"),
        ("munit* OR ?*", 11, "'?*' at character 11: a wildcard needs at least one letter"),
        ("a~b", 1, "'a~b' at character 1 is not a fuzzy term"),
        ("mun*~", 1, "is not a fuzzy term"),
        ('"a b"~0', 6, "expected a number of words, 1 or more, after '~' at character 6"),
        ('"a b"~', 6, "after '~' at character 6"),
        ('x ""', 3, "empty quotes at character 3"),
        ("country:Narnia", 1, "country:Narnia at character 1 is not a country"),
        ("x country:(PK OR Narnia)", 18, "country:Narnia at character 18 is not a country"),
        ("language:zz", 1, "language:zz at character 1 is not a language"),
        ("source:paper", 1, "source:paper at character 1 is unknown; accepted: transcribed, "
         "ocr, image-only"),
        ("country:P*", 1, "wildcards are for words, id: and collection:, not country:"),
        ("id:x~", 1, "fuzzy terms (~) are for words, not id:"),
        ('collection:"x"~2', 15, "'~' at character 15 follows phrases of words"),
    ],
)
def test_errors_name_the_character_and_what_is_accepted(query, position, message):
    with pytest.raises(QueryError) as info:
        parse(query)
    assert message in str(info.value)
    assert info.value.position == position
    assert isinstance(info.value, MissiveError)
    assert "\n" not in str(info.value)


def test_a_lone_dash_or_plus_between_terms_is_punctuation():
    # A researcher's question keeps its punctuation: nothing to refuse, nothing negated.
    assert parse("appear to be,. - (a)") == And((w("appear"), w("to"), w("be,."), w("a")))
    assert parse("Lima - Oslo") == And((w("Lima"), w("Oslo")))
    assert parse("- Oslo +") == w("Oslo")
    assert parse("-") == Everything()
    assert parse("Lima -Oslo") == And((w("Lima"), Not(w("Oslo"))))  # touching: NOT


def test_limits_on_length_and_nesting():
    with pytest.raises(QueryError, match="longer than 1000 characters"):
        parse("a " * 501)
    assert parse("(" * 32 + "a" + ")" * 32) == w("a")
    with pytest.raises(QueryError, match="nest more than 32 deep") as info:
        parse("(" * 33 + "a" + ")" * 33)
    assert info.value.position == 33
    assert parse("-" * 999 + "a") == Not(w("a"))  # a long chain of negations is a loop


# -- the canonical form round-trips ----------------------------------------------------------
_WORD = st.text(st.sampled_from("abcxyzéü019'.-,&[>"), min_size=1, max_size=8).filter(
    lambda t: t[0] not in "+-" and t not in OPERATORS
)
_NO_QUOTE = st.characters(
    blacklist_characters='"', blacklist_categories=("Cc", "Cs", "Zs", "Zl", "Zp")
)
_TOKEN = st.text(_NO_QUOTE, min_size=1, max_size=8)  # a phrase's word: anything but a quote
_VALUE = st.lists(_TOKEN, min_size=1, max_size=3).map(" ".join)  # a collection name, an id
_FIELD = st.sampled_from((None, *TEXT_FIELDS))
_ISO = st.dates(min_value=dt.date(1, 1, 1)).flatmap(
    lambda d: st.sampled_from([f"{d.year:04d}", f"{d.year:04d}-{d.month:02d}", d.isoformat()])
)


def _pattern(word: str) -> st.SearchStrategy[str]:
    return st.sampled_from([word + "*", "*" + word, word + "?" + word, word[0] + "*" + word])


def _takes_in_a_day(r: DateRange) -> bool:
    first, last = r.first_day(), r.last_day()
    return first is None or last is None or first <= last


_BOUND = st.one_of(st.none(), _ISO)
_DATES = (
    st.tuples(_BOUND, _BOUND, st.booleans(), st.booleans())
    .filter(lambda t: t[0] is not None or t[1] is not None)
    .map(lambda t: DateRange(*t))
    .filter(_takes_in_a_day)
)
_CODES = {
    "country": ["PK", "GB"],
    "recipient_country": ["US"],
    "language": ["en", "fr"],
    "source": ["ocr", "transcribed", "image-only"],
}
LEAVES = st.one_of(
    st.builds(Term, _FIELD, _WORD),
    st.sampled_from([Term(f, v) for f, values in _CODES.items() for v in values]),
    st.builds(Term, st.just("collection"), _VALUE),
    st.builds(Id, _VALUE),
    st.builds(Phrase, _FIELD, st.lists(_TOKEN, min_size=1, max_size=4).map(tuple),
              st.integers(1, 20)),
    st.builds(
        Wildcard, st.sampled_from((None, *TEXT_FIELDS, "collection", "id")),
        _WORD.flatmap(_pattern),
    ),
    st.builds(Fuzzy, _FIELD, _WORD, st.integers(0, 9), st.integers(0, 5)),
    _DATES,
    st.builds(Year, st.integers(1, 9999)),
)


def _compound(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    parts = st.lists(children, min_size=2, max_size=4)
    return st.one_of(
        parts.map(lambda p: all_of(p)),
        parts.map(lambda p: any_of(p)),
        children.filter(lambda c: not isinstance(c, Not)).map(Not),
    )


TREES = st.recursive(LEAVES, _compound, max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(TREES)
def test_a_tree_prints_as_a_query_that_parses_back_to_it(tree):
    text = to_query_string(tree)
    assert parse(text) == tree, text


_PIECES = st.sampled_from(
    ["a", "Lima", "co-chair", "AND", "OR", "NOT", "and", "(", ")", "-", "+", '"', "*", "?", "~",
     "~2", ":", "sender:", "from:", "date:", "year:", "id:", "country:", "title:", "xyz:", "[",
     "]", "{", "}", "TO", ">", "<", "=", "2009", "2009-02", "/", "PK", "10:30", " ", "  "]
)


@settings(max_examples=600, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_any_text_is_refused_with_a_query_error_or_read_into_a_tree_that_round_trips(text):
    try:
        tree = parse(text)
    except QueryError as exc:
        assert exc.position is None or 1 <= exc.position <= len(text)
        return
    canonical = to_query_string(tree)
    assert parse(canonical) == tree
    assert to_query_string(parse(canonical)) == canonical
