"""Search results as JSON-ready data: one shape for `python -m indexer search --json`, the
web API (`/api/search`) and the JSON export.

The web API adds `links` (built from the request's address); each hit's `url` is the
letter's absolute URL when the caller knows the site's address (`letter_url`), else null.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..ingest.metadata.countries import country_name
from .request import SearchRequest
from .results import Hit, SearchResult


def party_json(party: dict[str, Any] | None) -> dict[str, Any]:
    party = party or {}
    code = party.get("country")
    return {
        "name": party.get("name"),
        "role": party.get("role"),
        "organisation": party.get("organisation"),
        "place": party.get("place"),
        "country": code,
        "country_name": country_name(code) if code else None,
    }


def hit_json(hit: Hit, url: str | None = None) -> dict[str, Any]:
    meta = hit.meta
    recipients = meta.get("recipients") or []
    return {
        "id": hit.id,
        "url": url,
        "title": hit.title,
        "date": hit.date,
        "date_precision": meta.get("date_precision"),
        "sender": party_json(meta.get("sender")),
        "recipient": party_json(recipients[0] if recipients else None),
        "languages": meta.get("languages") or [],
        "text_source": meta.get("text_source"),
        "pages": len(meta.get("pages") or []),
        "score": hit.score,
        "pages_with_hits": hit.pages_with_hits,
        "snippets": [{"page": s.page, "html": s.html} for s in hit.snippets],
    }


def request_json(req: SearchRequest) -> dict[str, Any]:
    """The search's state: query, filters, excluded values, date range, sort."""
    return {
        "query": req.q,
        "filters": {k: v for k, v in req.filters.items() if v},
        "exclude": {k: v for k, v in req.exclude.items() if v},
        "from": req.date_from,
        "to": req.date_to,
        "sort": req.sort,
    }


def result_json(
    result: SearchResult, *, letter_url: Callable[[str], str] | None = None
) -> dict[str, Any]:
    """One page of results; `letter_url(id)` gives each hit's absolute URL."""
    req = result.request
    return {
        **request_json(req),
        "total": result.total,
        "page": req.page,
        "per_page": req.per_page,
        "last_page": result.pages,
        "hits": [hit_json(h, letter_url(h.id) if letter_url else None) for h in result.hits],
        "facets": {
            name: [
                {
                    "value": v.value,
                    "label": v.label,
                    "count": v.count,
                    "selected": v.selected,
                    "excluded": v.excluded,
                }
                for v in values
            ]
            for name, values in result.facets.items()
        },
        # The mode that answered (indexer.search.natural): "all" the query's words, or
        # "most" of a question's when too few letters hold every one (strict_total).
        "match": result.match,
        "strict_total": result.strict_total,
        "coverage": result.coverage,
        "image_only_unsearched": result.unsearched,
        "did_you_mean": result.did_you_mean,
    }
