"""The languages a letter is written in, by langdetect."""

from __future__ import annotations

import re
from functools import cache

import pycountry

from .countries import fold, name_translations

# langdetect's cost grows with the length of the text; the opening 2,000 characters are
# enough for a letter's language (the language tests pass on them).
MAX_CHARS = 2000
MIN_LETTERS = 40  # below this langdetect guesses wildly...
MIN_WORDS = 5  # ...and on one long "word" too
MIN_PROBABILITY = 0.2

_NON_LETTERS = re.compile(r"[\W\d_]+")


@cache
def _factory() -> None:
    from langdetect import DetectorFactory

    # langdetect samples at random; a fixed seed makes re-indexing give the same answer.
    DetectorFactory.seed = 0


def detect_languages(text: str) -> list[str]:
    """ISO 639-1 codes of the languages of `text`, most likely first; [] when unsure."""
    if not isinstance(text, str):
        return []
    # Digits, punctuation and URLs carry no language; letters only.
    letters = _NON_LETTERS.sub(" ", text[:MAX_CHARS]).strip()
    if sum(not ch.isspace() for ch in letters) < MIN_LETTERS or len(letters.split()) < MIN_WORDS:
        return []
    _factory()
    from langdetect import detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    try:
        guesses = detect_langs(letters)
    except LangDetectException:
        return []  # no usable features in the text (e.g. only symbols of unknown scripts)
    codes: list[str] = []
    for guess in guesses:
        code = guess.lang.split("-")[0]  # "zh-cn" -> "zh"
        if guess.prob >= MIN_PROBABILITY and code not in codes:
            codes.append(code)
    return codes


@cache
def _names() -> dict[str, str]:
    """Language names in English, French, German, Spanish and Italian -> ISO 639-1 code."""
    translations = name_translations("iso639-3")
    names: dict[str, str] = {}
    for language in pycountry.languages:
        code = getattr(language, "alpha_2", None)
        if not code:
            continue  # only languages with a two-letter code can be an index value
        for name in [language.name, *(t.gettext(language.name) for t in translations)]:
            names.setdefault(fold(name), code)
    return names


def language_code(text: str) -> str | None:
    """ISO 639-1 code for a code ("de", "deu", "ger") or a name ("German", "Deutsch"), or None."""
    if not isinstance(text, str) or not text.strip():
        return None
    raw = fold(text.strip())
    if raw.isalpha() and len(raw) in (2, 3):
        for key in ("alpha_2", "alpha_3", "bibliographic"):
            found = pycountry.languages.get(**{key: raw})
            if found is not None and getattr(found, "alpha_2", None):
                return found.alpha_2
    return _names().get(raw)


def language_name(code: str) -> str | None:
    """The English name of an ISO 639-1 code ("fr" -> "French"), or None."""
    if not isinstance(code, str) or len(code.strip()) != 2:
        return None
    found = pycountry.languages.get(alpha_2=code.strip().lower())
    return found.name if found is not None else None
