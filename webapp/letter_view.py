"""The reading view of a letter: each page's image beside its transcript, the search's
words marked in both, the metadata with its sources, related and similar letters.

URLs (all by the letter's permanent id):

    /letters/<id>                          the letter, at page 1
    /letters/<id>/pages/<n>                page n; ?q= marks the search's words, ?ocr=1 as in search
    /letters/<id>/pages/<n>#L<line>        one line of page n's text
    /letters/<id>/pages/<n>?line=<line>    the same, redirected there ("Go to line")

A page reached from a search carries the search's parameters (letter_place.py).

The same letter as JSON is in letters_api.py, its citation files in citation_tags.py, its
page images in images.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, redirect, render_template, request
from markupsafe import Markup, escape

from indexer.engines import Marks
from indexer.ingest.metadata.countries import country_name
from indexer.ingest.metadata.language import language_name
from indexer.records import TEXT_SOURCES
from indexer.search import QueryError
from indexer.search.snippets import match_spans
from indexer.search.within import occurrences, page_lines

from .citation_tags import page_citations
from .db import get_search
from .iiif.state import page_context as iiif_context
from .letter_place import place
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


def mark_text(text: str, terms: Marks | None, first: int = 1) -> tuple[Markup, int]:
    """`text` HTML-escaped, each occurrence of what the query matched in one <mark> (the
    words of a phrase together), numbered from `first` (id="hit-<k>", the targets of the
    previous/next hit links); and how many occurrences there were."""
    groups = occurrences(text, match_spans(text, terms)) if terms else []
    out, pos = [], 0
    for k, group in enumerate(groups, start=first):
        a, b = group[0][0], group[-1][1]
        out.append(escape(text[pos:a]))
        out.append(f'<mark class="hit-mark" id="hit-{k}">{escape(text[a:b])}</mark>')
        pos = b
    out.append(escape(text[pos:]))
    return Markup("".join(out)), len(groups)


@dataclass
class Line:
    n: int
    html: Markup
    hits: int  # occurrences of what was searched on the line


def transcript_lines(text: str, terms: Marks | None) -> list[Line]:
    """The page's text line by line (numbered from 1 like provenance line numbers)."""
    out, seen = [], 0
    for n, line in enumerate(page_lines(text), start=1):
        html, hits = mark_text(line, terms, seen + 1)
        seen += hits
        out.append(Line(n, html, hits))
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


def _page_params(q: str, ocr: bool) -> dict[str, list[str]]:
    params = {"q": [q]} if q else {}
    if q and ocr:
        params["ocr"] = ["1"]
    return params


def _hit_counts(meta: dict[str, Any], terms: Marks | None) -> list[int]:
    """Occurrences of what was searched on each page, counted line by line as the
    transcript marks them and the search within the letter lists them."""
    count = len(meta.get("pages") or [])
    if not terms:
        return [0] * count
    texts = meta.get("pages_text") or []
    return [
        sum(
            len(occurrences(line, match_spans(line, terms)))
            for line in page_lines(texts[i] if i < len(texts) else "")
        )
        for i in range(count)
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
    where = place(letter_id, n, marks["hit_counts"])
    if where["search_params"]:  # the page's own links carry the whole search
        marks["params"] = where["search_params"]
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
        **where,
        **page_context(meta, marks["q"], marks["ocr"]),  # search within it, correspondents
        **page_citations(meta, n),
        **iiif_context(meta, n),  # the manifest's links; ?region= outlines a passage
    )


@bp.get("/<letter_id>")
def letter(letter_id: str):
    return _render_page(letter_id, 1)


@bp.get("/<letter_id>/pages/<n>")
def page(letter_id: str, n: str):
    line = request.args.get("line", "")
    if line.isascii() and line.isdigit():  # "Go to line" without JavaScript: to its anchor
        args = [(k, v) for k, v in request.args.items(multi=True) if k != "line"]
        query = f"?{urlencode(args)}" if args else ""
        return redirect(f"{request.path}{query}#L{int(line)}", 303)
    return _render_page(letter_id, n)
