"""A letter as a BibTeX entry and as an RIS record, built from its CSL-JSON item
(`citation.csl_item`), so every format names the same people, dates and archive."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .citation import _clean, csl_item, family_given, full_name

__all__ = ["bibtex_entry", "ris_record"]


# -- BibTeX --------------------------------------------------------------------------------
_BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _bib(text: Any) -> str:
    """Text safe inside a BibTeX brace-delimited value (UTF-8 kept, for biber and bibtex8)."""
    return "".join(_BIBTEX_SPECIALS.get(c, c) for c in _clean(text))


def _bib_url(url: str) -> str:
    """A URL for the url field: % and # escaped; braces, backslash, space percent-encoded."""
    encode = {c: "%" + format(ord(c), "02X") for c in "{}\\ "}
    encode.update({"%": r"\%", "#": r"\#"})
    return "".join(encode.get(c, c) for c in _clean(url))


def _bib_name(name: dict[str, str]) -> str:
    if "literal" in name:
        return "{" + _bib(name["literal"]) + "}"  # braces: an organisation is one name
    family, given = family_given(name)
    return f"{_bib(family)}, {_bib(given)}"


def _iso_parts(parts: list[int]) -> str:
    return "-".join(f"{p:02d}" if i else f"{p:04d}" for i, p in enumerate(parts))


def bibtex_entry(meta: dict[str, Any], url: str, *, accessed: dt.date | None = None) -> str:
    """The letter as a BibTeX @misc entry (with biblatex's date fields), keyed by its id."""
    item = csl_item(meta, url, accessed=accessed)
    fields: list[tuple[str, str]] = []
    if "author" in item:
        fields.append(("author", " and ".join(_bib_name(n) for n in item["author"])))
    fields.append(("title", "{" + _bib(item["title"]) + "}"))  # inner braces keep its case
    howpublished = "Letter"
    if "recipient" in item:
        to = " and ".join(full_name(n) for n in item["recipient"])
        howpublished = f"Letter to {to}"
    fields.append(("howpublished", _bib(howpublished)))
    issued = item.get("issued")
    if issued:
        first = issued["date-parts"][0]
        fields.append(("year", str(first[0])))
        if len(first) > 1 and len(issued["date-parts"]) == 1:
            fields.append(("month", _MONTHS[first[1] - 1]))
        fields.append(("date", "/".join(_iso_parts(p) for p in issued["date-parts"])))
    if "publisher-place" in item:
        fields.append(("address", _bib(item["publisher-place"])))
    if "language" in item:
        fields.append(("language", _bib(item["language"])))
    note = ", ".join(filter(None, (item["archive"], item.get("archive_location"))))
    if issued and issued.get("circa"):
        note = "Date uncertain. " + note
    fields.append(("note", _bib(note)))
    fields.append(("url", _bib_url(item["URL"])))
    fields.append(("urldate", _iso_parts(item["accessed"]["date-parts"][0])))
    key = re.sub(r"[^A-Za-z0-9_:-]", "", meta["id"]) or "letter"
    body = ",\n".join(
        f"  {name} = {value}" if name in ("year", "month") else f"  {name} = {{{value}}}"
        for name, value in fields
    )
    return f"@misc{{{key},\n{body}\n}}\n"


# -- RIS -----------------------------------------------------------------------------------
def _ris(text: Any) -> str:
    """One RIS value: a single line (RIS has no escapes, so line breaks become spaces)."""
    return _clean(text)


def _ris_name(name: dict[str, str]) -> str:
    if "literal" in name:
        # Reference managers split RIS names at the first comma into family, given.
        return _ris(name["literal"]).replace(",", ";")
    family, given = family_given(name)
    return f"{_ris(family)}, {_ris(given)}"


def _ris_date(parts: list[int]) -> str:
    y, m, d = (parts + [0, 0])[:3]
    return f"{y:04d}/{m:02d}/{d:02d}/".replace("/00", "/")


def ris_record(meta: dict[str, Any], url: str, *, accessed: dt.date | None = None) -> str:
    """The letter as an RIS record, its tags chosen for Zotero's RIS import (RIS.js), which
    reads for a letter: TY PCOMM as the item type "letter", A2 as its recipient, DB as its
    archive, AN as its location in the archive (RIS calls AN the accession number; the
    shelfmark, never the letter id), M3 as the letter's type, AB as its abstract and CR as
    its rights (RIS has no rights tag of its own; Zotero imports CR as rights)."""
    item = csl_item(meta, url, accessed=accessed)
    lines = [("TY", "PCOMM")]
    lines += [("AU", _ris_name(n)) for n in item.get("author", [])]
    lines += [("A2", _ris_name(n)) for n in item.get("recipient", [])]
    lines.append(("TI", _ris(item["title"])))
    issued = item.get("issued")
    if issued:
        first = issued["date-parts"][0]
        lines.append(("PY", str(first[0])))
        lines.append(("DA", _ris_date(first)))
    lines.append(("M3", "Letter"))
    if "publisher-place" in item:
        lines.append(("CY", _ris(item["publisher-place"])))
    if "language" in item:
        lines.append(("LA", _ris(item["language"])))
    lines.append(("DB", _ris(item["archive"])))
    if "archive_location" in item:
        lines.append(("AN", _ris(item["archive_location"])))
    lines.append(("UR", _ris(item["URL"])))
    lines.append(("Y2", _ris_date(item["accessed"]["date-parts"][0])))
    if "abstract" in item:
        lines.append(("AB", _ris(item["abstract"])))
    if _clean(meta.get("rights")):
        lines.append(("CR", _ris(meta["rights"])))
    if issued and issued.get("circa"):
        lines.append(("N1", "Date uncertain"))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {value}".rstrip() + "\n" for tag, value in lines)
