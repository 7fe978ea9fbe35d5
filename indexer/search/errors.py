"""Why a search cannot run; each message says what is wrong and what is accepted."""

from __future__ import annotations

from ..errors import MissiveError


class QueryError(MissiveError):
    """A query cannot be read or run; the message says where, what is wrong and what is
    accepted. `position`: the 1-based character it concerns, when there is one."""

    def __init__(self, message: str, position: int | None = None):
        super().__init__(message)
        self.position = position


class QueryTooBroad(QueryError):
    """A query whose wildcard and fuzzy terms stand for more words than a search may match."""
