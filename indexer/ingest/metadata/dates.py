"""The letter's own date: the date line under the letterhead, or beside the signature."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from indexer.records import DateValue

from .countries import fold

LANGUAGES = ["en", "fr", "de", "es", "it"]
MIN_YEAR, MAX_YEAR = 1000, 2100
MAX_DATE_LINE = 90  # a date line is short; longer lines are prose that mentions a date

# Full month names in the five languages; abbreviations are recognised as prefixes.
_MONTH_NAMES = (
    ("january", "janvier", "januar", "janner", "jenner", "enero", "gennaio"),
    ("february", "fevrier", "februar", "febrero", "febbraio"),
    ("march", "mars", "marz", "maerz", "marzo"),
    ("april", "avril", "abril", "aprile"),
    ("may", "mai", "mayo", "maggio", "maj"),
    ("june", "juin", "juni", "junio", "giugno"),
    ("july", "juillet", "juli", "julio", "luglio"),
    ("august", "aout", "agosto"),
    ("september", "septembre", "septiembre", "settembre", "setiembre"),
    ("october", "octobre", "oktober", "octubre", "ottobre"),
    ("november", "novembre", "noviembre"),
    ("december", "decembre", "dezember", "diciembre", "dicembre"),
)
# Stems that start only one month's names ("jui" could be June or July, "juin"/"juil" not).
_STEMS = sorted(
    (
        (stem, month)
        for month, stems in enumerate(
            (
                ("jan", "jen", "gen", "ene"),
                ("feb", "fev"),
                ("mar",),
                ("apr", "avr", "abr"),
                ("may", "mai", "mag", "maj"),
                ("jun", "juin", "giu"),
                ("jul", "juil", "lug"),
                ("aug", "aou", "ago"),
                ("sep", "set"),
                ("oct", "okt", "ott"),
                ("nov",),
                ("dec", "dez", "dic"),
            ),  # fmt: skip
            start=1,
        )
        for stem in stems
    ),
    key=lambda item: -len(item[0]),
)

_WEEKDAYS = set(
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs "
    "fri sat sun lundi mardi mercredi jeudi vendredi samedi dimanche montag dienstag mittwoch "
    "donnerstag freitag samstag sonnabend sonntag lunes martes miercoles jueves viernes sabado "
    "domingo lunedi martedi mercoledi giovedi venerdi sabato domenica".split()
)
# Words a date line may hold besides the place and the date ("Paris, le", "Faite à").
_FILLER = set(
    "le la les den dem der am im ce d the this of de du del à a en in at on fait faite faites "
    "done given dated written li addi il el y et and ca circa vers bei b".split()
)

# "8br" and "Xbr" are the old forms of octobre/décembre (the 8th and 10th month of the Roman year).
# A line with one of these dates something else: a reply, a receipt, a reference.
_NOT_THE_LETTERS = set(
    "ref re subject received recu eingegangen erhalten empf erh betreff objet your our votre "
    "ihr ihre letter lettre brief answered beantw beantwortet repondu".split()
)
_MONTH_WORD = r"(?:[^\W\d_]{3,12}|(?:[7-9]|10|[Xx])bre?)"
_NUMBERED_MONTHS = {"7": 9, "8": 10, "9": 11, "10": 12, "x": 12}
_SUFFIX = r"(?:sten|ste|ten|ter|te|st|nd|rd|th|er|re|eme|ème|e|t|o|º|°)?"
_DMY = re.compile(
    rf"(?<![\d.])(?P<d>[0-3]?\d){_SUFFIX}\.?\s*(?:(?:de|of|di)\s+)?"
    rf"(?P<m>{_MONTH_WORD})\.?,?\s*(?:(?:de|del)\s+)?(?P<y>\d{{4}})(?!\d)",
    re.IGNORECASE,
)
_MDY = re.compile(
    rf"(?<![\w.])(?P<m>{_MONTH_WORD})\.?\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})(?!\d)",
    re.IGNORECASE,
)
_ROMAN_MONTHS = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8,
                 "IX": 9, "X": 10, "XI": 11, "XII": 12}  # fmt: skip
_ROMAN = re.compile(
    r"(?<![\w.])(?P<d>[0-3]?\d)\.?\s*(?P<m>XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)\.\s*"
    r"(?P<y>\d{4})(?!\d)"
)
_ISO = re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?!\d)")
_NUMERIC = re.compile(r"(?<![\d.])(?P<d>[0-3]?\d)\.\s?(?P<m>[01]?\d)\.\s?(?P<y>\d{4})(?!\d)")
_MONTH_YEAR = re.compile(rf"(?<![\w.])(?P<m>{_MONTH_WORD})\.?,?\s+(?P<y>\d{{4}})(?!\d)")
_WORD = re.compile(r"[^\W\d_]+\.?")


def month_number(word: str) -> int | None:
    """The month a month word means, in any of the five languages, or None."""
    w = fold(word).rstrip(".")
    numbered = re.fullmatch(r"(7|8|9|10|x)bre?", w)
    if numbered:
        return _NUMBERED_MONTHS[numbered[1]]
    if not w.isalpha():
        return None
    for stem, month in _STEMS:
        if w.startswith(stem):
            full = _MONTH_NAMES[month - 1]
            # Abbreviations such as "Novbr", "Sept" or "Junj" are short; longer
            # words must be a month name, so "Margaret" is not March.
            if any(name.startswith(w) for name in full) or len(w) <= 6:
                return month
            return None
    return None


@lru_cache(maxsize=4096)
def _dateparser_day(day: int, word: str, year: int) -> dt.date | None:
    import dateparser  # slow import; only when a date candidate turns up

    with warnings.catch_warnings():
        # Some inputs make dateparser or its dependencies warn; the answer is still usable.
        warnings.simplefilter("ignore")
        got = dateparser.parse(
            f"{day} {word} {year}",
            languages=LANGUAGES,
            settings={"REQUIRE_PARTS": ["day", "month", "year"], "DATE_ORDER": "DMY"},
        )
    return got.date() if got else None


def _make_day(day: int, word: str, year: int) -> dt.date | None:
    month = month_number(word)
    if month is None or not MIN_YEAR <= year <= MAX_YEAR:
        return None
    parsed = _dateparser_day(day, word.rstrip("."), year)
    if parsed and parsed.day == day and parsed.year == year:
        return parsed
    # dateparser does not know archaic spellings ("Maj", "Novbr"): our table does.
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


@dataclass(frozen=True)
class DateMatch:
    value: DateValue
    as_written: str
    start: int
    end: int


def dates_in(text: str) -> list[DateMatch]:
    """Every full date in a line; month-and-year only where there is no full date."""
    found: list[DateMatch] = []
    for rx in (_DMY, _MDY):
        for m in rx.finditer(text):
            day = _make_day(int(m["d"]), m["m"], int(m["y"]))
            if day:
                found.append(DateMatch(DateValue.from_day(day), m.group(), m.start(), m.end()))
    for rx in (_ISO, _NUMERIC, _ROMAN):
        for m in rx.finditer(text):
            month = _ROMAN_MONTHS.get(m["m"]) or int(m["m"])
            try:
                day = dt.date(int(m["y"]), month, int(m["d"]))
            except ValueError:
                continue
            if MIN_YEAR <= day.year <= MAX_YEAR:
                found.append(DateMatch(DateValue.from_day(day), m.group(), m.start(), m.end()))
    if not found:
        for m in _MONTH_YEAR.finditer(text):
            month, year = month_number(m["m"]), int(m["y"])
            if month and MIN_YEAR <= year <= MAX_YEAR:
                value = DateValue.parse(f"{year:04d}-{month:02d}")
                found.append(DateMatch(value, m.group(), m.start(), m.end()))
    found.sort(key=lambda d: d.start)
    return found


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _is_filler(word: str) -> bool:
    w = fold(word).rstrip(".")
    return w in _FILLER or w in _WEEKDAYS


def _place_words_ok(rest: str) -> bool:
    if re.search(r"\d", rest):
        return False  # a second number: a reference, a postcode, a sentence
    words = _words(rest)
    if any(fold(w).rstrip(".") in _NOT_THE_LETTERS for w in words):
        return False
    # A capitalised "D." or "CON" inside a line is a word of a heading, not "d." or "con".
    places = [
        w
        for k, w in enumerate(words)
        if not (fold(w).rstrip(".") in _WEEKDAYS or _is_filler(w) and (k == 0 or w[0].islower()))
    ]
    return len(places) <= 3 and all(w[:1].isupper() for w in places)


def _place(left: str) -> str | None:
    words = left.split()
    while words and _is_filler(words[0].strip(",;:")):
        words.pop(0)
    while words and _is_filler(words[-1].strip(",;:")):
        words.pop()
    place = " ".join(words).strip(" ,;:-–—()")
    return place if place and place[:1].isupper() else None


@dataclass(frozen=True)
class DateLine:
    index: int  # the caller's index of the line
    value: DateValue
    as_written: str
    place: str | None  # the place written before the date ("Lima, April 10th 2007")


def date_line(text: str) -> tuple[DateMatch, str | None] | None:
    """The date if the line is mostly a date (with perhaps a place), else None."""
    text = text.strip().strip("*_#>").strip()
    if not text or len(text) > MAX_DATE_LINE:
        return None
    found = dates_in(text)
    if len(found) != 1:
        return None
    m = found[0]
    left, right = text[: m.start], text[m.end :]
    if not _place_words_ok(left + " " + right):
        return None
    return m, _place(left) or _place(right)


def find_date_line(lines: Sequence[tuple[int, str]]) -> DateLine | None:
    """The first line among `lines` that is a date line."""
    for k, (idx, text) in enumerate(lines):
        got = date_line(text)
        # A hand often breaks "Bern den 15" / "Febr 1852" over two lines.
        ends_in_day = re.search(r"\b[0-3]?\d(?:st|nd|rd|th|er|t|te|ten|ter|sten)?\.?$", text)
        if ends_in_day and k + 1 < len(lines) and (got is None or got[0].value.precision != "day"):
            joined = date_line(f"{text} {lines[k + 1][1]}")
            if joined and joined[0].value.precision == "day" and dates_in(text) == []:
                got = joined
        if got:
            m, place = got
            return DateLine(idx, m.value, m.as_written.strip().rstrip(".,"), place)
    return None
