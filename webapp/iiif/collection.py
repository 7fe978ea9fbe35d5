"""IIIF Presentation 3: the collection of all published letters, in date order, in pages
of PAGE manifests (a top collection of those pages)."""

from __future__ import annotations

from typing import Any

from flask import Response, url_for

from indexer.search import SearchRequest

from ..db import get_search
from ..errors import api_error
from . import bp, ids
from .cors import ld_json
from .presentation import lang, nav_date

PAGE = 100  # manifests in one page of the collection


def collection_url(page: int | None = None) -> str:
    if page is None:
        return url_for("iiif.collection", _external=True)
    return url_for("iiif.collection_page", page=page, _external=True)


def _total() -> int:
    return int(get_search().stats().get("letters") or 0)


@bp.get("/collection")
def collection() -> Response:
    total = _total()
    pages = max(1, -(-total // PAGE))
    data = {
        "@context": ids.PRESENTATION,
        "id": collection_url(),
        "type": "Collection",
        "label": lang(f"Missive: the published letters ({total})", "en"),
        "summary": lang(f"In date order, {PAGE} letters to a collection.", "en"),
        "items": [
            {
                "id": collection_url(p),
                "type": "Collection",
                "label": lang(f"Letters {(p - 1) * PAGE + 1}–{min(total, p * PAGE)}", "en"),
            }
            for p in range(1, pages + 1)
            if total
        ],
    }
    return ld_json(data, ids.PRESENTATION)


@bp.get("/collection/<page>")
def collection_page(page: str) -> Response:
    total = _total()
    pages = max(1, -(-total // PAGE))
    number = int(page) if page.isascii() and page.isdigit() else 0
    if not 1 <= number <= pages:
        return api_error(
            404, f"Collection page {page[:20]!r} does not exist; accepted: 1 to {pages}"
        )
    search = get_search()
    ordered = search.ordered(SearchRequest(sort="date"), number * PAGE)
    batch = ordered.letters[(number - 1) * PAGE : number * PAGE]
    items = []
    for hit in search.hits(batch, ordered.marks):
        item: dict[str, Any] = {
            "id": ids.manifest(hit.id),
            "type": "Manifest",
            "label": lang(hit.title or hit.id),
        }
        if nav_date(hit.date):
            item["navDate"] = nav_date(hit.date)
        if hit.meta.get("pages"):  # a catalogue record has no manifest
            items.append(item)
    data = {
        "@context": ids.PRESENTATION,
        "id": collection_url(number),
        "type": "Collection",
        "label": lang(f"Missive: published letters, page {number} of {pages}", "en"),
        "partOf": [{"id": collection_url(), "type": "Collection"}],
        "items": items,
    }
    return ld_json(data, ids.PRESENTATION)
