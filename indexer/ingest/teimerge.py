"""A TEI letter's folder read into a Letter: what `letter.tei.xml` gives, under what
`letter.json` gives (the archivist's values win field by field).

Values from the TEI header carry the provenance source "tei" ("given in the TEI"): they
are the edition's, not read from the text by Missive. Pages come from the TEI's `pb`; a
page image is the file in the folder its `pb/@facs` names (with or without its
extension). The persons its `@key`/`@ref` name are looked up in `letter.persons.tei.xml`
(teilists) when the letter came with its edition's list of persons. A `page-NNN.txt`
beside it (an archivist's correction) replaces that page's text, and `page-NNN` word
boxes are read as for any letter.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from ..records import Letter, Page, Party, Provenance
from . import extract
from .extract.tei import TEI_NAME, TeiLetter, read_tei
from .extract.teilists import LISTS_NAME, read_persons
from .extract.text import read_text
from .extract.words import read_words


def has_tei(folder: Path) -> bool:
    """Whether a letter's folder holds a TEI letter."""
    return (folder / TEI_NAME).is_file()


def _given(letter: Letter, key: str, value: object, method: str = "teiHeader") -> None:
    """Set one value from the TEI unless letter.json gave it."""
    if not value or key in letter.provenance:
        return
    target, _, attr = key.rpartition(".")
    obj = {"": letter, "sender": letter.sender}.get(target) or letter.recipients[0]
    setattr(obj, attr or key, value)
    letter.provenance[key] = Provenance(source="tei", method=method)


def _merge_party(letter: Letter, role: str, party: Party, tei: TeiLetter) -> None:
    for key in (f.name for f in fields(Party)):
        method = "title" if tei.swapped and key not in ("place", "place_ref", "country") else None
        if key in tei.listed.get(role, ()):
            method = "listPerson"  # from the edition's list of persons the TEI points into
        _given(letter, f"{role}.{key}", getattr(party, key), method or "correspDesc")


def merge_header(letter: Letter, tei: TeiLetter) -> None:
    """Fill what letter.json left out from the TEI header."""
    _given(letter, "title", tei.title, "titleStmt")
    _given(letter, "date", tei.date, "correspDesc")
    if "date" not in letter.provenance or letter.provenance["date"].source == "tei":
        _given(letter, "date_as_written", tei.date_as_written, "correspDesc")
    _merge_party(letter, "sender", tei.sender, tei)
    if tei.recipients:
        if not letter.recipients:
            letter.recipients.append(Party())
        _merge_party(letter, "recipient", tei.recipients[0], tei)
        if len(letter.recipients) == 1:
            letter.recipients.extend(tei.recipients[1:])
    _given(letter, "languages", tei.languages, "langUsage")
    _given(letter, "collection", tei.collection, "msIdentifier")
    _given(letter, "shelfmark", tei.shelfmark, "msIdentifier")
    _given(letter, "rights", tei.rights, "licence")
    _given(letter, "notes", f"Identifier: {tei.idno}" if tei.idno else None, "idno")


def _image(folder: Path, name: str | None) -> Path | None:
    """The page image `pb/@facs` names: the file of that name, else of that name plus an
    extension; only a file that is a page image by its content."""
    if not name or name in (TEI_NAME, ".", ".."):
        return None
    candidates = [folder / name] + sorted(folder.glob(f"{name}.*"))
    for path in candidates:
        if path.is_file() and path.parent == folder and extract.sniff(path) == "image":
            return path
    return None


def tei_pages(folder: Path, tei: TeiLetter, extras: dict[int, dict[str, Path]]) -> list[Page]:
    """The TEI's pages as records.Page, with their images and an archivist's corrections."""
    pages = []
    for n, tp in enumerate(tei.pages, start=1):
        text = tp.text.render()
        page = Page(n, text, "transcript" if text else "none", label=tp.label)
        page.readings = tp.readings.render()
        page.notes = "\n\n".join(tp.notes)
        image = _image(folder, tp.facs)
        if image is not None:
            first = extract.read_source(image)[0]
            page.image, page.width, page.height = image.name, first.width, first.height
        files = extras.get(n, {})
        if "txt" in files:  # a page's text corrected in Missive replaces the TEI's
            page.text = read_text(files["txt"])
            page.origin = "transcript" if page.text.strip() else "none"
            page.transcript = files["txt"].name
        if "words" in files:
            page.words = read_words(files["words"], width=page.width, height=page.height)
        pages.append(page)
    return pages


def read_tei_folder(folder: Path, letter: Letter, extras: dict[int, dict[str, Path]]) -> None:
    """Fill `letter` (already holding letter.json's values) from the folder's TEI file."""
    lists = folder / LISTS_NAME
    tei = read_tei(folder / TEI_NAME, read_persons(lists) if lists.is_file() else None)
    merge_header(letter, tei)
    letter.pages = tei_pages(folder, tei, extras)
