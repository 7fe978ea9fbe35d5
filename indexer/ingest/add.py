"""`python -m indexer add`: files on disk become one new letter, read and indexed at once."""

from __future__ import annotations

from pathlib import Path

from ..archive import WRITE_TIMEOUT, Archive
from ..engines import Engine
from ..errors import IngestError
from ..records import Letter
from .intake import ADD, File, Intake
from .reader import Reader
from .stages import run


def _expand(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            raise IngestError(f"{path}: no such file or folder")
    return files


def add(
    archive: Archive,
    engine: Engine,
    reader: Reader,
    paths: list[Path],
    *,
    meta: dict | None = None,
    lock_timeout: float = WRITE_TIMEOUT,
) -> Letter:
    """Make the files one new letter: staged in the archive, read, moved in place, indexed.

    All or nothing: when the index is busy (its lock not free within `lock_timeout`
    seconds) or indexing fails, the letter is not left in the archive, and the message
    says so. Only a crash between the two steps leaves it unindexed; `check --repair`
    then indexes it.
    """
    files = _expand(paths)
    if not files:
        raise IngestError(f"{', '.join(map(str, paths))}: no files to add")
    intake = Intake(
        ADD,
        archive,
        [File(f.name, f) for f in files],
        sidecar=meta,
        reader=reader,
        engine=engine,
        lock_timeout=lock_timeout,
    )
    letter = run(intake).letter
    assert letter is not None  # the commit stage raises otherwise
    return letter
