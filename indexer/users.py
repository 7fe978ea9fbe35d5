"""Archivists' accounts: names and argon2id password hashes in a small SQLite file.

Each user also has a session key, a random token that every signed-in session of the user
carries: a session is only valid while its token is the user's current one. Changing the
password or signing out draws a new token, so every earlier session (a copied cookie too)
ends at once; removing the user ends them with the row.
"""

from __future__ import annotations

import re
import secrets
import sqlite3
import time
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .errors import MissiveError

NAME = re.compile(r"^[a-z][a-z0-9._-]{1,39}$")
MIN_PASSWORD = 10
_HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verifying against a fixed hash when the name is unknown keeps the timing alike.
_DUMMY = _HASHER.hash("not a real password, only for timing")


def _new_key() -> str:
    return secrets.token_urlsafe(24)


class UserError(MissiveError):
    """A user cannot be created or changed; the message says why."""


class UserStore:
    """The archivists who may sign in."""

    def __init__(self, path: Path | str):
        self.path = Path(path)

    def _db(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=10)
        db.execute(
            "CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY, hash TEXT NOT NULL,"
            " created REAL NOT NULL, session_key TEXT)"
        )
        columns = {row[1] for row in db.execute("PRAGMA table_info(users)")}
        if "session_key" not in columns:  # a file from before session keys: add the column
            try:
                db.execute("ALTER TABLE users ADD COLUMN session_key TEXT")
            except sqlite3.OperationalError:
                pass  # another process added it meanwhile
        return db

    @staticmethod
    def _check(name: str, password: str) -> None:
        if not NAME.match(name or ""):
            raise UserError(
                f"{name!r} is not a user name; accepted: 2 to 40 lower-case letters, digits, "
                "dots, hyphens or underscores, starting with a letter"
            )
        if len(password or "") < MIN_PASSWORD:
            raise UserError(f"the password is too short; use at least {MIN_PASSWORD} characters")

    def add(self, name: str, password: str) -> None:
        """Create a user; UserError if the name is taken or the password too short."""
        self._check(name, password)
        with self._db() as db:
            try:
                db.execute(
                    "INSERT INTO users (name, hash, created, session_key) VALUES (?, ?, ?, ?)",
                    (name, _HASHER.hash(password), time.time(), _new_key()),
                )
            except sqlite3.IntegrityError:
                raise UserError(f"a user {name!r} exists already") from None

    def set_password(self, name: str, password: str) -> None:
        """Set a new password and end every session of the user."""
        self._check(name, password)
        with self._db() as db:
            cur = db.execute(
                "UPDATE users SET hash = ?, session_key = ? WHERE name = ?",
                (_HASHER.hash(password), _new_key(), name),
            )
            if cur.rowcount == 0:
                raise UserError(f"no user {name!r}")

    def session_key(self, name: str) -> str | None:
        """The token the user's sessions must carry (made when there is none yet), or None
        for an unknown user."""
        with self._db() as db:
            db.execute(
                "UPDATE users SET session_key = ? WHERE name = ? AND session_key IS NULL",
                (_new_key(), name),
            )
            row = db.execute("SELECT session_key FROM users WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def end_sessions(self, name: str) -> None:
        """End every session of the user: their token is replaced."""
        with self._db() as db:
            db.execute("UPDATE users SET session_key = ? WHERE name = ?", (_new_key(), name))

    def session_valid(self, name: str, key: str) -> bool:
        """True while `key` is the user's current session token."""
        with self._db() as db:
            row = db.execute("SELECT session_key FROM users WHERE name = ?", (name,)).fetchone()
        return bool(row and row[0] and key and secrets.compare_digest(row[0], key))

    def remove(self, name: str) -> None:
        """Remove the user; their sessions end with them."""
        with self._db() as db:
            if db.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount == 0:
                raise UserError(f"no user {name!r}")

    def names(self) -> list[str]:
        with self._db() as db:
            return [row[0] for row in db.execute("SELECT name FROM users ORDER BY name")]

    def verify(self, name: str, password: str) -> bool:
        """True when the password is the user's."""
        with self._db() as db:
            row = db.execute("SELECT hash FROM users WHERE name = ?", (name,)).fetchone()
        try:
            _HASHER.verify(row[0] if row else _DUMMY, password)
        except (VerificationError, InvalidHashError):
            return False
        if row and _HASHER.check_needs_rehash(row[0]):
            with self._db() as db:  # a stronger hash of the same password: sessions stay
                db.execute(
                    "UPDATE users SET hash = ? WHERE name = ?", (_HASHER.hash(password), name)
                )
        return row is not None
