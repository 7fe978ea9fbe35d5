"""A search as the collection was at a moment (`as_of`), through the engine protocol only.

The method: letters whose change log (indexer.archive.past) holds nothing after the moment
are today as they were then, so the served index answers for them (public then exactly
when public now). The few letters changed since (corrected, re-described, published,
withdrawn, added) are rebuilt as they were then, the public ones indexed into a scratch
index of the same engine (`Engine.scratch()`), and the same request runs there. The two
answers are merged: by date as the engines order (undated last, then by id); by
relevance by score, which is approximate, since scores depend on the statistics of the
index that gave them. Which letters match is exact; their order by relevance is not what
the collection then would have given, so a cited list's hash covers the letters sorted
by id (indexer.search.cited). A question's mode (`match=auto`) is decided on the merged
answer, as on a whole collection.
"""

from __future__ import annotations

import bisect
import dataclasses
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..archive import Archive, past
from ..engines.base import Engine, Marks
from ..errors import MissiveError
from ..ingest.reader import Reader
from ..records import DateValue, RecordError
from . import natural
from .request import SearchRequest
from .results import Hit

# Ordered() without a limit of its own: every matching letter.
EVERY = 10**9


@dataclass
class AsOf:
    """Every letter a request matched at `at`, in its order."""

    at: str
    total: int
    letters: list[tuple[str, float | None]]  # (id, score), in order, up to the limit asked
    marks: Marks
    then: set[str] = field(default_factory=set)  # letters matched as they were then
    rechecked: list[str] = field(default_factory=list)  # letters changed since `at`
    unreadable: dict[str, str] = field(default_factory=dict)  # then-states not readable
    hits: list[Hit] = field(default_factory=list)  # the request's page, metadata as then
    match: str = "all"
    strict_total: int | None = None


def _start(meta: dict[str, Any] | None) -> int | None:
    try:
        return DateValue.parse((meta or {}).get("date") or "").start.toordinal()
    except (RecordError, AttributeError):
        return None


def _date_key(sort: str, meta: dict[str, Any] | None, letter_id: str) -> tuple:
    start = _start(meta)
    return (start is None, (-1 if sort == "-date" else 1) * (start or 0), letter_id)


def _merge(
    sort: str,
    now: list[tuple[str, float | None]],
    then: list[tuple[str, float | None]],
    meta_now: Callable[[str], dict | None],
    meta_then: Callable[[str], dict | None],
) -> list[tuple[str, float | None]]:
    if not then:
        return now
    if sort == "relevance":
        both = now + then
        return sorted(both, key=lambda p: (-(p[1] or 0.0), p[0]))
    # Both lists are in date order already: each letter of the short one goes in by search.
    keys: dict[str, tuple] = {}

    def key(pair: tuple[str, float | None]) -> tuple:
        if pair[0] not in keys:
            keys[pair[0]] = _date_key(sort, meta_now(pair[0]), pair[0])
        return keys[pair[0]]

    merged = list(now)
    for pair in then:
        k = _date_key(sort, meta_then(pair[0]), pair[0])
        keys[pair[0]] = k
        merged.insert(bisect.bisect_left(merged, k, key=key), pair)
    return merged


@dataclass
class _Run:
    total: int
    letters: list[tuple[str, float | None]]
    marks: Marks
    then: set[str]
    match: str = "all"
    strict_total: int | None = None


def as_of(
    engine: Engine,
    archive: Archive,
    make_reader: Callable[[Archive], Reader],
    req: SearchRequest,
    at: str,
    *,
    limit: int = EVERY,
    page_hits: bool = True,
) -> AsOf:
    """The public letters `req` matched at `at` (a time as past.moment gives), up to `limit`
    in its order; with `page_hits`, the hits of the request's page, as they were then.

    `make_reader(archive)` gives the Reader that reads a letter as it was then (the OCR
    cache of the app or command line: OCR already made is not made again)."""
    req = dataclasses.replace(req, unpublished=False)
    since = past.changes_since(archive, at)
    unreadable: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="missive-asof-") as tmp:
        then_archive = Archive(Path(tmp) / "archive")
        then_archive.letters_dir.mkdir(parents=True)
        reader = make_reader(then_archive)
        letters = []
        for letter_id in since:
            try:
                if not past.materialise(archive, letter_id, at, then_archive):
                    continue
                letter = reader.read(letter_id)
            except (MissiveError, OSError) as exc:
                unreadable[letter_id] = str(exc)  # unreadable then: it could not be found
                continue
            if letter.status == "published":
                letters.append(letter)
        with engine.scratch() as scratch:
            if letters:
                with scratch.rebuild() as w:
                    for letter in letters:
                        w.replace(letter)
                    w.record_skips({})

            def run(r: SearchRequest) -> _Run:
                return _combined(engine, scratch if letters else None, r, set(since), limit)

            found: _Run = natural.answer(run, req)
            result = AsOf(
                at=at,
                total=found.total,
                letters=found.letters,
                marks=found.marks,
                then=found.then,
                rechecked=sorted(since),
                unreadable=unreadable,
                match=found.match,
                strict_total=found.strict_total,
            )
            if page_hits:
                result.hits = _page(engine, scratch, req, result)
    return result


def _combined(
    engine: Engine, scratch: Engine | None, r: SearchRequest, since: set[str], limit: int
) -> _Run:
    want = min(EVERY, limit + len(since))
    now = engine.ordered(r, want)
    if since and now.total > len(now.letters):
        now = engine.ordered(r, now.total)  # every match: how many changed since is exact
    kept = [p for p in now.letters if p[0] not in since]
    dropped = len(now.letters) - len(kept)
    then_letters: list[tuple[str, float | None]] = []
    then_total = 0
    if scratch is not None:
        found = scratch.ordered(r, EVERY)
        then_letters, then_total = found.letters, found.total
    merged = _merge(r.sort, kept, then_letters, _meta(engine), _meta(scratch))
    return _Run(
        total=now.total - dropped + then_total,
        letters=merged[:limit],
        marks=now.marks,
        then={i for i, _ in then_letters},
    )


def _meta(engine: Engine | None) -> Callable[[str], dict | None]:
    return (lambda _i: None) if engine is None else engine.get


def _page(engine: Engine, scratch: Engine, req: SearchRequest, result: AsOf) -> list[Hit]:
    first = (req.page - 1) * req.per_page
    window = result.letters[first : first + req.per_page]
    now = [p for p in window if p[0] not in result.then]
    then = [p for p in window if p[0] in result.then]
    marks = result.marks
    by_id = {h.id: h for h in engine.hits(now, marks)}
    if then:
        by_id.update({h.id: h for h in scratch.hits(then, scratch.marks(req.q, ocr=req.ocr))})
    return [by_id[i] for i, _ in window if i in by_id]
