"""The words of a text a query matched, read the way the configset reads words: a word is
marked when its folded form is one a wildcard or fuzzy term stood for, or its indexed
form in one of the query's analyses is one of the query's ("Häuser" for "Haus" in German).
Snippets are then cut by Missive's own snippets.py from the stored pages, so they carry
their page numbers and are escaped the same way on every engine."""

from __future__ import annotations

from .analysis import WORD, fold, stem
from .expansion import MarkTerms


class SolrMarks:
    """Marks (indexer.engines.base) for the Solr engine."""

    def __init__(self, terms: MarkTerms | None = None):
        terms = terms or MarkTerms()
        self.stems = set(terms.stems)
        self.words = set(terms.words)
        self.readings = dict(terms.readings)
        self.keys = sorted({k for k, _ in self.stems})
        self._marked: dict[str, bool] = {}  # word -> marked; the pages of hits share words

    def __bool__(self) -> bool:
        return bool(self.stems or self.words)

    def __repr__(self) -> str:
        return f"SolrMarks(stems={sorted(self.stems)}, words={sorted(self.words)})"

    def reading(self, word: str) -> str | None:
        """The word typed that `word` was matched for as an OCR variant rarer than it."""
        return self.readings.get(fold(word))

    def spans(self, text: str) -> list[tuple[int, int]]:
        if not self:
            return []
        marked = self._marked
        spans = []
        for m in WORD.finditer(text):
            word = m.group()
            hit = marked.get(word)
            if hit is None:
                hit = marked[word] = fold(word) in self.words or any(
                    (k, stem(k, word)) in self.stems for k in self.keys
                )
            if hit:
                spans.append(m.span())
        return spans
