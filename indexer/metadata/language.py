"""The languages a letter is written in, by langdetect."""

from __future__ import annotations

import re
from functools import cache

MAX_CHARS = 5000  # enough for a confident guess; longer texts only cost time
MIN_LETTERS = 40  # below this langdetect guesses wildly
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
    if sum(not ch.isspace() for ch in letters) < MIN_LETTERS:
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
