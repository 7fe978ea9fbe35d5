"""Adding letters: the upload form, and the progress of reading a new draft.

    GET  /archive/upload                          the form (drag and drop, or a plain form)
    POST /archive/upload                          files -> a draft; 303 to its progress page
                                                  (JSON {"id", "url"} for the page's script)
    GET  /archive/letters/<id>/processing         progress of extraction and OCR, page by page
    GET  /archive/letters/<id>/progress.json      the same as JSON, for the page's script
    POST /archive/letters/<id>/process            read a draft again (after a failure)

The files are saved in the archive (indexer.ingest.drafts.create_draft: staged, checked by
content, flushed, renamed into place) before the response says so; reading them happens
afterwards in the background (webapp.jobs).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from indexer.archive import ArchiveError, is_id
from indexer.errors import IngestError
from indexer.ingest.drafts import MAX_PAGES, TooLarge, create_draft

from .auth import current_name
from .db import get_archive, get_search
from .errors import json_response, wants_json
from .guard import archivists_only
from .jobs import get_jobs, indexed_fingerprint

bp = Blueprint("upload", __name__, url_prefix="/archive")
archivists_only(bp)

STEPS = {
    "queued": "Waiting for its turn",
    "reading": "Checking the pages",
    "ocr": "Reading the pages (OCR)",
    "indexing": "Adding it to the index",
}


def _limit_mb() -> int:
    return int(current_app.config["MAX_CONTENT_LENGTH"]) // (1024 * 1024)  # create_app sets it


def _max_pages() -> int:
    return int(current_app.config.get("MAX_PAGES", MAX_PAGES))


def _refuse(status: int, message: str):
    if wants_json():
        return json_response({"status": status, "error": message}, status)
    return render_template("archive/upload.html", **_form_context(error=message)), status


def _form_context(**extra):
    return {"limit_mb": _limit_mb(), "max_pages": _max_pages(), **extra}


@bp.get("/upload")
def form():
    return render_template("archive/upload.html", **_form_context())


@bp.post("/upload")
def upload():
    files = [f for f in request.files.getlist("files") if f and f.filename]
    if not files:
        return _refuse(
            400,
            "No files were chosen. Accepted: page images (JPEG, PNG, TIFF, JPEG 2000, WebP) "
            "or one PDF, with plain-text transcripts or word boxes (PAGE XML, ALTO, hOCR) "
            "if you have them.",
        )
    try:
        letter_id = create_draft(
            get_archive(),
            [(f.filename or "", f.stream) for f in files],
            by=current_name(),
            via="upload",
            max_pages=_max_pages(),
        )
    except TooLarge as exc:
        return _refuse(413, f"Not saved: {exc}.")
    except IngestError as exc:
        return _refuse(400, f"Not saved: {exc}.")
    get_jobs().process(letter_id)
    url = url_for("upload.processing", letter_id=letter_id)
    if wants_json():
        return json_response({"id": letter_id, "url": url, "saved": True}, 201)
    flash(f"Saved as draft {letter_id}: {len(files)} files. Reading them now.", "ok")
    return redirect(url, 303)


def _draft_state(letter_id: str) -> dict:
    if not is_id(letter_id):
        abort(404, f"{letter_id[:120]!r} is not a letter id")
    try:
        get_archive().folder(letter_id)
    except ArchiveError:
        abort(404, f"There is no letter {letter_id!r} in the archive.")
    return get_jobs().state(letter_id, indexed_fingerprint(get_search(), letter_id))


def progress_json(letter_id: str, state: dict) -> dict:
    step = state.get("step") if state.get("state") == "running" else state.get("state")
    total, done = int(state.get("total") or 0), int(state.get("done") or 0)
    return {
        "id": letter_id,
        "state": state.get("state"),
        "step": step,
        "label": STEPS.get(step or "", "Done" if state.get("state") == "done" else ""),
        "done": done,
        "total": total,
        "percent": round(100 * done / total) if total else (100 if step == "done" else 0),
        "message": state.get("message"),
        "review_url": url_for("archivist.letter", letter_id=letter_id),
    }


@bp.get("/letters/<letter_id>/processing")
def processing(letter_id: str):
    state = _draft_state(letter_id)
    if state.get("state") == "done":
        return redirect(url_for("archivist.letter", letter_id=letter_id), 303)
    return render_template(
        "archive/processing.html", letter_id=letter_id, progress=progress_json(letter_id, state)
    )


@bp.get("/letters/<letter_id>/progress.json")
def progress(letter_id: str):
    return json_response(progress_json(letter_id, _draft_state(letter_id)))


@bp.post("/letters/<letter_id>/process")
def process_again(letter_id: str):
    _draft_state(letter_id)
    get_jobs().forget(letter_id)
    get_jobs().process(letter_id)
    return redirect(url_for("upload.processing", letter_id=letter_id), 303)


def init_app(app: Flask) -> None:
    # MAX_CONTENT_LENGTH and the other body limits: create_app and webapp.guard.
    app.config.setdefault("MAX_PAGES", MAX_PAGES)
    app.register_blueprint(bp)
