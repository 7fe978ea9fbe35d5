"""Letter pages: metadata and transcript, by permanent id."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from indexer.archive import ID_PATTERN

from .db import get_search

bp = Blueprint("letters", __name__, url_prefix="/letters")


@bp.get("/<letter_id>")
def letter(letter_id: str):
    if not ID_PATTERN.match(letter_id):
        abort(404, f"{letter_id!r} is not a letter id.")
    meta = get_search().get(letter_id)
    if meta is None:
        abort(404, f"Letter {letter_id!r} doesn't exist.")
    return render_template("letters/letter.html", letter=meta)
