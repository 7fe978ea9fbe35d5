"""Facet counts: for the letters that match everything else, each facet without its own
filter (the year facet also without the date range, its own too); several values of one
filter are combined with OR. Counted against the facets' own reading of each letter
(`Facet.values`), so every engine is held to the same numbers."""

from __future__ import annotations

from collections import Counter

import pytest

from indexer.search import FACETS, QueryError
from tests.engine.conftest import found, search

# Requests with filters of several facets at once, and a query.
REQUESTS = [
    {},
    {"q": "the"},
    {"filters": {"country": ["PK", "GB"]}},
    {"filters": {"year": ["2008", "2009"], "source": ["transcribed"]}},
    {"q": "treaty", "filters": {"language": ["en"], "country": ["GB", "PK", "FR"]}},
    {"filters": {"recipient": ["Lord Palmerston", "Ingrid Halvorsen"]}},
    {"q": "embassy", "date_from": "1990", "date_to": "2009-06", "filters": {"source": ["ocr"]}},
    {"date_from": "2000", "date_to": "2009-06", "filters": {"country": ["PK", "GB", "AT"]}},
]


def _own(facet) -> tuple[str, ...]:
    return (facet.param, "date") if facet.param == "year" else (facet.param,)


@pytest.mark.parametrize("req", REQUESTS, ids=[str(r) for r in REQUESTS])
def test_each_facet_counts_the_letters_matching_all_other_filters(engine, corpus, req):
    result = search(engine, **req)
    for facet in FACETS:
        own = _own(facet)
        others = {k: v for k, v in req.get("filters", {}).items() if k not in own}
        kept = dict(req, filters=others)
        if "date" in own:
            kept.pop("date_from", None), kept.pop("date_to", None)
        letters = found(engine, **kept)
        expected = Counter(v for i in letters for v in facet.values(corpus.letters[i]))
        selected = set(req.get("filters", {}).get(facet.param, []))
        listed = result.facets[facet.name]
        assert {v.value: v.count for v in listed} == {
            v: expected.get(v, 0) for v in {v.value for v in listed}
        }, facet.name
        # Every value with letters is listed (the suite's facets are short), and every
        # selected value too, counted or not.
        assert {v.value for v in listed} == set(expected) | selected, facet.name
        assert {v.value for v in listed if v.selected} == selected, facet.name
        if facet.by_value:
            assert [v.value for v in listed] == sorted(v.value for v in listed), facet.name
        else:
            counts = [v.count for v in listed if v.value in expected]
            assert counts == sorted(counts, reverse=True), facet.name


def test_the_year_facet_is_counted_without_the_date_range(engine):
    result = search(engine, date_from="2008", date_to="2008")
    assert result.total == len(found(engine, "date:2008")) > 0
    years = {v.value: v.count for v in result.facets["year"]}
    assert years["2007"] == len(found(engine, "year:2007")) > 0  # outside the range
    assert sum(v.count for v in result.facets["text_source"]) == result.total  # inside it


def test_values_of_one_filter_are_combined_with_or(engine):
    pe, pk = found(engine, filters={"country": ["PE"]}), found(engine, filters={"country": ["PK"]})
    assert pe and pk
    assert found(engine, filters={"country": ["PE", "PK"]}) == pe | pk
    fr, en = (
        found(engine, filters={"language": ["fr"]}),
        found(engine, filters={"language": ["en"]}),
    )
    assert found(engine, filters={"language": ["fr", "en"]}) == fr | en
    # Filters of different facets are combined with AND.
    both = found(engine, filters={"country": ["PE", "PK"], "language": ["en"]})
    assert both == (pe | pk) & en


def test_other_values_stay_selectable(engine):
    result = search(engine, filters={"country": ["PE", "PK"]})
    countries = {v.value: (v.count, v.selected) for v in result.facets["sender_country"]}
    assert countries["PE"][1] and countries["PK"][1]
    assert countries["GB"] == (len(found(engine, filters={"country": ["GB"]})), False)
    assert countries["RU"][0] >= 1 and not countries["RU"][1]
    # A selected value no letter has is still listed, with 0, to be unselected.
    result = search(engine, "gazebo", filters={"country": ["JP"]})
    assert result.total == 0
    assert [(v.value, v.count, v.selected) for v in result.facets["sender_country"]] == [
        ("IE", 3, False),
        ("JP", 0, True),
    ]


def test_counts_add_up(engine, corpus):
    def without(req: dict, param: str) -> set[str]:
        filters = {k: v for k, v in req.get("filters", {}).items() if k != param}
        return found(engine, **dict(req, filters=filters))

    for req in REQUESTS:
        result = search(engine, **req)
        # Every letter has one text source, and at most one sender country: the counts
        # add up to the letters found without that filter.
        sources = sum(v.count for v in result.facets["text_source"])
        assert sources == len(without(req, "source"))
        countries = sum(v.count for v in result.facets["sender_country"])
        letters = without(req, "country")
        assert countries == sum(1 for i in letters if corpus.letters[i].sender.country)
        assert sum(result.coverage.values()) == result.total
    # Over every public letter: a year for each year an interval spans.
    everything = search(engine)
    years = sum(v.count for v in everything.facets["year"])
    dated = [x for x in corpus.published.values() if x.date]
    assert years == sum(len(x.date.years()) for x in dated) > len(dated)


def test_labels_are_names_and_filters_take_names(engine):
    result = search(engine, filters={"country": ["Peru"], "language": ["en"]})
    countries = {v.value: v.label for v in result.facets["sender_country"]}
    assert countries["PE"] == "Peru"
    assert result.request.filters["country"] == ["PE"]
    languages = {v.value: v.label for v in search(engine).facets["language"]}
    assert languages["fr"] == "French"
    sources = {v.value: v.label for v in search(engine).facets["text_source"]}
    assert sources == {"transcribed": "Transcribed", "ocr": "OCR only", "image-only": "Image only"}
    with pytest.raises(QueryError, match="not a known sender country"):
        search(engine, filters={"country": ["Narnia"]})
    with pytest.raises(QueryError, match="is not a filter"):
        search(engine, filters={"colour": ["red"]})


def test_unpublished_letters_are_counted_for_archivists_only(engine, corpus):
    public = {v.value: v.count for v in search(engine).facets["sender_country"]}
    everyone = {v.value: v.count for v in search(engine, unpublished=True).facets["sender_country"]}
    assert everyone["SE"] == public.get("SE", 0) + 2  # a draft and a withdrawn letter
    assert sum(everyone.values()) - sum(public.values()) == len(corpus.letters) - len(
        corpus.published
    )
