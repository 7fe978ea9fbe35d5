"""The letters API: one letter as JSON, and the word boxes of its pages.

URLs (all by the letter's permanent id):

    /api/letters/<id>                      metadata with given/extracted marks, pages, citation
    /api/letters/<id>/pages/<n>/words      word boxes of page n, in the page image's pixels

Registered before the search API (api.py), so `/api/letters/...` is answered here.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, url_for

from . import citation
from .errors import api_error, json_response
from .letters import (
    Field,
    LetterNotFound,
    image_url,
    line_url,
    load_letter,
    metadata_fields,
    page_number,
    related_letters,
    word_boxes,
)

bp = Blueprint("letters_api", __name__, url_prefix="/api/letters")


def _field_json(letter_id: str, f: Field) -> dict[str, Any]:
    out = {"value": f.value, **f.mark}
    if f.authority:
        out["authority"] = f.authority
    link = line_url(letter_id, f.mark, external=True)
    if link:
        out["line_url"] = link
    return out


def _page_json(letter_id: str, p: dict[str, Any], texts: list[str]) -> dict[str, Any]:
    n = p["n"]
    has_image = bool(p.get("image"))

    def image(size: str) -> str | None:
        return image_url(letter_id, n, size, _external=True) if has_image else None

    return {
        "n": n,
        "url": url_for("letters.page", letter_id=letter_id, n=n, _external=True),
        "image": image("full"),
        "screen": image("screen"),
        "thumbnail": image("thumb"),
        "width": p.get("width"),
        "height": p.get("height"),
        "label": p.get("label"),  # the page's own number (TEI pb/@n), when given
        "text": texts[n - 1] if n - 1 < len(texts) else "",
        "text_origin": p.get("origin"),
        "notes": p.get("notes") or "",  # editorial notes, apart from the letter's words
        "words_url": url_for("letters_api.words", letter_id=letter_id, n=n, _external=True)
        if p.get("has_words") and has_image
        else None,
    }


def _related_json(related: dict[str, Any]) -> dict[str, Any]:
    rid = related["id"]
    return {
        **{k: related[k] for k in ("id", "relation", "label", "title", "status")},
        "url": url_for("letters.letter", letter_id=rid, _external=True) if rid else None,
        "api_url": url_for("letters_api.letter", letter_id=rid, _external=True) if rid else None,
    }


def letter_json(meta: dict[str, Any]) -> dict[str, Any]:
    """The API's view of a letter: metadata, each value's source, pages, citation."""
    letter_id = meta["id"]
    permanent = url_for("letters.letter", letter_id=letter_id, _external=True)
    texts = meta.get("pages_text") or []
    return {
        "id": letter_id,
        "url": permanent,
        "title": meta.get("title"),
        "date": meta.get("date"),
        "date_precision": meta.get("date_precision"),
        "date_uncertain": meta.get("date_uncertain", False),
        "date_as_written": meta.get("date_as_written"),
        "sender": meta.get("sender") or {},
        "recipients": meta.get("recipients") or [],
        "languages": meta.get("languages") or [],
        "collection": meta.get("collection"),
        "rights": meta.get("rights"),
        "notes": meta.get("notes"),
        "text_source": meta.get("text_source"),
        "edition": meta.get("edition"),  # a catalogue record: where the edition has it
        "fields": {
            f.key: _field_json(letter_id, f)
            for rows in metadata_fields(meta).values()
            for f in rows
        },
        # Values read with too little confidence to set, with the line each came from.
        "suggestions": meta.get("suggestions") or {},
        "related": [_related_json(r) for r in related_letters(meta)],
        "pages": [_page_json(letter_id, p, texts) for p in meta.get("pages") or []],
        "citation": {
            "csl": citation.csl_item(meta, permanent),
            **{k: v for k, v in citation.render(meta, permanent).items() if k != "csl-json"},
        },
        # Its IIIF manifest, for Mirador and other viewers (none for a catalogue record).
        "iiif_manifest": url_for("iiif.manifest", letter_id=letter_id, _external=True)
        if meta.get("pages")
        else None,
    }


@bp.get("/<letter_id>", endpoint="letter")
def letter_api(letter_id: str):
    try:
        meta = load_letter(letter_id)
    except LetterNotFound as exc:
        return api_error(exc.status, exc.message)
    return json_response(letter_json(meta))


@bp.get("/<letter_id>/pages/<n>/words")
def words(letter_id: str, n: str):
    try:
        meta = load_letter(letter_id)
        number = page_number(meta, n)
    except LetterNotFound as exc:
        return api_error(exc.status, exc.message)
    page = meta["pages"][number - 1]
    boxes = word_boxes(meta, number) if page.get("image") else []
    return json_response(
        {
            "width": page.get("width"),
            "height": page.get("height"),
            "words": [
                {"text": w.text, "x": w.x, "y": w.y, "w": w.w, "h": w.h, "line": w.line}
                for w in boxes
            ],
        }
    )
