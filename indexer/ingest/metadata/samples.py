"""Real letters with what their editors know about them, for measuring extraction.

Each source gives its letters' text (read from the TEI body, never from its header) and,
apart, the truth: the date and the sender's country the edition gives, whether the text
states the full date in its own dateline, and whether the dateline or letterhead names the
sender's place. The truth comes from the edition (file names, `places.xml`, `correspDesc`,
the `dateline_check.tsv` files); extraction never sees it.
"""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .countries import country_code, fold

TEI = "{http://www.tei-c.org/ns/1.0}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Elements whose start and end break a line, as <lb/> does.
_BLOCKS = {"p", "div", "head", "opener", "closer", "dateline", "salute", "signed", "address",
           "postscript", "ab", "l"}  # fmt: skip
# Editorial additions, not the writer's words: expansions, corrections, regularisations, notes.
_EDITORIAL = {"note", "expan", "corr", "reg", "teiHeader", "facsimile", "standOff"}


@dataclass
class Sample:
    """One letter's text and what its edition says about it."""

    source: str
    name: str
    language: str | None
    pages: list[str]
    date: str | None  # the day the edition gives (YYYY-MM-DD), None when it is not a day
    full_date_stated: bool | None  # the text states the full date in its dateline (None: unknown)
    country: str | None  # the sender's country (ISO 3166-1 alpha-2) the edition gives
    place_named: bool | None  # the dateline or letterhead names the sender's place


def _local(el: ET.Element) -> str:
    return el.tag.removeprefix(TEI) if isinstance(el.tag, str) else ""


def tei_pages(root: ET.Element) -> list[str]:
    """The text of a TEI element as written, one line per manuscript line, split at <pb/>."""
    pages: list[list[str]] = [[]]

    def walk(el: ET.Element) -> None:
        tag = _local(el)
        if tag in _EDITORIAL:
            pages[-1].append(el.tail or "")
            return
        if tag == "pb" and "".join(pages[-1]).strip():
            pages.append([])
        if tag in _BLOCKS or (tag == "lb" and el.get("break") != "no"):
            pages[-1].append("\n")
        pages[-1].append(el.text or "")
        for child in el:
            walk(child)
        if tag in _BLOCKS:
            pages[-1].append("\n")
        pages[-1].append(el.tail or "")

    walk(root)
    out = []
    for parts in pages:
        lines = (re.sub(r"\s+", " ", line).strip() for line in "".join(parts).split("\n"))
        text = "\n".join(line for line in lines if line)
        if text:
            out.append(text)
    return out


def _body(path: Path) -> tuple[ET.Element, ET.Element | None]:
    root = ET.parse(path).getroot()
    return root, root.find(f"{TEI}text")


def _text_of(el: ET.Element | None) -> str:
    return " ".join(tei_pages(el)) if el is not None else ""


# Escher's places.xml marks a place abroad by a suffix such as "(D)" or "(Bonn, D)"; a Swiss
# place has none or a canton's or district's name. The suffixes are vehicle-style codes.
_ESCHER_ABROAD = {
    "D": "DE", "I": "IT", "F": "FR", "A": "AT", "UK": "GB", "Schweden": "SE", "USA": "US",
    "B": "BE", "PL": "PL", "RUS": "RU", "Niederlande": "NL", "UA": "UA", "RCH": "CL", "H": "HU",
    "GRE": "GR", "CZ": "CZ", "E": "ES", "TR": "TR", "RO": "RO", "POR": "PT", "HR": "HR",
    "SLO": "SI", "SK": "SK", "N": "NO", "IRQ": "IQ", "FL": "LI", "SYR": "SY", "SRB": "RS",
    "MEX": "MX", "LV": "LV", "FIN": "FI", "EC": "EC", "DZ": "DZ", "CN": "CN", "BRA": "BR",
    "ZA": "ZA", "YV": "VE", "TUN": "TN", "P": "PT", "MA": "MA", "LT": "LT", "L": "LU",
    "Japan": "JP", "IL": "IL", "ET": "EG", "EST": "EE", "DK": "DK", "CDN": "CA", "BG": "BG",
    "PE": "PE", "Preussen": "DE", "Bayern": "DE", "Hessen": "DE", "Georgien": "GE",
}  # fmt: skip
_AMBIGUOUS = {"F-I", "A-I", "F-UK", "AG-LU"}  # border regions: no one country


def _escher_places(path: Path) -> dict[str, str]:
    """Place name (as titles write it) -> country code, from Escher's places.xml."""
    out: dict[str, str] = {}
    for place in ET.parse(path).getroot().iter(f"{TEI}place"):
        n = place.get("n") or ""
        m = re.fullmatch(r"(.*?)\s*\(([^()]*)\)", n)
        name, suffix = (m[1], m[2].split(",")[-1].strip()) if m else (n, "")
        if suffix in _AMBIGUOUS:
            continue
        code = _ESCHER_ABROAD.get(suffix, "CH")
        out.setdefault(n.strip(), code)
        out.setdefault(name.strip(), code)
    return out


def _escher_title_place(title: str) -> str | None:
    """The sender's place in a title "A an B, Bern, Dienstag, 15. Juli 1834", or None."""
    _, _, rest = title.partition(", ")
    m = re.match(r"([^,(]*(?:\([^)]*\))?)", rest)
    place = m[1].strip() if m else ""
    return None if not place or place in ("s.l.", "s. l.") or place.startswith("[") else place


def _numbers(text: str) -> set[str]:
    return {n.lstrip("0") for n in re.findall(r"\d+", text)}


