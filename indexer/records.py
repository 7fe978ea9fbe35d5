"""Plain records that travel between the ingest stages, the index and the web app."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

# How a page's text came to be.  "transcript": a human transcript file; "htr": the text
# of a PAGE XML or ALTO file given with the scan (an HTR/OCR tool's reading);
# "pdf-text": the PDF's own text layer; "ocr": our Tesseract run; "none": no text.
TEXT_ORIGINS = ("transcript", "htr", "pdf-text", "ocr", "none")
# Machine-read origins: a letter with such a page counts as "OCR only", since nothing
# says whether a person corrected an HTR file (a page-NNN.txt says so).
MACHINE_READ = ("htr", "ocr")

# How a whole letter's text came to be, the facet researchers filter on.
TEXT_SOURCES = {
    "transcribed": "Transcribed",
    "ocr": "OCR only",
    "image-only": "Image only",
    "catalogue": "Catalogue record",  # a CMIF record: metadata only, the text is elsewhere
}


class RecordError(ValueError):
    """A value in a record is malformed; the message says which and what is accepted."""


_ISO_PART = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")


def _bounds(text: str) -> tuple[dt.date, dt.date, str]:
    m = _ISO_PART.match(text)
    if not m:
        raise RecordError(
            f"date {text!r} is not ISO 8601; accepted: YYYY, YYYY-MM, YYYY-MM-DD "
            "or an interval such as 1855/1856"
        )
    year, month, day = int(m[1]), m[2], m[3]
    try:
        if day:
            d = dt.date(year, int(month), int(day))
            return d, d, "day"
        if month:
            first = dt.date(year, int(month), 1)
            last = first.replace(day=calendar.monthrange(year, first.month)[1])
            return first, last, "month"
        return dt.date(year, 1, 1), dt.date(year, 12, 31), "year"
    except ValueError as exc:  # month 13, 30 February, year 0000
        raise RecordError(
            f"date {text!r} is not a calendar date ({exc}); accepted: a real day, "
            "month or year from 0001"
        ) from None


def ymd(day: dt.date) -> int:
    """A day as the number YYYYMMDD, the form dates are compared and indexed in."""
    return day.year * 10000 + day.month * 100 + day.day


@dataclass(frozen=True)
class DateValue:
    """A letter's date: a day, a month, a year or an interval, possibly uncertain."""

    start: dt.date
    end: dt.date
    precision: str  # "day" | "month" | "year" | "interval"
    iso: str  # normalised ISO form, e.g. "2009-02", "1855/1856"
    uncertain: bool = False

    @classmethod
    def parse(cls, text: str) -> DateValue:
        """Parse ISO 8601 (full, partial, or start/end interval; a trailing ? marks doubt)."""
        raw = str(text).strip()
        uncertain = raw.endswith("?")
        core = raw.rstrip("?").strip()
        if "/" in core:
            left, _, right = core.partition("/")
            start, _, _ = _bounds(left.strip())
            _, end, _ = _bounds(right.strip())
            if end < start:
                raise RecordError(f"date interval {raw!r} ends before it starts")
            return cls(start, end, "interval", f"{left.strip()}/{right.strip()}", uncertain)
        start, end, precision = _bounds(core)
        return cls(start, end, precision, core, uncertain)

    @classmethod
    def from_day(cls, day: dt.date) -> DateValue:
        return cls(day, day, "day", day.isoformat())

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def decade(self) -> int:
        return self.start.year // 10 * 10

    def years(self) -> list[int]:
        """Every year the date may fall in (an interval spans several)."""
        return list(range(self.start.year, self.end.year + 1))

    def __str__(self) -> str:
        return self.iso + ("?" if self.uncertain else "")


@dataclass
class Party:
    """A sender or recipient: a person, an office, or both."""

    name: str | None = None
    role: str | None = None
    organisation: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2, upper case
    place: str | None = None
    ref: str | None = None  # authority URI of the person or body (GND, VIAF, Wikidata)
    family: str | None = None  # name parts, for citations ("García Belaunde")
    given: str | None = None
    place_ref: str | None = None  # authority URI of the place (GeoNames, Wikidata, GND)

    def is_empty(self) -> bool:
        # A party known only by its authority id is someone.
        return not any(
            (self.name, self.role, self.organisation, self.country, self.place, self.ref)
        )

    def label(self) -> str:
        """A one-line label: name, else organisation, else role."""
        return self.name or self.organisation or self.role or ""

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v}


