"""Search within a letter, and the letter's correspondents' context, for the letter page
and as JSON.

URLs:

    /api/letters/<id>/search?q=...[&ocr=1]   the query's hits in this letter, line by line

The letter page (letter_view.py) shows the same hits beside its own search box, and the
letters just before and after this one between the same two correspondents.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, request, url_for

from indexer.search import QueryError, SearchTimeout
from indexer.search.correspondents import Correspondence, correspondence
from indexer.search.offices import Offices, offices
from indexer.search.within import InLetter, search_letter

from .db import get_search
from .errors import api_error, json_response
from .letters import LetterNotFound, load_letter
from .params import switch_arg

bp = Blueprint("letter_search", __name__, url_prefix="/api/letters")


def _line_url(letter_id: str, n: int, line: int | None, q: str, ocr: bool, **kw: Any) -> str:
    params = {"q": q, **({"ocr": "1"} if ocr else {})}
    anchor = {"_anchor": f"L{line}"} if line else {}
    return url_for("letters.page", letter_id=letter_id, n=n, **params, **anchor, **kw)


def in_letter_json(letter_id: str, found: InLetter) -> dict[str, Any]:
    """The API's view of a search within a letter: pages with hits, their lines marked."""
    pages: dict[int, list[dict[str, Any]]] = {}
    for hit in found.lines:
        pages.setdefault(hit.page, []).append(
            {
                "line": hit.line,
                "url": _line_url(letter_id, hit.page, hit.line, found.q, found.ocr, _external=True),
                "text": hit.text,
                "html": hit.html,
                "spans": [list(s) for s in hit.spans],
            }
        )
    return {
        "id": letter_id,
        "url": url_for("letters.letter", letter_id=letter_id, _external=True),
        "q": found.q,
        "ocr": found.ocr,
        "match": found.match,
        "hits": found.hits,
        "lines": found.line_count,
        "truncated": found.truncated,
        "pages": [
            {
                "n": n,
                "url": _line_url(letter_id, n, None, found.q, found.ocr, _external=True),
                "hits": found.page_hits[n],
                "lines": lines,
            }
            for n, lines in pages.items()
        ],
    }


@bp.get("/<letter_id>/search", endpoint="search")
def search_api(letter_id: str):
    try:
        meta = load_letter(letter_id)
    except LetterNotFound as exc:
        return api_error(exc.status, exc.message)
    try:
        ocr = switch_arg(request.args, "ocr")
        q = (request.args.get("q") or "")[:500]
        found = search_letter(get_search(), letter_id, meta.get("pages_text") or [], q, ocr=ocr)
    except QueryError as exc:
        return api_error(400, str(exc))
    except SearchTimeout as exc:
        return api_error(503, str(exc))
    return json_response(in_letter_json(letter_id, found))


# -- the letter page -----------------------------------------------------------------------
def _correspondence(meta: dict[str, Any]) -> dict[str, Any] | None:
    try:
        found = correspondence(get_search(), meta)
        official = offices(get_search(), meta, found.total) if found else []
    except SearchTimeout:  # a courtesy: the letter shows without it
        current_app.logger.warning("correspondents of %s: the search ran out of time", meta["id"])
        return None
    if not found:
        return None
    return {**_correspondence_view(found), "offices": [_offices_view(o) for o in official]}


def _letter_link(other: dict[str, Any] | None) -> dict[str, Any] | None:
    if other is None:
        return None
    url = url_for("letters.letter", letter_id=other["id"])
    return {"id": other["id"], "title": other["title"], "date": other["date"], "url": url}


def _offices_view(found: Offices) -> dict[str, Any]:
    def search(d) -> dict[str, Any]:
        url = url_for("search.results", sort="date", **({"q": d.q} if d.q else {}), **d.filters)
        return {"total": d.total, "search_url": url}

    return {
        "country": found.country_label,
        "other": found.other.label,
        "total": found.total,
        "outgoing": search(found.outgoing),
        "incoming": search(found.incoming),
        "previous": _letter_link(found.previous),
        "next": _letter_link(found.next),
    }


def _correspondence_view(found: Correspondence) -> dict[str, Any]:
    letter = _letter_link
    return {
        "a": found.a.label,
        "b": found.b.label,
        "total": found.total,
        "search_url": url_for("search.results", sort="date", **found.filters),
        "previous": letter(found.previous),
        "next": letter(found.next),
    }


def page_context(meta: dict[str, Any], q: str, ocr: bool) -> dict[str, Any]:
    """What the letter page shows of this module: the hits of `q` within the letter (None
    without a query, or with one the page already says it cannot read), and the letter's
    correspondents' context."""
    within, texts = None, meta.get("pages_text") or []
    if q and meta.get("pages"):
        try:
            within = search_letter(get_search(), meta["id"], texts, q, ocr=ocr)
        except QueryError:
            within = None  # the page says why beside its marks
    return {
        "within": within,
        "ocr_letter": any(p.get("origin") == "ocr" for p in meta.get("pages") or []),
        "correspondence": _correspondence(meta),
    }
