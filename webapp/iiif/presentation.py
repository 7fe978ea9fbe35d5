"""IIIF Presentation 3: a manifest per published letter, its pages' transcripts as
annotations (the collection of all published letters: collection.py).

A manifest has a canvas per page, the page image painted on it (with its Image API
service, image.py), the transcript as `supplementing` annotations per line (boxed where the
page has word boxes), the page text as `rendering`, and both content search services
(search.py) in `service`. A withdrawn letter answers 410, a draft 404, a catalogue record
(no pages) 404: a manifest needs a canvas.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Response, url_for

from indexer.search.within import page_lines

from ..errors import api_error
from ..letters import LetterNotFound, load_letter, page_number
from . import bp, ids
from .boxes import union, words_by_line
from .cors import ld_json
from .image import THUMB_WIDTH

NO_IMAGE = (1000, 1414)  # the canvas of a transcript-only page: an A4 proportion
# Rights statements a manifest's `rights` may hold (others go to requiredStatement only).
_RIGHTS = re.compile(
    r"^https?://(creativecommons\.org/(licenses|publicdomain)/|rightsstatements\.org/vocab/)"
)
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def lang(value: str, language: str = "none") -> dict[str, list[str]]:
    return {language: [value]}


def _entry(label: str, value: str) -> dict[str, Any]:
    return {"label": lang(label, "en"), "value": lang(value)}


def party_label(p: dict[str, Any]) -> str:
    name = p.get("name") or p.get("organisation") or p.get("role") or ""
    if p.get("name") and p.get("organisation"):
        name += f", {p['organisation']}"
    return name


def _metadata(meta: dict[str, Any]) -> list[dict[str, Any]]:
    sender = meta.get("sender") or {}
    rows = []
    if meta.get("date") or meta.get("date_as_written"):
        rows.append(_entry("Date", meta.get("date_as_written") or meta["date"]))
    if party_label(sender):
        rows.append(_entry("Sender", party_label(sender)))
    if sender.get("place"):
        rows.append(_entry("Place of writing", sender["place"]))
    for r in meta.get("recipients") or []:
        if party_label(r):
            rows.append(_entry("Recipient", party_label(r)))
        if r.get("place"):
            rows.append(_entry("Place of the recipient", r["place"]))
    if meta.get("languages"):
        rows.append(_entry("Languages", ", ".join(meta["languages"])))
    for key, label in (("collection", "Collection"), ("notes", "Notes")):
        if meta.get(key):
            rows.append(_entry(label, meta[key]))
    rows.append(_entry("Identifier", meta["id"]))
    return rows


def nav_date(date: str | None) -> str | None:
    """The letter's date as the xsd:dateTime navDate needs (a month or year: its first day)."""
    found = _DATE.match(date or "")
    if not found:
        return None
    year, month, day = found.group(1), found.group(2) or "01", found.group(3) or "01"
    return f"{year}-{month}-{day}T00:00:00Z"


def _rights(meta: dict[str, Any]) -> dict[str, Any]:
    rights = (meta.get("rights") or "").strip()
    out: dict[str, Any] = {}
    if _RIGHTS.match(rights):  # the specification wants these URIs in http
        out["rights"] = "http://" + rights.split("://", 1)[1]
    if rights:
        out["requiredStatement"] = _entry("Rights", rights)
    return out


def _size(page: dict[str, Any]) -> tuple[int, int]:
    if page.get("image") and page.get("width") and page.get("height"):
        return int(page["width"]), int(page["height"])
    return NO_IMAGE


def _text_url(letter_id: str, n: int) -> str:
    return url_for("iiif.page_text", letter_id=letter_id, n=n, _external=True)


