"""The researcher's place on a letter page reached from a search: the search carried in
the page's URL (query, filters, sort, OCR mode, result page), the link back to the same
result page, and the previous and next hit, across the pages of the letter and across the
letters of the result list.

A letter page's URL holds the search's own parameters (`/letters/<id>/pages/2?q=…&country=PK
&page=3`): the same as the results page's, so "Back to results" is /search with them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from flask import current_app, request, url_for

from indexer.search import QueryError, SearchRequest, SearchTimeout

from .db import get_search
from .params import STATE_KEYS, request_from_args, state


def _per_page() -> int:
    return int(current_app.config.get("PER_PAGE", 20))


def search_of_request() -> SearchRequest | None:
    """The search the letter page was reached from (None: none, or one that cannot be
    read; then the page only marks `q`)."""
    if not any(request.args.get(k) for k in (*STATE_KEYS, "page")):
        return None
    try:
        return request_from_args(request.args, per_page=_per_page())
    except QueryError:
        return None


def carried(req: SearchRequest | None, page: int | None = None) -> dict[str, list[str]]:
    """The search as URL parameters for another letter page (a result page number too)."""
    if req is None:
        return {}
    out: dict[str, list[str]] = {}
    for key, value in state(req, per_page=_per_page()):
        out.setdefault(key, []).append(value)
    result_page = req.page if page is None else page
    if result_page > 1:
        out["page"] = [str(result_page)]
    return out


def results_url(req: SearchRequest) -> str:
    pairs = [(k, v) for k, values in carried(req).items() for v in values]
    return url_for("search.results") + (f"?{urlencode(pairs)}" if pairs else "")


@dataclass
class Step:
    """A link to a hit: `url` and what it is (`label`, e.g. "page 2", "the next letter")."""

    url: str
    label: str


def _letter_step(hit: Any, req: SearchRequest, page: int, last: bool, label: str) -> Step:
    pages = hit.pages_with_hits or [1]
    n = pages[-1] if last else pages[0]
    url = url_for("letters.page", letter_id=hit.id, n=n, **carried(req, page))
    anchor = ("#hit-last" if last else "#hit-1") if hit.pages_with_hits else ""
    return Step(url + anchor, label)


def _neighbours(req: SearchRequest, letter_id: str) -> tuple[Step | None, Step | None, str]:
    """The letters before and after this one in the result list (across result pages),
    and where this one stands ("3 of 19"; "" when it is not on the result page)."""
    search = get_search()
    try:
        result = search.search(req)
        ids = [h.id for h in result.hits]
        if letter_id not in ids:
            return None, None, ""
        i = ids.index(letter_id)
        before = after = None
        if i > 0:
            before = _letter_step(result.hits[i - 1], req, req.page, True, "the previous letter")
        elif req.page > 1:
            other = search.search(_at_page(req, req.page - 1))
            if other.hits:
                last = other.hits[-1]
                before = _letter_step(last, req, req.page - 1, True, "the previous letter")
        if i + 1 < len(ids):
            after = _letter_step(result.hits[i + 1], req, req.page, False, "the next letter")
        elif req.page < result.pages:
            other = search.search(_at_page(req, req.page + 1))
            if other.hits:
                after = _letter_step(other.hits[0], req, req.page + 1, False, "the next letter")
    except (QueryError, SearchTimeout):  # a courtesy: the letter shows without them
        return None, None, ""
    position = (req.page - 1) * req.per_page + i + 1
    return before, after, f"{position:,} of {result.total:,}"


def _at_page(req: SearchRequest, page: int) -> SearchRequest:
    return replace(req, page=page)


def place(letter_id: str, n: int, hit_counts: list[int]) -> dict[str, Any]:
    """What the letter page shows of the search it was reached from: the parameters its
    own links carry, "Back to results", the previous and next hit beyond this page."""
    req = search_of_request()
    if req is None:
        return {
            "search_params": {},
            "back_url": None,
            "prev_hit": None,
            "next_hit": None,
            "result_position": "",
        }
    params = carried(req)
    before_letter, after_letter, position = _neighbours(req, letter_id)
    earlier = [p for p, c in enumerate(hit_counts, start=1) if c and p < n]
    later = [p for p, c in enumerate(hit_counts, start=1) if c and p > n]
    prev_hit = next_hit = None
    if earlier:
        url = url_for("letters.page", letter_id=letter_id, n=earlier[-1], **params)
        prev_hit = Step(url + f"#hit-{hit_counts[earlier[-1] - 1]}", f"page {earlier[-1]}")
    else:
        prev_hit = before_letter
    if later:
        url = url_for("letters.page", letter_id=letter_id, n=later[0], **params)
        next_hit = Step(url + "#hit-1", f"page {later[0]}")
    else:
        next_hit = after_letter
    return {
        "search_params": params,
        "back_url": results_url(req),
        "prev_hit": prev_hit,
        "next_hit": next_hit,
        "result_position": position,
    }
