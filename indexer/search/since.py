"""A cited search and today: whether its list can be reproduced, and what changed since.

`reproduce` runs the cited request as of the citation's time (search.asof) and compares
the hash of what it finds with the stored one. `compare` sets the stored list beside
today's search: letters that match today and did not then, letters withdrawn since (the
withdrawal's time and reason, as their tombstone gives them), letters whose text changed
since (with the changes), and letters no longer found for another reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..archive import Archive, past
from ..archive.lifecycle import history
from ..engines.base import Engine
from ..errors import MissiveError
from ..ingest.reader import Reader
from .asof import EVERY, as_of
from .cited import LIST_LIMIT, request_of, result_hash, revisions


@dataclass
class Reproduction:
    reproducible: bool
    hash: str  # of the result set as of the citation's time, found again now
    total: int
    ids: set[str]  # every letter found as of then


def reproduce(
    engine: Engine,
    archive: Archive,
    make_reader: Callable[[Archive], Reader],
    record: dict[str, Any],
) -> Reproduction:
    """The cited request run again as of its time; reproducible when the hashes agree."""
    at = record["at"]
    found = as_of(engine, archive, make_reader, request_of(record["request"]), at,
                  page_hits=False)
    ids = [i for i, _ in found.letters]
    digest = result_hash(revisions(archive, ids, at).items())
    return Reproduction(digest == record["hash"]["value"], digest, found.total, set(ids))


@dataclass
class Since:
    """What changed between a citation and today."""

    today_total: int
    added: list[dict[str, Any]] = field(default_factory=list)  # match today, not then
    withdrawn: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)  # text changed since
    dropped: list[dict[str, Any]] = field(default_factory=list)  # not found today otherwise

    @property
    def count(self) -> int:
        return len(self.added) + len(self.withdrawn) + len(self.changed) + len(self.dropped)


def _log(archive: Archive, letter_id: str) -> list[dict[str, Any]]:
    try:
        return history(archive, letter_id)
    except MissiveError:
        return []  # gone from the archive


def compare(
    engine: Engine, archive: Archive, record: dict[str, Any], then_ids: set[str] | None = None
) -> Since:
    """The cited list beside today's search. `then_ids`: every letter found as of the
    citation's time (reproduce), else the stored list (cut at LIST_LIMIT)."""
    at = record["at"]
    today = engine.ordered(request_of(record["request"]), EVERY)
    found_today = {i for i, _ in today.letters}
    then = then_ids if then_ids is not None else {e["id"] for e in record["letters"]}
    since = Since(today.total)
    added = [(i, s) for i, s in today.letters if i not in then][:LIST_LIMIT]
    since.added = [
        {"id": h.id, "title": h.title, "date": h.date}
        for h in engine.hits(added, engine.marks(""))
    ]
    for entry in record["letters"]:
        letter_id = entry["id"]
        meta = engine.get(letter_id)
        base = {"id": letter_id, "title": entry["title"], "date": entry["date"]}
        log = _log(archive, letter_id)
        now_revision = past.revision(log)
        if meta is not None and meta.get("status") == "withdrawn":
            gone = meta.get("withdrawn") or {}
            since.withdrawn.append({**base, "at": gone.get("at"), "reason": gone.get("reason")})
        elif meta is not None and now_revision != entry["revision"]:
            since.changed.append({
                **base,
                "revision": entry["revision"],
                "revision_now": now_revision,
                "changes": past.text_changes(log, at),
                "matches_today": letter_id in found_today,
            })
        elif letter_id not in found_today:
            status = "gone" if meta is None else meta.get("status") or "published"
            since.dropped.append({**base, "status": status})
    return since
