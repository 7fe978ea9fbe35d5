"""The written forms of a date: "14. März 1896", "Agosto 21 de 1919", "25. 6. 23", "IX.11.31".

`dates_in(text, hint)` finds every date in a line. A year written with two or three digits
("25. 6. 23", "14/4 901") is read only with a `YearHint`: a year the letter's other dates or
its collection's dates lie near; without one it is no date at all.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache

from indexer.records import DateValue

from ..countries import fold
from .months import MONTH_WORD, ROMAN, month_number, roman_number

MIN_YEAR, MAX_YEAR = 1000, 2100
HINT_REACH = 50  # a short year is read as the one with its digits nearest the hint, this near
FALLBACK_LANGUAGES = ["en", "fr", "de", "es", "it", "nl", "pt"]  # dateparser, for other names


@dataclass(frozen=True)
class YearHint:
    """A year the letter was written near, and where that is known from."""

    year: int
    source: str  # "letter": its other dates; "collection": the dates of its collection


@dataclass(frozen=True)
class DateMatch:
    value: DateValue
    as_written: str
    start: int
    end: int
    year_from: str = "text"  # "text", "letter" or "collection" (a hint), "editor" ("(1538)")
    order: str = "words"  # "words", "numeric" (unambiguous), "numeric-guess" (day-first)


_SUFFIX = r"(?:\s?(?:sten|ste|ten|ter|te|st|nd|rd|th|en|er|re|eme|ème|me|e|t|o|º|°|ª)(?![^\W\d_]))?"
_DAY = (
    rf"(?:(?P<d>[0-3]?\d){_SUFFIX}|(?P<rd>[xvi]{{1,6}})(?![^\W\d_])|"
    r"(?P<wd>premier|primo|primero|erste[nr]?|dernier|ultimo|último))"
)
_YEAR = r"(?:(?P<y>\d{4}|\d{2,3})(?![\d/])|[(\[]\s?(?P<ey>\d{4})\s?\??[)\]])"
_DMY = re.compile(
    rf"(?<![\w.]){_DAY}\.?,?\s*(?:[-–]\s*)?(?:(?:jour|giorno|d[ií]a|tag)\s+)?"
    rf"(?:(?:de|of|di|del|van|im|des)\s+|d')?(?P<m>{MONTH_WORD})\.?,?\s*(?:[-–—]\s*)?"
    rf"(?:(?:de|del|anno|año|of|a\.)\s+)?{_YEAR}",
    re.IGNORECASE,
)
_MDY = re.compile(
    rf"(?<![\w.])(?P<m>{MONTH_WORD})\.?,?\s*(?P<d>[0-3]?\d)(?:st|nd|rd|th|o|º)?(?!\d)"
    rf"(?:\s*,\s*|\s+de\s+|\s*-\s*|\s+){_YEAR}",
    re.IGNORECASE,
)
_NUMERIC = re.compile(
    r"(?<![\d.,/-])(?P<a>[0-3]?\d)\s?(?P<s>[./-])\s?(?P<b>[0-3]?\d)(?:\s?(?P=s)\s?|\s+)"
    r"(?P<y>\d{4}|\d{2,3})(?![\d/-]|\.\d)"
)
_ROMAN_MONTH = r"(?P<rm>XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)"
_ROMAN_NUMERIC = (
    re.compile(rf"(?<![\w.])(?P<d>[0-3]?\d)[./]?\s*{_ROMAN_MONTH}\.\s*(?P<y>\d{{4}}|\d{{2,3}})(?!\d)"),
    re.compile(rf"(?<![\w.]){_ROMAN_MONTH}\.\s*(?P<d>[0-3]?\d)\.\s*(?P<y>\d{{4}}|\d{{2}})(?!\d)"),
)
_ISO = re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?!\d)")
_MONTH_YEAR = re.compile(rf"(?<![\w.])(?P<m>{MONTH_WORD})\.?,?\s+(?P<y>\d{{4}})(?![\d/])")


def resolve_year(digits: str, hint: YearHint | None) -> tuple[int, str] | None:
    """The year a written year means, and whence: four digits as written, fewer from the hint."""
    if len(digits) == 4:
        return int(digits), "text"
    if hint is None:
        return None
    step = 10 ** len(digits)  # "23" repeats every 100 years, "901" every 1000
    base = hint.year - hint.year % step + int(digits)
    year = min((base - step, base, base + step), key=lambda y: abs(y - hint.year))
    if abs(year - hint.year) > HINT_REACH:
        return None
    return year, hint.source


@lru_cache(maxsize=4096)
def _dateparser_month(word: str) -> int | None:
    """The month of a name outside our tables (Portuguese "março"), as dateparser reads it."""
    import dateparser  # slow import; only when a word our tables do not know turns up

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # some inputs make dateparser warn; the answer stands
        got = dateparser.parse(
            f"15 {word} 1901",
            languages=FALLBACK_LANGUAGES,
            settings={"REQUIRE_PARTS": ["day", "month", "year"], "DATE_ORDER": "DMY"},
        )
    return got.month if got and got.day == 15 and got.year == 1901 else None


def _month_of(word: str, others: bool = True) -> int | None:
    month = month_number(word)
    if others and month is None and len(word.rstrip(".")) >= 4 and word[:1].isalpha():
        month = _dateparser_month(fold(word).rstrip("."))
    return month


def _day_of(m: re.Match, month: int, year: int) -> int | None:
    if m["d"]:
        return int(m["d"])
    if m["rd"]:
        return roman_number(m["rd"])
    word = fold(m["wd"])
    if word.startswith(("dernier", "ultimo")):
        return calendar.monthrange(year, month)[1]
    return 1


def _day(year: int, month: int, day: int | None) -> dt.date | None:
    if day is None or not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _match(m: re.Match, day: dt.date, year_from: str, order: str = "words") -> DateMatch:
    return DateMatch(DateValue.from_day(day), m.group(), m.start(), m.end(), year_from, order)


def _worded(text: str, hint: YearHint | None, others: bool) -> list[DateMatch]:
    found = []
    for rx in (_DMY, _MDY):
        for m in rx.finditer(text):
            month = _month_of(m["m"], others)
            if m["ey"]:
                year = (int(m["ey"]), "editor")
            else:
                year = resolve_year(m["y"], hint)
            if month is None or year is None:
                continue
            day = _day(year[0], month, _day_of(m, month, year[0]) if rx is _DMY else int(m["d"]))
            if day:
                found.append(_match(m, day, year[1]))
    return found


def _numeric(text: str, hint: YearHint | None, day_first: bool) -> list[DateMatch]:
    found = []
    for m in _NUMERIC.finditer(text):
        a, b, year = int(m["a"]), int(m["b"]), resolve_year(m["y"], hint)
        if year is None:
            continue
        if a > 12 or b > 12 or a == b:
            order, (d, mo) = "numeric", ((a, b) if b <= 12 else (b, a))
        elif day_first:
            order, (d, mo) = "numeric-guess", (a, b)
        else:
            continue  # "5/6/1923" in English: May or June; left unread
        day = _day(year[0], mo, d)
        if day:
            found.append(_match(m, day, year[1], order))
    for rx in _ROMAN_NUMERIC:
        for m in rx.finditer(text):
            year = resolve_year(m["y"], hint)
            day = _day(year[0], ROMAN[m["rm"].lower()], int(m["d"])) if year else None
            if day:
                found.append(_match(m, day, year[1], "numeric"))
    for m in _ISO.finditer(text):
        day = _day(int(m["y"]), int(m["m"]), int(m["d"]))
        if day:
            found.append(_match(m, day, "text", "numeric"))
    return found


def dates_in(
    text: str, hint: YearHint | None = None, *, day_first: bool = True, others: bool = True
) -> list[DateMatch]:
    """Every full date in a line, in order; month and year only where there is no full date.

    `day_first`: read "5/6/1923" as 5 June (False: leave such a date unread, as English
    letters write both orders). `others`: ask dateparser about month names outside our
    tables (a tenth of a second per new word: for date lines, not for every line of a text).
    """
    found = _worded(text, hint, others) + _numeric(text, hint, day_first)
    # Overlapping readings of one stretch ("Mai 18 50" inside "5 Mai 1850"): keep the longest.
    found.sort(key=lambda d: (d.start, -(d.end - d.start)))
    kept: list[DateMatch] = []
    for d in found:
        if not kept or d.start >= kept[-1].end:
            kept.append(d)
        elif d.value != kept[-1].value and d.end > kept[-1].end:
            kept.append(d)  # two readings that disagree: the line is no clean date line
    if not kept:
        for m in _MONTH_YEAR.finditer(text):
            month, year = _month_of(m["m"], others), int(m["y"])
            if month and MIN_YEAR <= year <= MAX_YEAR:
                value = DateValue.parse(f"{year:04d}-{month:02d}")
                kept.append(DateMatch(value, m.group(), m.start(), m.end()))
    return kept
