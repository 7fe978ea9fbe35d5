"""Letters: the reading view (page image beside its transcript), citations and the letters API.

URLs (all by the letter's permanent id):

    /letters/<id>                          the letter, at page 1
    /letters/<id>/pages/<n>                page n; ?q= marks the search's words, ?ocr=1 as in search
    /letters/<id>/pages/<n>#L<line>        one line of page n's text
    /letters/<id>/citation.<bib|ris|json>  the citation as a BibTeX, RIS or CSL-JSON file
    /api/letters/<id>                      metadata with given/extracted marks, pages, citation
    /api/letters/<id>/pages/<n>/words      word boxes of page n, in the page image's pixels

Page images are served by webapp.images.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from markupsafe import Markup, escape

from indexer.archive import ID_PATTERN
from indexer.errors import MissiveError
from indexer.metadata.countries import country_name
from indexer.metadata.language import language_name
from indexer.pages import page_words
from indexer.query import QueryError
from indexer.records import RELATIONS, TEXT_SOURCES
from indexer.snippets import match_spans

from . import citation
from .db import get_archive, get_search
from .errors import api_error, json_response

bp = Blueprint("letters", __name__, url_prefix="/letters")
api_bp = Blueprint("letters_api", __name__, url_prefix="/api/letters")

_TRUE = {"1", "on", "true", "yes"}
TEXT_FIELDS = ("content", "title", "exact")  # the fields match_spans marks words of
PARTY_FIELDS = ("name", "role", "organisation", "place", "country")
# How each page's text came to be, as the reader is told.
ORIGIN_NOTES = {
    "transcript": "Transcript",
    "pdf-text": "Text from the PDF's text layer",
    "ocr": "No transcript; text from OCR (uncorrected, may contain errors)",
    "none": "No text",
}
# How a related letter the public may not read is described (drafts look like absent ones).
RELATED_HIDDEN = {"withdrawn": "withdrawn"}
CITATION_FILES = {
    "bib": ("bibtex", "application/x-bibtex; charset=utf-8"),
    "ris": ("ris", "application/x-research-info-systems; charset=utf-8"),
    "json": ("csl-json", "application/vnd.citationstyles.csl+json; charset=utf-8"),
}


class LetterNotFound(Exception):
    """A letter or page that does not exist: status and a message for the reader."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


# -- lookups -------------------------------------------------------------------------------
def load_letter(letter_id: str) -> dict[str, Any]:
    """The stored metadata of a letter; LetterNotFound for a bad or unknown id."""
    if not ID_PATTERN.fullmatch(letter_id):
        raise LetterNotFound(
            404,
            f"{letter_id[:120]!r} is not a letter id: ids are 1 to 100 lower-case letters, "
            "digits and hyphens",
        )
    meta = get_search().get(letter_id)  # IndexMissing: the app's handler answers 503
    if meta is None or meta.get("status") == "draft":
        # A draft is not public yet: to a reader it does not exist.
        raise LetterNotFound(404, f"There is no letter {letter_id!r} in the archive.")
    if meta.get("status") == "withdrawn":
        gone = meta.get("withdrawn") or {}
        when = (gone.get("at") or "")[:10] or "an earlier date"
        reason = gone.get("reason") or "no reason was recorded"
        raise LetterNotFound(
            410, f"The letter {letter_id!r} was withdrawn from the collection on {when}: {reason}"
        )
    return meta


def page_number(meta: dict[str, Any], raw: str | int) -> int:
    """Page `raw` of the letter as an int in range; LetterNotFound otherwise."""
    count = len(meta.get("pages") or [])
    n = int(raw) if isinstance(raw, int) or (raw.isascii() and raw.isdigit()) else None
    if n is None or not 1 <= n <= count:
        what = "a page number" if n is None else "a page of this letter"
        raise LetterNotFound(
            404,
            f"Page {str(raw)[:20]!r} is not {what}: letter {meta['id']} has "
            f"{count} page{'' if count == 1 else 's'}.",
        )
    return n


def letter_url(letter_id: str, **params: Any) -> str:
    return url_for("letters.letter", letter_id=letter_id, **params)


def page_url(letter_id: str, n: int, **params: Any) -> str:
    return url_for("letters.page", letter_id=letter_id, n=n, **params)


def image_url(letter_id: str, n: int, size: str, **params: Any) -> str:
    return url_for("images.page_image", letter_id=letter_id, n=n, size=size, **params)


def ocr_cache_dir() -> Path:
    return Path(current_app.config["CACHE_DIR"]) / "ocr"