def canvas(meta: dict[str, Any], page: dict[str, Any], text: str) -> dict[str, Any]:
    letter_id, n = meta["id"], page["n"]
    cid = ids.canvas(letter_id, n)
    width, height = _size(page)
    out: dict[str, Any] = {
        "id": cid,
        "type": "Canvas",
        "label": lang(page.get("label") or f"p. {n}"),
        "width": width,
        "height": height,
    }
    if page.get("image"):
        service = ids.image_service(letter_id, n)
        out["thumbnail"] = [
            {
                "id": f"{service}/full/{THUMB_WIDTH},/0/default.jpg",
                "type": "Image",
                "format": "image/jpeg",
                "width": THUMB_WIDTH,
                "height": max(1, round(height * THUMB_WIDTH / width)),
            }
        ]
        body: dict[str, Any] = {
            "id": f"{service}/full/max/0/default.jpg",
            "type": "Image",
            "format": "image/jpeg",
            "width": width,
            "height": height,
            "service": [{"id": service, "type": "ImageService3", "profile": "level1"}],
        }
    else:  # a transcript without an image: the text is what the page shows
        body = {"type": "TextualBody", "value": text, "format": "text/plain"}
    out["items"] = [
        {
            "id": f"{cid}/painting",
            "type": "AnnotationPage",
            "items": [
                {
                    "id": f"{cid}/painting/1",
                    "type": "Annotation",
                    "motivation": "painting",
                    "body": body,
                    "target": cid,
                }
            ],
        }
    ]
    if text.strip():
        out["annotations"] = [{"id": _lines_url(letter_id, n), "type": "AnnotationPage"}]
        out["rendering"] = [
            {
                "id": _text_url(letter_id, n),
                "type": "Text",
                "label": lang(f"Text of page {n}", "en"),
                "format": "text/plain",
            }
        ]
    return out


def _lines_url(letter_id: str, n: int) -> str:
    return url_for("iiif.lines", letter_id=letter_id, n=n, _external=True)


def _services(letter_id: str) -> list[dict[str, Any]]:
    return [
        {
            "@context": ids.SEARCH1,
            "@id": ids.search(letter_id, 1),
            "id": ids.search(letter_id, 1),
            "type": "SearchService1",
            "profile": "http://iiif.io/api/search/1/search",
            "label": "Search this letter (Missive's query language; ocr=1 for OCR-tolerant)",
            "service": [
                {
                    "@id": ids.autocomplete(letter_id, 1),
                    "id": ids.autocomplete(letter_id, 1),
                    "type": "AutoCompleteService1",
                    "profile": "http://iiif.io/api/search/1/autocomplete",
                }
            ],
        },
        {
            "id": ids.search(letter_id, 2),
            "type": "SearchService2",
            "service": [{"id": ids.autocomplete(letter_id, 2), "type": "AutoCompleteService2"}],
        },
    ]


def _provider(home: str) -> list[dict[str, Any]]:
    return [
        {
            "id": home,
            "type": "Agent",
            "label": lang("Missive", "en"),
            "homepage": [
                {
                    "id": home,
                    "type": "Text",
                    "label": lang("Missive", "en"),
                    "format": "text/html",
                }
            ],
        }
    ]


def _see_also(letter_id: str) -> list[dict[str, Any]]:
    return [
        {
            "id": url_for("letters_api.letter", letter_id=letter_id, _external=True),
            "type": "Dataset",
            "label": lang("The letter as JSON: metadata with their sources, pages", "en"),
            "format": "application/json",
        },
        {
            "id": url_for(
                "citations.citation_file", letter_id=letter_id, ext="json", _external=True
            ),
            "type": "Dataset",
            "label": lang("The citation as CSL-JSON", "en"),
            "format": "application/vnd.citationstyles.csl+json",
        },
    ]


