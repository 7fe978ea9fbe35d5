"""The inbox folder: files dropped into it become draft letters (`python -m indexer watch`).

Like a scanner's "consume" folder. Each file directly in the inbox is one letter; each
sub-folder is one letter made of the files in it; names starting with `.` or `~` are left
alone. An entry is taken once its size and modification time (for a folder: every file's)
have stayed the same for `settle` seconds, so a file still being copied is left alone. It
is then saved into the archive as a draft (indexer.ingest.drafts), moved to `inbox/done/`, and
read and indexed. An entry that cannot be ingested is moved to `inbox/failed/` with a
one-line `<name>.error.txt` saying why. Nothing is deleted: an entry leaves the inbox only
by a rename, after its draft is on disk.

No limit on bytes (nothing crosses HTTP); a draft's own limits hold (indexer.ingest.drafts:
MAX_PAGES pages, MAX_TRANSCRIPT_BYTES per transcript; indexer.ingest.extract: pixels and frames).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from ..archive import Archive, file_digest, fsync_dir, write_atomic
from ..engines import Engine
from ..errors import IngestError, MissiveError
from .drafts import added_record, create_draft, is_provisional
from .extract import reason
from .processing import JobFiles, process_draft
from .reader import Reader

DONE = "done"
FAILED = "failed"
SETTLE = 2.0  # seconds an entry's size and mtime must stay unchanged before it is taken
INTERVAL = 1.0  # seconds between looks at the folder

Log = Callable[[str], None]


def _files(entry: Path) -> list[Path]:
    """The files of an entry: itself, or a sub-folder's visible files sorted by name."""
    if entry.is_file():
        return [entry]
    return sorted(p for p in entry.iterdir() if not p.name.startswith("."))


def _signature(entry: Path) -> tuple | None:
    try:
        if entry.is_file():
            st = entry.stat()
            return (st.st_size, st.st_mtime_ns)
        return tuple(
            (p.name, p.stat().st_size, p.stat().st_mtime_ns) if p.is_file() else (p.name, -1, 0)
            for p in _files(entry)
        )
    except OSError:
        return None  # vanished or unreadable meanwhile: look again later


def _free_name(folder: Path, name: str) -> Path:
    """`folder/name`, or `name-2`, `name-3`… (before the extension) when taken."""
    target = folder / name
    stem, dot, ext = name.partition(".") if not name.startswith(".") else (name, "", "")
    n = 1
    while target.exists() or (folder / f"{target.name}.error.txt").exists():
        n += 1
        target = folder / (f"{stem}-{n}{dot}{ext}")
    return target


class Inbox:
    """Watches one inbox folder and ingests what settles in it."""

    def __init__(
        self,
        root: Path | str,
        archive: Archive,
        engine: Engine,
        reader: Reader,
        jobs: JobFiles,
        *,
        settle: float = SETTLE,
        log: Log = print,
    ):
        self.root = Path(root)
        self.archive = archive
        self.engine = engine
        self.reader = reader
        self.jobs = jobs
        self.settle = settle
        self.log = log
        self._seen: dict[str, tuple[tuple | None, float]] = {}  # name -> (signature, since)

    def entries(self) -> list[Path]:
        """What waits in the inbox (not done/, failed/, hidden or error files)."""
        self.root.mkdir(parents=True, exist_ok=True)
        return sorted(
            p
            for p in self.root.iterdir()
            if p.name not in (DONE, FAILED)
            and not p.name.startswith((".", "~"))
            and not p.name.endswith(".error.txt")
        )

    def settled(self, now: float | None = None) -> list[Path]:
        """Entries whose size has not changed for `settle` seconds (seen at least twice)."""
        now = time.monotonic() if now is None else now
        ready, current = [], {}
        for entry in self.entries():
            sig = _signature(entry)
            old = self._seen.get(entry.name)
            since = old[1] if old and old[0] == sig else now
            current[entry.name] = (sig, since)
            if sig is not None and old is not None and now - since >= self.settle:
                ready.append(entry)
        self._seen = current
        return ready

    def _move(self, entry: Path, folder_name: str, error: str | None = None) -> Path:
        folder = self.root / folder_name
        folder.mkdir(exist_ok=True)
        target = _free_name(folder, entry.name)
        if error is not None:
            note = folder / f"{target.name}.error.txt"
            write_atomic(note, (" ".join(error.split()) + "\n").encode("utf-8"))
        os.rename(entry, target)
        fsync_dir(folder)
        fsync_dir(self.root)
        self._seen.pop(entry.name, None)
        return target

    def _already_added(self, files: list[Path]) -> str | None:
        """The draft these very files became before a crash kept them in the inbox, if any."""
        wanted = sorted((f.name, file_digest(f)) for f in files)
        for letter_id in self.archive.ids():
            if not is_provisional(letter_id):
                continue
            added = added_record(self.archive, letter_id)
            if added.get("via") != "inbox":
                continue
            got = sorted((f.get("name"), f.get("sha256")) for f in added.get("files") or [])
            if got == wanted:
                return letter_id
        return None

    def ingest(self, entry: Path) -> str | None:
        """Make one entry a draft, read and index it; return the draft's id, None if refused."""
        try:
            files = _files(entry)
            bad = [f.name for f in files if not f.is_file()]
            if bad:
                raise IngestError(
                    f"{entry.name}/{bad[0]}: a folder inside a letter's folder; accepted: "
                    "one folder per letter holding its files"
                )
            letter_id = self._already_added(files)
            if letter_id is None:
                with ExitStack() as stack:
                    streams = [(f.name, stack.enter_context(open(f, "rb"))) for f in files]
                    letter_id = create_draft(self.archive, streams, by="inbox", via="inbox")
        except (MissiveError, OSError) as exc:
            message = str(exc) if isinstance(exc, MissiveError) else f"{entry.name}: {reason(exc)}"
            if not message.startswith(entry.name):
                message = f"{entry.name}: {message}"
            moved = self._move(entry, FAILED, message)
            self.log(f"{entry.name}: refused, moved to {FAILED}/{moved.name}: {message}")
            if getattr(exc, "detail", None):  # the reading library's words: the log's alone
                self.log(f"{entry.name}: (the library said: {exc.detail})")
            return None
        moved = self._move(entry, DONE)
        self.log(f"{entry.name}: saved as draft {letter_id}; moved to {DONE}/{moved.name}")
        self.jobs.write(letter_id, state="queued", step="reading", done=0, total=0)
        try:
            process_draft(self.archive, self.engine, self.reader, letter_id, self.jobs)
        except MissiveError as exc:
            self.log(f"{letter_id}: saved, but it could not be read: {exc}")
        else:
            self.log(f"{letter_id}: read and indexed; ready for review")
        return letter_id

    def run(
        self, *, interval: float = INTERVAL, once: bool = False, stop: threading.Event | None = None
    ) -> list[str]:
        """Poll until stopped (or, with `once`, until nothing is left to settle)."""
        stop = stop or threading.Event()
        made: list[str] = []
        self.settled()  # first look: remember sizes
        while not stop.is_set():
            if stop.wait(min(interval, self.settle) if once else interval):
                break
            for entry in self.settled():
                letter_id = self.ingest(entry)
                if letter_id:
                    made.append(letter_id)
            if once and not self.entries():
                break
        return made
