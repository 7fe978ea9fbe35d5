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

from .countries import Hit, best_hit, find_places, span_text, tokenize
from .dates import date_line, find_date_line
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

__all__ = ["Found", "extract_metadata"]

HEAD_LINES = 40  # the letterhead, address and date sit in the first lines...
TAIL_LINES = 40  # ...the signature in the last; the body between is never read
DATE_HEAD_LINES = 25
DATE_TAIL_LINES = 15
HEADER_LINES = 25  # a salutation further down is a quotation, not the letter's own
MAX_LINE_CHARS = 2000  # a longer "line" is a paragraph or garbage; its start is enough

_Put = Callable[[str, Any, int, str], None]
_DECORATION = re.compile(r"^[\s#>*•\-–]+|[\s*]+$")


@dataclass(frozen=True)
class Found:
    """One extracted value and where in the text it was read."""

    value: Any  # DateValue | str | list[str]
    provenance: Provenance


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


_PARTY = ("name", "role", "organisation", "country", "place")
_SENDER = {f"sender.{k}" for k in _PARTY}
_RECIPIENT = {f"recipient.{k}" for k in _PARTY}


def extract_metadata(
    pages: list[str], *, languages: bool = True, given: set[str] | frozenset = frozenset()
) -> dict[str, Found]:
    """Date, sender, recipient and languages read from a letter's pages of text.

    A step whose every value is in `given` (already known) is skipped.
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

    def put(key: str, value: Any, idx: int, method: str) -> None:
        if value and key not in out:
            line = lines[idx]
            prov = Provenance("extracted", line.raw, line.no, line.page, method)
            out[key] = Found(value, prov)

    want_date = not {"date", "sender.place"} <= given
    want_sender, want_recipient = not _SENDER <= given, not _RECIPIENT <= given
    if not (want_date or want_sender or want_recipient):
        return _languages(pages, out) if languages else out
    layout = _analyse(texts, joined, head_end, tail_start)

    first_page = [(i, texts[i]) for i in range(head_end) if lines[i].page == 1]
    dated = find_date_line(first_page[:DATE_HEAD_LINES]) if want_date else None
    if dated is None and want_date:
        dated = find_date_line([(i, texts[i]) for i in range(len(lines))][-DATE_TAIL_LINES:])
    if dated:
        put("date", dated.value, dated.index, "date-line")
        put("date_as_written", dated.as_written, dated.index, "date-line")
        put("sender.place", dated.place, dated.index, "date-line")

    if want_sender:
        _sender(texts, layout, dated.index if dated else None, put)
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


def _sender(texts: list[str], layout: _Layout, date_idx: int | None, put: _Put) -> None:
    header = [(i, texts[i]) for i in layout.header]
    # The name line is left out: "Jordan" or "Florence" there is a person.
    signature = [(i, texts[i]) for i in layout.signature if i != layout.name]
    hits = find_places(tokenize(header)) + find_places(tokenize(signature))
    if layout.name is not None:
        hits += [
            h for h in find_places(tokenize([(layout.name, texts[layout.name])])) if h.tier < 3
        ]

    def method(hit: Hit) -> str:
        idx = hit.tokens[0].line
        if idx == date_idx:
            return "date-line"
        return "letterhead" if idx in layout.header else "signature"

    best = best_hit(hits)
    if best:
        put("sender.country", best.code, best.tokens[0].line, method(best))
    by_idx = dict(header + signature)
    for hit in hits:
        if hit.is_org and hit.tokens[0].line in layout.header:
            org = span_text(hit.tokens, by_idx)
            put("sender.organisation", title_case(org), hit.tokens[0].line, "letterhead")
    found = letterhead_org(header)
    if found:
        put("sender.organisation", found[0], found[1], "letterhead")
    for key in ("name", "role", "organisation"):
        if key in layout.sender:
            value, idx = layout.sender[key]
            put(f"sender.{key}", value, idx, "signature")
    for hit in hits:
        if hit.tier == 4 and hit.is_place:
            place = " ".join(t.orig for t in hit.tokens)
            put("sender.place", title_case(place), hit.tokens[0].line, method(hit))


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
