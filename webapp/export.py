"""Exports of a whole result set: /search.csv, /search.json, /search.bib, /search.ris.

They take the same parameters as /search and hold every matching letter (not one page), up
to EXPORT_LIMIT (10,000); beyond that the export is cut, says so in the
`X-Missive-Export` header (and in the JSON), and the results page warns.
BibTeX and RIS records are written by webapp/citation.py, the same as on a letter's page.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

from flask import Blueprint, Response, current_app, request

from indexer.query import QueryError
from indexer.search import PER_PAGE_MAX, Hit, SearchRequest
from indexer.serialize import hit_json, request_json

from .citation import bibtex_entry, ris_record
from .db import get_search
from .errors import api_error, json_response
from .params import request_from_args
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
)


def export_limit() -> int:
    return int(current_app.config.get("EXPORT_LIMIT", 10_000))


def all_hits(req: SearchRequest, limit: int, batch: int = PER_PAGE_MAX) -> tuple[int, list[Hit]]:
    """The total and the hits of every page of a request, in its order, up to `limit`.

    The search core answers pages of at most PER_PAGE_MAX hits; this walks them.
    """
    search = get_search()
    hits: list[Hit] = []
    total = 0
    page = 1
    while len(hits) < limit:
        req.page, req.per_page = page, batch
        result = search.search(req)
        total = result.total
        hits.extend(result.hits)
        if not result.hits or page >= result.pages:
            break
        page += 1
    return total, hits[:limit]


def _filename(req: SearchRequest, ext: str) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", req.q.lower()).strip("-")[:40]
    return f"missive-{words or 'letters'}.{ext}"


Writer = Callable[[SearchRequest, int, list[Hit], "str | None"], "str | dict"]


def _export(ext: str, content_type: str, write: Writer, *, attach: bool = True):
    """Run the request over every page and answer with what `write` makes of the hits."""
    try:
        req = request_from_args(request.args, per_page=per_page_default())
        limit = export_limit()
        batch = int(current_app.config.get("EXPORT_BATCH", PER_PAGE_MAX))
        total, hits = all_hits(req, limit, batch)
    except QueryError as exc:
        if ext == "json":
            return api_error(400, str(exc))
        return Response(f"400 Bad Request: {exc}\n", 400, mimetype="text/plain")
    note = None
    if total > len(hits):
        note = (
            f"{len(hits):,} of {total:,} letters exported (the limit is {limit:,}); "
            "narrow the search to export the rest"
        )
    headers = {
        "X-Total-Count": str(total),
        "Content-Disposition": ("attachment" if attach else "inline")
        + f'; filename="{_filename(req, ext)}"',
    }
    if note:
        headers["X-Missive-Export"] = note
    body = write(req, total, hits, note)
    if isinstance(body, dict):
        return json_response(body, headers=headers)
    return Response(body, 200, headers, content_type=content_type)


def _url(letter_id: str) -> str:
    return letter_url(letter_id, external=True)


def _party(meta: dict, key: str) -> dict:
    if key == "sender":
        return meta.get("sender") or {}
    recipients = meta.get("recipients") or []
    return recipients[0] if recipients else {}


def _csv(req: SearchRequest, total: int, hits: list[Hit], note: str | None) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for hit in hits:
        sender, recipient = _party(hit.meta, "sender"), _party(hit.meta, "recipient")
        writer.writerow(
            [
                hit.id,
                _url(hit.id),
                hit.title,
                hit.date or "",
                sender.get("name") or "",
                sender.get("organisation") or "",
                sender.get("country") or "",
                recipient.get("name") or "",
                recipient.get("organisation") or "",
                recipient.get("country") or "",
                ";".join(hit.meta.get("languages") or []),
                hit.meta.get("text_source") or "",
                len(hit.meta.get("pages") or []),
                ";".join(str(p) for p in hit.pages_with_hits),
            ]
        )
    return out.getvalue()


def _json_body(req: SearchRequest, total: int, hits: list[Hit], note: str | None) -> dict:
    return {
        **request_json(req),
        "total": total,
        "exported": len(hits),
        "truncated": note is not None,
        "message": note,
        "hits": [hit_json(h, _url(h.id)) for h in hits],
    }


def _records(make: Callable[[dict, str], str]) -> Writer:
    """Citation records, one per letter, from the letter's full metadata."""

    def write(req: SearchRequest, total: int, hits: list[Hit], note: str | None) -> str:
        search = get_search()
        records = []
        for hit in hits:
            meta = search.get(hit.id) or hit.meta
            record = make(meta, _url(hit.id))
            records.append(record if record.endswith("\n") else record + "\n")
        return "\n".join(records)

    return write


@bp.get("/search.csv", endpoint="csv")
def csv_export():
    return _export("csv", "text/csv; charset=utf-8", _csv)


@bp.get("/search.json", endpoint="json")
def json_export():
    return _export("json", "application/json", _json_body, attach=False)


@bp.get("/search.bib", endpoint="bib")
def bib_export():
    return _export("bib", "application/x-bibtex; charset=utf-8", _records(bibtex_entry))


@bp.get("/search.ris", endpoint="ris")
def ris_export():
    return _export(
        "ris", "application/x-research-info-systems; charset=utf-8", _records(ris_record)
    )
