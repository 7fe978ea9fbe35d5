"""The order of results: relevance with ties in id order, dates with undated letters last
both ways, pages that cut one order without gaps or repeats, `ordered()` the same order
as the pages, and the same order from an index built again."""

from __future__ import annotations

import pytest

from indexer.engines import EngineConfig, open_engine
from indexer.search import QueryError, SearchRequest
from tests.engine.conftest import build, found, ranked, search

REQUESTS = [
    {"q": ""},
    {"q": "", "sort": "date"},
    {"q": "", "sort": "-date"},
    {"q": "treaty"},
    {"q": "treaty", "sort": "-date"},
    {"q": "embassy OR mission", "filters": {"language": ["en"]}},
    {"q": "the", "sort": "date", "date_from": "1950", "date_to": "2010"},
    {"q": "gazebo"},
    {"q": "NOT treaty", "unpublished": True},
]


def _start(letter) -> str:
    return letter.date.start.isoformat()


def test_date_order_puts_undated_letters_last_both_ways(engine, corpus):
    dated = [x for x in corpus.published.values() if x.date]
    undated = sorted(i for i, x in corpus.published.items() if not x.date)
    assert len(undated) >= 5
    # Oldest first; letters of one day (or starting on one day) in id order.
    oldest = [x.id for x in sorted(dated, key=lambda x: (_start(x), x.id))]
    assert ranked(engine, "", sort="date") == oldest + undated
    newest = [x.id for x in sorted(dated, key=lambda x: (_invert(_start(x)), x.id))]
    assert ranked(engine, "", sort="-date") == newest + undated
    # Without a query, relevance means by date.
    assert ranked(engine, "") == oldest + undated
    assert all(h.score is None for h in search(engine, "", sort="date").hits)


def _invert(day: str) -> str:
    """A key that sorts ISO days newest first."""
    return "".join(chr(ord("9") - ord(c) + ord("0")) if c.isdigit() else c for c in day)


def test_equal_relevance_comes_in_id_order(engine):
    result = search(engine, "gazebo")
    assert [h.id for h in result.hits] == ["tie-a", "tie-b", "tie-c"]  # written c, a, b
    if engine.features.relevance_scores:
        scores = [h.score for h in result.hits]
        assert scores[0] > 0 and len(set(scores)) == 1


def test_relevance_orders_by_score(engine):
    if not engine.features.relevance_scores:
        pytest.skip("the engine gives no relevance scores")
    for q in ("treaty", "cluster munitions", "embassy OR mission", "negoti*"):
        hits = [(h.score, h.id) for p in (1, 2, 3) for h in search(engine, q, page=p).hits]
        assert len(hits) > 3, q
        assert all(isinstance(s, float) for s, _ in hits)
        # Higher scores first, ties by id.
        assert hits == sorted(hits, key=lambda h: (-h[0], h[1])), q
        assert len({s for s, _ in hits}) > 2, q  # scores that differ: the order is tested
    # A word in the title weighs more than the same word in the text.
    title_hit = search(engine, "invitation").hits[0]
    assert "invitation" in title_hit.title.lower()


@pytest.mark.parametrize("req", REQUESTS, ids=[str(r) for r in REQUESTS])
def test_pages_cut_one_order_without_gaps_or_repeats(engine, req):
    whole = search(engine, **dict(req, per_page=100)).hits
    assert len(whole) == min(100, search(engine, **req).total)
    seen = []
    for per_page in (1, 3, 7):
        pages = [search(engine, **dict(req, per_page=per_page, page=p)) for p in range(1, 9)]
        seen = [h.id for page in pages for h in page.hits]
        assert seen == [h.id for h in whole][: len(seen)], per_page
        assert all(page.total == pages[0].total for page in pages)
        assert pages[0].pages == -(-pages[0].total // per_page)
    assert len(seen) == len(set(seen))
    beyond = search(engine, **dict(req, page=99, per_page=100))
    assert beyond.hits == [] and beyond.total == len(ranked(engine, **req))


@pytest.mark.parametrize("req", REQUESTS, ids=[str(r) for r in REQUESTS])
def test_ordered_is_the_pages_one_after_another(engine, req):
    pages = ranked(engine, **req)
    whole = engine.ordered(SearchRequest(**req), 10_000)
    assert [i for i, _ in whole.letters] == pages
    assert whole.total == len(pages)
    first = engine.ordered(SearchRequest(**req), 3)
    assert [i for i, _ in first.letters] == pages[:3]
    assert first.total == len(pages)  # the whole count, the limit aside
    # Scores as the pages give them.
    hits = {h.id: h.score for h in search(engine, **dict(req, per_page=100)).hits}
    assert all(hits[i] == score for i, score in whole.letters if i in hits)


def test_an_index_built_again_gives_the_same_order(engine, engine_choice, corpus, tmp_path):
    again = open_engine(EngineConfig(tmp_path / "again", name=engine_choice))
    try:
        # The letters handed over in the opposite order, so nothing rests on the order
        # an index was filled in.
        build(again, list(reversed(corpus.letters.values())), corpus.skips)
        for req in REQUESTS:
            assert ranked(again, **req) == ranked(engine, **req), req
    finally:
        again.close()


def test_an_index_without_a_dated_letter_sorts_and_filters(small_index):
    small = small_index(
        {
            "b-note": (["an undated note about ships"], None),
            "a-note": (["another undated note about ships"], None),
        }
    )
    assert ranked(small.engine, "", sort="date") == ["a-note", "b-note"]
    assert ranked(small.engine, "", sort="-date") == ["a-note", "b-note"]
    assert search(small.engine, "ships", date_from="1900").total == 0
    assert ranked(small.engine, "ships") == ["a-note", "b-note"]  # equal scores: by id


def test_results_name_letters_by_id(engine, corpus):
    for h in search(engine, "munitions").hits:
        assert h.id in corpus.letters and not h.id.isdigit()


def test_requests_out_of_range_are_refused(engine):
    for kw, word in (
        ({"page": 0}, "page"),
        ({"per_page": 10_000}, "per_page"),
        ({"per_page": 0}, "per_page"),
        ({"sort": "newest"}, "sort"),
    ):
        with pytest.raises(QueryError, match=word):
            engine.search(SearchRequest(**kw))


def test_filters_and_query_narrow_alike_on_every_page(engine):
    everything = found(engine, "")
    treaty = found(engine, "treaty")
    english = found(engine, "", filters={"language": ["en"]})
    assert found(engine, "treaty", filters={"language": ["en"]}) == treaty & english
    assert treaty < everything and english < everything