# -- given / extracted marks ---------------------------------------------------------------
@dataclass
class Field:
    """One metadata value and where it came from."""

    key: str  # "date", "sender.name", "recipient.organisation", "languages", ...
    label: str
    value: Any
    mark: dict[str, Any] = field(default_factory=dict)  # {"source": ..., "line": ...}

    @property
    def display(self) -> str:
        if self.key.endswith(".country"):
            return f"{country_name(self.value) or self.value} ({self.value})"
        if self.key == "languages":
            return ", ".join(language_name(c) or c for c in self.value)
        return str(self.value)


_LABELS = {
    "title": "Title",
    "date": "Date",
    "date_as_written": "Date as written",
    "name": "Name",
    "role": "Role",
    "organisation": "Organisation",
    "place": "Place",
    "country": "Country",
    "languages": "Languages",
    "collection": "Collection",
    "rights": "Rights",
    "notes": "Notes",
}


def _mark(meta: dict[str, Any], key: str) -> dict[str, Any]:
    prov = (meta.get("provenance") or {}).get(key)
    if prov:
        return dict(prov)
    if key == "title" and not meta.get("title_given"):
        return {"source": "derived", "method": "made from the sender, recipient and date"}
    # Only the sidecar gives values without a provenance record (e.g. a second recipient).
    return {"source": "archivist"}


def metadata_fields(meta: dict[str, Any]) -> dict[str, list[Field]]:
    """The letter's metadata in groups ("letter", "sender", "recipient" or "recipient 1",
    "recipient 2"..., "archive"), each value marked with its source."""
    groups: dict[str, list[Field]] = {"letter": []}
    for key in ("title", "date", "date_as_written", "languages"):
        value = meta.get(key)
        if value:
            groups["letter"].append(Field(key, _LABELS[key], value, _mark(meta, key)))
    parties = [("sender", "sender", meta.get("sender") or {}, True)]
    recipients = meta.get("recipients") or []
    for i, party in enumerate(recipients):
        name = "recipient" if len(recipients) == 1 else f"recipient {i + 1}"
        parties.append((name, "recipient", party, i == 0))
    for group, role, party, first in parties:
        rows = []
        for key in PARTY_FIELDS:
            if party.get(key):
                full = f"{role}.{key}"
                mark = _mark(meta, full) if first else {"source": "archivist"}
                name = full if first else f"{group.replace(' ', '')}.{key}"  # recipient2.name
                rows.append(Field(name, _LABELS[key], party[key], mark))
        if rows:
            groups[group] = rows
    archive_rows = []
    for key in ("collection", "rights", "notes"):
        if meta.get(key):
            archive_rows.append(Field(key, _LABELS[key], meta[key], _mark(meta, key)))
    if archive_rows:
        groups["archive"] = archive_rows
    return groups


def _line_url(letter_id: str, mark: dict[str, Any], external: bool = False) -> str | None:
    if mark.get("source") != "extracted" or not mark.get("page") or not mark.get("line_no"):
        return None
    return url_for(
        "letters.page",
        letter_id=letter_id,
        n=mark["page"],
        _anchor=f"L{mark['line_no']}",
        _external=external,
    )


# -- the page view -------------------------------------------------------------------------
def query_args() -> tuple[str, bool]:
    q = (request.args.get("q") or "").strip()[:500]
    ocr = (request.args.get("ocr") or "").strip().lower() in _TRUE
    return q, ocr


def _terms(q: str, ocr: bool) -> tuple[dict[str, set[str]], str | None]:
    """The indexed words the query matches, and a message when the query cannot be read."""
    if not q:
        return {}, None
    try:
        terms = get_search().query_terms(q, ocr=ocr)
    except QueryError as exc:
        return {}, str(exc)
    # Only words of the text can be marked (not e.g. country:PK).
    return {k: v for k, v in terms.items() if k in TEXT_FIELDS and v}, None


def mark_text(text: str, terms: dict[str, set[str]]) -> Markup:
    """`text` HTML-escaped, each word the query matched in <mark>."""
    spans = match_spans(text, terms) if terms else []
    out, pos = [], 0
    for a, b in spans:
        out.append(escape(text[pos:a]))
        out.append(Markup("<mark>{}</mark>").format(text[a:b]))
        pos = b
    out.append(escape(text[pos:]))
    return Markup("").join(out)


@dataclass
class Line:
    n: int
    html: Markup
    hits: int


def transcript_lines(text: str, terms: dict[str, set[str]]) -> list[Line]:
    """The page's text line by line (numbered from 1 like provenance line numbers)."""
    if not text.strip():
        return []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    out = []
    for n, line in enumerate(lines, start=1):
        hits = len(match_spans(line, terms)) if terms else 0
        out.append(Line(n, mark_text(line, terms), hits))
    return out


