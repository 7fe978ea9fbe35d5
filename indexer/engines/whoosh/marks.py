"""The words of a text a query matched, as the Whoosh index sees words: a word is marked
when its folded form is one the query matched in the unstemmed field, or its stem in one
of the query's languages one it matched in the text or title (the fields whose words a
reader sees): "Häuser" is marked for "Haus" when the query matched German stems."""

from __future__ import annotations

from . import languages
from .analysis import WORD, fold, stem, term

STEMMED_FIELDS = ("content", "title")
EXACT_FIELDS = ("exact",)


class WordMarks:
    """Marks (indexer.engines.base) for the Whoosh engine."""

    def __init__(self, stems: set[str], words: set[str], readings: dict[str, str] | None = None):
        self.stems = stems
        self.words = words
        self.readings = readings or {}  # an OCR variant (folded) -> the word it stands for
        # The languages of the matched stems ("de:haus" is German) other than English.
        self.others = sorted({languages.key_of(s) for s in stems} - {languages.ENGLISH})

    @classmethod
    def of(cls, terms: dict[str, set[str]]) -> WordMarks:
        """From the indexed words a query matched, by field (query.highlight_terms); words
        of other fields (country:PK) mark nothing."""
        stems = set().union(*(terms.get(f, set()) for f in STEMMED_FIELDS))
        words = set().union(*(terms.get(f, set()) for f in EXACT_FIELDS))
        return cls(stems, words)

    def reading(self, word: str) -> str | None:
        """The word typed that this word of a text was matched as an OCR misreading of
        ("munitlons" -> "munitions"), or None."""
        return self.readings.get(fold(word))

    @classmethod
    def none(cls) -> WordMarks:
        return cls(set(), set())

    def __bool__(self) -> bool:
        return bool(self.stems or self.words)

    def __repr__(self) -> str:
        return f"WordMarks(stems={sorted(self.stems)}, words={sorted(self.words)})"

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the words in `text` that the query matched."""
        if not self:
            return []
        # Decide once per distinct word form, then mark its occurrences.
        hits = set()
        words, stems, others = self.words, self.stems, self.others
        for word in set(WORD.findall(text)):
            folded = fold(word)
            if folded in words or stem(folded) in stems:  # English stems carry no prefix
                hits.add(word)
            elif others and any(term(k, word) in stems for k in others):
                hits.add(word)
        if not hits:
            return []
        return [(m.start(), m.end()) for m in WORD.finditer(text) if m.group() in hits]
