"""Letters the index could not take, and why, so `check` can say so.

For every letter a build or update skipped, the engine keeps (beside its index; see
`Engine.skips` and `Writer.record_skips`) the archive fingerprint the letter was read at
and the one-line reason. `check` reports such a letter by its reason while the letter is
unchanged; once it changes, the next update reads it again.
"""

from __future__ import annotations

from .archive import Archive
from .engines import Skips
from .errors import MissiveError

__all__ = ["Skips", "entry", "fingerprint"]


def fingerprint(archive: Archive, letter_id: str) -> str:
    """The letter's fingerprint now; "" when its folder went away meanwhile."""
    try:
        return archive.fingerprint(letter_id)
    except (MissiveError, OSError):
        return ""


def entry(archive: Archive, letter_id: str, reason: str) -> dict[str, str]:
    """The record of one skipped letter: the fingerprint it was read at, and why."""
    return {"fingerprint": fingerprint(archive, letter_id), "reason": reason}
