"""TEI letters: one TEI P5 file is one letter, its header the metadata, its text the pages.

Parsed with defusedxml: a file declaring entities or pointing at external ones is
refused (no entity-expansion bombs, no file or network reads); a DOCTYPE alone is fine.
The header gives, as the TEI states them: `correspDesc/correspAction` (sent, received)
with `persName`/`orgName`/`name`/`rs` and `placeName`/`settlement` and their `@ref`
authority URIs, the `date` (`@when`, `@notBefore`/`@notAfter`, `@from`/`@to`, `@cert`),
the title, `langUsage` or `@xml:lang`, the manuscript's repository and `idno`, and the
licence. The text's pages: `teitext.read_pages`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException

from ... import authority
from ...errors import IngestError
from ...records import DateValue, Party, RecordError
from .teilists import Person
from .teitext import TEI, TeiPage, _Sink, local, read_pages

TEI_NAME = "letter.tei.xml"  # a TEI letter's file in its archive folder
MAX_TEI_BYTES = 20 * 1024 * 1024
ACCEPTED_TEI = (
    "a TEI P5 letter: UTF-8 XML whose root is <TEI> in the TEI namespace, with a <text>, "
    "without entity declarations"
)
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_NS = b"http://www.tei-c.org/ns/1.0"
_ISO = re.compile(r"^(-?\d{4})(-\d{2}(-\d{2})?)?")
_DOUBT = {"low", "medium", "unknown"}
_PERSONS = {"persName", "orgName", "name", "rs"}
_PLACES = {"placeName", "settlement"}
_ROLES = {"sender": "sender", "addressee": "recipient", "recipient": "recipient"}
# "X an Y", "X to Y", "X à Y", "X aan Y", "X a Y", "X al Y": the title names the sender first.
_TITLE = re.compile(r"^(?P<x>.+?)\s+(?:an|to|à|aan|a|al|ad)\s+(?P<y>.+?)(?:[,.;:]\s|\s\(|$)")


@dataclass
class TeiLetter:
    """What one TEI file says of its letter; None/empty where it says nothing."""

    title: str | None = None
    date: DateValue | None = None
    date_as_written: str | None = None
    sender: Party = field(default_factory=Party)
    recipients: list[Party] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    collection: str | None = None
    idno: str | None = None
    shelfmark: str | None = None  # the manuscript's idno (a shelfmark first), not an edition's
    rights: str | None = None
    pages: list[TeiPage] = field(default_factory=list)
    swapped: bool = False  # the correspDesc's roles contradicted the title, which won
    # Fields of the sender and first recipient taken from a list of persons (teilists).
    listed: dict[str, set[str]] = field(default_factory=dict)


def is_tei(head: bytes) -> bool:
    """Whether the first bytes of a file look like a TEI document (root <TEI>, TEI namespace)."""
    return b"<TEI" in head and _NS in head


def _bad(path: Path, what: str) -> IngestError:
    return IngestError(f"{path.name}: {what}; accepted: {ACCEPTED_TEI}")


def _parse(path: Path) -> Element:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_TEI_BYTES + 1)
    except OSError as exc:
        raise IngestError(f"{path.name}: cannot read the file ({exc.strerror or exc})") from None
    if len(data) > MAX_TEI_BYTES:
        raise _bad(path, f"the file is over {MAX_TEI_BYTES // (1024 * 1024)} MB")
    try:
        root = safe_xml.fromstring(data, forbid_dtd=False)
    except DefusedXmlException as exc:
        raise _bad(path, f"refused: {exc}") from None
    except ParseError as exc:
        raise _bad(path, f"not well-formed XML ({exc})") from None
    if root.tag != f"{TEI}TEI":
        raise _bad(path, f"the root element is <{root.tag.replace('{', '').replace('}', ':')}>")
    if root.find(f"{TEI}text") is None:
        raise _bad(path, "the TEI has no <text>")
    descs = root.findall(f"{TEI}teiHeader/{TEI}profileDesc/{TEI}correspDesc")
    if len(descs) > 1:
        what = f"its header holds {len(descs)} correspDesc: a catalogue (CMIF), not one letter"
        raise _bad(path, what)
    return root


def plain(el: Element | None) -> str:
    """An element's words as shown: the reading side of each choice, no notes."""
    if el is None:
        return ""
    sink = _Sink()

    def walk(node: Element) -> None:
        sink.data(node.text)
        kids = [c for c in node if local(c.tag)]
        if local(node.tag) == "choice" and kids:
            kids = [next((c for c in kids if local(c.tag) in ("reg", "expan", "corr")), kids[0])]
        for child in kids:
            if local(child.tag) not in ("note", "lb", "pb"):
                walk(child)
            else:
                sink.data(" ")
            sink.data(child.tail)

    walk(el)
    return " ".join(sink.render().split())


