"""Open, create and swap the Whoosh index on disk; its writer; its skip records.

The index directory holds generations, each a complete Whoosh index::

    instance/index/
      CURRENT            name of the generation being served, e.g. "gen-20261123-101500-3f2a"
      gen-…/             Whoosh files + missive.json (schema version, letter count)
                         + skipped.json (letters the index could not take, and why)
      WRITELOCK          held by whoever writes (indexer.archive.lock)

A full rebuild writes a new generation beside the served one and swaps CURRENT
atomically, so a crash mid-build leaves the old index serving.
"""

from __future__ import annotations

import json
import secrets
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError

from ...archive import fsync_dir, write_atomic, write_lock
from ..base import WRITE_TIMEOUT, IndexBusy, IndexMissing, Skips
from .schema import SCHEMA_VERSION, make_schema

_CURRENT = "CURRENT"
_INFO = "missive.json"
SKIPPED = "skipped.json"


class IndexStore:
    """The index directory: its generations, its lock, its writer, its skip records."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    # -- reading -------------------------------------------------------------
    def current_name(self) -> str | None:
        try:
            name = (self.root / _CURRENT).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return name or None

    def current_dir(self) -> Path | None:
        name = self.current_name()
        return self.root / name if name else None

    def info(self) -> dict:
        gen = self.current_dir()
        if gen is None:
            return {}
        try:
            return json.loads((gen / _INFO).read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return {}

    def is_current_schema(self) -> bool:
        return self.info().get("schema_version") == SCHEMA_VERSION

    def open(self, storage: type[FileStorage] = FileStorage) -> whoosh_index.FileIndex:
        """Open the served generation (its folder read through `storage`); raise
        IndexMissing when there is none."""
        gen = self.current_dir()
        if gen is None or not whoosh_index.exists_in(str(gen)):
            raise IndexMissing(
                f"no index in {self.root}; run `python -m indexer build` to make one"
            )
        if not self.is_current_schema():
            raise IndexMissing(
                f"the index in {self.root} was built with schema version "
                f"{self.info().get('schema_version')!r}, this program uses {SCHEMA_VERSION}; "
                "run `python -m indexer build` to rebuild it"
            )
        return whoosh_index.FileIndex(storage(str(gen)))

    # -- writing -------------------------------------------------------------
    @contextmanager
    def write_lock(self, *, timeout: float = WRITE_TIMEOUT) -> Iterator[None]:
        """Hold Missive's write lock (indexer.archive.lock) for one writer at a time."""
        with write_lock(self.root, timeout=timeout):
            yield

    @contextmanager
    def writer(self, ix: whoosh_index.Index, **kwargs) -> Iterator:
        """Yield a Whoosh writer; commit on success, cancel and re-raise on error.

        Segments are written as separate files, not one compound file: Whoosh reads each
        part of a compound file into memory when it opens it (a 400 MB index became
        400 MB of every web worker's memory); separate files are read as needed.
        """
        kwargs.setdefault("compound", False)
        try:
            w = ix.writer(timeout=WRITE_TIMEOUT, **kwargs)
        except LockError as exc:
            raise IndexBusy(
                f"the index in {self.root} is locked by another writer; try again later"
            ) from exc
        try:
            yield w
        except BaseException:
            w.cancel()
            raise
        w.commit()

    def new_generation(self) -> tuple[Path, whoosh_index.Index]:
        """Create an empty generation beside the served one."""
        self.root.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        gen = self.root / f"gen-{stamp}-{secrets.token_hex(3)}"
        gen.mkdir()
        return gen, whoosh_index.create_in(str(gen), make_schema())

    def publish(self, gen: Path, *, letters: int) -> None:
        """Make `gen` the served generation and remove the older ones."""
        info = {"schema_version": SCHEMA_VERSION, "letters": letters, "built": time.time()}
        write_atomic(gen / _INFO, json.dumps(info).encode())
        fsync_dir(gen)
        write_atomic(self.root / _CURRENT, gen.name.encode())
        self.remove_stale(keep=gen.name)

    def remove_stale(self, *, keep: str | None = None) -> None:
        """Delete generations other than the served one (leftovers of crashed builds)."""
        keep = keep or self.current_name()
        for child in self.root.glob("gen-*"):
            if child.is_dir() and child.name != keep:
                shutil.rmtree(child, ignore_errors=True)

    def touch(self) -> None:
        """Record that the served generation changed, so searchers refresh."""
        gen = self.current_dir()
        if gen is not None:
            info = self.info()
            info["updated"] = time.time()
            write_atomic(gen / _INFO, json.dumps(info).encode())

    # -- letters the index could not take ---------------------------------------
    def skips(self) -> Skips:
        """The skipped letters of the served generation ({} when none or unreadable)."""
        gen = self.current_dir()
        if gen is None:
            return {}
        try:
            data = json.loads((gen / SKIPPED).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {
            k: v
            for k, v in data.items()
            if isinstance(v, dict) and isinstance(v.get("reason"), str)
        }

    def replace_skips(self, read: set[str], failed: Skips) -> None:
        """After the letters `read` were read again into the served generation: those in
        `failed` are skipped, the others no longer (the caller holds the write lock)."""
        gen = self.current_dir()
        if gen is None:
            return
        before = self.skips()
        after = {k: v for k, v in before.items() if k not in read} | failed
        if after != before:
            save_skips(gen, after)


def save_skips(gen: Path, skips: Skips) -> None:
    """Record the skipped letters of generation `gen` (the caller holds the write lock)."""
    write_atomic(gen / SKIPPED, json.dumps(skips, ensure_ascii=False, sort_keys=True).encode())