def escher(folder: Path) -> Iterator[Sample]:
    places = _escher_places(folder / "places.xml")
    for path in sorted((folder / "briefe").glob("*.xml")):
        root, body = _body(path)
        m = re.search(r"_(\d{4})-(\d\d)-(\d\d)\.xml$", path.name)
        day = m and "00" not in m.groups() and f"{m[1]}-{m[2]}-{m[3]}"
        datelines = " ".join(
            _text_of(el) for el in root.iter() if _local(el) == "dateline"
            or (_local(el) == "div" and el.get("type") == "dateline")
        )  # fmt: skip
        stated = None
        if day:
            year, d = int(m[1]), str(int(m[3]))
            years = {str(year), f"{year % 100}".lstrip("0"), f"{year % 1000}".lstrip("0")}
            nums = _numbers(datelines)
            stated = d in nums and bool(years & nums)
        title = root.findtext(f".//{TEI}titleStmt/{TEI}title") or ""
        place = _escher_title_place(title)
        country = places.get(place) if place else None
        if place and not country:
            country = places.get(place.split(" (")[0])
        named = None
        if place:
            key = fold(place.split(" (")[0].split()[0])
            named = key in fold(datelines)
        pages = tei_pages(body) if body is not None else []
        yield Sample("escher", path.stem, _language(root), pages, day or None, stated,
                     country, named)  # fmt: skip


def _language(root: ET.Element) -> str | None:
    """The language the edition declares for the letter's text, if it does."""
    for el in root.iter():
        if _local(el) in ("text", "body", "div") and el.get(XML_LANG):
            return el.get(XML_LANG)[:2]
    lang = root.find(f".//{TEI}langUsage/{TEI}language")
    return (lang.get("ident") or "")[:2] or None if lang is not None else None


def _sent(root: ET.Element) -> tuple[str | None, str | None]:
    """The day and the sender's country in the `correspDesc` of a TEI letter."""
    for action in root.iter(f"{TEI}correspAction"):
        if action.get("type") != "sent":
            continue
        when = action.find(f"{TEI}date")
        day = when.get("when") if when is not None else None
        day = day if day and re.fullmatch(r"\d{4}-\d\d-\d\d", day) else None
        place = action.find(f"{TEI}placeName")
        if place is None:
            place = action.find(f"{TEI}settlement")
        country = None
        if place is not None and place.text:
            country = country_code(place.text.split(",")[-1]) or _SETTLEMENTS.get(place.text)
        return day, country
    return None, None


# The senders' places of the dev editions by the names their `correspDesc` gives them.
_SETTLEMENTS = {"The Hague": "NL", "Strasbourg": "FR", "Genève": "CH", "Geneva": "CH",
                "Villefranche": "FR", "Amsterdam": "NL", "Paris": "FR", "Venice": "IT"}  # fmt: skip


def _check_rows(folder: Path) -> dict[str, list[str]]:
    path = folder / "dateline_check.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    return {row[0]: row for row in rows[1:] if row}


def _names_place(formula: str) -> bool:
    """Does a dating formula ("De Strasbourg, ce…", "Dall’Haya a’ 4…") begin with a place?"""
    words = re.findall(r"[^\W\d_]+", re.sub(r"^(?:De|Dall|Da|Aus|From)\W+", "", formula.strip()))
    return bool(words) and words[0][0].isupper() and fold(words[0]) not in ("ce", "le", "none")


def edition(folder: Path, source: str) -> Iterator[Sample]:
    """calvin_fr, suriano_it or israels_nl: every letter; what its text states is known for
    those its dateline_check.tsv lists."""
    checked = _check_rows(folder)
    for path in sorted((folder / "letters").rglob("*.xml")):
        rel = path.relative_to(folder / "letters").as_posix()
        row = checked.get(rel)
        root, body = _body(path)
        original = None if body is None else next(
            (d for d in body.iter(f"{TEI}div") if d.get("type") == "original"), None
        )  # fmt: skip
        # The Israëls letters carry the editors' English translation beside the original.
        pages = tei_pages(original if original is not None else body) if body is not None else []
        day, country = _sent(root)
        stated = named = None
        if row is not None:
            stated = row[3] == "yes"
            named = row[4].startswith("place") if source == "israels_nl" else _names_place(row[2])
        yield Sample(source, rel, _language(root), pages, day, stated, country, named)


# The seed letters' truth, checked by hand against their text (tests/test_metadata.py too).
_SEEDS = {
    "000-cover": ("2009-02-24", "PK"), "000-ministry": ("2009-02-16", "PK"),
    "001": ("2009-08-18", "RU"), "003": ("2007-04-10", "PE"), "004": ("2008-10-10", "GB"),
}  # fmt: skip


def seeds(folder: Path) -> Iterator[Sample]:
    """The seed letters; the first file holds two letters (a cover letter and its enclosure)."""
    for path in sorted(folder.glob("*.txt")):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        cut = next((i for i, line in enumerate(lines) if line.startswith("## MINISTRY")), None)
        parts = {path.stem[:3]: lines} if cut is None else {
            path.stem[:3] + "-cover": lines[:cut], path.stem[:3] + "-ministry": lines[cut:]
        }  # fmt: skip
        for key, part in parts.items():
            day, country = _SEEDS.get(key, (None, None))
            yield Sample("seeds", key, "en", ["".join(part)], day, True, country, True)


def all_samples(corpus: Path, seed_folder: Path | None) -> Iterator[Sample]:
    """Every source found under `corpus` (the shared corpus folder) and the seeds."""
    letters = corpus / "letters"
    if (letters / "escher_sample").is_dir():
        yield from escher(letters / "escher_sample")
    for source in ("calvin_fr", "suriano_it", "israels_nl"):
        if (letters / source / "dateline_check.tsv").is_file():
            yield from edition(letters / source, source)
    if seed_folder is not None and seed_folder.is_dir():
        yield from seeds(seed_folder)
