"""The archive on disk, the truth the index is derived from: letter folders and ids
(`folders`), safe writes (`files`) and the one write lock (`lock`)."""

from .files import atomic_file, file_digest, fsync_dir, write_atomic
from .folders import (
    ID_PATTERN,
    STAGING,
    STAGING_LOCK,
    Archive,
    ArchiveError,
    check_id,
    is_id,
    slugify,
)
from .lock import WRITE_TIMEOUT, IndexBusy, write_lock

__all__ = [
    "ID_PATTERN",
    "STAGING",
    "STAGING_LOCK",
    "WRITE_TIMEOUT",
    "Archive",
    "ArchiveError",
    "IndexBusy",
    "atomic_file",
    "check_id",
    "file_digest",
    "fsync_dir",
    "is_id",
    "slugify",
    "write_atomic",
    "write_lock",
]
