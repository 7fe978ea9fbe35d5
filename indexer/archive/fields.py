"""The fields of `letter.json`, each checked: what kind of value it takes, and the one-line
error naming the file, the field, what is wrong and what is accepted when it is not that
(`2009-x/letter.json: related: 5 is a number, not a list; accepted: ...`). JSON null, or an
empty string, counts as not given. `sidecar` reads a whole file with these checks.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from .. import authority
from ..errors import MissiveError
from ..records import (
    RELATIONS,
    DateValue,
    Party,
    Provenance,
    RecordError,
    Related,
)
from .folders import is_id

SIDECAR = "letter.json"
MAX_SIDECAR_BYTES = 1024 * 1024  # metadata, not text: no honest sidecar comes near
# `ref` and `place_ref` are authority URIs (indexer.authority), `family`/`given` name parts.
PARTY_FIELDS = (
    *("name", "role", "organisation", "country", "place"),
    *("ref", "family", "given", "place_ref"),
)
# Which authority files each ref field takes.
REF_FIELDS = {"ref": authority.PERSON_AUTHORITIES, "place_ref": authority.PLACE_AUTHORITIES}
TEXT_FIELDS = ("title", "date_as_written", "collection", "shelfmark", "rights", "notes")
KNOWN = {
    *TEXT_FIELDS,
    *("date", "sender", "recipient", "languages", "related", "pages", "status", "withdrawn"),
}
_LANG = re.compile(r"^[a-z]{2,3}$")
_GIVEN = Provenance(source="archivist")
_ABSENT = (None, "")  # JSON null or an empty string: the field is not given

TEXT = "text (a JSON string)"
PARTY = "an object with " + ", ".join(PARTY_FIELDS) + " (each text)"
FILE_NAME = "the name of a file in the letter's folder, such as 'page-001.jpg'"
LETTER_ID = "a letter id: 1 to 100 lower-case letters, digits and hyphens"


class SidecarError(MissiveError):
    """A sidecar is unreadable or has a value of the wrong kind."""


@dataclass(frozen=True)
class PageSpec:
    """One entry of the sidecar's `pages` list, checked: names are plain file names."""

    image: str
    frame: int = 0
    transcript: str | None = None
    words: str | None = None


def _show(value: Any) -> str:
    """A value as it appears in the file, on one short line."""
    try:
        text = json.dumps(value, ensure_ascii=False)
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: shown escaped, so the line can be printed
        text = json.dumps(value)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