def word_boxes(meta: dict[str, Any], n: int) -> list:
    """The page's word boxes (archive word file, else OCR); [] when there are none or bad."""
    page = meta["pages"][n - 1]
    if not page.get("has_words") and page.get("origin") != "ocr":
        return []
    try:
        return page_words(get_archive(), ocr_cache_dir(), meta, n)
    except (MissiveError, OSError, ValueError):
        current_app.logger.warning("word boxes of %s page %s unreadable", meta["id"], n)
        return []


def highlight_boxes(meta: dict[str, Any], n: int, terms: dict[str, set[str]]) -> list[dict]:
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


def _related(meta: dict[str, Any]) -> list[dict[str, Any]]:
    """The letter's related letters as the public may see them: a published one by id,
    title and date; any other named by nothing (no id, title, date or link), only as
    "withdrawn" or "unavailable" (a draft and a letter not in the archive look the same)."""
    out = []
    search = get_search()
    for rel in meta.get("related") or []:
        rid = rel.get("id", "")
        other = search.get(rid) if ID_PATTERN.fullmatch(rid) else None
        status = (other or {}).get("status")
        shown = other if status == "published" else None
        out.append(
            {
                "id": rid if shown else None,
                "relation": rel.get("relation"),
                "label": RELATIONS.get(rel.get("relation"), rel.get("relation")),
                "title": shown["title"] if shown else None,
                "date": shown.get("date") if shown else None,
                "status": "published" if shown else RELATED_HIDDEN.get(status, "unavailable"),
            }
        )
    return out


def _highwire(meta: dict[str, Any], item: dict[str, Any], page: str) -> list[tuple[str, str]]:
    """Highwire Press `citation_*` tags, which Zotero and Google Scholar read."""
    tags = [("citation_title", item["title"])]
    for name in item.get("author", []):
        tags.append(
            ("citation_author", name.get("literal") or f"{name['family']}, {name['given']}")
        )
    issued = item.get("issued")
    if issued:
        parts = issued["date-parts"][0]
        tags.append(("citation_date", "/".join(f"{p:02d}" for p in parts)))
    tags.append(("citation_abstract_html_url", item["URL"]))
    tags.append(("citation_public_url", page))
    for code in meta.get("languages") or []:
        tags.append(("citation_language", code))
    tags.append(("DC.type", "Letter"))
    return tags


def _coins(item: dict[str, Any]) -> str:
    """A COinS OpenURL ContextObject (Dublin Core, type "letter") for one-click saving."""
    pairs = [
        ("ctx_ver", "Z39.88-2004"),
        ("rft_val_fmt", "info:ofi/fmt:kev:mtx:dc"),
        ("rfr_id", "info:sid/missive"),
        ("rft.type", "letter"),
        ("rft.title", item["title"]),
    ]
    for i, name in enumerate(item.get("author", [])):
        if "literal" in name:
            pairs.append(("rft.creator", name["literal"]))
        else:
            if i == 0:
                pairs += [("rft.aulast", name["family"]), ("rft.aufirst", name["given"])]
            pairs.append(("rft.creator", f"{name['family']}, {name['given']}"))
    issued = item.get("issued")
    if issued:
        pairs.append(("rft.date", "-".join(f"{p:02d}" for p in issued["date-parts"][0])))
    pairs += [
        ("rft.identifier", item["URL"]),
        ("rft.source", item["archive"]),
        ("rft.format", "Letter"),
    ]
    if item.get("language"):
        pairs.append(("rft.language", item["language"]))
    return urlencode(pairs)


def _hit_counts(meta: dict[str, Any], terms: dict[str, set[str]]) -> list[int]:
    if not terms:
        return [0] * len(meta.get("pages") or [])
    texts = meta.get("pages_text") or []
    return [
        len(match_spans(texts[i] if i < len(texts) else "", terms))
        for i in range(len(meta.get("pages") or []))
    ]


