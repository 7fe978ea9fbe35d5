"""A letter as the public may see it: looked up by id and page, its metadata marked with
where each value came from, its related letters, and its word boxes.

Shared by the letter pages (letter_view.py), the letters API (letters_api.py), the
citation files (citation_tags.py), page images (images.py) and the archivists' desk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app, url_for

from indexer.archive import is_id
from indexer.authority import authority_of
from indexer.errors import MissiveError
from indexer.ingest.metadata.countries import country_name
from indexer.ingest.metadata.language import language_name
from indexer.records import RELATIONS
from webapp.pages import page_words

from .db import get_archive, get_search

PARTY_FIELDS = ("name", "role", "organisation", "place", "country")
# How each page's text came to be, as the reader is told.
ORIGIN_NOTES = {
    "transcript": "Transcript",
    "htr": "No transcript; text from the PAGE XML or ALTO file given with the scan "
    "(read by an HTR or OCR tool; may be uncorrected)",
    "pdf-text": "Text from the PDF's text layer",
    "ocr": "No transcript; text from OCR (uncorrected, may contain errors)",
    "none": "No text",
}
# How a related letter the public may not read is described (drafts look like absent ones).
RELATED_HIDDEN = {"withdrawn": "withdrawn"}


class LetterNotFound(Exception):
    """A letter or page that does not exist: status and a message for the reader."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


# -- lookups -------------------------------------------------------------------------------
def load_letter(letter_id: str) -> dict[str, Any]:
    """The stored metadata of a letter; LetterNotFound for a bad or unknown id."""
    if not is_id(letter_id):
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
    # The authority record of the person or place: {"name": "GND", "url": ...}.
    authority: dict[str, str] | None = None

    @property
    def display(self) -> str:
        if self.key.endswith("ref"):  # a record with no name beside it: the link says it all
            return ""
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
    "ref": "Authority record",
    "place_ref": "Place record",
    "languages": "Languages",
    "collection": "Collection",
    "shelfmark": "Shelfmark",
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
        _link_records(rows, party, group if not first else role, meta if first else {})
        if rows:
            groups[group] = rows
    archive_rows = []
    for key in ("collection", "shelfmark", "rights", "notes"):
        if meta.get(key):
            archive_rows.append(Field(key, _LABELS[key], meta[key], _mark(meta, key)))
    if archive_rows:
        groups["archive"] = archive_rows
    return groups


def _record(ref: Any) -> dict[str, str] | None:
    found = authority_of(ref) if isinstance(ref, str) else None
    return {"name": found[0], "url": found[1]} if found else None


def _link_records(rows: list[Field], party: dict[str, Any], prefix: str, meta: dict) -> None:
    """Link the party's authority record from its name (else organisation or role) and its
    place's from the place; a record with no such row to go on gets a row of its own."""
    prefix = prefix.replace(" ", "")
    for ref_key, on in (("ref", ("name", "organisation", "role")), ("place_ref", ("place",))):
        record = _record(party.get(ref_key))
        if record is None:
            continue
        row = next((f for key in on for f in rows if f.key == f"{prefix}.{key}"), None)
        if row is None:
            key = f"{prefix}.{ref_key}"
            mark = _mark(meta, key) if meta else {"source": "archivist"}
            row = Field(key, _LABELS[ref_key], record["url"], mark)
            rows.append(row)
        row.authority = record


def line_url(letter_id: str, mark: dict[str, Any], external: bool = False) -> str | None:
    """The link to the line an extracted value was read from; None for any other value."""
    if mark.get("source") != "extracted" or not mark.get("page") or not mark.get("line_no"):
        return None
    return url_for(
        "letters.page",
        letter_id=letter_id,
        n=mark["page"],
        _anchor=f"L{mark['line_no']}",
        _external=external,
    )


# -- related letters, word boxes -----------------------------------------------------------
def related_letters(meta: dict[str, Any]) -> list[dict[str, Any]]:
    """The letter's related letters as the public may see them: a published one by id,
    title and date; any other named by nothing (no id, title, date or link), only as
    "withdrawn" or "unavailable" (a draft and a letter not in the archive look the same)."""
    out = []
    search = get_search()
    for rel in meta.get("related") or []:
        rid = rel.get("id", "")
        other = search.get(rid) if is_id(rid) else None
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
