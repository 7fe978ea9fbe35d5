"""Where the archive, the index and the caches are: options, then environment, then defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Paths:
    archive: Path
    index: Path
    cache: Path

    @property
    def ocr_cache(self) -> Path:
        return self.cache / "ocr"

    @property
    def instance(self) -> Path:
        """The instance folder: users, secret key, index and caches live here."""
        return self.index.parent

    @property
    def users(self) -> Path:
        return self.instance / "users.sqlite3"

    @property
    def jobs(self) -> Path:
        """Progress files of drafts being read (indexer.ingest.processing)."""
        return self.instance / "jobs"

    @property
    def inbox(self) -> Path:
        """The folder `python -m indexer watch` ingests from: $MISSIVE_INBOX or instance/inbox."""
        return Path(os.environ.get("MISSIVE_INBOX") or self.instance / "inbox")


def resolve_paths(archive: str | Path | None = None, index: str | Path | None = None) -> Paths:
    """Resolve paths from arguments, MISSIVE_ARCHIVE / MISSIVE_INDEX / MISSIVE_CACHE, defaults."""
    archive_path = Path(archive or os.environ.get("MISSIVE_ARCHIVE") or "archive")
    index_path = Path(index or os.environ.get("MISSIVE_INDEX") or "instance/index")
    cache_path = Path(os.environ.get("MISSIVE_CACHE") or index_path.parent / "cache")
    return Paths(archive_path, index_path, cache_path)
