"""Letters the index could not take, and why: kept beside the index so `check` can say so.

Each index generation holds `skipped.json`: for every letter a build or update skipped,
the archive fingerprint it was read at and the one-line reason. `check` reports such a
letter by its reason while the letter is unchanged; once it changes, the next update
reads it again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from .archive import Archive, write_atomic
from .errors import MissiveError
from .store import IndexStore

SKIPPED = "skipped.json"

Skips = dict[str, dict[str, str]]  # id -> {"fingerprint": ..., "reason": ...}


def load(store: IndexStore) -> Skips:
    """The skipped letters of the served generation ({} when none or unreadable)."""
    gen = store.current_dir()
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


def fingerprint(archive: Archive, letter_id: str) -> str:
    """The letter's fingerprint now; "" when its folder went away meanwhile."""
    try:
        return archive.fingerprint(letter_id)
    except (MissiveError, OSError):
        return ""


def entry(archive: Archive, letter_id: str, reason: str) -> dict[str, str]:
    """The record of one skipped letter: the fingerprint it was read at, and why."""
    return {"fingerprint": fingerprint(archive, letter_id), "reason": reason}


def replace(store: IndexStore, read: Iterable[str], failed: Skips) -> None:
    """After the letters `read` were read again into the served generation: those in
    `failed` are skipped, the others no longer (the caller holds the write lock)."""
    gen = store.current_dir()
    if gen is None:
        return
    before = load(store)
    read = set(read)
    after = {k: v for k, v in before.items() if k not in read} | failed
    if after != before:
        save(gen, after)


def save(gen: Path, skips: Skips) -> None:
    """Record the skipped letters of generation `gen` (the caller holds the write lock)."""
    write_atomic(gen / SKIPPED, json.dumps(skips, ensure_ascii=False, sort_keys=True).encode())
