"""The app's background work: one thread reads new drafts, one thread writes.

- The *processing* queue (one thread) reads each uploaded draft: extraction and OCR, with
  its progress in `instance/jobs/<id>.json` (indexer.ingest.processing), which every worker
  process can read.
- The *writer* queue (one thread) makes every change to the archive's existing letters and
  to the index (indexer.writer.apply, inside the index's file lock, so one writer across
  processes as well). Requests hand it their change and wait for it: a response says
  "saved" only after the archive files are on disk and the index is updated.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from indexer.archive import Archive
from indexer.engines import IndexMissing, open_engine
from indexer.errors import MissiveError
from indexer.ingest.processing import JobFiles, is_alive, process_draft
from indexer.ingest.reader import Reader
from indexer.records import Letter
from indexer.writer import Change, Written, apply

WRITE_WAIT = 300.0  # seconds a request waits for its change (the lock itself waits 30 s)


class Jobs:
    def __init__(self, app: Flask):
        cache = Path(app.config["CACHE_DIR"]) / "ocr"
        use_ocr = app.config.get("OCR", True)
        self.archive = Archive(app.config["ARCHIVE_DIR"])
        self.engine = open_engine(app.config["INDEX_DIR"])  # for writing; db has the reader
        self.files = JobFiles(
            app.config.get("JOBS_DIR") or Path(app.config["INDEX_DIR"]).parent / "jobs"
        )
        self._reader = Reader(self.archive, ocr_cache=cache, use_ocr=use_ocr)
        self.write_reader = Reader(self.archive, ocr_cache=cache, use_ocr=use_ocr)
        self._processing = ThreadPoolExecutor(1, thread_name_prefix="missive-processing")
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="missive-writer")
        self._lock = threading.Lock()
        self._queued: set[str] = set()
        self.logger = app.logger

    # -- writing ------------------------------------------------------------------------
    def write(
        self, change: Change | None = None, *, ids: Iterable[str] = (), prepared=()
    ) -> Future[Written]:
        """Queue a change (and re-indexing of `ids`) for the writer thread."""
        return self._writer.submit(
            apply,
            self.archive,
            self.engine,
            self.write_reader,
            change,
            ids=list(ids),
            prepared=list(prepared),
        )

    def write_and_wait(self, change: Change | None = None, *, ids: Iterable[str] = ()) -> Written:
        """Run a change through the writer and wait; its exception is raised here."""
        return self.write(change, ids=ids).result(timeout=WRITE_WAIT)

    # -- processing ---------------------------------------------------------------------
    def process(self, letter_id: str) -> None:
        """Queue a draft for reading (extraction, OCR) and indexing, once."""
        with self._lock:
            if letter_id in self._queued:
                return
            self._queued.add(letter_id)
        self.files.write(letter_id, state="queued", step="reading", done=0, total=0)
        self._processing.submit(self._process, letter_id)

    def _index_prepared(self, letter: Letter) -> Written:
        return self.write(ids=[letter.id], prepared=[letter]).result(timeout=WRITE_WAIT)

    def _process(self, letter_id: str) -> None:
        try:
            process_draft(
                self.archive,
                self.engine,
                self._reader,
                letter_id,
                self.files,
                index=self._index_prepared,
            )
        except MissiveError as exc:
            self.logger.warning("draft %s could not be read: %s", letter_id, exc)
        except Exception:
            self.logger.exception("processing draft %s failed", letter_id)
        finally:
            with self._lock:
                self._queued.discard(letter_id)

    def state(self, letter_id: str, indexed_fingerprint: str | None) -> dict[str, Any]:
        """The draft's processing state; a job that died with its process is started again.

        `indexed_fingerprint`: the fingerprint the index holds for the letter (None if none).
        """
        data = self.files.read(letter_id)
        if data and data.get("state") == "done":
            return data
        if is_alive(data) or (data and data.get("state") == "failed"):
            return data  # type: ignore[return-value]
        try:
            if indexed_fingerprint and indexed_fingerprint == self.archive.fingerprint(letter_id):
                return self.files.write(letter_id, state="done")
        except (MissiveError, OSError):
            pass
        self.process(letter_id)  # never started here, or its process died: start it again
        return self.files.read(letter_id) or {"state": "queued", "step": "reading"}

    def forget(self, letter_id: str) -> None:
        self.files.remove(letter_id)

    def shutdown(self) -> None:
        self._processing.shutdown(wait=True)
        self._writer.shutdown(wait=True)


def get_jobs() -> Jobs:
    return current_app.extensions["missive.jobs"]


def indexed_fingerprint(search, letter_id: str) -> str | None:
    try:
        meta = search.get(letter_id)
    except IndexMissing:
        return None
    return meta.get("fingerprint") if meta else None


def init_app(app: Flask) -> None:
    app.extensions["missive.jobs"] = Jobs(app)
