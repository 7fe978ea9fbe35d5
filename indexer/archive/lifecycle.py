"""Changes to letters already in the archive: corrections kept as revisions, status changes.

Every change is written atomically and logged in the letter's `history.jsonl`; a replaced
file is kept in `history/` first, so an earlier transcript a footnote cited can be found.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Any

from ..errors import MissiveError
from ..ingest.reader import page_sources
from ..records import STATUSES, Letter
from . import Archive, fsync_dir, write_atomic
from .sidecar import SIDECAR, SidecarError, load_sidecar, parse_sidecar, plain_file_name

HISTORY = "history.jsonl"
HISTORY_DIR = "history"
# A page's transcript, with any zero padding, as the reader (indexer.ingest.reader) finds it.
_TRANSCRIPT = re.compile(r"^page-0*(\d+)\.txt$", re.IGNORECASE)


class ChangeError(MissiveError):
    """A change to a letter cannot be made; the message says why."""


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _log(folder: Path, entry: dict[str, Any]) -> None:
    line = json.dumps(entry, ensure_ascii=False) + "\n"
    new = not (folder / HISTORY).exists()
    if not new and (folder / HISTORY).stat().st_size:
        with open(folder / HISTORY, "rb") as fh:
            fh.seek(-1, os.SEEK_END)
            if fh.read(1) != b"\n":  # a line torn by a crash: start the entry on its own line
                line = "\n" + line
    # Appends of one short line are atomic enough; fsync makes the entry durable.
    with open(folder / HISTORY, "a", encoding="utf-8") as fh:
        fh.write(line)
        fh.flush()
        os.fsync(fh.fileno())
    if new:
        fsync_dir(folder)  # the new file's name must be on disk too


def _keep(folder: Path, name: str, stamp: str, content: bytes) -> str:
    """Write `content` into the history as `history/<name>.<stamp>`; return that path."""
    if not (folder / HISTORY_DIR).is_dir():
        (folder / HISTORY_DIR).mkdir()
        fsync_dir(folder)
    base = f"{HISTORY_DIR}/{name}.{stamp.replace(':', '').replace('-', '')}"
    kept, n = base, 1
    while (folder / kept).exists():  # two changes within one second
        n += 1
        kept = f"{base}-{n}"
    write_atomic(folder / kept, content)
    return kept


def _keep_previous(folder: Path, name: str, stamp: str) -> str | None:
    """Keep the letter's file `name` in the history before it is replaced (None: no file)."""
    current = folder / name
    if not current.exists():
        return None
    return _keep(folder, name, stamp, current.read_bytes())


def history(archive: Archive, letter_id: str) -> list[dict[str, Any]]:
    """The letter's change log, oldest first."""
    path = archive.folder(letter_id) / HISTORY
    if not path.exists():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line torn by a crash mid-append: the rest of the log still counts
        if isinstance(entry, dict):  # a line that is no entry (edited by hand) is passed over
            entries.append(entry)
    return entries


def last_text_change(folder: Path) -> str | None:
    """When a transcript of the letter last changed, from its log."""
    path = folder / HISTORY
    if not path.exists():
        return None
    last = None
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(entry, dict) and entry.get("action") == "edit-transcript":
            at = entry.get("at")
            last = at if isinstance(at, str) else last
    return last


def _sidecar_or_empty(folder: Path) -> dict[str, Any]:
    try:
        data = load_sidecar(folder)
    except SidecarError:  # unreadable: the reader refuses the letter; corrections go on
        return {}
    return data if isinstance(data, dict) else {}


def transcript_files(folder: Path, n: int) -> tuple[str, list[str]]:
    """The transcript file of page `n` as the reader takes it, and its duplicates.

    Returns the name a correction of page `n` writes (the sidecar's `pages[n-1].transcript`;
    else the existing `page-N.txt` whatever its zero padding, `page-001.txt` preferred; else
    `page-NNN.txt`) and the other files with the same page number (`page-01.txt` beside
    `page-001.txt`), which the reader could take instead. A transcript-only letter's pages
    are its transcripts in number order, so its page `n` is the n-th of them.
    """
    data = _sidecar_or_empty(folder)
    specs = data.get("pages") if isinstance(data.get("pages"), list) else []
    spec = specs[n - 1] if 0 < n <= len(specs) and isinstance(specs[n - 1], dict) else {}
    given = plain_file_name(spec.get("transcript"))  # the reader's rule for file names
    if given:
        return given, []
    by_number: dict[int, list[str]] = {}
    for path in sorted(folder.iterdir()):
        m = _TRANSCRIPT.match(path.name)
        if m and path.is_file():
            by_number.setdefault(int(m[1]), []).append(path.name)
    number = n
    if by_number and not specs:
        try:
            transcript_only = not page_sources(folder, [])  # as if no page order
        except MissiveError:
            transcript_only = False  # more than one PDF: the reader refuses it anyway
        if transcript_only:
            numbers = sorted(by_number)
            number = numbers[n - 1] if n <= len(numbers) else n
    names = by_number.get(number, [])
    canonical = f"page-{number:03d}.txt"
    target = canonical if canonical in names or not names else names[0]
    return target, [name for name in names if name != target]


