"""Citing a letter: what the letter page gives reference managers (an unAPI server,
Highwire Press `citation_*` meta tags, a COinS span, the formatted citations) and the
citation files.

URLs:

    /letters/<id>/citation.<bib|ris|json>  the citation as a BibTeX, RIS or CSL-JSON file
    /unapi                                 unAPI (unapi.info): the formats offered
    /unapi?id=<id>                         the formats of one letter (HTTP 300, as unAPI says)
    /unapi?id=<id>&format=ris              the letter in that format

Zotero asks the unAPI server first when a page links one (`<link rel="unapi-server">` and an
`<abbr class="unapi-id">` naming the letter), and takes the RIS: it carries the recipient,
the archive and the shelfmark, which COinS cannot.  The citation formats themselves are made
in citation.py.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from xml.sax.saxutils import quoteattr

from flask import Blueprint, Response, request, url_for

from . import citation
from .errors import api_error
from .letters import LetterNotFound, load_letter

bp = Blueprint("citations", __name__)

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
        "coins": coins(meta, item),
        "unapi_url": url_for("citations.unapi", _external=True),
    }


def highwire(meta: dict[str, Any], item: dict[str, Any], page: str) -> list[tuple[str, str]]:
    """Highwire Press `citation_*` tags and Dublin Core tags, which Zotero's page reader and
    Google Scholar read; `DC.type` "letter" is the item type Zotero gives what it saves
    (Highwire has no letter type of its own)."""
    tags = [("citation_title", item["title"])]
    for name in item.get("author", []):
        tags.append(("citation_author", _last_first(name)))
    issued = item.get("issued")
    if issued:
        parts = issued["date-parts"][0]
        tags.append(("citation_date", "/".join(f"{p:02d}" for p in parts)))
    tags.append(("citation_abstract_html_url", item["URL"]))
    tags.append(("citation_public_url", page))
    for code in meta.get("languages") or []:
        tags.append(("citation_language", code))
    if "abstract" in item:
        tags.append(("citation_abstract", item["abstract"]))
    tags.append(("DC.type", "letter"))
    for name in item.get("recipient", []):
        tags.append(("DC.contributor", _last_first(name)))
    tags.append(("DC.source", item["archive"]))
    if meta.get("rights"):
        tags.append(("DC.rights", citation.one_line(meta["rights"])))
    return tags


def _last_first(name: dict[str, str]) -> str:
    """"García Belaunde, José Antonio" (the comma tells readers where the family name ends);
    an organisation as it is."""
    if "literal" in name:
        return name["literal"]
    return ", ".join(citation.family_given(name))


def coins(meta: dict[str, Any], item: dict[str, Any]) -> str:
    """A COinS OpenURL ContextObject (Dublin Core, type "letter") for one-click saving.
    COinS has no field for a recipient or an archive location (and Zotero drops
    `rft.source` for letters): the unAPI RIS carries them."""
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
            family, given = citation.family_given(name)
            if i == 0:
                pairs += [("rft.aulast", family), ("rft.aufirst", given)]
            pairs.append(("rft.creator", f"{family}, {given}"))
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
    if meta.get("rights"):
        pairs.append(("rft.rights", citation.one_line(meta["rights"])))
    if "abstract" in item:
        pairs.append(("rft.description", item["abstract"]))
    return urlencode(pairs)


@bp.get("/letters/<letter_id>/citation.<ext>")
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


# -- unAPI ---------------------------------------------------------------------------------
# name -> (key of citation.render, media type, documentation); Zotero takes RIS first.
UNAPI_FORMATS = {
    "ris": (
        "ris",
        "application/x-research-info-systems",
        "https://en.wikipedia.org/wiki/RIS_(file_format)",
    ),
    "bibtex": ("bibtex", "application/x-bibtex", "https://www.bibtex.org/Format/"),
    "csl-json": (
        "csl-json",
        "application/vnd.citationstyles.csl+json",
        "https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html",
    ),
}
_ACCEPTED = "accepted: " + ", ".join(UNAPI_FORMATS)


def _text(status: int, message: str) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain")


def _formats_xml(letter_id: str | None) -> str:
    attr = f" id={quoteattr(letter_id)}" if letter_id else ""
    rows = "".join(
        f'  <format name="{name}" type="{mime}" docs="{docs}"/>\n'
        for name, (_, mime, docs) in UNAPI_FORMATS.items()
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<formats{attr}>\n{rows}</formats>\n'


@bp.get("/unapi")
def unapi():
    """unAPI: the formats (no id), a letter's formats (id: HTTP 300), a letter (id, format)."""
    letter_id, fmt = request.args.get("id"), request.args.get("format")
    if not letter_id:
        if fmt:
            return _text(400, f"unapi: format={fmt[:40]!r} needs an id (a letter id)")
        return Response(_formats_xml(None), mimetype="application/xml")
    try:
        meta = load_letter(letter_id)
    except LetterNotFound as exc:
        return _text(exc.status, f"unapi: id: {exc.message}")
    if not fmt:
        return Response(_formats_xml(meta["id"]), status=300, mimetype="application/xml")
    if fmt not in UNAPI_FORMATS:
        return _text(406, f"unapi: format {fmt[:40]!r} is not offered; {_ACCEPTED}")
    key, mime, _ = UNAPI_FORMATS[fmt]
    url = url_for("letters.letter", letter_id=meta["id"], _external=True)
    body = citation.render(meta, url)[key]
    response = Response(body, mimetype=mime)
    response.headers["Content-Type"] = f"{mime}; charset=utf-8"
    return response
