"""Exports of a whole result set: /search.csv, /search.json, /search.bib, /search.ris.

They take the same parameters as /search and hold every matching letter (not one page), up
to EXPORT_LIMIT (10,000); beyond that the export is cut, says so in the
`X-Missive-Export` header (and in the JSON), and the results page warns.

One search collects the ids of the result in order; the records are then rendered
EXPORT_BATCH (100) letters at a time into a streamed response, so a worker holds one batch,
not the whole export, and the search is not run again per batch. A letter withdrawn while
an export streams is left out of it.

CSV cells are neutralised against formula injection (OWASP): a cell that starts with
`=`, `+`, `-`, `@`, a tab, a carriage return or a line feed gets a leading `'`, so a
spreadsheet shows the text instead of running it — titles, names and snippets come from
archive files and OCR, which anyone who can get a letter into the archive writes.
`bom=1` starts the CSV with a UTF-8 byte order mark, for spreadsheet programs that
otherwise read it in a legacy encoding.
BibTeX and RIS records are written by webapp/citation.py, the same as on a letter's page.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from textwrap import indent

from flask import Blueprint, Response, current_app, request, stream_with_context

from indexer.search import PER_PAGE_MAX, Hit, Ordered, QueryError, SearchRequest
from indexer.search.serialize import hit_json, request_json

from .citation_records import bibtex_entry, ris_record
from .db import get_search
from .errors import api_error
from .params import request_from_args, switch_arg
from .search import letter_url, per_page_default

bp = Blueprint("export", __name__)

CSV_COLUMNS = (
    "id",
    "url",
    "title",
    "date",
    "sender_name",
    "sender_organisation",
    "sender_country",
    "recipient_name",
    "recipient_organisation",
    "recipient_country",
    "languages",
    "text_source",
    "pages",
    "pages_with_hits",
    "snippet",
)
# What a spreadsheet may read as the start of a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
BOM = "\ufeff"

# The body of an export: the request, its one search, the note when the limit cut it.
Body = Callable[[SearchRequest, Ordered, "str | None"], Iterable[str]]


def export_limit() -> int:
    return int(current_app.config.get("EXPORT_LIMIT", 10_000))


def export_batch() -> int:
    return int(current_app.config.get("EXPORT_BATCH", PER_PAGE_MAX))


def neutralise(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: a leading `'` before a formula's first sign."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _filename(req: SearchRequest, ext: str) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", req.q.lower()).strip("-")[:40]
    return f"missive-{words or 'letters'}.{ext}"


def _note(ordered: Ordered, limit: int) -> str | None:
    exported = len(ordered.letters)
    if ordered.total <= exported:
        return None
    return (
        f"{exported:,} of {ordered.total:,} letters exported (the limit is {limit:,}); "
        "narrow the search to export the rest"
    )


def _batches(ordered: Ordered) -> Iterator[list[Hit]]:
    """The letters of the search's result, read a batch at a time by id."""
    search, size = get_search(), export_batch()
    for start in range(0, len(ordered.letters), size):
        yield search.hits(ordered.letters[start : start + size], ordered.marks)


def _joined(parts: Iterable[list[str]], sep: str) -> Iterator[str]:
    """Each batch of rendered items as one chunk, `sep` between items across batches."""
    wrote = False
    for items in parts:
        if items:
            yield (sep if wrote else "") + sep.join(items)
            wrote = True


def _export(ext: str, content_type: str, body: Body, *, attach: bool = True):
    """Search once, then stream what `body` makes of the result."""
    try:
        req = request_from_args(request.args, per_page=per_page_default())
        bom = switch_arg(request.args, "bom") if ext == "csv" else False
        limit = export_limit()
        ordered = get_search().ordered(req, limit)
    except QueryError as exc:
        if ext == "json":
            return api_error(400, str(exc))
        return Response(f"400 Bad Request: {exc}\n", 400, mimetype="text/plain")
    note = _note(ordered, limit)
    headers = {
        "X-Total-Count": str(ordered.total),
        "Content-Disposition": ("attachment" if attach else "inline")
        + f'; filename="{_filename(req, ext)}"',
    }
    if note:
        headers["X-Missive-Export"] = note
    chunks = body(req, ordered, note)
    if bom:
        chunks = _after(BOM, chunks)
    return Response(stream_with_context(chunks), 200, headers, content_type=content_type)