@dataclass(frozen=True)
class Provenance:
    """Where a metadata value came from: the archivist's sidecar, or extraction from a line."""

    source: str  # "archivist" | "extracted"
    line: str | None = None  # the text line the value was read from
    line_no: int | None = None  # 1-based line number within the page text
    page: int | None = None  # 1-based page number
    method: str | None = None  # e.g. "date-line", "letterhead", "signature", "langdetect"
    confidence: float | None = None  # 0-1, how surely an extracted value is the letter's own

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class Word:
    """One recognised or rendered word with its box in page-image pixels."""

    text: str
    x: int
    y: int
    w: int
    h: int
    conf: float | None = None
    line: int | None = None  # 1-based line number within the page text, when known


@dataclass
class Related:
    id: str
    relation: str  # see RELATIONS

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "relation": self.relation}


# A letter's place in its life: drafts and withdrawn letters are not in public search.
STATUSES = ("published", "draft", "withdrawn")

RELATIONS = {
    "encloses": "Encloses",
    "enclosed-in": "Enclosed in",
    "reply-to": "Reply to",
    "replied-by": "Answered by",
    "see-also": "See also",
}


@dataclass
class Page:
    """One page of a letter: where its image is, what its text is and where that came from."""

    n: int  # 1-based page number within the letter
    text: str = ""
    origin: str = "none"  # one of TEXT_ORIGINS
    image: str | None = None  # file name inside the letter folder
    frame: int = 0  # frame (multi-page TIFF) or page index (PDF) inside `image`
    width: int | None = None
    height: int | None = None
    words: list[Word] | None = None
    transcript: str | None = None  # transcript file name, when there is one
    label: str | None = None  # the page's own number or name (TEI `pb/@n`), when given
    readings: str = ""  # other readings (TEI `orig`, `abbr`, `sic`): searched, not shown
    notes: str = ""  # editorial notes on the page, kept apart from the letter's own words
    # What could not be read on this page: (step, why), step "pdf-text" or "ocr". Recorded
    # in the index (never in the archive), listed by `check`, tried again by `update`.
    failures: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Letter:
    """Everything known about one letter, merged from sidecar, files and extraction."""

    id: str
    title: str | None = None
    date: DateValue | None = None
    date_as_written: str | None = None
    sender: Party = field(default_factory=Party)
    recipients: list[Party] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)  # ISO 639-1
    collection: str | None = None
    shelfmark: str | None = None  # its call number in the holding archive ("MS 42, fol. 3")
    rights: str | None = None
    notes: str | None = None
    related: list[Related] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    provenance: dict[str, Provenance] = field(default_factory=dict)
    # Values read from the text with too little confidence to set: key -> {"value", and the
    # provenance's "line", "line_no", "page", "method", "confidence"}; shown to archivists.
    suggestions: dict[str, dict[str, Any]] = field(default_factory=dict)
    fingerprint: str = ""
    status: str = "published"  # one of STATUSES
    withdrawn: dict[str, str] | None = None  # {"at", "by", "reason"} when withdrawn
    changed: str | None = None  # when a transcript last changed (ISO 8601, UTC)
    extra: dict[str, Any] = field(default_factory=dict)  # sidecar keys we keep but do not index
    # A catalogue record (CMIF): metadata only, no text, and where the edition shows it.
    edition_url: str | None = None
    edition_title: str | None = None  # the edition's own title (a printed one may have no URL)
    edition_number: str | None = None  # the letter's number in that edition (CMIF `@key`)

    @property
    def is_catalogue(self) -> bool:
        """A catalogue record: no pages of its own, only where an edition has the letter."""
        return not self.pages and bool(self.edition_url or self.edition_title)

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.pages if p.text)

    @property
    def text_source(self) -> str:
        if self.is_catalogue:
            return "catalogue"
        origins = {p.origin for p in self.pages if p.text.strip()}
        if not origins:
            return "image-only"
        if origins & set(MACHINE_READ):
            return "ocr"
        return "transcribed"

    @property
    def recipient(self) -> Party:
        return self.recipients[0] if self.recipients else Party()

    def display_title(self) -> str:
        if self.title:
            return self.title
        who = self.sender.label() or "Unknown sender"
        to = self.recipient.label()
        when = f", {self.date}" if self.date else ""
        return f"{who} to {to}{when}" if to else f"Letter from {who}{when}"
