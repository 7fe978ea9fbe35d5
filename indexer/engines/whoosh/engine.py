"""The Whoosh engine: the Engine protocol over a Whoosh index kept in generations on disk."""

from __future__ import annotations

import dataclasses
import gc
import shutil
import tempfile
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ...archive.lock import WRITE_TIMEOUT, write_lock
from ...ingest.extract import reason
from ...records import Letter
from ...search import natural
from ...search.errors import QueryError
from ...search.request import SearchRequest
from ...search.results import Hit, Ordered, SearchResult
from .. import EngineConfig
from ..base import Engine, Failure, Features, IndexMissing, Marks, Skips, Writer
from .documents import to_document
from .marks import WordMarks
from .schema import QUERY_FIELDS
from .searcher import LetterSearch
from .store import IndexStore, save_skips

FEATURES = Features(name="whoosh", parallel_build=True, local_files=True)


class WhooshWriter(Writer):
    """Writer over one Whoosh writer: the served index's, or a new generation's (`fresh`:
    nothing to replace, so letters are added without looking their ids up)."""

    def __init__(self, raw, *, fresh: bool):
        self._raw = raw
        self._fresh = fresh
        self.written = 0
        self.skipped: tuple[Skips, set[str] | None] | None = None

    def replace(self, letter: Letter) -> None:
        doc = to_document(letter)
        if self._fresh:
            self._raw.add_document(**doc)
        else:
            self._raw.update_document(**doc)
        self.written += 1

    def delete(self, letter_id: str) -> None:
        if not self._fresh:
            self._raw.delete_by_term("id", letter_id)

    def record_skips(self, failed: Skips, *, read: Iterable[str] | None = None) -> None:
        self.skipped = (dict(failed), None if read is None else set(read))


class WhooshEngine(Engine):
    features = FEATURES

    def __init__(self, config: EngineConfig):
        self.config = config
        self.store = IndexStore(config.index)
        # Engine-internal: the Whoosh engine's own tests and tools read through it.
        self.searching = LetterSearch(self.store, deadline=config.deadline, budget=config.budget)

    # -- writing ---------------------------------------------------------------------------
    def write_lock(self, *, timeout: float = WRITE_TIMEOUT):
        return write_lock(self.store.root, timeout=timeout)

    @contextmanager
    def writer(self) -> Iterator[Writer]:
        ix = self.store.open()
        try:
            with self.store.writer(ix) as raw:
                w = WhooshWriter(raw, fresh=False)
                yield w
        finally:
            ix.close()
        if w.skipped is not None:
            failed, read = w.skipped
            gen = self.store.current_dir()
            if read is None and gen is not None:
                save_skips(gen, failed)
            elif read is not None:
                self.store.replace_skips(read, failed)
        self.store.touch()

    @contextmanager
    def rebuild(self, *, procs: int = 1) -> Iterator[Writer]:
        # procs > 1: Whoosh's multisegment writer, one segment per process.
        extra = {"procs": procs, "multisegment": True, "limitmb": 128} if procs > 1 else {}
        gen, ix = self.store.new_generation()
        try:
            with self.store.writer(ix, **(extra or {"limitmb": 256})) as raw:
                w = WhooshWriter(raw, fresh=True)
                yield w
            ix.close()
            save_skips(gen, w.skipped[0] if w.skipped else {})
            self.store.publish(gen, letters=w.written)
        except BaseException:
            shutil.rmtree(gen, ignore_errors=True)
            raise

    @contextmanager
    def scratch(self) -> Iterator[Engine]:
        # A temporary folder of its own: nothing of it is near the served generations.
        with tempfile.TemporaryDirectory(prefix="missive-scratch-") as tmp:
            other = WhooshEngine(dataclasses.replace(self.config, index=Path(tmp) / "index"))
            try:
                yield other
            finally:
                other.close()

    def fingerprints(self) -> dict[str, str]:
        ix = self.store.open()
        try:
            with ix.searcher() as s:
                return {f["id"]: f.get("fingerprint", "") for f in s.all_stored_fields()}
        finally:
            ix.close()

    def failures(self) -> dict[str, list[Failure]]:
        ix = self.store.open()
        try:
            with ix.searcher() as s:
                return {
                    f["id"]: [
                        (int(n), str(step), str(why)) for n, step, why in f.get("failures") or []
                    ]
                    for f in s.documents(failed="yes")
                }
        finally:
            ix.close()

    def skips(self) -> Skips:
        return self.store.skips()

    def damaged(self) -> str | None:
        with warnings.catch_warnings():
            # Whoosh leaves the files of an index it cannot open open; they close here,
            # quietly.
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                ix = self.store.open()
                try:
                    with ix.searcher() as s:  # opens every segment's files
                        s.doc_count_all()
                finally:
                    ix.close()
            except IndexMissing:
                return None
            except Exception as exc:  # damaged: the archive has everything to rebuild it
                return reason(exc)
            finally:
                gc.collect()
        return None

    def remove_leftovers(self) -> list[str]:
        current = self.store.current_name()
        if not current:
            return []  # none is served: a build may be starting
        removed = sorted(
            p.name for p in self.store.root.glob("gen-*") if p.is_dir() and p.name != current
        )
        self.store.remove_stale(keep=current)
        return removed

    # -- searching -------------------------------------------------------------------------
    def search(self, req: SearchRequest) -> SearchResult:
        return natural.answer(self.searching.search, req)  # a question: all, then most

    def ordered(self, req: SearchRequest, limit: int) -> Ordered:
        return natural.answer(lambda r: self.searching.ordered(r, limit), req)

    def hits(
        self, letters: list[tuple[str, float | None]], marks: Marks, *, unpublished: bool = False
    ) -> list[Hit]:
        if not isinstance(marks, WordMarks):
            marks = WordMarks.none()  # another engine's marks: snippets without marks
        return self.searching.hits(letters, marks, unpublished=unpublished)

    def marks(self, q: str, *, ocr: bool = False) -> Marks:
        return self.searching.marks(q, ocr=ocr)

    def get(self, letter_id: str) -> dict[str, Any] | None:
        return self.searching.get(letter_id)

    def ids(self, *, status: str | None = None) -> list[str]:
        return self.searching.ids(status=status)

    def more_like_this(self, letter_id: str, *, limit: int = 5) -> list[dict[str, Any]]:
        return self.searching.more_like_this(letter_id, limit=limit)

    def stats(self) -> dict[str, Any]:
        return self.searching.stats()

    def vocabulary(self, field: str = "text") -> list[str]:
        # The text's words as written (folded, unstemmed) are the `exact` field's.
        fieldname = "exact" if field in ("text", "content") else QUERY_FIELDS.get(field)
        if fieldname is None:
            raise QueryError(
                f"{field!r} is not a query field; accepted: {', '.join(sorted(QUERY_FIELDS))}"
            )
        return self.searching.vocabulary(fieldname)

    def close(self) -> None:
        self.searching.close()

    def refresh(self) -> None:
        self.searching.searcher()