def _ref(el: Element, kinds: tuple[str, ...]) -> str | None:
    for ref in authority.normalise_refs(el.get("ref")):
        found = authority.authority_of(ref)
        if found and found[0] in kinds:
            return ref
    return None


def _party(el: Element, persons: dict[str, Person]) -> tuple[Party, set[str]]:
    """A party and which of its fields the list of persons gave."""
    name = plain(el)
    kind = (el.get("type") or "").lower()
    org = local(el.tag) == "orgName" or kind.startswith(("org", "coll", "corp", "inst"))
    party = Party(organisation=name) if org else Party(name=name)
    party.ref = _ref(el, authority.PERSON_AUTHORITIES)
    party.family = plain(el.find(f"{TEI}surname")) or None
    party.given = plain(el.find(f"{TEI}forename")) or None
    fragments = [r.rpartition("#")[2] for r in (el.get("ref") or "").split() if "#" in r]
    keys = [el.get("key"), *fragments]
    entry = next((persons[k] for k in keys if k in persons), None)
    listed = set()
    for key in ("ref", "family", "given") if entry is not None else ():
        if not getattr(party, key) and getattr(entry, key):
            setattr(party, key, getattr(entry, key))
            listed.add(key)
    return party, listed


def _date(path: Path, el: Element) -> tuple[DateValue | None, str | None]:
    def day(attr: str) -> str | None:
        m = _ISO.match((el.get(attr) or "").strip())
        return m[0] if m and not m[0].startswith("-") else None

    written = plain(el) or None
    when, first, last = day("when"), day("notBefore") or day("from"), day("notAfter") or day("to")
    iso = when or (f"{first}/{last}" if first and last else None)
    if iso is None:
        return None, written
    doubt = (el.get("cert") or "").lower() in _DOUBT or "?" in (written or "")
    try:
        return DateValue.parse(iso + ("?" if doubt else "")), written
    except RecordError as exc:
        raise IngestError(
            f"{path.name}: correspAction/date: {exc}; accepted: @when, @notBefore/@notAfter "
            "or @from/@to as ISO dates (YYYY, YYYY-MM, YYYY-MM-DD)"
        ) from None


def _same(name: str, part: str) -> bool:
    a, b = " ".join(name.casefold().split()), " ".join(part.casefold().split())
    return bool(a and b) and (a in b or b in a)


def _title_disagrees(title: str | None, sender: Party, recipient: Party) -> bool:
    """Whether the title ("X an Y", "X to Y") names the correspDesc's recipient as sender
    and its sender as recipient."""
    m = _TITLE.match(title or "")
    if not m or not sender.label() or not recipient.label():
        return False
    x, y = m["x"], m["y"]
    s, r = sender.label(), recipient.label()
    return _same(s, y) and _same(r, x) and not _same(s, x) and not _same(r, y)


def _swap(a: Party, b: Party) -> None:
    for key in ("name", "organisation", "role", "ref", "family", "given"):
        va, vb = getattr(a, key), getattr(b, key)
        setattr(a, key, vb)
        setattr(b, key, va)