def write_transcript(
    archive: Archive,
    letter_id: str,
    n: int,
    text: str,
    *,
    by: str,
    shown: tuple[str, str] | None = None,
) -> str:
    """Replace (or create) page `n`'s transcript, keeping the old one; return the time.

    The file replaced is the one the reader takes for page `n`, whatever its zero padding;
    other files the reader could take for that page (`page-01.txt` beside `page-001.txt`)
    are moved into the history too, so the old text cannot stay in the index.
    `shown` is (origin, text) of what the page showed when it has no transcript yet (its
    OCR or PDF text): that is kept in the history as the text before, like a transcript.
    """
    folder = archive.folder(letter_id)
    if n < 1 or n > 9999:
        raise ChangeError(f"page {n} is out of range; accepted: 1 to 9999")
    name, twins = transcript_files(folder, n)
    stamp = now()
    kept = _keep_previous(folder, name, stamp)
    entry = {"at": stamp, "by": by, "action": "edit-transcript", "file": name, "previous": kept}
    if kept is None and shown is not None and shown[1].strip():
        # Text that was no file of the letter (its OCR) is kept in the history like a file.
        kept = _keep(folder, f"page-{n:03d}.{shown[0]}.txt", stamp, shown[1].encode("utf-8"))
        entry.update(previous=kept, previous_origin=shown[0])
    retired = [(twin, _keep_previous(folder, twin, stamp)) for twin in twins]
    write_atomic(folder / name, text.replace("\r\n", "\n").encode("utf-8"))
    for twin, _kept in retired:
        (folder / twin).unlink()
    if retired:
        fsync_dir(folder)
    _log(folder, entry)
    for twin, twin_kept in retired:
        _log(
            folder,
            {
                "at": stamp,
                "by": by,
                "action": "remove-duplicate",
                "file": twin,
                "previous": twin_kept,
                "replaced_by": name,
            },
        )
    return stamp


def record_added(folder: Path, *, by: str = "") -> None:
    """Log a letter's arrival, in its folder before it is in place: an as-of search
    (indexer.archive.past) leaves the letter out before this time."""
    _log(folder, {"at": now(), "by": by, "action": "added"})


def write_sidecar(archive: Archive, letter_id: str, data: dict[str, Any], *, by: str) -> None:
    """Replace the sidecar with validated data, keeping the old one."""
    parse_sidecar(data, Letter(id=letter_id), path=SIDECAR)  # raises SidecarError
    folder = archive.folder(letter_id)
    stamp = now()
    kept = _keep_previous(folder, SIDECAR, stamp)
    write_atomic(folder / SIDECAR, json.dumps(data, ensure_ascii=False, indent=2).encode())
    _log(folder, {"at": stamp, "by": by, "action": "edit-metadata", "previous": kept})


def read_sidecar_data(archive: Archive, letter_id: str) -> dict[str, Any]:
    """The sidecar as it is on disk ({} when absent); SidecarError unless a JSON object."""
    data = load_sidecar(archive.folder(letter_id))
    if not isinstance(data, dict):
        raise SidecarError(
            f"{letter_id}/{SIDECAR}: top level: not an object; accepted: a JSON object"
        )
    return data


def set_status(
    archive: Archive, letter_id: str, status: str, *, by: str, reason: str | None = None
) -> dict[str, Any]:
    """Publish, return to draft, or withdraw (a reason is required) a letter.

    Like every change, the sidecar it replaces is kept in `history/` and the change is
    logged in `history.jsonl` (with `previous`, the kept file).
    """
    if status not in STATUSES:
        raise ChangeError(f"status {status!r} is unknown; accepted: {', '.join(STATUSES)}")
    data = read_sidecar_data(archive, letter_id)
    data["status"] = status
    stamp = now()
    if status == "withdrawn":
        if not (reason or "").strip():
            raise ChangeError("a withdrawal needs a reason; it is shown at the letter's URL")
        data["withdrawn"] = {"at": stamp, "by": by, "reason": reason.strip()}
    else:
        data.pop("withdrawn", None)
    folder = archive.folder(letter_id)
    kept = _keep_previous(folder, SIDECAR, stamp)
    write_atomic(folder / SIDECAR, json.dumps(data, ensure_ascii=False, indent=2).encode())
    _log(folder, {"at": stamp, "by": by, "action": status, "reason": reason, "previous": kept})
    return data
