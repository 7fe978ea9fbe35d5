"""The archive's metadata file `letter.json`, read into a Letter and written back.

Every value is checked (by `fields`), and only here: a sidecar either becomes a Letter or
raises a SidecarError whose one line names the file, the field, what is wrong and what is
accepted (`2009-x/letter.json: related: 5 is a number, not a list; accepted: ...`). The
rest of the program relies on that: no value of the wrong kind gets past this module.
JSON null, or an empty string, counts as not given.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..records import STATUSES, Letter, Party
from .fields import (
    _ABSENT,
    _GIVEN,
    KNOWN,
    MAX_SIDECAR_BYTES,
    PARTY_FIELDS,
    SIDECAR,
    TEXT_FIELDS,
    PageSpec,
    SidecarError,
    _added,
    _Checker,
    _date,
    _edition,
    _languages,
    _page_specs,
    _parties,
    _party,
    _related,
    _show,
    _withdrawn,
    check_added,
    page_specs,
    plain_file_name,
)

__all__ = [
    "KNOWN",
    "MAX_SIDECAR_BYTES",
    "PARTY_FIELDS",
    "SIDECAR",
    "PageSpec",
    "SidecarError",
    "check_added",
    "letter_to_sidecar",
    "load_sidecar",
    "page_specs",
    "parse_sidecar",
    "plain_file_name",
    "read_sidecar",
]


def parse_sidecar(data: Any, letter: Letter, *, path: str = SIDECAR) -> None:
    """Fill `letter` from sidecar data, marking each given value as the archivist's.

    Raises SidecarError (one line: file, field, what is wrong, what is accepted) for any
    value of the wrong kind or shape; `letter` is then left as it was.
    """
    check = _Checker(path)
    if not isinstance(data, dict):
        raise check.not_a("top level", data, "an object", 'a JSON object such as {"title": "..."}')
    texts = {key: check.text(key, data.get(key)) for key in TEXT_FIELDS}
    date = _date(check, data.get("date"))
    sender = data.get("sender")
    sender = Party() if sender in _ABSENT else _party(check, "sender", sender)
    recipients = _parties(check, data.get("recipient"))
    languages = _languages(check, data.get("languages"))
    related = _related(check, data.get("related"))
    _page_specs(check, data.get("pages"))
    status = data.get("status")
    if status in _ABSENT:
        status = "published"
    if not isinstance(status, str) or status not in STATUSES:
        raise check.bad("status", f"{_show(status)} is not a status", ", ".join(STATUSES))
    withdrawn = _withdrawn(check, data.get("withdrawn"))
    _added(check, data.get("added"))
    # A catalogue record's edition: read here, kept with the other unindexed keys (extra).
    edition = _edition(check, data.get("edition"))

    # Every value is good: fill the letter.
    prov = letter.provenance
    for key, value in texts.items():
        if value is not None:
            setattr(letter, key, value)
            prov[key] = _GIVEN
    if date is not None:
        letter.date = date
        prov["date"] = _GIVEN
    letter.sender, letter.recipients = sender, recipients
    for role, parties in (("sender", [letter.sender]), ("recipient", letter.recipients)):
        for party in parties[:1]:
            for key in PARTY_FIELDS:
                if getattr(party, key):
                    prov[f"{role}.{key}"] = _GIVEN
    if languages:
        letter.languages = languages
        prov["languages"] = _GIVEN
    letter.related.extend(related)
    letter.status = status
    letter.withdrawn = withdrawn
    letter.extra = {k: v for k, v in data.items() if k not in KNOWN}
    letter.edition_url, letter.edition_title, letter.edition_number = edition


def load_sidecar(folder: Path) -> Any:
    """The parsed JSON of `folder/letter.json` ({} when absent), not yet checked."""
    path = folder / SIDECAR
    where = f"{folder.name}/{SIDECAR}"
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_SIDECAR_BYTES + 1)
    except FileNotFoundError:
        return {}  # no sidecar: nothing given
    except OSError as exc:
        raise SidecarError(f"{where}: cannot be read ({exc.strerror or exc})") from None
    if len(raw) > MAX_SIDECAR_BYTES:
        raise SidecarError(
            f"{where}: the file is over {MAX_SIDECAR_BYTES // 1024} KB; accepted: at most "
            f"{MAX_SIDECAR_BYTES // 1024} KB of metadata (texts belong in page-NNN.txt files)"
        )
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError, JSONDecodeError, ...
        detail = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise SidecarError(
            f"{where}: not valid UTF-8 JSON ({detail}); accepted: a JSON object in UTF-8"
        ) from None


def read_sidecar(folder: Path, letter: Letter) -> dict[str, Any]:
    """Read `folder/letter.json` into `letter`; return the raw data ({} when absent)."""
    data = load_sidecar(folder)
    parse_sidecar(data, letter, path=f"{folder.name}/{SIDECAR}")
    return data


def letter_to_sidecar(letter: Letter) -> dict[str, Any]:
    """Return the sidecar data for what the archivist gave (not what was extracted)."""
    given = {k for k, p in letter.provenance.items() if p.source == "archivist"}
    out: dict[str, Any] = {}
    for key in TEXT_FIELDS:
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
