"""A letter as it was at a moment, rebuilt from its change log (`history.jsonl`).

Every change to a letter already in the archive is logged with its time and keeps the file
it replaced in `history/` (archive/lifecycle.py), and a letter added at once logs its
arrival; so the first logged change of a file after a moment holds that file as it was
then (`previous`: the kept copy, or none when the file did not exist yet). A letter
whose log holds nothing after the moment is as it was then. A letter placed in the
archive by hand has no logged arrival: it counts as present from the start.

Times are the log's: UTC, whole seconds, `YYYY-MM-DDTHH:MM:SSZ`; a change stamped with
the moment itself happened by then.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import MissiveError
from . import Archive
from .lifecycle import HISTORY, HISTORY_DIR, history
from .sidecar import SIDECAR

# Actions that replace the sidecar (lifecycle.write_sidecar, set_status).
_SIDECAR_ACTIONS = frozenset({"edit-metadata", "published", "draft", "withdrawn"})
# Actions that change a page's text (lifecycle.write_transcript).
TEXT_ACTIONS = frozenset({"edit-transcript", "remove-duplicate"})
ADDED = "added"  # the letter came into the archive (lifecycle.record_added)
ORIGINAL = "original"  # the revision of a text never corrected


class TimeError(MissiveError):
    """A time given is not one Missive reads; the message says what is accepted."""


def moment(text: str) -> str:
    """An ISO 8601 time (a date alone is its end of day, UTC; no zone: UTC) as the log
    writes times, or TimeError."""
    raw = (text or "").strip()
    try:
        if len(raw) == 10:
            when = dt.datetime.fromisoformat(raw) + dt.timedelta(days=1, seconds=-1)
        else:
            when = dt.datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise TimeError(
            f"as_of={text[:60]!r} is not a time; accepted: ISO 8601, e.g. "
            "2026-12-03T14:05:00Z or 2026-12-03"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _at(entry: dict[str, Any]) -> str:
    at = entry.get("at")
    return at if isinstance(at, str) else ""


def changes_since(archive: Archive, at: str) -> dict[str, list[dict[str, Any]]]:
    """Every letter with a logged change after `at`: id -> its whole log, oldest first."""
    out = {}
    for letter_id in archive.ids():
        path = archive.letters_dir / letter_id / HISTORY
        try:
            if path.stat().st_size == 0:
                continue
        except FileNotFoundError:
            continue
        log = history(archive, letter_id)
        if any(_at(e) > at for e in log):
            out[letter_id] = log
    return out


def stamp(archive: Archive) -> str:
    """A digest of what the logs say of the whole archive: it changes when a letter comes,
    goes or logs a change (what an as-of answer or a comparison with today depends on)."""
    h = hashlib.sha256()
    for letter_id in archive.ids():
        try:
            st = (archive.letters_dir / letter_id / HISTORY).stat()
            h.update(f"{letter_id} {st.st_size} {st.st_mtime_ns}\n".encode())
        except FileNotFoundError:
            h.update(f"{letter_id}\n".encode())
    return h.hexdigest()


def revision(log: list[dict[str, Any]], at: str | None = None) -> str:
    """The letter's text revision at `at` (None: now): the time of the last change of a
    page's text by then, or ORIGINAL."""
    times = [_at(e) for e in log if e.get("action") in TEXT_ACTIONS]
    times = [t for t in times if t and (at is None or t <= at)]
    return max(times) if times else ORIGINAL


def text_changes(log: list[dict[str, Any]], at: str) -> list[dict[str, Any]]:
    """The changes of a page's text after `at`, oldest first (when, which file)."""
    return [
        {"at": _at(e), "file": e.get("file")}
        for e in log
        if e.get("action") in TEXT_ACTIONS and _at(e) > at
    ]


@dataclass
class Then:
    """What the log says of a letter at a moment."""

    existed: bool  # False: it came into the archive later
    files: dict[str, str | None]  # file -> kept copy holding it then (None: absent then)
    withdrawn: dict[str, Any] | None = None  # the withdrawal after the moment, if any


def then(log: list[dict[str, Any]], at: str) -> Then:
    """The files a letter held at `at` that differ from today's, from its log."""
    files: dict[str, str | None] = {}
    existed = True
    withdrawn = None
    for entry in log:
        if _at(entry) <= at:
            continue
        action = entry.get("action")
        if action == ADDED:  # logged first of all: the letter came after the moment
            existed = False
        if action == "withdrawn" and withdrawn is None:
            withdrawn = {"at": _at(entry), "reason": entry.get("reason")}
        name = SIDECAR if action in _SIDECAR_ACTIONS else entry.get("file")
        if not isinstance(name, str) or name in files:
            continue
        kept = entry.get("previous")
        # A correction of a page that had no transcript kept its OCR text: no file then.
        if not isinstance(kept, str) or entry.get("previous_origin"):
            kept = None
        files[name] = kept
    return Then(existed, files, withdrawn)


def materialise(archive: Archive, letter_id: str, at: str, dest: Archive) -> bool:
    """Write the letter's folder as it was at `at` into `dest` (files linked where the
    file system allows, else copied); False when the letter did not exist then."""
    folder = archive.folder(letter_id)
    state = then(history(archive, letter_id), at)
    if not state.existed:
        return False
    target = dest.letters_dir / letter_id
    target.mkdir(parents=True)
    for path in archive.files(letter_id):
        rel = path.relative_to(folder).as_posix()
        if rel == HISTORY or rel.startswith(f"{HISTORY_DIR}/") or rel in state.files:
            continue
        _place(path, target / rel)
    for name, kept in state.files.items():
        if kept is not None and "/" not in name and (folder / kept).is_file():
            _place(folder / kept, target / name)
    return True


def _place(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:  # another file system, or links refused: a copy reads the same
        shutil.copyfile(source, target)
