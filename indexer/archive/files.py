"""Safe writes: a file is replaced whole or not at all, and what must survive a crash is
flushed to disk first. The one implementation of atomic writes in Missive."""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

# Temporary files of atomic writes: ".<name>.<8 hex digits>.tmp" beside the target, so
# `check --repair` can tell an interrupted write's leftover from any other file.
TEMP_NAME = r"^\..+\.[0-9a-f]{8}\.tmp$"


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (files created, renamed or removed in it) to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's content, in hex."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@contextmanager
def atomic_file(path: Path, *, durable: bool = True) -> Iterator[BinaryIO]:
    """A file to write `path`'s new content into: readers see the old content or the new,
    never a part. `durable`: flushed to disk, with the folder entry, before returning
    (False for progress files and caches, which a crash may lose)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "wb") as fh:
            yield fh
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if durable:
        fsync_dir(path.parent)


def write_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write a file so readers see the old content or the new, never a part."""
    with atomic_file(path, durable=durable) as fh:
        fh.write(data)
