"""The reading view of a letter: each page's image beside its transcript, the search's
words marked in both, the metadata with its sources, related and similar letters.

URLs (all by the letter's permanent id):

    /letters/<id>                          the letter, at page 1
    /letters/<id>/pages/<n>                page n; ?q= marks the search's words, ?ocr=1 as in search
    /letters/<id>/pages/<n>#L<line>        one line of page n's text

The same letter as JSON is in letters_api.py, its citation files in citation_tags.py, its
page images in images.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, current_app, render_template, request
from markupsafe import Markup

from indexer.engines import Marks
from indexer.ingest.metadata.countries import country_name
from indexer.ingest.metadata.language import language_name
from indexer.records import TEXT_SOURCES
from indexer.search import QueryError
from indexer.search.snippets import match_spans
from indexer.search.within import marked, page_lines

from .citation_tags import page_citations
from .db import get_search
from .letter_search import page_context
from .letters import (
    ORIGIN_NOTES,
    LetterNotFound,
    image_url,
    letter_url,
    line_url,
    load_letter,
    metadata_fields,
    page_number,
    page_url,
    related_letters,
    word_boxes,
)

bp = Blueprint("letters", __name__, url_prefix="/letters")

_TRUE = {"1", "on", "true", "yes"}


def query_args() -> tuple[str, bool]:
    q = (request.args.get("q") or "").strip()[:500]
    ocr = (request.args.get("ocr") or "").strip().lower() in _TRUE
    return q, ocr


def _terms(q: str, ocr: bool) -> tuple[Marks | None, str | None]:
    """The words of a text the query matches (None: nothing to mark), and a message when
    the query cannot be read."""
    if not q:
        return None, None
    try:
        marks = get_search().marks(q, ocr=ocr)
    except QueryError as exc:
        return None, str(exc)
    # Only words of the text can be marked (not e.g. country:PK): then there are none.
    return (marks or None), None


def mark_text(text: str, terms: Marks | None) -> Markup:
    """`text` HTML-escaped, each word the query matched in <mark>."""
    return Markup(marked(text, match_spans(text, terms) if terms else []))


@dataclass
class Line:
    n: int
    html: Markup
    hits: int


def transcript_lines(text: str, terms: Marks | None) -> list[Line]:
    """The page's text line by line (numbered from 1 like provenance line numbers)."""
    out = []
    for n, line in enumerate(page_lines(text), start=1):
        hits = len(match_spans(line, terms)) if terms else 0
        out.append(Line(n, mark_text(line, terms), hits))
    return out


def highlight_boxes(meta: dict[str, Any], n: int, terms: Marks | None) -> list[dict]:
    """Boxes of the words the query matched, in % of the page image (so they scale)."""
    page = meta["pages"][n - 1]
    width, height = page.get("width"), page.get("height")
    if not terms or not page.get("image") or not width or not height:
        return []
    boxes = []
    for w in word_boxes(meta, n):
        if match_spans(w.text, terms):
            boxes.append(
                {
                    "text": w.text,
                    "left": round(100 * w.x / width, 3),
                    "top": round(100 * w.y / height, 3),
                    "width": round(100 * w.w / width, 3),
                    "height": round(100 * w.h / height, 3),
                }
            )
    return boxes


def _page_params(q: str, ocr: bool) -> dict[str, str]:
    params = {"q": q} if q else {}
    if q and ocr:
        params["ocr"] = "1"
    return params


def _hit_counts(meta: dict[str, Any], terms: Marks | None) -> list[int]:
    if not terms:
        return [0] * len(meta.get("pages") or [])
    texts = meta.get("pages_text") or []
    return [
        len(match_spans(texts[i] if i < len(texts) else "", terms))
        for i in range(len(meta.get("pages") or []))
    ]


def _similar(letter_id: str) -> list:
    try:
        return get_search().more_like_this(letter_id, limit=5)
    except Exception:  # more-like-this is a courtesy; the letter shows without it
        current_app.logger.exception("more_like_this failed for %s", letter_id)
        return []


def _marks(meta: dict[str, Any], n: int) -> dict[str, Any]:
    """The page's text line by line and its image's boxes, the query's words marked."""
    q, ocr = query_args()
    terms, query_error = _terms(q, ocr)
    texts = meta.get("pages_text") or []
    lines = transcript_lines(texts[n - 1] if n - 1 < len(texts) else "", terms)
    return {
        "lines": lines,
        "line_hits": sum(line.hits for line in lines),
        "boxes": highlight_boxes(meta, n, terms) if meta["pages"] else [],
        "hit_counts": _hit_counts(meta, terms),
        "q": q,
        "ocr": ocr,
        "terms": terms,
        "query_error": query_error,
        "params": _page_params(q, ocr),
    }


def _render_page(letter_id: str, raw_n: str | int):
    try:
        meta = load_letter(letter_id)
        # A catalogue record has no pages: its one view is the record with the edition's link.
        catalogue = not meta["pages"] and meta.get("edition") and raw_n == 1
        n = 1 if catalogue else page_number(meta, raw_n)
    except LetterNotFound as exc:
        abort(exc.status, exc.message)
    pages = meta["pages"]
    page = pages[n - 1] if pages else {}
    marks = _marks(meta, n)
    return render_template(
        "letters/letter.html",
        letter=meta,
        n=n,
        page=page,
        pages=pages,
        count=len(pages),
        origin_note=ORIGIN_NOTES.get(page.get("origin") or "none", ""),
        fields=metadata_fields(meta),
        related=related_letters(meta),
        similar=_similar(letter_id),
        text_sources=TEXT_SOURCES,
        line_url=lambda mark: line_url(letter_id, mark),
        page_url=page_url,
        image_url=image_url,
        letter_url=letter_url,
        language_name=language_name,
        country_name=country_name,
        **marks,
        **page_context(meta, marks["q"], marks["ocr"]),  # search within it, correspondents
        **page_citations(meta, n),
    )


@bp.get("/<letter_id>")
def letter(letter_id: str):
    return _render_page(letter_id, 1)


@bp.get("/<letter_id>/pages/<n>")
def page(letter_id: str, n: str):
    return _render_page(letter_id, n)
