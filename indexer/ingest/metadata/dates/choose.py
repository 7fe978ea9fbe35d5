"""The letter's own date among the date lines of its text, with how sure that is.

An editor looks for the date line at the head of the letter, else at its foot (beside the
signature). A date line inside the body, in an enclosure or copy after the letter, on a
receipt, a stamp, a cheque or a printed form is never the letter's. When two date lines of
the letter disagree, the head's is taken (else the first at the foot) and the method says so.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from indexer.records import DateValue, Provenance

from .forms import HINT_REACH, YearHint, dates_in
from .line import date_line

MAX_HEAD_LINES = 25  # the head: page 1 up to its first line of prose, at most this many lines
# Lines read: a letter's date line stands before this many lines, or among the last ones;
# a longer text is a book or a file of letters, not a letter.
MAX_LINES, LAST_LINES = 1500, 60
# A heading standing alone: "Copia", "Beilage 2.", "Allegato I", "Enclosure (A)".
_ENCLOSURE = re.compile(
    r"(?i)^\W*(?:copia|copie|copy|kopie|abschrift|beilage|anlage|allegato|enclosure|inclosure|"
    r"bijlage|anexo|annexe|(?:main )?text of attachment)\b\W*(?:[ivx\d]+|[a-z])?\W*$"
)
# A line that ends in a day, or a day and a month: its year may be on the next line.
_BROKEN = re.compile(
    r"\b[0-3]?\d(?:st|nd|rd|th|er|t|te|ten|ter|sten)?\.?\s*(?:[^\W\d_]{3,}\.?)?\s*$"
)
MAX_SECOND_LINE = 30
_WORDS = re.compile(r"[^\W\d_]+")
_YEAR = re.compile(r"(?<!\d)(1[0-9]\d\d|20\d\d)(?!\d)")
_ENGLISH = re.compile(r"(?i)\b(?:the|and|of|to|which|with)\b")

# How sure a date read from a date line is, by what had to be assumed.
SURE = 0.95
_YEAR_FROM = {"text": SURE, "letter": 0.8, "collection": 0.75, "editor": 0.6}
# Less sure on a page a machine read: handwriting recognition misreads digits more than OCR
# of print does.
_MACHINE = {"htr": 0.3, "ocr": 0.15}
_NOTES = {
    "letter": "century from the letter's other dates",
    "collection": "century from the collection's dates",
    "editor": "year supplied in brackets by the editor",
}


@dataclass(frozen=True)
class LetterDate:
    """The letter's date, the line it was read from and how sure that is."""

    value: DateValue
    as_written: str
    place: str | None  # the place written before the date ("Lima, April 10th 2007")
    page: int  # 1-based
    line_no: int  # 1-based within the page
    line: str  # the line exactly as in the page text
    confidence: float
    method: str

    @property
    def provenance(self) -> Provenance:
        return Provenance(
            "extracted", self.line, self.line_no, self.page, self.method, self.confidence
        )


@dataclass(frozen=True)
class _Line:
    page: int
    no: int
    raw: str


@dataclass(frozen=True)
class _Candidate:
    at: int  # index into the letter's lines
    value: DateValue
    as_written: str
    place: str | None
    year_from: str
    order: str
    joined: bool


def _lines(pages: Sequence[str]) -> list[_Line]:
    out = []
    for p, page in enumerate(pages, 1):
        if isinstance(page, str):
            out += [_Line(p, no, raw) for no, raw in enumerate(page.splitlines(), 1) if raw.strip()]
    if len(out) > MAX_LINES + LAST_LINES:
        out = out[:MAX_LINES] + out[-LAST_LINES:]
    return out


def _is_prose(text: str) -> bool:
    words = _WORDS.findall(text)
    return len(words) >= 6 and sum(w[0].islower() for w in words) >= 0.45 * len(words)


def _letter_hint(lines: list[_Line], collection: YearHint | None) -> YearHint | None:
    """The year the letter's own full dates lie around, else the collection's."""
    years = [
        d.value.year
        for line in lines
        if _YEAR.search(line.raw)
        for d in dates_in(line.raw[:400], others=False)
        if d.year_from == "text"
    ]
    if years and max(years) - min(years) <= 2 * HINT_REACH:
        own = YearHint(int(statistics.median(years)), "letter")
        if collection is None or abs(own.year - collection.year) <= HINT_REACH:
            return own
    return collection


