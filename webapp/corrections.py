"""Corrections: a page's text beside its image, saved as revisions; the change history.

    GET  /archive/letters/<id>/pages/<n>                    the page's text beside its image
    POST /archive/letters/<id>/pages/<n>                    save it as the page's transcript
    GET  /archive/letters/<id>/pages/<n>/image/<size>.jpg   page images of any letter
    GET  /archive/letters/<id>/history                      who changed what, when
    GET  /archive/letters/<id>/revisions/<name>             a file as it was before a change

Each save replaces the page's transcript file (`page-NNN.txt`, or the file of that page
with another zero padding, `page-01.txt`) through the writer queue (indexer.archive.lifecycle keeps
the text it replaces in the letter's `history/`, with who and when), then re-indexes the
letter.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from indexer.archive import lifecycle
from indexer.ingest.extract.text import read_text

from .archivist import folder_or_404, indexed, letter_or_processing, wait_for
from .auth import current_name
from .db import get_archive
from .guard import archivists_only
from .images import send_page_image
from .letters import ORIGIN_NOTES, LetterNotFound, page_number

bp = Blueprint("corrections", __name__, url_prefix="/archive")
archivists_only(bp)

_REVISION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")


def _transcript_name(meta: dict[str, Any], n: int) -> str:
    """The file holding page `n`'s transcript (or that a correction would create)."""
    return lifecycle.transcript_files(get_archive().folder(meta["id"]), n)[0]


def _page_text(meta: dict[str, Any], n: int) -> tuple[str, bool]:
    """The page's current text, and whether it is a transcript file (else OCR or PDF text)."""
    path = get_archive().folder(meta["id"]) / _transcript_name(meta, n)
    if path.is_file():
        return read_text(path), True
    texts = meta.get("pages_text") or []
    return (texts[n - 1] if n - 1 < len(texts) else ""), False


def _render_page(meta, n: int, *, text=None, error=None, status=200):
    current, is_transcript = _page_text(meta, n)
    name = _transcript_name(meta, n)
    log = [e for e in lifecycle.history(get_archive(), meta["id"]) if e.get("file") == name]
    html = render_template(
        "archive/page.html",
        letter=meta,
        n=n,
        count=len(meta.get("pages") or []),
        page=meta["pages"][n - 1],
        text=current if text is None else text,
        is_transcript=is_transcript,
        origin_note=ORIGIN_NOTES.get(meta["pages"][n - 1].get("origin") or "none", ""),
        history=log[::-1],
        error=error,
    )
    return html, status


def _page_or_404(meta: dict[str, Any], raw: str) -> int:
    try:
        return page_number(meta, raw)
    except LetterNotFound as exc:
        abort(exc.status, exc.message)


@bp.get("/letters/<letter_id>/pages/<n>")
def page(letter_id: str, n: str):
    meta, elsewhere = letter_or_processing(letter_id)
    if elsewhere:
        return elsewhere
    return _render_page(meta, _page_or_404(meta, n))


@bp.post("/letters/<letter_id>/pages/<n>")
def save_page(letter_id: str, n: str):
    meta, elsewhere = letter_or_processing(letter_id)
    if elsewhere:
        return elsewhere
    number = _page_or_404(meta, n)
    text = (request.form.get("text") or "").replace("\r\n", "\n")
    current, is_transcript = _page_text(meta, number)
    if is_transcript and text == current:
        flash("Nothing to save: the text is as it was.", "ok")
        return redirect(url_for("corrections.page", letter_id=letter_id, n=number), 303)
    archive, by = get_archive(), current_name()
    stamp: dict[str, str] = {}
    # A page without a transcript showed its OCR (or PDF) text: that is kept as "before".
    origin = meta["pages"][number - 1].get("origin") or "none"
    shown = None if is_transcript else (origin, current)

    def change():
        stamp["at"] = lifecycle.write_transcript(
            archive, letter_id, number, text, by=by, shown=shown
        )
        return [letter_id]

    error = wait_for(change)
    if error is not None:
        return _render_page(meta, number, text=text, error=error, status=400)
    flash(f"Page {number} saved ({stamp['at']}); the previous text is kept in the history.", "ok")
    return redirect(url_for("corrections.page", letter_id=letter_id, n=number), 303)


@bp.get("/letters/<letter_id>/pages/<n>/image/<size>.jpg")
def page_image(letter_id: str, n: str, size: str):
    folder_or_404(letter_id)
    meta = indexed(letter_id)
    if meta is None:
        abort(404, f"The pages of {letter_id} are still being read.")
    return send_page_image(meta, _page_or_404(meta, n), size, public=False)


# -- history --------------------------------------------------------------------------------
@bp.get("/letters/<letter_id>/history")
def history(letter_id: str):
    folder_or_404(letter_id)
    meta = indexed(letter_id) or {"id": letter_id, "title": letter_id}
    log = lifecycle.history(get_archive(), letter_id)
    return render_template("archive/history.html", letter=meta, history=log[::-1])


@bp.get("/letters/<letter_id>/revisions/<name>")
def revision(letter_id: str, name: str):
    folder_or_404(letter_id)
    kept = f"{lifecycle.HISTORY_DIR}/{name}"
    log = lifecycle.history(get_archive(), letter_id)
    entry = next((e for e in log if e.get("previous") == kept), None)
    if not _REVISION.fullmatch(name) or entry is None:
        abort(404, f"{name[:120]!r} is not a kept revision of {letter_id}.")
    path = get_archive().folder(letter_id) / kept
    if not path.is_file():
        abort(404, f"The revision {name!r} of {letter_id} is missing from the archive.")
    meta = indexed(letter_id) or {"id": letter_id, "title": letter_id}
    return render_template(
        "archive/revision.html", letter=meta, name=name, entry=entry, text=read_text(path)
    )