def manifest_json(meta: dict[str, Any]) -> dict[str, Any]:
    """The letter's manifest (meta as load_letter gives it; it has pages)."""
    letter_id = meta["id"]
    permanent = url_for("letters.letter", letter_id=letter_id, _external=True)
    home = url_for("search.home", _external=True)
    texts = meta.get("pages_text") or []
    recipients = "; ".join(filter(None, map(party_label, meta.get("recipients") or [])))
    summary = f"Letter from {party_label(meta.get('sender') or {}) or 'an unknown sender'}"
    summary += f" to {recipients}" if recipients else ""
    summary += f", {meta.get('date_as_written') or meta.get('date') or 'undated'}"
    out: dict[str, Any] = {
        "@context": [ids.SEARCH2, ids.PRESENTATION],
        "id": ids.manifest(letter_id),
        "type": "Manifest",
        "label": lang(meta.get("title") or letter_id),
        "summary": lang(summary + f"; {len(meta['pages'])} page(s)."),
        "metadata": _metadata(meta),
        **_rights(meta),
        "homepage": [
            {
                "id": permanent,
                "type": "Text",
                "label": lang(meta.get("title") or letter_id),
                "format": "text/html",
            }
        ],
        "provider": _provider(home),
        "seeAlso": _see_also(letter_id),
        # No partOf the collection: Mirador 4 then opens the manifest as a member of the
        # collection, asks for it and runs the window's search a second time meanwhile.
        "service": _services(letter_id),
        "items": [
            canvas(meta, p, texts[i] if i < len(texts) else "") for i, p in enumerate(meta["pages"])
        ],
    }
    date = nav_date(meta.get("date"))
    if date:
        out["navDate"] = date
    if meta["pages"][0].get("image"):
        out["thumbnail"] = out["items"][0]["thumbnail"]
    return out


def _letter(letter_id: str) -> dict[str, Any]:
    meta = load_letter(letter_id)
    if not meta.get("pages"):
        raise LetterNotFound(
            404, f"{letter_id} is a catalogue record without pages: it has no IIIF manifest."
        )
    return meta


@bp.get("/<letter_id>/manifest")
def manifest(letter_id: str) -> Response:
    try:
        meta = _letter(letter_id)
    except LetterNotFound as exc:
        return api_error(exc.status, exc.message)
    return ld_json(manifest_json(meta), ids.PRESENTATION)


def line_annotations(meta: dict[str, Any], n: int, text: str) -> list[dict[str, Any]]:
    """Page n's transcript as `supplementing` annotations: one per line, on the line's box
    when the page has word boxes; else the whole text on the whole canvas."""
    cid = ids.canvas(meta["id"], n)
    language = (meta.get("languages") or [None])[0]

    def note(i: int, value: str, target: str) -> dict[str, Any]:
        body = {"type": "TextualBody", "value": value, "format": "text/plain"}
        if language:
            body["language"] = language
        return {
            "id": f"{cid}/line/{i}",
            "type": "Annotation",
            "motivation": "supplementing",
            "body": body,
            "target": target,
        }

    boxed = words_by_line(meta, n)
    if not boxed:
        return [note(0, text, cid)] if text.strip() else []
    out = []
    for i, line in enumerate(page_lines(text), start=1):
        box = union(boxed.get(i, []))
        if line.strip():
            out.append(note(i, line, f"{cid}#{ids.xywh(box)}" if box else cid))
    return out


def _page_text(letter_id: str, n: str) -> tuple[dict[str, Any], int, str]:
    """The letter, page number and page text; LetterNotFound otherwise."""
    meta = _letter(letter_id)
    number = page_number(meta, n)
    texts = meta.get("pages_text") or []
    return meta, number, texts[number - 1] if number - 1 < len(texts) else ""


@bp.get("/<letter_id>/lines/<n>")
def lines(letter_id: str, n: str) -> Response:
    try:
        meta, number, text = _page_text(letter_id, n)
    except LetterNotFound as exc:
        return api_error(exc.status, exc.message)
    page = {
        "@context": ids.PRESENTATION,
        "id": _lines_url(letter_id, number),
        "type": "AnnotationPage",
        "label": lang(f"Transcript of page {number}, line by line", "en"),
        "items": line_annotations(meta, number, text),
    }
    return ld_json(page, ids.PRESENTATION)


@bp.get("/<letter_id>/text/<n>.txt")
def page_text(letter_id: str, n: str) -> Response:
    try:
        text = _page_text(letter_id, n)[2]
    except LetterNotFound as exc:
        return api_error(exc.status, exc.message)
    return Response(text, mimetype="text/plain")
