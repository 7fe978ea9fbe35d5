"""Month and weekday names as letters write them: six languages, Latin, old and misspelt forms."""

from __future__ import annotations

import re
from functools import lru_cache

from ..countries import fold

# Month names by language, folded (lower case, no accents). Old spellings and common slips
# stand beside the standard ones: a hand of 1850 writes "Merz" and "Jenner", of 1620
# "febraro", of 1540 "juing" and "aoust"; a Spanish typist "deciembre".
MONTHS: dict[str, tuple[tuple[str, ...], ...]] = {
    "en": (
        ("january",), ("february", "febuary"), ("march",), ("april",), ("may",), ("june",),
        ("july",), ("august",), ("september",), ("october",), ("november",), ("december",),
    ),
    "de": (
        ("januar", "janner", "jenner", "jaenner"), ("februar", "feber", "hornung"),
        ("marz", "maerz", "merz", "mertz", "martz"), ("april", "aprill"), ("mai", "maj", "may"),
        ("juni", "juny", "junius", "brachmonat"), ("juli", "july", "julius", "heumonat"),
        ("august", "augst", "augstmonat"), ("september", "herbstmonat"),
        ("oktober", "october", "weinmonat"), ("november", "wintermonat"),
        ("dezember", "december", "christmonat"),
    ),
    "fr": (
        ("janvier", "ianvier"), ("fevrier", "febvrier", "feburier"), ("mars",),
        ("avril", "apvril"), ("mai", "may"), ("juin", "juing"), ("juillet", "juillet"),
        ("aout", "aoust"), ("septembre",), ("octobre",), ("novembre",), ("decembre",),
    ),
    "es": (
        ("enero",), ("febrero", "hebrero"), ("marzo",), ("abril",), ("mayo",), ("junio",),
        ("julio",), ("agosto",), ("septiembre", "setiembre", "setembre"), ("octubre",),
        ("noviembre", "novienbre"), ("diciembre", "deciembre", "dicienbre"),
    ),
    "it": (
        ("gennaio", "genaio", "genaro", "gennaro", "zenaro"), ("febbraio", "febraio", "febraro"),
        ("marzo",), ("aprile",), ("maggio", "mazo"), ("giugno", "zugno"), ("luglio", "luio"),
        ("agosto",), ("settembre", "setembre"), ("ottobre", "otobre"), ("novembre",),
        ("dicembre", "decembre"),
    ),
    "nl": (
        ("januari", "januarij"), ("februari", "februarij", "sprokkelmaand"), ("maart",),
        ("april",), ("mei",), ("juni", "junij"), ("juli", "julij"), ("augustus",),
        ("september",), ("oktober", "october"), ("november",), ("december",),
    ),
    "la": (
        ("januarius", "januarii", "ianuarii"), ("februarius", "februarii"),
        ("martius", "martii"), ("aprilis",), ("maius", "maii"), ("junius", "junii"),
        ("julius", "julii"), ("augustus", "augusti", "sextilis"),
        ("september", "septembris"), ("october", "octobris"), ("november", "novembris"),
        ("december", "decembris"),
    ),
}  # fmt: skip

# Abbreviations that are not the beginning of a name: "Mrt" (Dutch), "Xbre" and "8bre"
# (the 10th/8th month of the Roman year), "Sbre" (settembre).
_ABBREVIATIONS = {"mrt": 3, "7bre": 9, "7ber": 9, "7br": 9, "8bre": 10, "8ber": 10, "8br": 10,
                  "9bre": 11, "9ber": 11, "9br": 11, "10bre": 12, "xbre": 12, "xber": 12,
                  "xbr": 12, "10br": 12, "sbre": 9, "obre": 10, "nbre": 11, "dbre": 12}  # fmt: skip
# Short prefixes that would clash with ordinary words; a name must be written out further.
_TOO_SHORT = {"mar", "jul", "jun", "aug", "dec", "set", "ott", "lug", "ago"}

WEEKDAYS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs "
    "fri sat sun lundi mardi mercredi jeudi vendredi samedi dimanche montag dienstag mittwoch "
    "mitwoch donnerstag freitag samstag sonnabend sonntag lunes martes miercoles jueves viernes "
    "sabado domingo lunedi martedi mercoledi giovedi venerdi sabato domenica maandag dinsdag "
    "woensdag donderdag vrijdag zaterdag zondag".split()
)

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9,
         "x": 10, "xi": 11, "xii": 12}  # fmt: skip


def _old_letters(word: str) -> str:
    """The spelling with i for j and u for v, as Latin and early modern hands mix them."""
    return word.replace("j", "i").replace("v", "u")


def _is_contraction(word: str, name: str) -> bool:
    """"Novbr", "Septbr": the name's first three letters, then some of the rest in order."""
    if word[:3] != name[:3]:
        return False
    rest = iter(name[3:])
    return all(ch in rest for ch in word[3:])


def _shortest(name: str) -> int:
    """The fewest letters that stand for the name: "Herbstm." yes, "Winter" or "Horn" no."""
    if name.endswith("monat"):
        return len(name) - 4
    return len(name) if name in _WHOLE_ONLY else 3


_WHOLE_ONLY = {"hornung", "sprokkelmaand", "sextilis", "mazo", "luio", "mei"}


@lru_cache(maxsize=1)
def _names() -> list[tuple[str, int, int]]:
    return [
        (_old_letters(name), month, _shortest(name))
        for table in MONTHS.values()
        for month, names in enumerate(table, start=1)
        for name in names
    ]


@lru_cache(maxsize=8192)
def month_number(word: str) -> int | None:
    """The month a month word means in any of the languages above, or None.

    A word is a month when it is a name, the beginning of one ("Sept.", "Febr", "Okt") or a
    contraction ("Novbr"); a beginning of three letters only where it is no common word.
    """
    w = fold(word).rstrip(".")
    if w in _ABBREVIATIONS:
        return _ABBREVIATIONS[w]
    if not w.isalpha() or len(w) < 3:
        return None
    w = _old_letters(w)
    found = {month for name, month, least in _names() if name.startswith(w) and len(w) >= least}
    if not found and len(w) >= 4:
        # Contractions of the long names only: "Novbr", "Septbr"; not "mais" for "maius".
        found = {
            month
            for name, month, least in _names()
            if len(name) >= 7 and least == 3 and _is_contraction(w, name)
        }
    if len(found) != 1:  # "ju" could be June or July; nothing at all is no month
        return None
    if len(w) == 3 and w in _TOO_SHORT and word[:1].islower() and word[-1:] != ".":
        return None  # "mar", "set", "ago" are words of their own in lower case
    return found.pop()


def is_weekday(word: str) -> bool:
    return fold(word).rstrip(".,") in WEEKDAYS


MONTH_WORD = r"(?:[^\W\d_]{3,14}|(?:[7-9]|10|[Xx])b(?:re|er|r)?)"
_ROMAN_NUMBER = re.compile(r"(?i)^(x{0,3})(ix|iv|v?i{0,3})$")


def roman_number(word: str) -> int | None:
    """A Roman numeral from 1 to 39 ("XXIX" for a day), else None."""
    w = word.strip(".").lower()
    m = _ROMAN_NUMBER.match(w)
    if not w or not m:
        return None
    tens = len(m[1]) * 10
    units = {"": 0, "i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8,
             "ix": 9}[m[2]]  # fmt: skip
    return tens + units or None
