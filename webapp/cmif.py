"""/cmif.xml: the whole published collection in CMIF (Correspondence Metadata Interchange
Format 1.1), the TEI file correspSearch harvests.

One `correspDesc` per published letter: its permanent URL as `@ref` (a catalogue record's:
the edition's URL, its number there as `@key`), sender and recipients as `persName` (or
`orgName`) with their authority `@ref` where the archive knows one, their places with
the place's ref, the date as `@when` or, for an interval, `@notBefore`/`@notAfter`.
An uncertain date has no `@cert` (the CMIF schema refuses it on `date`): its text says
the date with a "?" instead. `publicationStmt/idno` is this file's own URL (built on
BASE_URL like every permalink), `publicationStmt/date/@when` the last change to any
letter in the archive (the newest file time of the letter folders), also sent as
Last-Modified. Title, publisher, editor and licence come from the app's configuration
(CMIF_TITLE, CMIF_PUBLISHER, CMIF_EDITOR, CMIF_EMAIL, CMIF_LICENCE).
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from typing import Any

from flask import Blueprint, Response, current_app, url_for
from lxml import etree

from indexer.search import PER_PAGE_MAX, SearchRequest

from .db import get_archive, get_search
from .origin import ConfigError, absolute

bp = Blueprint("cmif", __name__)

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
LICENCES = {  # the two licences CMIF accepts, and the statement each asks for
    "https://creativecommons.org/licenses/by/4.0/": "This file is licensed under the terms "
    "of the Creative-Commons-License CC-BY 4.0",
    "https://creativecommons.org/publicdomain/zero/1.0/": "This file is dedicated to the "
    "public domain under the Creative Commons CC0 1.0 Universal Public Domain Dedication",
}


def _el(parent: Any, tag: str, text: str | None = None, **attrs: str | None) -> Any:
    """A TEI child element with the attributes that have a value."""
    el = etree.SubElement(parent, f"{{{TEI_NS}}}{tag}")
    for key, value in attrs.items():
        if value:
            el.set(XML_ID if key == "xml_id" else key, value)
    if text:
        el.text = text
    return el


def bibl_id(name: str) -> str:
    """A stable UUID for a bibl, as CMIF asks, that is also an XML name (starts with a
    letter, as `xml:id` must): the first of uuid5(name), uuid5(name#1), ... that does."""
    n = 0
    while True:
        candidate = str(uuid.uuid5(uuid.NAMESPACE_URL, name if n == 0 else f"{name}#{n}"))
        if candidate[0].isalpha():
            return candidate
        n += 1


def last_change() -> dt.datetime:
    """The newest file time among the letters' folders and files (a removed letter
    changes the time of the folder of letters)."""
    letters = get_archive().letters_dir
    newest = letters.stat().st_mtime if letters.is_dir() else 0.0
    for letter_id in get_archive().ids():
        with os.scandir(letters / letter_id) as entries:
            times = [e.stat(follow_symlinks=False).st_mtime for e in entries]
        newest = max([newest, (letters / letter_id).stat().st_mtime, *times])
    return dt.datetime.fromtimestamp(int(newest), dt.UTC)


def _published() -> list[dict[str, Any]]:
    """The stored metadata of every published letter, oldest first."""
    search = get_search()
    total = max(1, int(search.stats().get("letters") or 0))
    ordered = search.ordered(SearchRequest(sort="date"), total)
    metas = []
    for start in range(0, len(ordered.letters), PER_PAGE_MAX):
        batch = ordered.letters[start : start + PER_PAGE_MAX]
        metas.extend(hit.meta for hit in search.hits(batch, ordered.marks))
    return metas


def _names(action: Any, parties: list[dict[str, Any]]) -> None:
    """persName (or orgName for a body without a person's name), "Unknown" when none."""
    for party in parties or [{}]:
        if party.get("organisation") and not party.get("name"):
            _el(action, "orgName", party["organisation"], ref=party.get("ref"))
        else:
            name = party.get("name") or party.get("role") or "Unknown"
            _el(action, "persName", name, ref=party.get("ref"))
    place = next((p for p in parties if p.get("place")), None)
    if place:
        _el(action, "placeName", place["place"], ref=place.get("place_ref"))


def _date(action: Any, meta: dict[str, Any]) -> None:
    date = meta.get("date")
    if not date:
        return
    iso = date.rstrip("?")
    text = meta.get("date_as_written") or None
    if meta.get("date_uncertain"):  # no @cert on date in CMIF: the text says it
        text = f"{text or iso}?"
    if "/" in iso:
        start, end = iso.split("/", 1)
        _el(action, "date", text, notBefore=start, notAfter=end)
    else:
        _el(action, "date", text, when=iso)


def _edition_source(meta: dict[str, Any], own: str, editions: dict[str, Any]) -> str:
    """The bibl a letter's record comes from: the edition of a catalogue record, else this
    archive's own (`own`), as `#id`."""
    edition = meta.get("edition") or {}
    name = edition.get("title") or edition.get("url")
    if meta.get("pages") or not name:
        return f"#{own}"
    if name not in editions:
        editions[name] = (bibl_id(name), edition)
    return f"#{editions[name][0]}"


def _record(profile: Any, meta: dict[str, Any], own: str, editions: dict[str, Any]) -> None:
    edition = meta.get("edition") or {}
    catalogue = not meta.get("pages") and edition
    ref = edition.get("url") if catalogue else None
    desc = _el(
        profile,
        "correspDesc",
        ref=ref or url_for("letters.letter", letter_id=meta["id"], _external=True),
        source=_edition_source(meta, own, editions),
        key=edition.get("number") if catalogue else None,
    )
    sent = _el(desc, "correspAction", type="sent")
    _names(sent, [meta.get("sender") or {}])
    _date(sent, meta)
    received = _el(desc, "correspAction", type="received")
    _names(received, meta.get("recipients") or [])


def _header(root: Any, changed: dt.datetime) -> tuple[Any, Any]:
    """fileDesc (title, publisher, this file's URL and date, licence); the sourceDesc."""
    config = current_app.config
    home = url_for("search.home", _external=True)
    title = config.get("CMIF_TITLE") or f"Letters of the archive at {home}"
    file_desc = _el(_el(root, "teiHeader"), "fileDesc")
    title_stmt = _el(file_desc, "titleStmt")
    _el(title_stmt, "title", title)
    editor = _el(title_stmt, "editor", config.get("CMIF_EDITOR") or config.get("CMIF_PUBLISHER"))
    if config.get("CMIF_EMAIL"):
        _el(editor, "email", config["CMIF_EMAIL"])
    publication = _el(file_desc, "publicationStmt")
    publisher = _el(publication, "publisher")
    _el(publisher, "ref", config.get("CMIF_PUBLISHER") or home, target=home)
    _el(publication, "idno", absolute(url_for("cmif.cmif")), type="url")
    _el(publication, "date", when=changed.strftime("%Y-%m-%dT%H:%M:%SZ"))
    licence = config.get("CMIF_LICENCE") or next(iter(LICENCES))
    _el(_el(publication, "availability"), "licence", LICENCES[licence], target=licence)
    return _el(file_desc, "sourceDesc"), root[0]


def cmif_document(metas: list[dict[str, Any]], changed: dt.datetime) -> bytes:
    """The CMIF file of these letters, last changed at `changed`."""
    root = etree.Element(f"{{{TEI_NS}}}TEI", nsmap={None: TEI_NS})
    source_desc, header = _header(root, changed)
    home = url_for("search.home", _external=True)
    own = bibl_id(home)
    bibl = _el(source_desc, "bibl", f"{root.findtext('.//{*}title')}, ", type="online", xml_id=own)
    _el(bibl, "ref", home, target=home)
    profile = _el(header, "profileDesc")
    editions: dict[str, Any] = {}
    for meta in metas:
        _record(profile, meta, own, editions)
    for ident, edition in editions.values():
        kind = "online" if edition.get("url") else "print"
        _el(source_desc, "bibl", edition.get("title") or edition["url"], type=kind, xml_id=ident)
    _el(_el(_el(root, "text"), "body"), "p")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@bp.record_once
def _check_config(state: Any) -> None:
    licence = state.app.config.get("CMIF_LICENCE")
    if licence not in (None, "", *LICENCES):
        raise ConfigError(
            f"CMIF_LICENCE={licence!r} is not a licence CMIF accepts; accepted: "
            + ", ".join(LICENCES)
        )


@bp.get("/cmif.xml")
def cmif():
    """The published collection as one CMIF file."""
    changed = last_change()
    body = cmif_document(_published(), changed)
    response = Response(body, 200, content_type="application/tei+xml; charset=utf-8")
    response.last_modified = changed
    return response
