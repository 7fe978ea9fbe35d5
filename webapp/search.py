"""Home and search pages: all search state lives in the query string."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from indexer.query import QueryError
from indexer.search import FACETS
from indexer.store import IndexMissing

from .db import get_search
from .params import request_from_args, url_with

bp = Blueprint("search", __name__)


@bp.get("/")
def home():
    return render_template("search/home.html")


@bp.get("/search")
def results():
    try:
        req = request_from_args(request.args)
        result = get_search().search(req)
    except QueryError as exc:
        return render_template(
            "search/results.html", error=str(exc), q=request.args.get("q", "")
        ), 400
    except IndexMissing as exc:
        return render_template("search/results.html", error=str(exc), q=""), 503
    return render_template(
        "search/results.html",
        result=result,
        req=req,
        q=req.q,
        url_with=url_with,
        facet_params={f.name: f.param for f in FACETS},
    )
