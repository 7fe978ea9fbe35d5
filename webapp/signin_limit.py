"""The limit on failed sign-ins per client address, shared by every worker and thread.

Attempts are kept in a small SQLite file in the instance folder (config SIGNIN_DB, default
`instance/signin-attempts.sqlite3`). An attempt is counted *before* its password is checked:
one `BEGIN IMMEDIATE` transaction (one writer at a time, across processes) counts the
address's attempts within the window and, if there is room, records this one. So however
many requests from one address arrive at once, in however many workers, at most LIMIT of
them get their password checked per window. A sign-in that succeeds takes its attempt
back: only failures count. Once the limit is reached, the address (and only it) is refused,
even with the right password, until its oldest counted failure is older than the window.
"""

from __future__ import annotations

import math
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

LIMIT = 5  # failed sign-ins per address ...
WINDOW_SECONDS = 60.0  # ... within this many seconds


@dataclass(frozen=True)
class Attempt:
    """The answer to one sign-in: whether its password may be checked."""

    allowed: bool
    attempt_id: int | None = None  # the recorded attempt, to take back on success
    retry_after: int = 0  # seconds until the address may try again, when refused


class SigninLimit:
    """Failed sign-ins per address within a sliding window, in a SQLite file."""

    def __init__(
        self,
        path: Path | str,
        *,
        limit: int = LIMIT,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.time,
    ):
        if limit < 1 or window <= 0:
            raise ValueError(
                f"sign-in limit {limit} per {window} s; accepted: at least 1 per a positive window"
            )
        self.path = Path(path)
        self.limit = limit
        self.window = window
        self.clock = clock

    def _db(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode: transactions are begun explicitly, as BEGIN IMMEDIATE.
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.execute(
            "CREATE TABLE IF NOT EXISTS attempts (id INTEGER PRIMARY KEY, address TEXT NOT NULL,"
            " at REAL NOT NULL)"
        )
        db.execute("CREATE INDEX IF NOT EXISTS attempts_by_address ON attempts (address, at)")
        return db

    def attempt(self, address: str) -> Attempt:
        """Count an attempt from `address` if the limit allows it (atomically across
        processes); else refuse it, saying when the address may try again."""
        now = self.clock()
        db = self._db()
        try:
            db.execute("BEGIN IMMEDIATE")  # the write lock first: no two counts interleave
            db.execute("DELETE FROM attempts WHERE at <= ?", (now - self.window,))
            times = [
                at
                for (at,) in db.execute(
                    "SELECT at FROM attempts WHERE address = ? ORDER BY at", (address,)
                )
            ]
            if len(times) >= self.limit:
                db.execute("COMMIT")
                # Free again when enough of the oldest failures have left the window.
                free_at = times[len(times) - self.limit] + self.window
                return Attempt(False, retry_after=max(1, math.ceil(free_at - now)))
            cur = db.execute("INSERT INTO attempts (address, at) VALUES (?, ?)", (address, now))
            db.execute("COMMIT")
            return Attempt(True, attempt_id=cur.lastrowid)
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        finally:
            db.close()

    def succeeded(self, attempt: Attempt) -> None:
        """The attempt's password was right: it does not count as a failure."""
        if attempt.attempt_id is None:
            return
        db = self._db()
        try:
            db.execute("DELETE FROM attempts WHERE id = ?", (attempt.attempt_id,))
        finally:
            db.close()
