"""The JSON API: the same searches as the HTML pages.

`/api/letters/<id>` and its word boxes are in webapp/letters_api.py.
"""

from __future__ import annotations

from flask import Blueprint, request, url_for

from indexer.search import QueryError, SearchTimeout
from indexer.search.serialize import result_json

from .db import get_search
from .errors import api_error, json_response
from .origin import absolute
from .params import request_from_args, url_with
from .search import letter_url, per_page_default

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def search():
    if request.args.get("as_of"):  # the collection as it was then (webapp/as_of.py)
        from .as_of import api_page

        return api_page()
    per_page = per_page_default()
    try:
        req = request_from_args(request.args, per_page=per_page)
        result = get_search().search(req)
    except QueryError as exc:
        return api_error(400, str(exc))
    except SearchTimeout as exc:
        return api_error(503, str(exc))
    data = result_json(result, letter_url=lambda i: letter_url(i, external=True))
    api, html = url_for("api.search"), url_for("search.results")

    def link(path: str, **changes) -> str:
        return absolute(url_with(req, path, per_page=per_page, **changes))

    links = {"self": link(api), "html": link(html)}
    if req.page > 1:
        links["prev"] = link(api, page=min(req.page - 1, result.pages))
    if req.page < result.pages:
        links["next"] = link(api, page=req.page + 1)
    data["links"] = links
    headers = {"Access-Control-Allow-Origin": "*"}
    rels = [f'<{links[r]}>; rel="{r}"' for r in ("prev", "next") if r in links]
    if rels:
        headers["Link"] = ", ".join(rels)
    return json_response(data, headers=headers)
