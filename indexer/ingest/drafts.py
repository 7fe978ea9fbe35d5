"""New letters as drafts: the files are saved in the archive first, then read and reviewed.

A draft is made by the ingest stages (indexer.ingest.stages), in one step that either
happens completely or not at all:

1. every file is copied into `letters/.staging/<token>/` and flushed to disk;
2. each is checked by its content (page image, PDF or plain-text transcript; images are
   decoded, so damaged files and decompression bombs are refused here; a PDF's page tree is
   read to count its pages, but its text is not: that is read in the background);
3. the files are named like any letter's (`page-001.jpg`, `page-001.txt`) and a
   `letter.json` with `"status": "draft"` records who added which file when;
4. the folder is renamed to `letters/draft-YYYYMMDD-<6 hex>` in one rename, and the
   folders are flushed, so the draft is on disk before anyone is told it is saved.

A draft's id is provisional. When the archivist publishes it, the folder is renamed to a
readable id made from the reviewed date and sender (`2009-02-16-ministry-of-foreign-affairs`):
a draft was never public, so no URL of it can have been cited. From then on the id is the
letter's permanent id and never changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from ..archive import Archive, ArchiveError
from ..archive.lifecycle import set_status
from ..archive.sidecar import check_added, load_sidecar
from ..errors import IngestError, MissiveError
from ..records import Letter
from .commit import new_draft_id, suggest_id
from .intake import (
    ACCEPTED,
    MAX_PAGES,
    MAX_TRANSCRIPT_BYTES,
    File,
    Intake,
    draft_way,
    is_provisional,
)
from .stages import TooLarge, check_name, natural_key, run

__all__ = [
    "ACCEPTED",
    "MAX_PAGES",
    "MAX_TRANSCRIPT_BYTES",
    "TooLarge",
    "added_record",
    "check_name",
    "create_draft",
    "is_provisional",
    "natural_key",
    "new_draft_id",
    "publish",
    "readable_id",
]

def create_draft(
    archive: Archive,
    files: Sequence[tuple[str, BinaryIO]],
    *,
    by: str,
    via: str,
    max_pages: int = MAX_PAGES,
) -> str:
    """Save files (name, readable binary stream) as one new draft letter; return its id.

    Nothing is left in the archive when a file is refused (IngestError naming the file and
    what is accepted; TooLarge for too many pages). When this returns, the draft's files,
    its `letter.json` and its folder are on disk.
    """
    if not files:
        raise IngestError(f"no files were given; accepted: {ACCEPTED}")
    way = draft_way(via, max_pages=max_pages)
    intake = Intake(way, archive, [File(name, stream) for name, stream in files], by=by)
    return run(intake).letter_id


def added_record(archive: Archive, letter_id: str) -> dict:
    """What `create_draft` recorded about the files (empty for letters added otherwise)."""
    try:
        data = load_sidecar(archive.folder(letter_id))
    except MissiveError:
        return {}
    return check_added(data)  # {} unless well-formed: pages listing it trust its shape


def readable_id(archive: Archive, letter: Letter) -> str:
    """A free, readable id from the reviewed metadata: date, then sender (or title)."""
    return archive.unique_id(suggest_id(letter, Path("letter")))


def publish(archive: Archive, letter_id: str, letter: Letter, *, by: str) -> str:
    """Publish a letter; a draft with a provisional id first gets its readable id.

    The folder is renamed before the status changes, so a crash in between leaves a draft
    (under its new id), never a public letter under a provisional id. Returns the id.
    """
    final_id = letter_id
    if is_provisional(letter_id):
        final_id = readable_id(archive, letter)
        try:
            archive.commit_staged(archive.folder(letter_id), final_id)
        except OSError as exc:
            raise ArchiveError(f"{letter_id}: cannot be renamed to {final_id}: {exc}") from exc
    set_status(archive, final_id, "published", by=by)
    return final_id
