"""CMIF catalogues in: each `correspDesc` of a Correspondence Metadata Interchange Format
file (the TEI subset correspSearch harvests) becomes one catalogue letter.

A catalogue letter's folder holds only `letter.json`: sender and recipients with their
names, authority refs, places and place refs, the date (`@when`; `@notBefore`/`@notAfter`
and `@from`/`@to` as an interval; the date's own text as written), and `edition`, where
the edition has the letter (`correspDesc/@ref`, else the URL of the `bibl` its `@source`
names) with the edition's title and the letter's number in it (`@key`). It has no pages:
its text is in the edition. Ids are made the way `add` makes them (date, then sender).

`is_cmif` tells a CMIF file from a TEI letter: TEI whose header holds several
`correspDesc`, or one and no words in its text. Importing the same file again adds only
the records not yet in the archive (a record is there when a letter's `letter.json` is
the same). Authority refs Missive does not know (LC, BnF, ...) are left out, and so is a
date that is not a CMIF date; each such value is reported in one line.
"""

from __future__ import annotations

import json
import re
import secrets
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml import etree

from .. import authority
from ..archive import STAGING, WRITE_TIMEOUT, Archive, IndexBusy, write_atomic
from ..archive.sidecar import SIDECAR, load_sidecar
from ..engines import Engine, IndexMissing
from ..errors import IngestError, MissiveError
from ..records import DateValue, Letter, RecordError
from .commit import suggest_id
from .extract import reason

if TYPE_CHECKING:
    from .reader import Reader

TEI_NS = "http://www.tei-c.org/ns/1.0"
_NS = {"t": TEI_NS}
_XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
MAX_CMIF_BYTES = 100 * 1024 * 1024  # the largest published CMIF files are a few MB
ACCEPTED = "a CMIF file (TEI with correspDesc elements in teiHeader/profileDesc)"
_DESC_TAG = re.compile(rb"<(?:[\w.-]+:)?correspDesc[\s>/]")
_URL = re.compile(r"https?://[^\s<>\"]+")
_UNKNOWN = {"unknown", "unbekannt", "inconnu", "[unknown]", "n.n.", "nn"}
_DOUBT = {"low", "medium", "unknown"}  # TEI @cert values that make a date uncertain


@dataclass
class Imported:
    """What one import did: the letters added, the records already there, and the values
    left out (one line each)."""

    letters: list[Letter] = field(default_factory=list)
    already: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self, name: str) -> str:
        added = f"{len(self.letters)} catalogue letters added"
        return f"{name}: {added}, {self.already} already in the archive"


def _parser() -> etree.XMLParser:
    # No entities, no DTD, no network: a catalogue is data, never a way to read files.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _read(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_CMIF_BYTES:
            raise IngestError(
                f"{path.name}: a CMIF file of {size:,} bytes; accepted: at most "
                f"{MAX_CMIF_BYTES // (1024 * 1024)} MB"
            )
        return path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{path.name}: cannot be read ({reason(exc)})") from None


def _descs(root: Any) -> list[Any]:
    return root.findall("t:teiHeader/t:profileDesc/t:correspDesc", _NS)