class _Checker:
    """Raises SidecarError for one file: `where: field: what is wrong; accepted: ...`."""

    def __init__(self, where: str):
        self.where = where

    def bad(self, field: str, what: str, accepted: str) -> SidecarError:
        return SidecarError(f"{self.where}: {field}: {what}; accepted: {accepted}")

    def not_a(self, field: str, value: Any, wanted: str, accepted: str) -> SidecarError:
        given = "null" if value is None else f"{_show(value)} is {_kind(value)}"
        return self.bad(field, f"{given}, not {wanted}", accepted)

    def text(self, field: str, value: Any) -> str | None:
        if value in _ABSENT:
            return None
        if not isinstance(value, str):
            raise self.not_a(field, value, "text", TEXT)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate such as "\ud800": no character at all
            raise self.bad(field, f"{_show(value)} holds a lone surrogate", TEXT) from None
        return value

    def obj(self, field: str, value: Any, accepted: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.not_a(field, value, "an object", accepted)
        return value

    def items(self, field: str, value: Any, accepted: str) -> list[Any]:
        """A list (absent: empty); anything else is refused."""
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.not_a(field, value, "a list", accepted)
        return value

    def file_name(self, field: str, value: Any) -> str | None:
        name = self.text(field, value)
        if name is None:
            return None
        if (
            "/" in name
            or "\\" in name
            or name.startswith(".")
            or any(ord(c) < 32 for c in name)
            or len(name.encode("utf-8")) > 255
        ):
            raise self.bad(field, f"{_show(name)} is not a plain file name", FILE_NAME)
        return name


def _country(check: _Checker, field: str, value: str) -> str:
    from ..ingest.metadata.countries import country_code

    code = country_code(value)
    if not code:
        raise check.bad(
            field,
            f"{_show(value)} is not a country",
            "an ISO 3166-1 alpha-2 code such as 'PK' or 'GB', or a country name",
        )
    return code


def _ref(check: _Checker, field: str, value: str, kinds: tuple[str, ...]) -> str:
    """The canonical form of an authority URI of one of `kinds`, else SidecarError."""
    found = authority.authority_of(value)
    if found is None:
        raise check.bad(field, f"{_show(value)} is not an authority URI", authority.accepted(kinds))
    name, url = found
    if name not in kinds:
        what = "a place" if name == "GeoNames" else "a person or body"
        raise check.bad(field, f"{_show(value)} is a {name} id ({what})", authority.accepted(kinds))
    return url


def _party(check: _Checker, field: str, raw: Any) -> Party:
    party = Party()
    for key, value in check.obj(field, raw, PARTY).items():
        if key not in PARTY_FIELDS:
            continue  # a field of the party's own (an email, a note): kept, not indexed
        text = check.text(f"{field}.{key}", value)
        if text is not None and key == "country":
            text = _country(check, f"{field}.{key}", text)
        if text is not None and key in REF_FIELDS:
            text = _ref(check, f"{field}.{key}", text, REF_FIELDS[key])
        if text is not None:
            setattr(party, key, text)
    return party


def _parties(check: _Checker, raw: Any) -> list[Party]:
    if raw in _ABSENT:
        return []
    if isinstance(raw, dict):
        return [_party(check, "recipient", raw)]
    accepted = f"{PARTY}, or a list of such objects"
    if not isinstance(raw, list):
        raise check.not_a("recipient", raw, "an object or a list", accepted)
    return [_party(check, f"recipient[{i}]", r) for i, r in enumerate(raw)]


def _date(check: _Checker, raw: Any) -> DateValue | None:
    accepted = "YYYY, YYYY-MM, YYYY-MM-DD or an interval such as 1855/1856, as text"
    if raw in _ABSENT:
        return None
    if type(raw) is int:  # a year written as a number: 1855
        raw = str(raw)
    if not isinstance(raw, str) or len(raw) > 50:
        raise check.not_a("date", raw, "an ISO 8601 date", accepted)
    try:
        return DateValue.parse(raw)
    except RecordError as exc:
        message = str(exc)
        if "; accepted:" not in message:
            message += f"; accepted: {accepted}"
        raise SidecarError(f"{check.where}: date: {message}") from None


def _languages(check: _Checker, raw: Any) -> list[str]:
    accepted = "ISO 639-1 codes, a list such as [\"en\", \"fr\"]"
    if raw in _ABSENT or raw == []:
        return []
    items = [raw] if isinstance(raw, str) else check.items("languages", raw, accepted)
    codes = []
    for i, code in enumerate(items):
        field = "languages" if isinstance(raw, str) else f"languages[{i}]"
        if not isinstance(code, str):
            raise check.not_a(field, code, "text", accepted)
        if not _LANG.match(code.lower()):
            raise check.bad(field, f"{_show(code)} is not a language code", accepted)
        codes.append(code.lower())
    return codes


def _related(check: _Checker, raw: Any) -> list[Related]:
    relations = ", ".join(RELATIONS)
    accepted = f'a list of {{"id", "relation"}}; relation is one of {relations}'
    out = []
    for i, rel in enumerate(check.items("related", raw, accepted)):
        field = f"related[{i}]"
        rel = check.obj(field, rel, '{"id": "<letter id>", "relation": "see-also"}')
        rid = rel.get("id")
        if not is_id(rid):
            raise check.bad(f"{field}.id", f"{_show(rid)} is not a letter id", LETTER_ID)
        relation = rel.get("relation")
        if relation is None:
            relation = "see-also"
        if not isinstance(relation, str) or relation not in RELATIONS:
            raise check.bad(f"{field}.relation", f"{_show(relation)} is not known", relations)
        out.append(Related(rid, relation))
    return out


def _page_specs(check: _Checker, raw: Any) -> list[PageSpec]:
    accepted = 'a list of {"image", "frame", "transcript", "words"}, each with an "image"'
    specs = []
    for i, spec in enumerate(check.items("pages", raw, accepted)):
        field = f"pages[{i}]"
        spec = check.obj(field, spec, accepted)
        image = check.file_name(f"{field}.image", spec.get("image"))
        if image is None:
            raise check.bad(f"{field}.image", "missing", FILE_NAME)
        frame = spec.get("frame")
        if frame is None:
            frame = 0
        frames = "a whole number from 0 (the file's first frame or PDF page)"
        if isinstance(frame, bool) or not isinstance(frame, int):
            raise check.not_a(f"{field}.frame", frame, "a whole number", frames)
        if frame < 0:
            raise check.bad(f"{field}.frame", f"{frame} is below 0", frames)
        transcript = check.file_name(f"{field}.transcript", spec.get("transcript"))
        words = check.file_name(f"{field}.words", spec.get("words"))
        specs.append(PageSpec(image, frame, transcript, words))
    return specs


EDITION = '{"url": "https://...", "title": "...", "number": "..."}, with a url or a title'


def _edition(check: _Checker, raw: Any) -> tuple[str | None, str | None, str | None]:
    """A catalogue record's edition: (url, title, number); all None when not given."""
    if raw in _ABSENT:
        return None, None, None
    edition = check.obj("edition", raw, EDITION)
    url = check.text("edition.url", edition.get("url"))
    if url is not None and not re.fullmatch(r"https?://[^\s/?#]+[^\s]{0,2000}", url):
        raise check.bad("edition.url", f"{_show(url)} is not a web address", EDITION)
    title = check.text("edition.title", edition.get("title"))
    number = check.text("edition.number", edition.get("number"))
    if url is None and title is None:
        raise check.bad("edition", "has neither a url nor a title", EDITION)
    return url, title, number


def _withdrawn(check: _Checker, raw: Any) -> dict[str, str] | None:
    if raw is None:
        return None
    accepted = '{"at": "2026-11-23T10:00:00Z", "by": "alice", "reason": "..."}'
    out = {}
    for key, value in check.obj("withdrawn", raw, accepted).items():
        name = key if re.fullmatch(r"[a-z_]{1,20}", key) else _show(key)
        text = check.text(f"withdrawn.{name}", value)
        if text is not None:
            out[key] = text
    return out or None


def _added(check: _Checker, raw: Any) -> None:
    """The upload's record (kept, not indexed): its shape, so pages listing it can trust it."""
    if raw is None:
        return
    accepted = '{"at", "by", "via", "files": [{"name", "stored_as", "bytes", "sha256"}]}'
    added = check.obj("added", raw, accepted)
    for key in ("at", "by", "via"):
        check.text(f"added.{key}", added.get(key))
    for i, item in enumerate(check.items("added.files", added.get("files"), accepted)):
        field = f"added.files[{i}]"
        item = check.obj(field, item, '{"name", "stored_as", "bytes", "sha256"}')
        for key in ("name", "stored_as", "sha256"):
            check.text(f"{field}.{key}", item.get(key))
        size = item.get("bytes")
        if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 0):
            raise check.not_a(f"{field}.bytes", size, "a byte count", "a whole number from 0")


def check_added(data: Any, *, where: str = SIDECAR) -> dict[str, Any]:
    """The sidecar's `added` record when it is well-formed, else {}."""
    if not isinstance(data, dict) or not isinstance(data.get("added"), dict):
        return {}
    try:
        _added(_Checker(where), data["added"])
    except SidecarError:
        return {}
    return data["added"]


def plain_file_name(value: Any) -> str | None:
    """`value` if it is a name a sidecar may give for one of the letter's files (as in
    `pages[].transcript`), else None."""
    try:
        return _Checker(SIDECAR).file_name("file", value)
    except SidecarError:
        return None


def page_specs(data: dict[str, Any], *, where: str = SIDECAR) -> list[PageSpec]:
    """The sidecar's explicit page order (empty when it gives none); SidecarError if bad."""
    return _page_specs(_Checker(where), data.get("pages"))
