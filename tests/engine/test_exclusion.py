"""Excluding facet values (`SearchRequest.exclude`): a letter with any excluded value of a
facet is left out; a facet is counted without its own selections and exclusions, so an
excluded value keeps its count (to be included again), while the other facets' counts
honour the exclusion. Expected letters come from searches with selections only and from
each facet's own reading of the letters (`Facet.values`), never from the engine's
exclusion itself."""

from __future__ import annotations

from collections import Counter

import pytest

from indexer.search import FACETS, QueryError, SearchRequest
from tests.engine.conftest import found, search

# Requests with exclusions, alone, beside selections of other facets and of the same facet.
REQUESTS = [
    {"exclude": {"country": ["PK"]}},
    {"exclude": {"country": ["PK", "GB"]}, "filters": {"source": ["transcribed"]}},
    {"q": "the", "exclude": {"language": ["fr"]}},
    {"filters": {"language": ["en"]}, "exclude": {"language": ["fr"]}},
    {"filters": {"year": ["1855", "2009"]}, "exclude": {"year": ["1856"], "country": ["AT"]}},
    {"date_from": "2000", "exclude": {"year": ["2008"], "source": ["ocr"]}},
    {"exclude": {"recipient": ["Lord Palmerston"], "country": ["NO"]}},
]


def _own(facet) -> tuple[str, ...]:
    return (facet.param, "date") if facet.param == "year" else (facet.param,)


def _without(corpus, letters: set[str], exclude: dict[str, list[str]]) -> set[str]:
    """The letters none of whose values of a facet is excluded, read from the letters."""
    by_param = {f.param: f for f in FACETS}
    return {
        i
        for i in letters
        if not any(
            set(by_param[p].values(corpus.letters[i])) & set(values)
            for p, values in exclude.items()
        )
    }


def test_an_excluded_value_leaves_out_every_letter_with_it(engine, corpus):
    everything = found(engine)
    pk = found(engine, filters={"country": ["PK"]})
    assert len(pk) >= 3
    assert found(engine, exclude={"country": ["PK"]}) == everything - pk
    result = search(engine, exclude={"country": ["PK"]})
    assert result.total == len(everything) - len(pk)
    # Several values of one exclusion: a letter with any of them is left out.
    gb = found(engine, filters={"country": ["GB"]})
    assert found(engine, exclude={"country": ["PK", "GB"]}) == everything - pk - gb
    # A letter with several values (French and English) goes with any one excluded.
    fr = found(engine, filters={"language": ["fr"]})
    en = found(engine, filters={"language": ["en"]})
    assert fr & en
    assert found(engine, exclude={"language": ["en"]}) == everything - en


def test_selection_and_exclusion_in_one_facet(engine):
    en = found(engine, filters={"language": ["en"]})
    fr = found(engine, filters={"language": ["fr"]})
    mixed = found(engine, filters={"language": ["en"]}, exclude={"language": ["fr"]})
    assert mixed == en - fr and fr & en and mixed
    # Years: an interval spanning 1855 and 1856 is in year 1855 but left out by 1856.
    y1855, y1856 = (found(engine, filters={"year": [y]}) for y in ("1855", "1856"))
    assert "1855-interval" in y1855 & y1856
    assert found(engine, filters={"year": ["1855"]}, exclude={"year": ["1856"]}) == y1855 - y1856
    # With other facets' filters, the text query and the date range: all AND.
    got = found(
        engine, "the", date_from="1800", filters={"country": ["FR", "PE", "GB"]},
        exclude={"language": ["fr"]},
    )
    expected = found(engine, "the", date_from="1800", filters={"country": ["FR", "PE", "GB"]})
    assert got == expected - fr and got


@pytest.mark.parametrize("req", REQUESTS, ids=[str(r) for r in REQUESTS])
def test_each_facet_counts_without_its_own_selections_and_exclusions(engine, corpus, req):
    result = search(engine, **req)
    excluded_all = req.get("exclude", {})
    filters = req.get("filters", {})
    assert result.total == len(_without(corpus, found(engine, **_selections(req)), excluded_all))
    for facet in FACETS:
        own = _own(facet)
        kept = dict(_selections(req), filters={k: v for k, v in filters.items() if k not in own})
        if "date" in own:
            kept.pop("date_from", None), kept.pop("date_to", None)
        others = {k: v for k, v in excluded_all.items() if k not in own}
        letters = _without(corpus, found(engine, **kept), others)
        expected = Counter(v for i in letters for v in facet.values(corpus.letters[i]))
        selected = set(filters.get(facet.param, []))
        excluded = set(excluded_all.get(facet.param, []))
        listed = result.facets[facet.name]
        assert {v.value: v.count for v in listed} == {
            v.value: expected.get(v.value, 0) for v in listed
        }, facet.name
        # Excluded values are listed with their count, as selected ones are, to be undone.
        assert {v.value for v in listed} == set(expected) | selected | excluded, facet.name
        assert {v.value for v in listed if v.excluded} == excluded, facet.name
        assert {v.value for v in listed if v.selected} == selected, facet.name
        assert not any(v.selected and v.excluded for v in listed), facet.name
    assert sum(result.coverage.values()) == result.total


def _selections(req: dict) -> dict:
    """The request without its exclusions."""
    return {k: v for k, v in req.items() if k != "exclude"}


def test_an_excluded_value_keeps_its_count_and_other_facets_honour_it(engine):
    pk = found(engine, filters={"country": ["PK"]})
    result = search(engine, exclude={"country": ["PK"]})
    listed = result.facets["sender_country"]
    countries = {v.value: (v.count, v.selected, v.excluded) for v in listed}
    assert countries["PK"] == (len(pk), False, True)
    assert countries["GB"][1:] == (False, False)
    # The other facets count only the letters left: the year 1970 held only Pakistani letters.
    everything = {v.value: v.count for v in search(engine).facets["year"]}
    years = {v.value: v.count for v in result.facets["year"]}
    y1970 = found(engine, filters={"year": ["1970"]})
    assert y1970 and y1970 <= pk
    assert "1970" in everything and "1970" not in years
    assert sum(years.values()) < sum(everything.values())
    # An excluded value no letter of the search has is still listed, with 0.
    result = search(engine, "gazebo", exclude={"country": ["JP"]})
    assert result.total == 3
    assert [(v.value, v.count, v.excluded) for v in result.facets["sender_country"]] == [
        ("IE", 3, False),
        ("JP", 0, True),
    ]


def test_ordered_honours_exclusions(engine):
    req = SearchRequest(q="the", exclude={"country": ["PK", "GB"]}, sort="date")
    ordered = engine.ordered(req, 1000)
    assert ordered.total == len(found(engine, "the", exclude={"country": ["PK", "GB"]}))
    assert {i for i, _ in ordered.letters} == found(engine, "the") - found(
        engine, filters={"country": ["PK", "GB"]}
    )


def test_exclusions_are_validated_and_kept_in_canonical_form(engine):
    result = search(engine, exclude={"country": ["Pakistan", "PK", "gb"], "year": []})
    # Names become the values indexed, repeats go, empty exclusions are dropped.
    assert result.request.exclude == {"country": ["PK", "GB"]}
    assert result.total == len(found(engine, exclude={"country": ["PK", "GB"]}))
    with pytest.raises(QueryError, match="not a known sender country"):
        search(engine, exclude={"country": ["Narnia"]})
    with pytest.raises(QueryError, match="is not a filter"):
        search(engine, exclude={"colour": ["red"]})
    with pytest.raises(QueryError, match="both selected and excluded"):
        search(engine, filters={"country": ["PK"]}, exclude={"country": ["Pakistan"]})
