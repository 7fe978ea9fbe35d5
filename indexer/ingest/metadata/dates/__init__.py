"""The letter's own date: the date line under the letterhead, or beside the signature.

`letter_date(pages, year_hint=..., languages=...)` gives the letter's date with its line and
a confidence; `date_line(text)` tells whether one line is a date line. The parts:
months.py (month names by language), forms.py (the written forms of a date), line.py (what
may stand beside the date on its line), choose.py (which date line is the letter's own).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from indexer.records import DateValue

from .choose import LetterDate, letter_date
from .forms import DateMatch, YearHint, dates_in
from .line import date_line
from .months import month_number

__all__ = [
    "DateLine",
    "DateMatch",
    "LetterDate",
    "YearHint",
    "collection_year",
    "date_line",
    "dates_in",
    "letter_date",
    "month_number",
]


@dataclass(frozen=True)
class DateLine:
    """Where the letter's date line is among a caller's lines (metadata's `_sender`)."""

    index: int  # the caller's index of the line
    value: DateValue
    as_written: str
    place: str | None  # the place written before the date ("Lima, April 10th 2007")


def collection_year(years: Iterable[int]) -> int | None:
    """The year a collection's dated letters lie around (their median): `letter_date`'s
    `year_hint`, for the letters that write "25. 6. 23"."""
    known = sorted(years)
    return int(statistics.median(known)) if known else None