def _render_page(letter_id: str, raw_n: str | int):
    try:
        meta = load_letter(letter_id)
        n = page_number(meta, raw_n)
    except LetterNotFound as exc:
        abort(exc.status, exc.message)
    q, ocr = query_args()
    terms, query_error = _terms(q, ocr)
    pages = meta["pages"]
    page = pages[n - 1]
    texts = meta.get("pages_text") or []
    text = texts[n - 1] if n - 1 < len(texts) else ""
    params = _page_params(q, ocr)
    permanent = url_for("letters.letter", letter_id=letter_id, _external=True)
    this_page = url_for("letters.page", letter_id=letter_id, n=n, _external=True)
    item = citation.csl_item(meta, permanent)
    cites = citation.render(meta, permanent)
    cites_html = citation.render_html(meta, permanent)
    lines = transcript_lines(text, terms)
    boxes = highlight_boxes(meta, n, terms)
    try:
        similar = get_search().more_like_this(letter_id, limit=5)
    except Exception:  # more-like-this is a courtesy; the letter shows without it
        current_app.logger.exception("more_like_this failed for %s", letter_id)
        similar = []
    return render_template(
        "letters/letter.html",
        letter=meta,
        n=n,
        page=page,
        pages=pages,
        count=len(pages),
        lines=lines,
        line_hits=sum(line.hits for line in lines),
        boxes=boxes,
        hit_counts=_hit_counts(meta, terms),
        origin_note=ORIGIN_NOTES.get(page.get("origin") or "none", ""),
        fields=metadata_fields(meta),
        related=_related(meta),
        similar=similar,
        q=q,
        ocr=ocr,
        terms=terms,
        query_error=query_error,
        params=params,
        permanent_url=permanent,
        page_permanent_url=this_page,
        cites=cites,
        cites_html=cites_html,
        formats=citation.FORMATS,
        highwire=_highwire(meta, item, this_page),
        coins=_coins(item),
        text_sources=TEXT_SOURCES,
        line_url=lambda mark: _line_url(letter_id, mark),
        page_url=page_url,
        image_url=image_url,
        letter_url=letter_url,
        language_name=language_name,
        country_name=country_name,
    )


@bp.get("/<letter_id>")
def letter(letter_id: str):
    return _render_page(letter_id, 1)


@bp.get("/<letter_id>/pages/<n>")
def page(letter_id: str, n: str):
    return _render_page(letter_id, n)


@bp.get("/<letter_id>/citation.<ext>")
def citation_file(letter_id: str, ext: str):
    if ext not in CITATION_FILES:
        return api_error(
            404, f"citation.{ext[:10]} is not a citation format; accepted: bib, ris, json"
        )
    try:
        meta = load_letter(letter_id)
    except LetterNotFound as exc:
        return api_error(exc.status, exc.message)
    key, mimetype = CITATION_FILES[ext]
    body = citation.render(meta, url_for("letters.letter", letter_id=letter_id, _external=True))
    response = Response(body[key], mimetype=mimetype.split(";")[0])
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{letter_id}.{ext}"'
    return response


# -- the letters API -----------------------------------------------------------------------
def _field_json(letter_id: str, f: Field) -> dict[str, Any]:
    out = {"value": f.value, **f.mark}
    link = _line_url(letter_id, f.mark, external=True)
    if link:
        out["line_url"] = link
    return out


def letter_json(meta: dict[str, Any]) -> dict[str, Any]:
    """The API's view of a letter: metadata, each value's source, pages, citation."""
    letter_id = meta["id"]
    permanent = url_for("letters.letter", letter_id=letter_id, _external=True)
    fields = {
        f.key: _field_json(letter_id, f) for rows in metadata_fields(meta).values() for f in rows
    }
    texts = meta.get("pages_text") or []
    pages = []
    for p in meta.get("pages") or []:
        n = p["n"]
        has_image = bool(p.get("image"))
        pages.append(
            {
                "n": n,
                "url": url_for("letters.page", letter_id=letter_id, n=n, _external=True),
                "image": image_url(letter_id, n, "full", _external=True) if has_image else None,
                "screen": image_url(letter_id, n, "screen", _external=True) if has_image else None,
                "thumbnail": image_url(letter_id, n, "thumb", _external=True)
                if has_image
                else None,
                "width": p.get("width"),
                "height": p.get("height"),
                "text": texts[n - 1] if n - 1 < len(texts) else "",
                "text_origin": p.get("origin"),
                "words_url": url_for("letters_api.words", letter_id=letter_id, n=n, _external=True)
                if p.get("has_words") and has_image
                else None,
            }
        )
    related = [
        {
            **{k: r[k] for k in ("id", "relation", "label", "title", "status")},
            "url": url_for("letters.letter", letter_id=r["id"], _external=True)
            if r["id"]
            else None,
            "api_url": url_for("letters_api.letter", letter_id=r["id"], _external=True)
            if r["id"]
            else None,
        }
        for r in _related(meta)
    ]
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
        "fields": fields,
        "related": related,
        "pages": pages,
        "citation": {
            "csl": citation.csl_item(meta, permanent),
            **{k: v for k, v in citation.render(meta, permanent).items() if k != "csl-json"},
        },
    }


@api_bp.get("/<letter_id>", endpoint="letter")
def letter_api(letter_id: str):
    try:
        meta = load_letter(letter_id)
    except LetterNotFound as exc:
        return api_error(exc.status, exc.message)
    return json_response(letter_json(meta))


@api_bp.get("/<letter_id>/pages/<n>/words")
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
