"""How the index reads each language: a Snowball stemmer and stop words per language, and
the prefix that keeps one language's stems apart from another's in the same field.

A letter's words are stemmed in each of its languages (`Letter.languages`: given by the
archivist or the TEI, else detected at ingest).  English stems are held as they always
were (Whoosh's Porter stemmer, no prefix); another language's stems carry its code
("de:haus"), so a German stem never matches an English letter's word by accident; a
language without a stemmer here (Latin) is held folded and unstemmed ("_:epistola").  A
query is stemmed once per language the collection holds (translate.py).
"""

from __future__ import annotations

import threading
from functools import cache

import snowballstemmer
from whoosh.lang.stopwords import stoplists

ENGLISH = "en"  # Porter stems without a prefix: the index as it was before languages
DEFAULT = ENGLISH  # a letter whose language is neither given nor detected
UNSTEMMED = "_"  # languages without a stemmer here: folded words
MAX_LANGUAGES = 3  # a letter's words are held once per language: a bound on its size

# ISO 639-1 code -> Snowball algorithm (snowballstemmer: the Snowball project's own).
SNOWBALL = {
    "ar": "arabic",
    "ca": "catalan",
    "cs": "czech",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "eo": "esperanto",
    "es": "spanish",
    "et": "estonian",
    "eu": "basque",
    "fa": "persian",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hi": "hindi",
    "hu": "hungarian",
    "hy": "armenian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "nb": "norwegian",
    "ne": "nepali",
    "nl": "dutch",
    "no": "norwegian",
    "pl": "polish",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "yi": "yiddish",
}

# Words are folded before they are stemmed, so that a word typed without its accents
# stems as the word with them (the stemmers read umlauts and accents as the vowels they
# fold to), except where folding would take a letter the stemmer's endings are made of:
# Russian "й" ("новый" -> "новыи").
STEM_THEN_FOLD = frozenset({"ru"})
# Letters a language spells otherwise before folding: German "ß" is "ss" ("Straße" as the
# Swiss "Strasse"; folding alone would make it "s").
SPELLING = {"de": str.maketrans({"ß": "ss", "ẞ": "ss"})}

# A pure-Python Snowball stemmer keeps its word while it works: one per thread.
_local = threading.local()


def key(code: str) -> str:
    """The analysis a language code gets: "en", a Snowball language's code, or UNSTEMMED."""
    code = (code or "").strip().lower()
    if code == ENGLISH:
        return ENGLISH
    return code if code in SNOWBALL else UNSTEMMED


def keys(languages: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The analyses of a letter written in `languages` (most likely first), at most
    MAX_LANGUAGES; DEFAULT alone when none is known."""
    out: list[str] = []
    for code in languages:
        k = key(code)
        if k not in out:
            out.append(k)
    return tuple(out[:MAX_LANGUAGES]) or (DEFAULT,)


def prefix(k: str) -> str:
    return "" if k == ENGLISH else f"{k}:"


def key_of(term: str) -> str:
    """The analysis an indexed stem belongs to ("de:haus" -> "de", "munit" -> "en")."""
    k, sep, _ = term.partition(":")
    return k if sep else ENGLISH


def snowball(k: str, word: str) -> str:
    """A lower-case word's Snowball stem in the language `k` (a key of SNOWBALL)."""
    stemmers = _local.__dict__.setdefault("stemmers", {})
    s = stemmers.get(k)
    if s is None:
        s = stemmers[k] = snowballstemmer.stemmer(SNOWBALL[k])
    return s.stemWord(word)


@cache
def stop_words(k: str) -> frozenset[str]:
    """A language's stop words in lower case (Whoosh's lists); none for English, whose
    queries keep every word as they always did, nor for UNSTEMMED."""
    if k in (ENGLISH, UNSTEMMED):
        return frozenset()
    code = "no" if k == "nb" else k
    return frozenset(stoplists.get(code, ()))
