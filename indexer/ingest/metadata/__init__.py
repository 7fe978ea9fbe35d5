"""Metadata read from a letter's own text, for when the archivist's sidecar is silent.

`extract_metadata(pages)` returns only what it found, under these keys:
"date" (DateValue, day or month precision), "date_as_written" (str),
"sender.name|role|organisation|country|place", "recipient.name|role|organisation|country|place"
(str; countries as ISO 3166-1 alpha-2) and "languages" (ISO 639-1 codes, most likely first).
Every value comes with the line it was read from (Provenance line, line_no, page, and method:
"date-line", "letterhead", "signature", "address", "salutation" or "langdetect"), so a reader
can check it.  Only the first and last lines of a letter are read, so cost does not grow with it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from indexer.records import Provenance

from . import whence
from .countries import find_places, span_text, tokenize
from .dates import DateLine, date_line, letter_date
from .language import MAX_CHARS, detect_languages
from .parties import (
    address_block,
    before_signature,
    is_closing,
    is_prose,
    is_salutation,
    letterhead_org,
    read_signature,
    salutation_name,
    starts_with_honorific,
    title_case,
)

__all__ = ["SUGGEST_BELOW", "Found", "extract_metadata", "is_sure", "suggestion"]

# A value extracted with less confidence than this is a suggestion: shown to archivists with
# the line it came from, never set on the letter.
SUGGEST_BELOW = 0.7
SURE = 0.9  # names, roles and organisations read from their places in the layout
DATE_LINE = 0.9  # a date read from a dateline
UNKNOWN_PLACE = 0.6  # a dateline's place the gazetteer does not know: shown, not set
DATELINE_HEAD, DATELINE_TAIL = 6, 8  # lines searched for a dateline whose date was not read

HEAD_LINES = 40  # the letterhead, address and date sit in the first lines...
TAIL_LINES = 40  # ...the signature in the last; the body between is never read
DATE_HEAD_LINES = 25
DATE_TAIL_LINES = 15
HEADER_LINES = 25  # a salutation further down is a quotation, not the letter's own
MAX_LINE_CHARS = 2000  # a longer "line" is a paragraph or garbage; its start is enough

_Put = Callable[..., None]  # (key, value, line index, method, confidence)
_DECORATION = re.compile(r"^[\s#>*•\-–]+|[\s*]+$")


@dataclass(frozen=True)
class Found:
    """One extracted value and where in the text it was read."""

    value: Any  # DateValue | str | list[str]
    provenance: Provenance


def is_sure(found: Found) -> bool:
    """Is the value sure enough to set? Below SUGGEST_BELOW it is only a suggestion."""
    confidence = found.provenance.confidence
    return confidence is None or confidence >= SUGGEST_BELOW


def suggestion(found: Found) -> dict[str, Any]:
    """A value not set, as the record keeps it: the value (dates in ISO form) and where it
    was read."""
    value = found.value
    value = str(value) if not isinstance(value, str | list) else value
    return {"value": value, **found.provenance.to_dict()}


@dataclass(frozen=True)
class _Line:
    page: int  # 1-based
    no: int  # 1-based within the page
    raw: str  # exactly as in the page text


def _page_lines(page: object) -> list[str]:
    return page.splitlines() if isinstance(page, str) else []


def _collect(pages: list[str]) -> tuple[list[_Line], int, int]:
    """The first and last non-empty lines of the letter, in order, without repeats."""
    head: list[_Line] = []
    for p, page in enumerate(pages, 1):
        for no, raw in enumerate(_page_lines(page), 1):
            if len(head) >= HEAD_LINES:
                break
            if raw.strip():
                head.append(_Line(p, no, raw))
        if len(head) >= HEAD_LINES:
            break
    tail: list[_Line] = []
    for p in range(len(pages), 0, -1):
        lines = _page_lines(pages[p - 1])
        for no in range(len(lines), 0, -1):
            if len(tail) >= TAIL_LINES:
                break
            if lines[no - 1].strip():
                tail.append(_Line(p, no, lines[no - 1]))
        if len(tail) >= TAIL_LINES:
            break
    tail.reverse()
    seen = {(line.page, line.no) for line in head}
    merged = head + [line for line in tail if (line.page, line.no) not in seen]
    return merged, len(head), len(merged) - len(tail)


@dataclass
class _Layout:
    """Where the parts of a letter are, as indices into its lines."""

    header: list[int] = field(default_factory=list)  # letterhead, place and date
    salutation: int | None = None
    head_block: list[int] = field(default_factory=list)  # recipient address before the text
    signature: list[int] = field(default_factory=list)  # after the closing, sender side only
    post_block: list[int] = field(default_factory=list)  # recipient address after the signature
    name: int | None = None  # the sender's name line
    sender: dict[str, tuple[str, int]] = field(default_factory=dict)


def _analyse(
    texts: Sequence[str], joined: Sequence[bool], head_end: int, tail_start: int
) -> _Layout:
    layout = _Layout()
    n = len(texts)
    header_end = min(head_end, HEADER_LINES)
    for i in range(min(head_end, HEADER_LINES)):
        if is_salutation(texts[i], texts[i + 1] if i + 1 < n else None):
            layout.salutation = header_end = i
            break
        if is_prose(texts[i]):
            header_end = i
            break
    for i in range(header_end):
        if starts_with_honorific(texts[i]) and not date_line(texts[i]):
            # The address runs on while lines follow without a blank one between.
            block = [i]
            for j in range(i + 1, min(header_end, i + 12)):
                if not joined[j] or is_prose(texts[j]) or date_line(texts[j]):
                    break
                block.append(j)
            layout.head_block = block
            break
    layout.header = [i for i in range(header_end) if i not in layout.head_block]

    body_end = max(header_end, (layout.salutation or 0) + 1)
    tail = range(max(tail_start, body_end), n)
    closing = next((i for i in reversed(tail) if is_closing(texts[i])), None)
    if closing is None:
        closing = next((i for i in reversed(tail) if is_prose(texts[i])), None)
    start = closing + 1 if closing is not None else max(body_end, n - 6)
    while start < n and before_signature(texts[start]):
        start += 1
    sig = read_signature(texts, start, n)
    layout.signature, layout.name, layout.post_block = sig.lines, sig.name, sig.post_block
    layout.sender = sig.fields
    return layout


_PARTY = ("name", "role", "organisation", "country", "place", "place_ref")
_SENDER = {f"sender.{k}" for k in _PARTY}
_RECIPIENT = {f"recipient.{k}" for k in _PARTY}


def extract_metadata(
    pages: list[str],
    *,
    languages: bool = True,
    given: set[str] | frozenset = frozenset(),
    year_hint: int | None = None,
) -> dict[str, Found]:
    """Date, sender, recipient and languages read from a letter's pages of text.

    A step whose every value is in `given` (already known) is skipped. `year_hint`: a year
    the letter's collection lies around, for years written with two or three digits.
    """
    if not isinstance(pages, list | tuple):
        return {}
    lines, head_end, tail_start = _collect(list(pages))
    if not lines:  # nothing to read: skip loading the gazetteer and date tables
        return {}
    texts = [_DECORATION.sub("", line.raw[:MAX_LINE_CHARS]) for line in lines]
    joined = [
        i > 0 and line.page == lines[i - 1].page and line.no == lines[i - 1].no + 1
        for i, line in enumerate(lines)
    ]
    out: dict[str, Found] = {}

    def put(key: str, value: Any, idx: int, method: str, confidence: float = SURE) -> None:
        if value and key not in out:
            line = lines[idx]
            prov = Provenance("extracted", line.raw, line.no, line.page, method, confidence)
            out[key] = Found(value, prov)

    want_date = not {"date", "sender.place"} <= given
    want_sender, want_recipient = not _SENDER <= given, not _RECIPIENT <= given
    if not (want_date or want_sender or want_recipient):
        return _languages(pages, out) if languages else out
    layout = _analyse(texts, joined, head_end, tail_start)

    # The date is chosen among the date lines of the whole text (dates/choose.py).
    found_date = letter_date(pages, year_hint=year_hint) if want_date else None
    dated, above = None, False
    if found_date:
        for key, value in (("date", found_date.value), ("date_as_written", found_date.as_written)):
            out.setdefault(key, Found(value, found_date.provenance))
        where = (found_date.page, found_date.line_no)
        at = next((i for i, line in enumerate(lines) if (line.page, line.no) == where), None)
        if at is None:  # a date line in the middle of a long letter joins the lines read
            lines.append(_Line(found_date.page, found_date.line_no, found_date.line))
            texts.append(_DECORATION.sub("", found_date.line[:MAX_LINE_CHARS]))
            at = len(lines) - 1
        dated = DateLine(at, found_date.value, found_date.as_written, found_date.place)
        prev = lines[at - 1] if at else None
        above = prev is not None and (prev.page, prev.no + 1) == (lines[at].page, lines[at].no)

    if want_sender or want_date:
        _sender(texts, layout, dated, above, put)
    if want_recipient:
        _recipient(texts, layout, put)

    if not languages:  # the caller knows them already: skip the costliest step
        return out
    return _languages(pages, out)


def _languages(pages: list[str], out: dict[str, Found]) -> dict[str, Found]:
    text = ""
    for page in pages:
        if len(text) >= MAX_CHARS:
            break
        text += (page if isinstance(page, str) else "")[:MAX_CHARS] + "\n"
    found = detect_languages(text)
    if found:
        out["languages"] = Found(found, Provenance("extracted", method="langdetect"))
    return out


def _sender(texts: list[str], layout: _Layout, dated: Any, above: bool, put: _Put) -> None:
    """`above`: the line before the date line is the line above it in the page."""
    place_part = getattr(dated, "place", None) if dated else None
    dateline = (dated.index, place_part) if place_part else None
    if dateline is None and dated:  # the date line, or the line above it, names the place
        near = (dated.index - 1, dated.index) if above else (dated.index,)
        dateline = whence.dateline_place([(i, texts[i]) for i in near])
    if dateline is None:  # a dateline whose date was not read still names the place
        n = len(texts)
        ends = [(i, t) for i, t in enumerate(texts) if i < DATELINE_HEAD or i >= n - DATELINE_TAIL]
        dateline = whence.dateline_place(ends)
    found = whence.candidates(
        texts,
        layout.header,
        [i for i in layout.signature if i != layout.name],
        layout.name,
        dateline,
        _after_signature(layout, len(texts)),
    )
    best = whence.best(found)
    if best:
        put("sender.country", best.code, best.index, best.method, best.confidence)
    # The place: the dateline's when it names one, else the strongest place named.
    placed = [w for w in found if w.place]
    spot = next((w for w in placed if w.method == "date-line"), None) or whence.best(placed)
    if spot:
        put("sender.place", spot.place, spot.index, spot.method, spot.confidence)
        if spot.place_ref:
            put("sender.place_ref", spot.place_ref, spot.index, spot.method, spot.confidence)
    elif place_part:  # a place the gazetteer does not know, as the dateline writes it
        put("sender.place", place_part, dated.index, "date-line", UNKNOWN_PLACE)
    header = [(i, texts[i]) for i in layout.header]
    by_idx = dict(header + [(i, texts[i]) for i in layout.signature])
    for hit in find_places(tokenize(header)):
        if hit.is_org:
            org = span_text(hit.tokens, by_idx)
            put("sender.organisation", title_case(org), hit.tokens[0].line, "letterhead")
    org_line = letterhead_org(header)
    if org_line:
        put("sender.organisation", org_line[0], org_line[1], "letterhead")
    for key in ("name", "role", "organisation"):
        if key in layout.sender:
            value, idx = layout.sender[key]
            put(f"sender.{key}", value, idx, "signature")


def _after_signature(layout: _Layout, n: int) -> list[int]:
    """The lines after the signer's, short of the recipient's address: other signers."""
    if not layout.signature:
        return []
    stop = layout.post_block[0] if layout.post_block else n
    return list(range(layout.signature[-1] + 1, stop))


def _recipient(texts: list[str], layout: _Layout, put: _Put) -> None:
    # One block only: a name from one and an organisation from another would mislead.
    for block in (layout.head_block, layout.post_block):
        fields = address_block(texts, block) if block else {}
        for key, (value, idx) in fields.items():
            put(f"recipient.{key}", value, idx, "address")
        if fields:
            break
    if layout.salutation is not None:
        name = salutation_name(texts[layout.salutation])
        put("recipient.name", name, layout.salutation, "salutation")
