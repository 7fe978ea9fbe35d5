"""What one new letter carries through the ingest stages, and the ways letters come in.

Every way in (the command line's `add`, a web upload, the inbox) runs the same ordered
stages (`stages.STAGES`) over one `Intake`. A `Way` holds what differs between them, and
only that: what is accepted, and whether the letter is kept as a draft (read in the
background, reviewed, published later) or read and indexed at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from ..archive import WRITE_TIMEOUT, Archive
from ..records import Letter

if TYPE_CHECKING:
    from ..engines import Engine
    from .reader import Reader

MAX_PAGES = 500  # pages of one draft
MAX_TRANSCRIPT_BYTES = 5 * 1024 * 1024  # bytes of one uploaded transcript
ACCEPTED = (
    "JPEG, PNG, TIFF, JPEG 2000 or WebP page images, one PDF, plain-text transcripts, "
    "word boxes (PAGE XML, ALTO, hOCR), or one TEI letter with its page images"
)


DRAFT_ID = re.compile(r"^draft-\d{8}-[0-9a-f]{6}$")


def is_provisional(letter_id: str) -> bool:
    """True for a draft's provisional id (`draft-20261123-3f2a9c`)."""
    return bool(DRAFT_ID.match(letter_id))


@dataclass(frozen=True)
class Way:
    """How letters come in one way."""

    via: str  # recorded with a draft: "upload", "inbox"; "cli" for `add`
    draft: bool  # kept as a draft and read later, or read and indexed at once
    accepted: str  # what a refusal says is accepted
    # Transcripts: named .txt (beside word boxes and sidecars, on an archivist's disk), or
    # any file without NUL bytes (an upload's names are the uploader's).
    text_by_name: bool = False
    order_by_name: bool = True  # pages in the natural order of the names, or as given
    max_pages: int | None = MAX_PAGES
    max_transcript_bytes: int | None = MAX_TRANSCRIPT_BYTES


ADD = Way(
    via="cli",
    draft=False,
    accepted=(
        "JPEG, PNG, TIFF, JPEG 2000, WebP, PDF, plain-text transcripts (.txt), "
        "word boxes (PAGE XML, ALTO, hOCR), or one TEI letter with its page images"
    ),
    text_by_name=True,
    order_by_name=False,
    max_pages=None,
    max_transcript_bytes=None,
)


def draft_way(via: str, *, max_pages: int = MAX_PAGES) -> Way:
    """The way of uploads and the inbox: a draft, checked by content."""
    return Way(via=via, draft=True, accepted=ACCEPTED, max_pages=max_pages)


@dataclass
class File:
    """One file of a new letter."""

    name: str  # the name it was given (shown to archivists, never used as a path)
    source: BinaryIO | Path  # where it is read from
    staged: Path = Path()  # its copy in the staging folder
    size: int = 0
    sha256: str = ""
    kind: str = ""  # "image", "pdf", "text" or "words"
    pages: int = 1
    stored_as: str = ""  # its name in the letter's folder


@dataclass
class Intake:
    """One new letter on its way in, from its files to its id."""

    way: Way
    archive: Archive
    files: list[File]
    by: str = ""  # who added it (drafts record it)
    sidecar: dict | None = None  # letter.json: given (`add --meta`) or made (drafts)
    staged: Path = Path()  # the staging folder, while the stages run
    # For letters read and indexed at once (Way.draft False):
    reader: Reader | None = None
    engine: Engine | None = None
    lock_timeout: float = WRITE_TIMEOUT
    letter: Letter | None = None  # read from the staged folder
    letter_id: str = ""  # given by the last stage
    wanted_id: str = ""  # the permanent id the archivist gave (`add --id`), if any

    @property
    def what(self) -> str:
        """The files as a message names them: "scan.jpg and 2 more files"."""
        more = len(self.files) - 1
        return self.files[0].name + (f" and {more} more files" if more > 0 else "")
