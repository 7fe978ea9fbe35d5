"""Citing a letter: what the letter page gives reference managers (Highwire Press
`citation_*` meta tags, a COinS span, the formatted citations) and the citation files.

URL:

    /letters/<id>/citation.<bib|ris|json>  the citation as a BibTeX, RIS or CSL-JSON file

The citation formats themselves are made in citation.py.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, url_for

from . import citation
from .errors import api_error
from .letters import LetterNotFound, load_letter

bp = Blueprint("citations", __name__, url_prefix="/letters")

CITATION_FILES = {
    "bib": ("bibtex", "application/x-bibtex; charset=utf-8"),
    "ris": ("ris", "application/x-research-info-systems; charset=utf-8"),
    "json": ("csl-json", "application/vnd.citationstyles.csl+json; charset=utf-8"),
}


def page_citations(meta: dict[str, Any], n: int) -> dict[str, Any]:
    """What the letter page's template needs to cite page `n`: the permanent URLs, the
    formatted citations, the Highwire tags and the COinS."""
    permanent = url_for("letters.letter", letter_id=meta["id"], _external=True)
    this_page = url_for("letters.page", letter_id=meta["id"], n=n, _external=True)
    if not meta.get("pages"):  # a catalogue record: the letter's page is its only one
        this_page = permanent
    item = citation.csl_item(meta, permanent)
    return {
        "permanent_url": permanent,
        "page_permanent_url": this_page,
        "cites": citation.render(meta, permanent),
        "cites_html": citation.render_html(meta, permanent),
        "formats": citation.FORMATS,
        "highwire": highwire(meta, item, this_page),
        "coins": coins(item),
    }


def highwire(meta: dict[str, Any], item: dict[str, Any], page: str) -> list[tuple[str, str]]:
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


def coins(item: dict[str, Any]) -> str:
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
