"""The JSON API: the same searches as the HTML pages, and letters by id."""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from indexer.archive import ID_PATTERN
from indexer.query import QueryError
from indexer.serialize import result_json
from indexer.store import IndexMissing

from .db import get_search
from .params import request_from_args

bp = Blueprint("api", __name__, url_prefix="/api")


def error(status: int, message: str):
    response = jsonify({"status": status, "error": message})
    response.status_code = status
    return response


@bp.get("/search")
def search():
    try:
        req = request_from_args(request.args)
        result = get_search().search(req)
    except QueryError as exc:
        return error(400, str(exc))
    except IndexMissing as exc:
        return error(503, str(exc))
    return jsonify(
        result_json(
            result, letter_url=lambda i: url_for("letters.letter", letter_id=i, _external=True)
        )
    )


@bp.get("/letters/<letter_id>")
def letter(letter_id: str):
    meta = get_search().get(letter_id) if ID_PATTERN.match(letter_id) else None
    if meta is None:
        return error(404, f"letter {letter_id!r} doesn't exist")
    return jsonify(meta)
