"""Words of a text as the index sees them: folded, stemmed, and as word pairs and triples.

The analyzers in `schema` (FOLD, STEM) define what a word is.  This module gives the same
words without building a token object per word: a letter's few hundred distinct words are
folded and stemmed once each and remembered, which makes indexing and snippets several
times faster.  `tests/engines/whoosh/test_analysis.py` holds both paths to giving the
same terms.
"""

from __future__ import annotations

import re

from whoosh.lang.porter import stem as porter_stem
from whoosh.support.charset import accent_map

# Apostrophes and hyphens split words, so "Pakistan" finds "Pakistan's" and "elle" finds
# "elle-même"; dots inside a word keep it whole ("U.S", "3.5"); digits are words ("M85").
TOKENS = r"\w+(?:\.\w+)*"
WORD = re.compile(TOKENS)

# Word form -> folded form and folded form -> stem.  Bounded: cleared when full (a real
# archive's vocabulary fits many times over).
_CACHE_MAX = 500_000
_folded: dict[str, str] = {}
_stemmed: dict[str, str] = {}


def fold(word: str) -> str:
    """Lower case without accents ("Perú" -> "peru")."""
    out = _folded.get(word)
    if out is None:
        if len(_folded) > _CACHE_MAX:
            _folded.clear()
        out = _folded[word] = word.lower().translate(accent_map)
    return out


def stem(folded: str) -> str:
    """The Porter stem of a folded word ("munitions" -> "munit")."""
    out = _stemmed.get(folded)
    if out is None:
        if len(_stemmed) > _CACHE_MAX:
            _stemmed.clear()
        out = _stemmed[folded] = porter_stem(folded)
    return out


def folded_words(text: str) -> list[str]:
    """Every word of the text, folded, in order (what FOLD yields)."""
    get = _folded.get
    out = []
    for word in WORD.findall(text):
        f = get(word)
        out.append(f if f is not None else fold(word))
    return out


def stemmed_words(text: str) -> list[str]:
    """Every word of the text, folded and stemmed, in order (what STEM yields)."""
    get = _stemmed.get
    out = []
    for word in folded_words(text):
        s = get(word)
        out.append(s if s is not None else stem(word))
    return out


def grams(stems: list[str]) -> list[str]:
    """The word pairs and triples of a text's stems, each as one term ("arm trade")."""
    pairs = [f"{a} {b}" for a, b in zip(stems, stems[1:], strict=False)]
    triples = [f"{p} {c}" for p, c in zip(pairs, stems[2:], strict=False)]
    return pairs + triples


class LastText:
    """The analysis of the most recent text, kept because several fields index one text."""

    def __init__(self) -> None:
        self._text: str | None = None
        self._kinds: dict[str, list[str]] = {}

    def get(self, kind: str, text: str) -> list[str]:
        """kind: "fold", "stem" or "grams"."""
        if text is not self._text:
            self._text, self._kinds = text, {}
        value = self._kinds.get(kind)
        if value is None:
            if kind == "fold":
                value = folded_words(text)
            elif kind == "stem":
                get = _stemmed.get
                value = [get(w) or stem(w) for w in self.get("fold", text)]
            else:
                value = grams(self.get("stem", text))
            self._kinds[kind] = value
        return value
