"""Reading a new draft: extraction and OCR page by page, its progress kept in a small file.

The progress of each draft's processing is a JSON file in the instance folder
(`instance/jobs/<id>.json`): state (`queued`, `running`, `done`, `failed`), step
(`reading`, `ocr`, `indexing`), pages done and total, the process doing it and when it last
moved. Any process can read it (the web app's status page, whichever worker answers), and
a job whose process has died is seen as interrupted, so it can be started again.
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..archive import Archive, check_id, write_atomic
from ..engines import Engine
from ..errors import MissiveError
from ..records import Letter
from ..writer import Written, apply
from .extract import reason
from .reader import Reader

STALE_AFTER = 15 * 60  # seconds without progress after which a running job counts as dead
ACTIVE = ("queued", "running")
HOST = socket.gethostname()


class JobFiles:
    """The progress files of draft processing jobs."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def path(self, letter_id: str) -> Path:
        return self.root / f"{check_id(letter_id)}.json"

    def read(self, letter_id: str) -> dict[str, Any] | None:
        try:
            data = json.loads(self.path(letter_id).read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return None
        return data if isinstance(data, dict) else None

    def write(self, letter_id: str, **state: Any) -> dict[str, Any]:
        """Replace the job's state (atomically; progress needs no flush to disk)."""
        data = {"id": letter_id, "pid": os.getpid(), "host": HOST, "updated": time.time(), **state}
        self.root.mkdir(parents=True, exist_ok=True)
        target = self.path(letter_id)
        write_atomic(target, json.dumps(data).encode("utf-8"), durable=False)
        return data

    def remove(self, letter_id: str) -> None:
        self.path(letter_id).unlink(missing_ok=True)


def is_alive(state: dict[str, Any] | None) -> bool:
    """True when the job is queued or running in a process that still lives."""
    if not state or state.get("state") not in ACTIVE:
        return False
    if state.get("host") != HOST or time.time() - float(state.get("updated") or 0) > STALE_AFTER:
        return False
    try:
        os.kill(int(state.get("pid") or 0), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, ValueError, OverflowError):
        return True  # a process of another user: it exists
    return True


def process_draft(
    archive: Archive,
    engine: Engine,
    reader: Reader,
    letter_id: str,
    jobs: JobFiles,
    *,
    index: Callable[[Letter], Written] | None = None,
) -> Written:
    """Read a draft (OCR where pages have no text), then index it; progress goes to `jobs`.

    `index` indexes the letter read (default: indexer.writer.apply here; the web app passes
    its writer queue). Raises MissiveError, after recording the failure, when the letter
    cannot be read.
    """
    started = time.time()

    def progress(done: int, total: int) -> None:
        jobs.write(letter_id, state="running", step="ocr", done=done, total=total, started=started)

    jobs.write(letter_id, state="running", step="reading", done=0, total=0, started=started)
    try:
        letter = reader.read(letter_id, on_page=progress)
        pages = len(letter.pages)
        jobs.write(
            letter_id, state="running", step="indexing", done=pages, total=pages, started=started
        )
        if index is None:
            written = apply(archive, engine, reader, ids=[letter_id], prepared=[letter])
        else:
            written = index(letter)
        if written.errors:
            raise MissiveError(written.errors[0])
    except MissiveError as exc:
        jobs.write(letter_id, state="failed", message=str(exc), started=started)
        raise
    except Exception as exc:
        jobs.write(letter_id, state="failed", message=f"{letter_id}: {reason(exc)}")
        raise
    jobs.write(
        letter_id,
        state="done",
        done=pages,
        total=pages,
        started=started,
        seconds=round(time.time() - started, 1),
    )
    return written
