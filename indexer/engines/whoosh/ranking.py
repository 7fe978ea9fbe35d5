"""How the Whoosh engine ranks letters: BM25 with the standard idf, summed over the fields
a word is searched in, each with its weight (translate.DEFAULT_FIELDS).

- idf: ln(1 + (N - df + 0.5) / (df + 0.5)), Lucene's and SQLite FTS5's form; Whoosh's own,
  ln(N / (df + 1)) + 1, gives the commonest words too much weight.
- K1 and B: Lucene's defaults; on the Cranfield collection (benchmarks/relevance.py)
  other values moved MAP@100 by less than 0.002, not worth a parameter of Missive's own.
- A field's index-time boost (the title's 2.0 in schema.py) is taken out of the word
  counts: a field weighs what its query weight says (TITLE_WEIGHT), once.

matching.scores and postings.word_scores compute the same formula from postings read a
block at a time; the Whoosh matchers (phrases, the rest) through `Bm25` below.
"""

from __future__ import annotations

from math import log

from whoosh.scoring import BM25F, WeightLengthScorer, WeightScorer

K1 = 1.2
B = 0.75


def idf(n: int, df: int) -> float:
    """The standard BM25 idf of a word in df of n letters."""
    return log(1.0 + (n - df + 0.5) / (df + 0.5))


def bm25(idf_: float, tf: float, length: float, avgfl: float) -> float:
    """A word's BM25 score in one field of one letter."""
    return idf_ * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / avgfl))


def field_boost(schema, fieldname: str) -> float:
    """The boost a field's word counts were indexed with (taken out again)."""
    return getattr(schema[fieldname].format, "field_boost", 1.0) or 1.0


class Bm25(BM25F):
    """Whoosh's weighting object for Missive's formula (snapshot.py gives it to every
    searcher)."""

    def __init__(self) -> None:
        super().__init__(B=B, K1=K1)

    def idf(self, searcher, fieldname, text) -> float:
        parent = searcher.get_parent()
        return idf(parent.doc_count_all(), parent.doc_frequency(fieldname, text))

    def scorer(self, searcher, fieldname, text, qf=1):
        if not searcher.schema[fieldname].scorable:
            return WeightScorer.for_(searcher, fieldname, text)
        return Scorer(searcher, fieldname, text)


class Scorer(WeightLengthScorer):
    def __init__(self, searcher, fieldname, text):
        parent = searcher.get_parent()
        self.idf = parent.idf(fieldname, text)
        self.avgfl = parent.avg_field_length(fieldname) or 1
        self.per = 1.0 / field_boost(searcher.schema, fieldname)
        self.setup(searcher, fieldname, text)

    def _score(self, weight, length):
        return bm25(self.idf, weight * self.per, length, self.avgfl)


WEIGHTING = Bm25()

# A bare word's very form (the unstemmed field "exact") adds its own score times this
# weight: "munitions" ranks a letter with "munitions" above one with "munition".
EXACT = 0.2

# A pair of the question's words side by side in a letter (its word pairs, schema.grams)
# adds the pair's own score times this weight (search.natural's "most" mode).
PROXIMITY = 0.2  # tuned on Cranfield: 0.1 to 0.2 gain 0.003 to 0.004 MAP@100, 0.5 loses
