"""The archive's metadata file `letter.json`, read into a Letter and written back."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .errors import MissiveError
from .records import (
    RELATIONS,
    STATUSES,
    DateValue,
    Letter,
    Party,
    Provenance,
    RecordError,
    Related,
)

SIDECAR = "letter.json"
PARTY_FIELDS = ("name", "role", "organisation", "country", "place")
TEXT_FIELDS = ("title", "date_as_written", "collection", "rights", "notes")
KNOWN = {
    *TEXT_FIELDS,
    *("date", "sender", "recipient", "languages", "related", "pages", "status", "withdrawn"),
}
_LANG = re.compile(r"^[a-z]{2,3}$")
_GIVEN = Provenance(source="archivist")


class SidecarError(MissiveError):
    """A sidecar is unreadable or has a value of the wrong kind."""


def _country(value: Any, where: str) -> str:
    from .metadata.countries import country_code

    code = country_code(str(value)) if isinstance(value, str) else None
    if not code:
        raise SidecarError(
            f"{where}: {value!r} is not a country; accepted: an ISO 3166-1 alpha-2 code "
            "such as 'PK' or 'GB', or a country name"
        )
    return code


def _party(raw: Any, where: str) -> Party:
    if not isinstance(raw, dict):
        raise SidecarError(f"{where}: expected an object with {', '.join(PARTY_FIELDS)}")
    party = Party()
    for key in PARTY_FIELDS:
        value = raw.get(key)
        if value in (None, ""):
            continue
        if not isinstance(value, str):
            raise SidecarError(f"{where}.{key}: expected text, got {type(value).__name__}")
        setattr(party, key, _country(value, f"{where}.{key}") if key == "country" else value)
    return party


def parse_sidecar(data: dict[str, Any], letter: Letter, *, path: str = SIDECAR) -> None:
    """Fill `letter` from sidecar data, marking each given value as the archivist's."""
    if not isinstance(data, dict):
        raise SidecarError(f"{path}: expected a JSON object at the top level")
    prov = letter.provenance
    for key in TEXT_FIELDS:
        value = data.get(key)
        if value in (None, ""):
            continue
        if not isinstance(value, str):
            raise SidecarError(f"{path}: {key}: expected text, got {type(value).__name__}")
        setattr(letter, key, value)
        prov[key] = _GIVEN
    if data.get("date") not in (None, ""):
        try:
            letter.date = DateValue.parse(str(data["date"]))
        except RecordError as exc:
            raise SidecarError(f"{path}: date: {exc}") from None
        prov["date"] = _GIVEN
    if data.get("sender"):
        letter.sender = _party(data["sender"], f"{path}: sender")
    recipients = data.get("recipient") or []
    if isinstance(recipients, dict):
        recipients = [recipients]
    if not isinstance(recipients, list):
        raise SidecarError(f"{path}: recipient: expected an object or a list of objects")
    letter.recipients = [_party(r, f"{path}: recipient") for r in recipients]
    for role, parties in (("sender", [letter.sender]), ("recipient", letter.recipients)):
        for party in parties[:1]:
            for key in PARTY_FIELDS:
                if getattr(party, key):
                    prov[f"{role}.{key}"] = _GIVEN
    langs = data.get("languages")
    if langs not in (None, []):
        if isinstance(langs, str):
            langs = [langs]
        if not isinstance(langs, list) or not all(
            isinstance(x, str) and _LANG.match(x.lower()) for x in langs
        ):
            raise SidecarError(
                f"{path}: languages: {langs!r} is not a list of ISO 639-1 codes "
                "such as ['en', 'fr']"
            )
        letter.languages = [x.lower() for x in langs]
        prov["languages"] = _GIVEN
    for i, rel in enumerate(data.get("related") or []):
        if not isinstance(rel, dict) or not isinstance(rel.get("id"), str):
            raise SidecarError(f"{path}: related[{i}]: expected {{'id': ..., 'relation': ...}}")
        relation = rel.get("relation", "see-also")
        if relation not in RELATIONS:
            raise SidecarError(
                f"{path}: related[{i}].relation: {relation!r} is not known; accepted: "
                + ", ".join(RELATIONS)
            )
        letter.related.append(Related(rel["id"], relation))
    pages = data.get("pages")
    if pages is not None and not (
        isinstance(pages, list) and all(isinstance(p, dict) and p.get("image") for p in pages)
    ):
        raise SidecarError(f"{path}: pages: expected a list of objects each with an 'image'")
    status = data.get("status") or "published"
    if status not in STATUSES:
        accepted = ", ".join(STATUSES)
        raise SidecarError(f"{path}: status: {status!r} is unknown; accepted: {accepted}")
    letter.status = status
    withdrawn = data.get("withdrawn")
    if withdrawn is not None and not isinstance(withdrawn, dict):
        raise SidecarError(f"{path}: withdrawn: expected an object with 'at', 'by', 'reason'")
    letter.withdrawn = {k: str(v) for k, v in (withdrawn or {}).items()} or None
    letter.extra = {k: v for k, v in data.items() if k not in KNOWN}


def read_sidecar(folder: Path, letter: Letter) -> dict[str, Any]:
    """Read `folder/letter.json` into `letter`; return the raw data ({} when absent)."""
    path = folder / SIDECAR
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SidecarError(f"{folder.name}/{SIDECAR}: not valid UTF-8 JSON ({exc})") from None
    parse_sidecar(data, letter, path=f"{folder.name}/{SIDECAR}")
    return data


def letter_to_sidecar(letter: Letter) -> dict[str, Any]:
    """Return the sidecar data for what the archivist gave (not what was extracted)."""
    given = {k for k, p in letter.provenance.items() if p.source == "archivist"}
    out: dict[str, Any] = {}
    for key in ("title", "date_as_written", "collection", "rights", "notes"):
        if key in given and getattr(letter, key):
            out[key] = getattr(letter, key)
    if "date" in given and letter.date:
        out["date"] = str(letter.date)
    for role, party in (("sender", letter.sender), ("recipient", letter.recipient)):
        fields = {k: getattr(party, k) for k in PARTY_FIELDS if f"{role}.{k}" in given}
        fields = {k: v for k, v in fields.items() if v}
        if fields:
            out[role] = fields
    if "languages" in given and letter.languages:
        out["languages"] = letter.languages
    if letter.related:
        out["related"] = [r.to_dict() for r in letter.related]
    if letter.status != "published":
        out["status"] = letter.status
    if letter.withdrawn:
        out["withdrawn"] = letter.withdrawn
    out.update(letter.extra)
    return out
