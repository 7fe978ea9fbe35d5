"""`as_of=<ISO time>` on /search and /api/search: the letters public at that time,
matched against their text then (indexer.search.asof: the served index for letters
unchanged since, the rest re-checked as they were then in a scratch index). Facets are
not counted as of a time; the page says so."""

from __future__ import annotations

from flask import render_template, request, url_for

from indexer.archive import IndexBusy, past
from indexer.search import QueryError, SearchResult, SearchTimeout
from indexer.search.asof import as_of
from indexer.search.serialize import result_json

from .cited import make_reader
from .db import get_archive, get_search
from .errors import api_error, error_response, json_response
from .origin import absolute
from .params import request_from_args, url_with
from .search import letter_url, page_numbers, page_url, per_page_default


def _run():
    """(request, SearchResult, AsOf) of the query string; QueryError when it is bad."""
    try:
        at = past.moment(request.args.get("as_of", ""))
    except past.TimeError as exc:
        raise QueryError(str(exc)) from None
    req = request_from_args(request.args, per_page=per_page_default())
    found = as_of(get_search(), get_archive(), make_reader, req, at,
                  limit=req.page * req.per_page)
    result = SearchResult(
        request=req, total=found.total, hits=found.hits, facets={}, coverage={},
        match=found.match, strict_total=found.strict_total,
    )
    return req, result, found


def _attempt():
    """(_run()'s answer, None), or (None, (status, message)) for a bad or failed search."""
    try:
        return _run(), None
    except QueryError as exc:
        return None, (400, str(exc))
    except (SearchTimeout, IndexBusy) as exc:
        return None, (503, str(exc))


def html_page():
    ran, failed = _attempt()
    if failed:
        return error_response(*failed)
    req, result, found = ran
    path = url_for("search.results")

    def link(**changes) -> str:  # as_of first: a page number given after it stands
        return url_with(req, path, per_page=per_page_default(), as_of=found.at, **changes)

    return render_template(
        "search/as_of.html",
        req=req, result=result, found=found, q=req.q, ocr=req.ocr,
        today=url_with(req, path, per_page=per_page_default()),
        pages=page_numbers(req.page, result.pages), link=link,
        page_url=lambda letter_id, n: page_url(letter_id, n, req),
    )


def api_page():
    ran, failed = _attempt()
    if failed:
        return api_error(*failed)
    _req, result, found = ran
    data = result_json(result, letter_url=lambda i: letter_url(i, external=True))
    data["as_of"] = found.at
    data["rechecked"] = found.rechecked  # letters changed since, matched as they were then
    data["facets"] = None  # not counted as of a time
    data["links"] = {"self": absolute(request.full_path.rstrip("?"))}
    return json_response(data, headers={"Access-Control-Allow-Origin": "*"})