def is_cmif(path: Path) -> bool:
    """True when `path` is a CMIF catalogue (also a broken one that says it is), not one
    TEI letter: several correspDesc in the header, or one and no words in the text."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(64 * 1024)
    except OSError:
        return False
    if TEI_NS.encode() not in head or path.stat().st_size > MAX_CMIF_BYTES:
        return False
    raw = path.read_bytes()
    try:
        root = etree.fromstring(raw, _parser())
    except etree.XMLSyntaxError:
        return len(_DESC_TAG.findall(raw, 0, 4 * 1024 * 1024)) >= 2
    if root.tag != f"{{{TEI_NS}}}TEI":
        return False
    count = len(_descs(root))
    body = root.find("t:text", _NS)
    words = "".join(body.itertext()).strip() if body is not None else ""
    return count >= 2 or (count == 1 and not words)


def _text(el: Any) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def _bibls(root: Any) -> dict[str, tuple[str | None, str | None]]:
    """The editions the records name, by `#xml:id`: (url, title)."""
    out = {}
    for bibl in root.iterfind(".//t:sourceDesc/t:bibl", _NS):
        refs = [r.get("target") for r in bibl.iterfind(".//t:ref", _NS) if r.get("target")]
        parts = [bibl.text or ""]
        for child in bibl:
            shown = _text(child)
            if not (child.tag == f"{{{TEI_NS}}}ref" and shown == child.get("target")):
                parts.append(shown)  # a ref that only repeats its URL is the URL, not title
            parts.append(child.tail or "")
        title = " ".join(_URL.sub("", " ".join(parts)).split()).replace(" ,", ",")
        title = title.strip(" ,;") or None
        urls = [u for u in refs if _URL.fullmatch(u)] or _URL.findall(_text(bibl))
        out[f"#{bibl.get(_XML_ID)}"] = (urls[0].rstrip(".,;)") if urls else None, title)
    return out


def _ref(raw: str | None, kinds: tuple[str, ...], where: str, notes: list[str]) -> str | None:
    for part in (raw or "").split():
        found = authority.authority_of(part)
        if found and found[0] in kinds:
            return found[1]
    if raw:
        notes.append(f"{where}: ref {raw!r} left out; accepted: {authority.accepted(kinds)}")
    return None


def _parties(action: Any, where: str, notes: list[str]) -> list[dict[str, str]]:
    """The persons and bodies of one correspAction, each with the action's place."""
    place_el = action.find("t:placeName", _NS)
    place: dict[str, str] = {}
    if place_el is not None and _text(place_el):
        place["place"] = _text(place_el)
        ref = _ref(place_el.get("ref"), authority.PLACE_AUTHORITIES, where, notes)
        if ref:
            place["place_ref"] = ref
    parties = []
    for el in action:
        if el.tag not in (f"{{{TEI_NS}}}persName", f"{{{TEI_NS}}}orgName"):
            continue
        party: dict[str, str] = {}
        name = _text(el)
        if name and name.lower() not in _UNKNOWN:
            party["name" if el.tag.endswith("persName") else "organisation"] = name
            parts = re.fullmatch(r"([^,]+),\s*([^,]+)", name)
            if parts and el.tag.endswith("persName"):  # "Weber, Carl Maria von"
                party["family"], party["given"] = parts[1].strip(), parts[2].strip()
        ref = _ref(el.get("ref"), authority.PERSON_AUTHORITIES, where, notes)
        if ref:
            party["ref"] = ref
        parties.append({**party, **place})
    return parties or ([place] if place else [])


def _date(el: Any, where: str, notes: list[str]) -> dict[str, str]:
    """The sidecar's `date` and `date_as_written` from a CMIF date element."""
    if el is None:
        return {}
    get = el.get
    text = _text(el)
    if get("when"):
        iso, written = get("when"), text
    elif get("notBefore") and get("notAfter"):
        iso, written = f"{get('notBefore')}/{get('notAfter')}", text
    elif get("from") and get("to"):
        iso, written = f"{get('from')}/{get('to')}", text
    else:  # half open: kept as written, never guessed into a day
        after, before = get("notBefore") or get("from"), get("notAfter") or get("to")
        bound = f"not before {after}" if after else f"not after {before}" if before else ""
        iso, written = None, text or bound
    out = {"date_as_written": written} if written else {}
    if iso:
        doubt = "?" if (get("cert") or "").lower() in _DOUBT else ""
        try:
            out["date"] = str(DateValue.parse(iso + doubt))
        except RecordError as exc:
            notes.append(f"{where}: date left out: {exc}")
            out.setdefault("date_as_written", iso)
    return out


def _record(desc: Any, n: int, bibls: dict, collection: str | None, notes: list[str]) -> dict:
    """One correspDesc as the `letter.json` of a catalogue letter."""
    where = f"correspDesc {n}"
    actions = desc.findall("t:correspAction", _NS)
    sent = [a for a in actions if a.get("type") == "sent"]
    received = [a for a in actions if a.get("type") == "received"]
    senders = [p for a in sent for p in _parties(a, where, notes)]
    recipients = [p for a in received for p in _parties(a, where, notes)]
    data: dict[str, Any] = {}
    if sent:
        data.update(_date(sent[0].find("t:date", _NS), where, notes))
    if senders:
        data["sender"] = senders[0]
    if len(senders) > 1:  # a letter has one sender record: the others are named in notes
        names = [p.get("name") or p.get("organisation") or "unknown" for p in senders[1:]]
        data["notes"] = "Also from: " + "; ".join(names)
    if recipients:
        data["recipient"] = recipients
    if collection:
        data["collection"] = collection
    bibl_url, bibl_title = bibls.get(desc.get("source") or "", (None, None))
    own = next((u for u in (desc.get("ref") or "").split() if _URL.fullmatch(u)), None)
    edition = {"url": own or bibl_url, "title": bibl_title or collection, "number": desc.get("key")}
    data["edition"] = {k: v for k, v in edition.items() if v}
    return data


