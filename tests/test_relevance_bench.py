"""The relevance benchmark's parts (benchmarks/relevance.py): Cranfield read whole, the
measures as trec_eval defines them, and the two reference rankers on the real collection.
Missive's own figures are the benchmark's (`make bench`), not a test's."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from benchmarks import relevance

CRANFIELD = Path(__file__).resolve().parent.parent.parent / "shared/corpus/ir/cranfield"
pytestmark = pytest.mark.skipif(
    not (CRANFIELD / "cran.all.1400").is_file(), reason="../shared/corpus is not here"
)


@pytest.fixture(scope="module")
def cranfield():
    return relevance.read_cranfield(CRANFIELD)


def test_the_collection_is_read_whole(cranfield):
    docs, questions, judged = cranfield
    assert sorted(map(int, docs)) == list(range(1, 1401))  # the last ".I" has no number
    assert len(questions) == 225 and all(questions)
    pairs = sum(len(g) for g in judged)
    lines = (CRANFIELD / "cranqrel").read_text().split("\n")
    assert pairs == len([line for line in lines if line.strip()])
    assert judged[0]["184"] == 2 and set(judged[0].values()) <= {1, 2, 3, 4}
    assert docs["1"][0].startswith("experimental investigation of the aerodynamics")


def test_measures_of_one_ranking():
    grades = {"a": 1, "b": 3}
    m = relevance.measures(["a", "x", "b"], grades)
    assert m["ap"] == pytest.approx((1 / 1 + 2 / 3) / 2)
    assert m["p10"] == pytest.approx(0.2) and m["r100"] == 1.0
    ideal = 4 + 2 / math.log2(3)
    assert m["ndcg10"] == pytest.approx((4 + 2 / math.log2(4)) / ideal)
    nothing = relevance.measures([], grades)
    assert nothing == {"ap": 0.0, "ndcg10": 0.0, "p10": 0.0, "r100": 0.0}
    # A relevant letter past the 100th counts for nothing.
    assert relevance.measures(["x"] * 100 + ["a"], grades)["r100"] == 0.0


@pytest.mark.parametrize("system", ["fts5", "bm25"])
def test_reference_rankers_answer_the_first_question(cranfield, system):
    docs, questions, judged = cranfield
    rank = getattr(relevance, system)(docs)
    ranked = rank(questions[0])
    assert len(ranked) == relevance.DEPTH and len(set(ranked)) == len(ranked)
    # Question 1's abstracts judged 2 (184, 29, 31, 57, 378, 859): one is in the first ten.
    assert {"184", "29", "31", "57", "378", "859"} & set(ranked[:10])
    scores = relevance.evaluate(rank, questions[:20], judged[:20])
    assert scores["questions"] == 20 and scores["found_nothing"] == 0
    assert 0 < scores["map100"] <= 1


@pytest.fixture(scope="module")
def missive_cranfield(cranfield, tmp_path_factory):
    """Cranfield as a Missive archive, indexed once for the module, as the benchmark does."""
    docs = cranfield[0]
    rank, close, built = relevance.missive(docs, tmp_path_factory.mktemp("cranfield"))
    assert built["letters"] == len(docs)
    yield rank
    close()


def test_a_natural_question_finds_judged_abstracts_in_most_mode(cranfield, missive_cranfield):
    from indexer.search import SearchRequest

    docs, questions, _ = cranfield
    question = questions[0]
    assert question.startswith("what similarity laws must be obeyed when constructing")
    ranked = missive_cranfield(question)
    assert {"184", "29", "31", "57", "378", "859"} & set(ranked[:10])
    engine = missive_cranfield.engine
    result = engine.search(SearchRequest(q=question, per_page=10))
    assert result.match == "most" and result.strict_total == 0
    strict = engine.search(SearchRequest(q=question, match="all"))
    assert strict.total == 0  # no abstract holds every word
    # The question the query language refused for its lone dash is answered too.
    dashed = next(q for q in questions if " - " in q)
    assert missive_cranfield(dashed)
