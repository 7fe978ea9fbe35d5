"""A time limit for one search, checked between its stages.

A search that runs past its deadline stops at the next check with SearchTimeout instead
of holding its worker (and, since a searcher serves one search at a time, every search
queued behind it).  The checks sit between the stages (matching, facets, ranking,
snippets, suggestions) and inside their loops, so a search overruns by at most one step.
"""

from __future__ import annotations

import time

from ..errors import MissiveError


class SearchTimeout(MissiveError):
    """A search ran past its deadline and was stopped; the message says how to narrow it."""


class Deadline:
    """The moment a search must be done by; `seconds=None` means no limit."""

    def __init__(self, seconds: float | None = None):
        self.seconds = seconds
        self.end = None if seconds is None else time.monotonic() + seconds

    def check(self, stage: str) -> None:
        """Raise SearchTimeout if the deadline has passed; `stage` says what was running."""
        if self.end is not None and time.monotonic() >= self.end:
            raise SearchTimeout(
                f"the search was stopped after {self.seconds:g} s, the time one search may "
                f"take, while {stage}; narrow it (fewer words joined by OR, fewer wildcards, "
                "or a country or date filter) and try again"
            )