def _correspondence(
    path: Path, header: Element, out: TeiLetter, persons: dict[str, Person]
) -> None:
    parties: dict[str, list[Party]] = {"sender": [], "recipient": []}
    listed: dict[int, set[str]] = {}
    places: dict[str, tuple[str, str | None]] = {}
    for action in header.iter(f"{TEI}correspAction"):
        default = "recipient" if action.get("type") == "received" else "sender"
        if action.get("type") not in ("sent", "received"):
            continue
        for el in action:
            name = local(el.tag)
            if name in _PERSONS and plain(el):
                role = _ROLES.get((el.get("type") or "").lower(), default)
                party, from_list = _party(el, persons)
                listed[id(party)] = from_list  # parties live till the end: ids stay theirs
                parties[role].append(party)
            elif name in _PLACES and plain(el) and default not in places:
                places[default] = (plain(el), _ref(el, authority.PLACE_AUTHORITIES))
            elif name == "date" and out.date is None and out.date_as_written is None:
                out.date, out.date_as_written = _date(path, el)
    senders, recipients = parties["sender"], parties["recipient"]
    out.sender = senders[0] if senders else Party()
    for extra in senders[1:]:  # a person and the body they wrote for
        if not out.sender.organisation and extra.organisation and not extra.name:
            out.sender.organisation = extra.organisation
    out.recipients = recipients
    out.listed = {"sender": listed.get(id(out.sender), set())}
    out.listed["recipient"] = listed.get(id(recipients[0]), set()) if recipients else set()
    if recipients and _title_disagrees(out.title, out.sender, recipients[0]):
        _swap(out.sender, recipients[0])
        out.swapped = True
        out.listed = {"sender": out.listed["recipient"], "recipient": out.listed["sender"]}
    for role, (place, ref) in places.items():
        party = out.sender if role == "sender" else (out.recipients or [Party()])[0]
        if not out.recipients and role == "recipient":
            out.recipients.append(party)
        party.place, party.place_ref = place, ref


def _languages(root: Element) -> list[str]:
    import pycountry

    codes = [el.get("ident", "") for el in root.iter(f"{TEI}language")]
    if not any(codes):
        text = root.find(f"{TEI}text")
        first = next((el for el in text.iter() if el.get(XML_LANG)), None) if text else None
        codes = [root.get(XML_LANG) or (first.get(XML_LANG) if first is not None else "")]
    out = []
    for code in codes:
        primary = code.split("-")[0].lower()
        if len(primary) == 3:
            found = pycountry.languages.get(alpha_3=primary)
            primary = getattr(found, "alpha_2", "") if found else ""
        if len(primary) == 2 and primary.isalpha() and primary not in out:
            out.append(primary)
    return out


def _source(header: Element, out: TeiLetter) -> None:
    ms = header.find(f".//{TEI}msIdentifier")
    if ms is not None:
        keepers = [plain(ms.find(f"{TEI}{n}")) for n in ("institution", "repository")]
        where = [k for k in keepers if k] + [plain(ms.find(f"{TEI}collection"))]
        out.collection = ", ".join(w for w in where if w) or None
        idnos = [el for el in ms.iter(f"{TEI}idno") if plain(el)]
        shelf = next((el for el in idnos if el.get("type") in ("shelf", "shelfmark")), None)
        out.idno = plain(shelf if shelf is not None else (idnos or [None])[0]) or None
        out.shelfmark = out.idno
    if out.idno is None:
        pub = header.find(f".//{TEI}publicationStmt/{TEI}idno")
        out.idno = plain(pub) or None
    licence = header.find(f".//{TEI}availability/{TEI}licence")
    if licence is not None:
        target = (licence.get("target") or "").split()
        out.rights = plain(licence) or (target[0] if target else None)
    elif (avail := header.find(f".//{TEI}availability")) is not None:
        out.rights = plain(avail) or None


def read_tei(path: Path, persons: dict[str, Person] | None = None) -> TeiLetter:
    """Read one TEI letter; IngestError (one line naming the file) when it is not one.
    `persons`: a list of persons (teilists.read_persons) its `@key`s and `@ref`s point into."""
    path = Path(path)
    root = _parse(path)
    header = root.find(f"{TEI}teiHeader")
    out = TeiLetter()
    if header is not None:
        title = header.find(f"{TEI}fileDesc/{TEI}titleStmt/{TEI}title")
        out.title = plain(title) or None
        _correspondence(path, header, out, persons or {})
        _source(header, out)
    out.languages = _languages(root)
    out.pages = read_pages(root)
    return out