def read_cmif(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """The `letter.json` of each record of a CMIF file, and the values left out; one-line
    IngestError naming the file when it is not CMIF or not well-formed."""
    try:
        root = etree.fromstring(_read(path), _parser())
    except etree.XMLSyntaxError as exc:
        raise IngestError(
            f"{path.name}: not well-formed XML (line {exc.lineno}: {exc.msg}); accepted: {ACCEPTED}"
        ) from None
    if root.tag != f"{{{TEI_NS}}}TEI":
        raise IngestError(f"{path.name}: the root element is {root.tag!r}; accepted: {ACCEPTED}")
    descs = _descs(root)
    if not descs:
        raise IngestError(f"{path.name}: holds no correspDesc; accepted: {ACCEPTED}")
    title = _text(root.find("t:teiHeader/t:fileDesc/t:titleStmt/t:title", _NS)) or None
    bibls, notes = _bibls(root), []
    records, seen = [], {}
    for n, desc in enumerate(descs, start=1):
        record = _record(desc, n, bibls, title, notes)
        first = seen.setdefault(_key(record), n)
        if first == n:
            records.append(record)
        else:  # a catalogue listing one letter twice: one letter
            notes.append(f"correspDesc {n}: the same record as correspDesc {first}; left out")
    return records, [f"{path.name}: {line}" for line in notes]


def _key(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def _in_archive(archive: Archive) -> set[str]:
    """The catalogue records already in the archive, as comparable keys."""
    found = set()
    for letter_id in archive.ids():
        try:
            data = load_sidecar(archive.letters_dir / letter_id)
        except MissiveError:  # an unreadable sidecar is `check`'s business, not this import's
            continue
        if isinstance(data, dict) and "edition" in data:
            found.add(_key(data))
    return found


def import_cmif(
    archive: Archive,
    engine: Engine,
    reader: Reader,
    path: Path,
    *,
    lock_timeout: float = WRITE_TIMEOUT,
) -> Imported:
    """Add each record of a CMIF file as a catalogue letter and index them in one commit.

    All or nothing, like `add`: when the index is busy or indexing fails, the new letters
    are taken out of the archive again and the message says so.
    """
    records, notes = read_cmif(path)
    done = Imported(notes=notes)
    with ExitStack() as held:
        try:
            held.enter_context(engine.write_lock(timeout=lock_timeout))
        except IndexBusy as exc:
            raise IndexBusy(f"{path.name}: not imported, the archive is unchanged: {exc}") from None
        have = _in_archive(archive)
        try:
            for data in records:
                if _key(data) in have:
                    done.already += 1
                    continue
                have.add(_key(data))
                done.letters.append(_place(archive, reader, data, path))
            _index(archive, engine, reader, done.letters)
        except BaseException as exc:
            _take_back(archive, done.letters, path, exc)
    return done


def _place(archive: Archive, reader: Reader, data: dict[str, Any], path: Path) -> Letter:
    """One record staged, read as the index will read it, and renamed into place."""
    with archive.staging() as staged:
        write_atomic(staged / SIDECAR, json.dumps(data, ensure_ascii=False, indent=2).encode())
        letter = reader.read_staged(staged)
        letter.id = archive.unique_id(suggest_id(letter, path))
        archive.commit_staged(staged, letter.id)
    letter.fingerprint = archive.fingerprint(letter.id)
    return letter


def _index(archive: Archive, engine: Engine, reader: Reader, letters: list[Letter]) -> None:
    from ..indexing import build_locked  # the indexing module builds on the ingest package

    try:
        with engine.writer() as w:
            for letter in letters:
                w.replace(letter)
    except IndexMissing:
        report = build_locked(archive, engine, reader)
        missing = [lt.id for lt in letters if lt.id not in report.indexed]
        if missing:
            skip = report.skipped.get(missing[0])
            raise IngestError(skip["reason"] if skip else f"{missing[0]}: not indexed") from None


def _take_back(archive: Archive, letters: list[Letter], path: Path, exc: BaseException) -> None:
    """Remove the letters this import added, then raise why (an interrupt as it is)."""
    for letter in letters:
        undo = archive.letters_dir / STAGING / f"undo-{secrets.token_hex(6)}"
        try:
            (archive.letters_dir / letter.id).rename(undo)
        except FileNotFoundError:
            continue
        archive.discard_staged(undo)
    if not isinstance(exc, Exception):
        raise exc
    if isinstance(exc, IngestError) and str(exc).startswith(path.name):
        raise exc
    raise IngestError(
        f"{path.name}: not imported, the archive is unchanged: {reason(exc)}"
    ) from exc
