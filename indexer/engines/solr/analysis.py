"""Words as Missive's Solr configset reads them, in Python: the query's words are cut the
same way before they are sent (a word that splits becomes a phrase), and marks() finds
the words of a text a query matched without asking Solr.

The configset (configset/schema.xml) cuts words with `\\w+(?:\\.\\w+)*`, lower-cases them,
folds accents, and stems: Porter for English (`content`, `title`), Snowball in the
letter's language for the languages it has a field type for (`content_<code>`; folded
first, except Russian), nothing for the others (`exact`, `title_exact`). Here the same
steps run with the Snowball project's own stemmers (snowballstemmer), so a mark may
rarely miss a form Lucene's older copy of a stemmer (or its Kraaij-Pohlmann Dutch) reads
otherwise; matching itself is always Solr's.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import cache, lru_cache

import snowballstemmer
from whoosh.lang.stopwords import stoplists

WORD = re.compile(r"\w+(?:\.\w+)*")
ENGLISH = "en"  # Porter stems in `content` and `title`
UNSTEMMED = "_"  # folded words only (`exact`, `title_exact`)
MAX_LANGUAGES = 3  # analyses per letter, as in the Whoosh engine
# The languages the configset has a Snowball field type for (text_<code>).
SNOWBALL = {
    "de": "german",
    "fr": "french",
    "es": "spanish",
    "it": "italian",
    "nl": "dutch",
    "pt": "portuguese",
    "ru": "russian",
}
# Stemmed before folding: folding would take a letter the stemmer's endings are made of.
STEM_THEN_FOLD = frozenset({"ru"})

_local = threading.local()


@lru_cache(maxsize=1 << 17)
def fold(word: str) -> str:
    """Lower case, accents dropped (as ASCIIFoldingFilter does for Latin letters)."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return folded.translate(_SPELLED)


_SPELLED = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d",
                          "þ": "th", "ß": "ss"})


def words(text: str) -> list[str]:
    """The words of `text` as the tokenizer cuts them, lower-cased (not folded)."""
    return [w.lower() for w in WORD.findall(text)]


def key(code: str) -> str:
    """The analysis a language code gets here: "en", a SNOWBALL code, or UNSTEMMED."""
    code = (code or "").strip().lower()
    if code == ENGLISH or code in SNOWBALL:
        return code
    return UNSTEMMED


def keys(languages: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The analyses of a letter written in `languages`, at most MAX_LANGUAGES; English
    alone when none is known."""
    out: list[str] = []
    for code in languages:
        k = key(code)
        if k not in out:
            out.append(k)
    return tuple(out[:MAX_LANGUAGES]) or (ENGLISH,)


def _stemmer(name: str):
    stemmers = _local.__dict__.setdefault("stemmers", {})
    if name not in stemmers:
        stemmers[name] = snowballstemmer.stemmer(name)
    return stemmers[name]


# Snippets mark every word of the pages of a page of hits: a pure-Python stemmer on each
# took 0.3-0.9 s a search; the words of an archive repeat, so their stems are kept.
@lru_cache(maxsize=1 << 17)
def stem(k: str, word: str) -> str:
    """A word's indexed form in the analysis `k` (as the configset's field types make it)."""
    if k == ENGLISH:
        return _stemmer("porter").stemWord(fold(word))
    if k in STEM_THEN_FOLD:
        return fold(_stemmer(SNOWBALL[k]).stemWord(word.lower()))
    if k in SNOWBALL:
        return _stemmer(SNOWBALL[k]).stemWord(fold(word))
    return fold(word)


@cache
def stop_words(k: str) -> frozenset[str]:
    """Bare words left out of an AND in that language (the lists the Whoosh engine uses,
    so both engines leave out the same words); none for English or UNSTEMMED."""
    if k in (ENGLISH, UNSTEMMED):
        return frozenset()
    return frozenset(stoplists.get(k, ()))