def _after(first: str, rest: Iterable[str]) -> Iterator[str]:
    yield first
    yield from rest


def _url(letter_id: str) -> str:
    return letter_url(letter_id, external=True)


def _party(meta: dict, key: str) -> dict:
    if key == "sender":
        return meta.get("sender") or {}
    recipients = meta.get("recipients") or []
    return recipients[0] if recipients else {}


def _snippet_text(hit: Hit) -> str:
    """The first snippet as plain text (the words around the first match, or the opening)."""
    if not hit.snippets:
        return ""
    return html.unescape(re.sub(r"</?mark>", "", hit.snippets[0].html))


def _csv_row(hit: Hit) -> list[str]:
    sender, recipient = _party(hit.meta, "sender"), _party(hit.meta, "recipient")
    values = [
        hit.id,
        _url(hit.id),
        hit.title,
        hit.date,
        sender.get("name"),
        sender.get("organisation"),
        sender.get("country"),
        recipient.get("name"),
        recipient.get("organisation"),
        recipient.get("country"),
        ";".join(hit.meta.get("languages") or []),
        hit.meta.get("text_source"),
        len(hit.meta.get("pages") or []),
        ";".join(str(p) for p in hit.pages_with_hits),
        _snippet_text(hit),
    ]
    return [neutralise(v) for v in values]


def _csv_lines(rows: Iterable[Iterable[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def _csv(req: SearchRequest, ordered: Ordered, note: str | None) -> Iterator[str]:
    yield _csv_lines([CSV_COLUMNS])
    for hits in _batches(ordered):
        yield _csv_lines(_csv_row(h) for h in hits)


def _json(req: SearchRequest, ordered: Ordered, note: str | None) -> Iterator[str]:
    """The JSON export, written as json_response() would write it, a batch at a time."""
    head = {
        **request_json(req),
        "total": ordered.total,
        "exported": len(ordered.letters),
        "truncated": note is not None,
        "message": note,
    }
    yield json.dumps(head, ensure_ascii=False, indent=2)[:-2] + ',\n  "hits": ['
    empty = True
    for chunk in _joined(([_json_hit(h) for h in hits] for hits in _batches(ordered)), ",\n"):
        yield ("\n" if empty else "") + chunk
        empty = False
    yield "]\n}\n" if empty else "\n  ]\n}\n"


def _json_hit(hit: Hit) -> str:
    return indent(json.dumps(hit_json(hit, _url(hit.id)), ensure_ascii=False, indent=2), "    ")


def _records(make: Callable[[dict, str], str]) -> Body:
    """Citation records, one per letter, from the letter's metadata, a blank line between."""

    def record(hit: Hit) -> str:
        text = make(hit.meta, _url(hit.id))
        return text if text.endswith("\n") else text + "\n"

    def body(req: SearchRequest, ordered: Ordered, note: str | None) -> Iterator[str]:
        return _joined(([record(h) for h in hits] for hits in _batches(ordered)), "\n")

    return body


@bp.get("/search.csv", endpoint="csv")
def csv_export():
    return _export("csv", "text/csv; charset=utf-8", _csv)


@bp.get("/search.json", endpoint="json")
def json_export():
    return _export("json", "application/json", _json, attach=False)


@bp.get("/search.bib", endpoint="bib")
def bib_export():
    return _export("bib", "application/x-bibtex; charset=utf-8", _records(bibtex_entry))


@bp.get("/search.ris", endpoint="ris")
def ris_export():
    return _export(
        "ris", "application/x-research-info-systems; charset=utf-8", _records(ris_record)
    )
