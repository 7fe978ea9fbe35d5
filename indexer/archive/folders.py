"""The archive on disk: letter folders, ids, fingerprints, and the staging of new letters."""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import secrets
import shutil
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import MissiveError
from .files import file_digest, fsync_dir

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
STAGING = ".staging"
STAGING_LOCK = ".staging.lock"  # shared while letters are assembled, exclusive to clean up


class ArchiveError(MissiveError):
    """The archive cannot do what was asked; the message says why."""


def is_id(text: object) -> bool:
    """True when `text` is a letter id (the one test of an id, wherever one comes in)."""
    return isinstance(text, str) and ID_PATTERN.fullmatch(text) is not None


def check_id(letter_id: str) -> str:
    """Return `letter_id` if it is a valid id, else raise ArchiveError."""
    if not is_id(letter_id):
        raise ArchiveError(
            f"{letter_id!r} is not a letter id; accepted: 1 to 100 lower-case letters, "
            "digits and hyphens, starting with a letter or digit"
        )
    return letter_id


def slugify(text: str, *, limit: int = 60) -> str:
    """Make an id fragment: ASCII, lower case, hyphens ("Perú Ministry" -> "peru-ministry")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:limit].rstrip("-")


class Archive:
    """The folder `letters/` of letter folders, each named by its id."""

    def __init__(self, root: Path | str):
        self.root = Path(root)
        self.letters_dir = self.root / "letters"

    def ids(self) -> list[str]:
        """Every letter id in the archive, sorted."""
        if not self.letters_dir.is_dir():
            return []
        return sorted(
            p.name for p in self.letters_dir.iterdir() if p.is_dir() and is_id(p.name)
        )

    def folder(self, letter_id: str) -> Path:
        """The folder of an existing letter; ArchiveError when there is none."""
        path = self.letters_dir / check_id(letter_id)
        if not path.is_dir():
            raise ArchiveError(f"no letter {letter_id!r} in the archive at {self.root}")
        return path

    def files(self, letter_id: str) -> list[Path]:
        """The letter's files, sorted, hidden files left out."""
        folder = self.folder(letter_id)
        return sorted(
            p
            for p in folder.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        )

    def fingerprint(self, letter_id: str) -> str:
        """A hash of every file's name and content: it changes when anything changes."""
        folder = self.folder(letter_id)
        h = hashlib.sha256()
        for path in self.files(letter_id):
            h.update(path.relative_to(folder).as_posix().encode() + b"\0")
            h.update(file_digest(path).encode() + b"\n")
        return h.hexdigest()[:32]

    def unique_id(self, base: str) -> str:
        """`base`, or `base-2`, `base-3`… whichever is free."""
        base = slugify(base, limit=90) or "letter"
        candidate, n = base, 1
        while (self.letters_dir / candidate).exists():
            n += 1
            candidate = f"{base}-{n}"
        return check_id(candidate)

    def staging_folder(self) -> Path:
        """A fresh folder inside the archive where a new letter is assembled."""
        path = self.letters_dir / STAGING / secrets.token_hex(6)
        path.mkdir(parents=True)
        return path

    def commit_staged(self, staged: Path, letter_id: str) -> Path:
        """Move an assembled letter into place under its id, in one rename."""
        target = self.letters_dir / check_id(letter_id)
        if target.exists():
            raise ArchiveError(f"a letter {letter_id!r} exists already")
        staged.rename(target)
        fsync_dir(self.letters_dir)
        fsync_dir(staged.parent)
        return target

    def discard_staged(self, staged: Path) -> None:
        shutil.rmtree(staged, ignore_errors=True)

    def _staging_lock(self, mode: int) -> int | None:
        """Open and lock `letters/.staging.lock`; None when `mode` is non-blocking and held."""
        (self.letters_dir / STAGING).mkdir(parents=True, exist_ok=True)
        fd = os.open(self.letters_dir / STAGING_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, mode)
        except BlockingIOError:
            os.close(fd)
            return None
        return fd

    @contextmanager
    def staging(self) -> Iterator[Path]:
        """A fresh staging folder for the block; removed afterwards unless committed.

        A shared lock is held meanwhile, so `clean_staging` (which needs it exclusively)
        never removes a folder another thread or process is still filling. The kernel drops
        the lock when its process dies, so a crash leaves nothing locked.
        """
        fd = self._staging_lock(fcntl.LOCK_SH)
        try:
            staged = self.staging_folder()
            try:
                yield staged
            finally:
                if staged.exists():
                    self.discard_staged(staged)
        finally:
            os.close(fd)  # type: ignore[arg-type]

    def clean_staging(self) -> list[str] | None:
        """Remove the staging folders of adds that never finished (their process died).

        Returns the removed folders' names, or None when an add is under way right now
        (then nothing is removed: its folder cannot be told from a leftover).
        """
        folder = self.letters_dir / STAGING
        if not folder.is_dir():
            return []
        fd = self._staging_lock(fcntl.LOCK_EX | fcntl.LOCK_NB)
        if fd is None:
            return None
        try:
            removed = []
            for child in sorted(folder.iterdir()):
                if child.is_dir():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    child.unlink(missing_ok=True)
                removed.append(child.name)
            if removed:
                fsync_dir(folder)
            return removed
        finally:
            os.close(fd)