def _day_first(lines: list[_Line], languages: Sequence[str] | None) -> bool:
    """Numeric dates are read day first except in English, where both orders are written."""
    if languages:
        return languages[0] != "en"
    sample = " ".join(line.raw for line in lines[:60])[:4000]
    return len(_ENGLISH.findall(sample)) < max(5, len(_WORDS.findall(sample)) // 12)


def _candidates(lines: list[_Line], hint: YearHint | None, day_first: bool) -> list[_Candidate]:
    found = []
    for k, line in enumerate(lines):
        if k >= 3 and len(line.raw) <= 60 and _ENCLOSURE.match(line.raw):
            break  # an enclosure or a copy follows the letter: its dates are its own
        got, joined = date_line(line.raw, hint, day_first=day_first), False
        # A hand often breaks "Bern den 15" / "Febr 1852" or "Bern, 25. April" / "1852." over
        # two lines.
        nxt = lines[k + 1] if k + 1 < len(lines) else None
        if nxt and nxt.page == line.page and len(nxt.raw.strip()) <= MAX_SECOND_LINE:
            if (got is None or got[0].value.precision != "day") and _BROKEN.search(line.raw):
                two = date_line(f"{line.raw.strip()} {nxt.raw.strip()}", hint, day_first=day_first)
                if two and two[0].value.precision == "day" and not dates_in(line.raw, hint):
                    got, joined = two, True
        if got:
            m, place = got
            found.append(_Candidate(k, m.value, m.as_written, place, m.year_from, m.order, joined))
    return found


def _zone(lines: list[_Line], at: int) -> str:
    """"body" (inside a running sentence), "head" (before the text on page 1) or "foot"."""
    prev = lines[at - 1].raw.strip() if at > 0 else ""
    nxt = lines[at + 1].raw.strip() if at + 1 < len(lines) else ""
    # "... wir haben am" / "5. Mai 1850" / "beschlossen, ...": the sentence runs through it.
    runs_in = _is_prose(prev) and prev[-1:] not in ".!?;)]»\"'"  # ":" announces a list
    runs_on = _is_prose(nxt) and nxt[:1].islower()
    if runs_in or runs_on:
        return "body"
    if lines[at].page == 1 and at < MAX_HEAD_LINES:
        first_prose = next(
            (k for k, line in enumerate(lines[:MAX_HEAD_LINES]) if _is_prose(line.raw)),
            MAX_HEAD_LINES,
        )
        if at < first_prose:
            return "head"
    return "foot"


def _confidence(c: _Candidate) -> tuple[float, list[str]]:
    conf, notes = _YEAR_FROM[c.year_from], []
    if c.year_from in _NOTES:
        notes.append(_NOTES[c.year_from])
    if c.order == "numeric-guess":
        conf -= 0.1
        notes.append("day read before month")
    if c.value.precision != "day":
        conf = min(conf, 0.7)
    if c.joined:
        conf -= 0.05
    return conf, notes


def letter_date(
    pages: Sequence[str],
    *,
    year_hint: int | None = None,
    languages: Sequence[str] | None = None,
    origins: Sequence[str] | None = None,
) -> LetterDate | None:
    """The letter's own date from its pages of text, or None when none is clearly its own.

    `year_hint`: a year the collection's dated letters lie around (e.g. their median); with
    the letter's own full dates it resolves years written with two or three digits
    ("25. 6. 23", "14/4 901"). `languages`: the letter's languages, most likely first, when
    known ("en" leaves "5/6/1923" unread; others read it day first). `origins`: each page's
    records.Page.origin; a date on a page read by a machine ("htr", "ocr") is less sure, as a
    misread digit gives another day ("1899" for "1839").
    """
    lines = _lines(pages)
    if not lines:
        return None
    collection = YearHint(year_hint, "collection") if year_hint else None
    hint = _letter_hint(lines, collection)
    candidates = _candidates(lines, hint, _day_first(lines, languages))
    # Date lines one under the other are a list (a programme, a schedule), not a date line.
    listed = {c.at for c in candidates} & {c.at + 1 for c in candidates if not c.joined}
    listed |= {at - 1 for at in listed}
    found = [
        (c, zone)
        for c in candidates
        if c.at not in listed and (zone := _zone(lines, c.at)) != "body"
    ]
    if not found:
        return None
    # A full date before a month alone ("Jänner 1867" may be a line of the text), then the
    # head's before the foot's, then the first.
    best, zone = sorted(found, key=lambda f: (f[0].value.precision != "day", f[1] != "head"))[0]
    conf, notes = _confidence(best)
    others = [c for c, _ in found if c.value.precision == "day" and c.value != best.value]
    if others:
        other = others[0]
        where = "at the head" if zone == "head" else "first at the foot"
        line = lines[other.at]
        notes.append(
            f"the date line {where} is taken; page {line.page}, line {line.no} "
            f"gives {other.value.iso}"
        )
        conf -= 0.2
    line = lines[best.at]
    origin = origins[line.page - 1] if origins and line.page <= len(origins) else None
    if origin in _MACHINE:
        conf -= _MACHINE[origin]
        notes.append(f"the page's text is machine-read ({origin})")
    method = "; ".join(["date-line", *notes])
    return LetterDate(
        best.value, best.as_written, best.place, line.page, line.no, line.raw,
        round(max(conf, 0.05), 2), method,
    )  # fmt: skip

