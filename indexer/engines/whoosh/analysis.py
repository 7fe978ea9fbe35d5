"""Words of a text as the index sees them: folded, stemmed, and as word pairs and triples.

The analyzers in `schema` (FOLD, STEM) define what a word is.  This module gives the same
words without building a token object per word: a letter's few hundred distinct words are
folded and stemmed once each and remembered, which makes indexing and snippets several
times faster.  `tests/engines/whoosh/test_analysis.py` holds both paths to giving the
same terms.

English words are stemmed by STEM's Porter stemmer; a text in other languages (`Analysed`)
is stemmed in each of them by Snowball, its stems prefixed with the language (`term`,
languages.py), and Whoosh's analyzers are not used for those words at all.
"""

from __future__ import annotations

import re

from whoosh.lang.porter import stem as porter_stem
from whoosh.support.charset import accent_map

from . import languages

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


_terms: dict[str, dict[str, str]] = {}  # per language: word form -> indexed stem


def term(key: str, word: str) -> str:
    """The indexed stem of one word form in the analysis `key` (languages.key): English
    folded, then Porter stemmed, without a prefix; another language folded, stemmed and
    prefixed ("Häuser" -> "de:haus"), so a word typed without its accents has the stem of
    the word with them; an unstemmed language folded and prefixed ("_:epistola")."""
    if key == languages.ENGLISH:
        return stem(fold(word))
    known = _terms.setdefault(key, {})
    out = known.get(word)
    if out is None:
        if len(known) > _CACHE_MAX:
            known.clear()
        if key == languages.UNSTEMMED:
            stemmed = fold(word)
        elif key in languages.STEM_THEN_FOLD:
            stemmed = fold(languages.snowball(key, word.lower()))
        else:
            spelled = word.translate(languages.SPELLING.get(key, {}))
            stemmed = languages.snowball(key, fold(spelled))
        out = known[word] = languages.prefix(key) + stemmed
    return out


def words_as(key: str, text: str) -> list[str]:
    """Every word of the text as the analysis `key` indexes it, in order."""
    if key == languages.ENGLISH:
        return stemmed_words(text)
    get = _terms.get(key, {}).get
    return [get(w) or term(key, w) for w in WORD.findall(text)]


class Analysed(str):
    """A text with the analyses (languages.keys) its words are indexed in: the value the
    stemmed fields are given (documents.py); a plain str is read as English."""

    keys: tuple[str, ...]

    def __new__(cls, text: str, keys: tuple[str, ...]):
        made = super().__new__(cls, text)
        made.keys = keys
        return made

    def __reduce__(self):  # pickled to the build's other processes as what it is
        return (Analysed, (str(self), self.keys))


def keys_of(text: str) -> tuple[str, ...]:
    return getattr(text, "keys", (languages.ENGLISH,))


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
        self._kinds: dict[str, list] = {}

    def get(self, kind: str, text: str) -> list:
        """kind: "fold" (the folded words), "stem" (the words in each of the text's
        analyses: one list per key, positions alike) or "grams" (of each analysis)."""
        if text is not self._text:
            self._text, self._kinds = text, {}
        value = self._kinds.get(kind)
        if value is None:
            if kind == "fold":
                value = folded_words(text)
            elif kind == "stem":
                value = [self._stems(key, text) for key in keys_of(text)]
            else:
                value = [g for stems in self.get("stem", text) for g in grams(stems)]
            self._kinds[kind] = value
        return value

    def _stems(self, key: str, text: str) -> list[str]:
        if key == languages.ENGLISH:
            get = _stemmed.get
            return [get(w) or stem(w) for w in self.get("fold", text)]
        return words_as(key, text)
