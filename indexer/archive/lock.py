"""Missive's one write lock, across threads and processes.

Every change to the index, and every change to a letter already in the archive, runs
holding it, so changes never interleave. It is a file lock (flock) on `WRITELOCK` in the
index folder: the kernel releases it when its holder dies, so a crash leaves nothing
locked. It belongs to no engine: the archive needs one writer at a time whichever engine
serves the index, and an engine kept on another machine still has this local folder.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import MissiveError

LOCK_FILE = "WRITELOCK"
WRITE_TIMEOUT = 30.0  # seconds a writer waits for another to finish


class IndexBusy(MissiveError):
    """Another process holds the write lock."""


@contextmanager
def write_lock(folder: Path, *, timeout: float = WRITE_TIMEOUT) -> Iterator[None]:
    """Hold the write lock of `folder` for the block; IndexBusy after `timeout` seconds."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexBusy(
                        f"the index in {folder} is being written by another process "
                        f"(waited {timeout:.0f} s for its lock); try again when it has finished"
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
