"""An edition's list of persons (a TEI `listPerson` file, such as the Escher edition's
people.xml): what its letters' `@key` and `@ref="…#id"` point at.

An entry gives a person's authority id (`idno`: a GND, VIAF or Wikidata URI, or a bare
number typed `gnd`, `viaf`, `wikidata`) and name parts (`forename`, `surname`). When such
a list comes in with TEI letters, each letter keeps only the entries it names, in a small
TEI file of its own beside it (`letter.persons.tei.xml`): the archive holds what the
reader needs, and a letter's folder stays whole without the edition's list.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException

from ... import authority
from ...errors import IngestError
from .teitext import TEI, XML_ID, local

LISTS_NAME = "letter.persons.tei.xml"
MAX_LIST_BYTES = 50 * 1024 * 1024
_IDNO = {
    "gnd": "https://d-nb.info/gnd/{}",
    "viaf": "https://viaf.org/viaf/{}",
    "wikidata": "https://www.wikidata.org/entity/{}",
}
_WORD = re.compile(r"^\S+$")


@dataclass(frozen=True)
class Person:
    """What a list says of one person."""

    ref: str | None
    family: str | None
    given: str | None


def _root(path: Path) -> Element:
    try:
        data = Path(path).read_bytes()[: MAX_LIST_BYTES + 1]
        if len(data) > MAX_LIST_BYTES:
            raise IngestError(f"{path.name}: a list of persons over 50 MB; accepted: at most 50 MB")
        return safe_xml.fromstring(data, forbid_dtd=False)
    except (DefusedXmlException, ParseError) as exc:
        raise IngestError(
            f"{path.name}: not a readable TEI list of persons ({exc}); accepted: well-formed "
            "TEI with a listPerson, without entity declarations"
        ) from None
    except OSError as exc:
        raise IngestError(f"{path.name}: cannot read the file ({exc.strerror or exc})") from None


def is_person_list(path: Path) -> bool:
    """Whether a TEI file is an edition's list (a listPerson or listPlace, no text), not a
    letter. Only persons are looked up; a list of places gives nothing yet."""
    try:
        root = _root(path)
    except IngestError:
        return False  # read as a letter, which says what is wrong with it
    lists = [root.find(f".//{TEI}{name}") for name in ("listPerson", "listPlace")]
    return root.find(f"{TEI}text") is None and any(x is not None for x in lists)


def _text(el: Element | None) -> str | None:
    return " ".join("".join(el.itertext()).split()) or None if el is not None else None


def _person(el: Element) -> Person:
    ref = None
    for idno in el.iter(f"{TEI}idno"):
        value, kind = _text(idno) or "", (idno.get("type") or "").lower()
        uri = _IDNO[kind].format(value) if kind in _IDNO and _WORD.match(value) else value
        found = authority.authority_of(authority.normalise_ref(uri))
        if found and found[0] in authority.PERSON_AUTHORITIES:
            ref = found[1]
            break
    name = el.find(f"{TEI}persName")
    if name is None:
        return Person(ref, None, None)
    return Person(ref, _text(name.find(f"{TEI}surname")), _text(name.find(f"{TEI}forename")))


def _keys(el: Element) -> set[str]:
    return {k for k in (el.get(XML_ID), el.get("n")) if k}


def named(letter: Element) -> set[str]:
    """The keys a letter's correspDesc points with: `@key`, and the `#id` of each `@ref`."""
    keys = set()
    for action in letter.iter(f"{TEI}correspAction"):
        for el in action:
            keys |= {el.get("key")} - {None}
            keys |= {ref.rpartition("#")[2] for ref in (el.get("ref") or "").split() if "#" in ref}
    return keys


def cut(letter: Path, lists: list[Path], names: list[str]) -> bytes | None:
    """The entries of `lists` (given as `names`) the letter names, as a TEI list of its
    own; None when it names none."""
    keys = named(_root(letter))
    found: list[Element] = []
    used = []
    for path, name in zip(lists, names, strict=True):
        entries = [copy.deepcopy(p) for p in _root(path).iter(f"{TEI}person") if _keys(p) & keys]
        found += entries
        used += [name] if entries else []
    if not found:
        return None
    ET.register_namespace("", TEI[1:-1])
    tei = Element(f"{TEI}TEI")
    header = ET.SubElement(ET.SubElement(tei, f"{TEI}teiHeader"), f"{TEI}fileDesc")
    title = ET.SubElement(ET.SubElement(header, f"{TEI}titleStmt"), f"{TEI}title")
    title.text = "Persons this letter names, from " + ", ".join(used)
    ET.SubElement(ET.SubElement(header, f"{TEI}publicationStmt"), f"{TEI}p").text = "-"
    ET.SubElement(ET.SubElement(header, f"{TEI}sourceDesc"), f"{TEI}p").text = title.text
    ET.SubElement(ET.SubElement(tei, f"{TEI}standOff"), f"{TEI}listPerson").extend(found)
    return ET.tostring(tei, encoding="utf-8", xml_declaration=True)


def read_persons(path: Path) -> dict[str, Person]:
    """Each entry of a list of persons under each of its keys (`xml:id`, `@n`)."""
    out: dict[str, Person] = {}
    for el in _root(path).iter(f"{TEI}person"):
        if local(el.tag) == "person":
            person = _person(el)
            out.update(dict.fromkeys(_keys(el), person))
    return out
