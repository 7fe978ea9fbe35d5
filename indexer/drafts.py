"""New letters as drafts: the files are saved in the archive first, then read and reviewed.

A draft is made in one step that either happens completely or not at all:

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

import datetime as dt
import hashlib
import json
import os
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from . import extract
from .archive import Archive, ArchiveError, fsync_dir, write_atomic
from .errors import IngestError, MissiveError
from .lifecycle import now, set_status
from .records import Letter
from .sidecar import SIDECAR, check_added, load_sidecar

DRAFT_ID = re.compile(r"^draft-\d{8}-[0-9a-f]{6}$")
MAX_PAGES = 500
MAX_TRANSCRIPT_BYTES = 5 * 1024 * 1024
ACCEPTED = "JPEG, PNG or TIFF page images, one PDF, plain-text transcripts"
_CHUNK = 1 << 20
_MAGIC_EXT = (
    (b"%PDF-", ".pdf"),
    (b"\xff\xd8\xff", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", ".png"),
    (b"II*\x00", ".tif"),
    (b"MM\x00*", ".tif"),
    (b"II+\x00", ".tif"),
    (b"MM\x00+", ".tif"),
)


class TooLarge(IngestError):
    """The files are more than a letter may hold (pages); the message says the limit."""


@dataclass
class Added:
    """One file of a new letter: where it went and what it was."""

    name: str  # the name it was given (shown to archivists, never used as a path)
    kind: str  # "image", "pdf" or "text"
    staged: Path
    size: int
    sha256: str
    pages: int = 1
    stored_as: str = ""


def is_provisional(letter_id: str) -> bool:
    """True for a draft's provisional id (`draft-20261123-3f2a9c`)."""
    return bool(DRAFT_ID.match(letter_id))


def check_name(name: str) -> str:
    """A file's name as given, if it is only a name; IngestError for paths and odd names."""
    if not name or not name.strip():
        raise IngestError("a file has no name; accepted: files with a name such as scan-1.jpg")
    if "/" in name or "\\" in name or name in (".", "..") or any(ord(c) < 32 for c in name):
        raise IngestError(
            f"{name[:120]!r}: not accepted as a file name; accepted: a plain name without "
            "folders ('/', '\\', '..') or control characters"
        )
    if len(name) > 255:
        raise IngestError(f"{name[:60]!r}…: the file name is longer than 255 characters")
    return name


def natural_key(name: str) -> list:
    """Sort key putting 'page-2' before 'page-10'."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


def _copy(stream: BinaryIO, target: Path) -> tuple[int, str]:
    """Copy a stream into a new file, flushed to disk; return its size and SHA-256."""
    digest, size = hashlib.sha256(), 0
    with open(target, "xb") as out:
        while chunk := stream.read(_CHUNK):
            out.write(chunk)
            digest.update(chunk)
            size += len(chunk)
        out.flush()
        os.fsync(out.fileno())
    return size, digest.hexdigest()


def _named(exc: IngestError, staged: Path, name: str) -> IngestError:
    """The library's message, naming the file as the archivist knows it."""
    text = str(exc)
    if text.startswith(staged.name):
        text = name + text[len(staged.name) :]
    return IngestError(text)


def _looks_like_text(path: Path) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(64 * 1024)
    return b"\x00" not in head


def _classify(item: Added) -> None:
    """Decide what a file is by its content; IngestError (naming it) when it is unusable."""
    if item.size == 0:
        raise IngestError(f"{item.name}: the file is empty; accepted: {ACCEPTED}")
    kind = extract.sniff(item.staged)  # by magic bytes: the staged name has no extension
    if kind in ("image", "pdf"):
        try:
            # Images are decoded (bombs, damage); a PDF's page tree is read, never its
            # content streams: their text is read later, in the background, within a budget.
            item.pages = len(extract.describe_source(item.staged))
        except IngestError as exc:
            raise _named(exc, item.staged, item.name) from None
        item.kind = kind
        return
    if _looks_like_text(item.staged):
        if item.size > MAX_TRANSCRIPT_BYTES:
            raise TooLarge(
                f"{item.name}: a transcript of {item.size:,} bytes; accepted: at most "
                f"{MAX_TRANSCRIPT_BYTES // (1024 * 1024)} MB of text per page"
            )
        item.kind = "text"
        return
    raise IngestError(
        f"{item.name}: not a page image, PDF or plain-text transcript; accepted: {ACCEPTED}"
    )


def _extension(path: Path) -> str:
    with open(path, "rb") as fh:
        head = fh.read(8)
    for magic, ext in _MAGIC_EXT:
        if head.startswith(magic):
            return ext
    return ".img"  # another format read_source accepted by content


def _plan(items: list[Added], max_pages: int) -> None:
    """Give each file its archive name; check page count, PDFs and transcripts."""
    by_name = sorted(items, key=lambda i: natural_key(i.name))
    sources = [i for i in by_name if i.kind in ("image", "pdf")]
    texts = [i for i in by_name if i.kind == "text"]
    pdfs = [i.name for i in sources if i.kind == "pdf"]
    if len(pdfs) > 1:
        raise IngestError(
            f"{len(pdfs)} PDFs ({', '.join(pdfs)}); accepted: at most one PDF per letter "
            "(upload each PDF as its own letter)"
        )
    pages = sum(i.pages for i in sources) or len(texts)
    if pages > max_pages:
        raise TooLarge(
            f"the files hold {pages:,} pages; accepted: at most {max_pages:,} pages per letter"
        )
    if sources and len(texts) > pages:
        raise IngestError(
            f"{len(texts)} transcripts for {pages} page{'s' if pages != 1 else ''}; "
            "accepted: at most one transcript per page, in page order"
        )
    first = 1
    for item in sources:
        item.stored_as = f"page-{first:03d}{_extension(item.staged)}"
        first += item.pages
    for n, item in enumerate(texts, start=1):
        item.stored_as = f"page-{n:03d}.txt"


def new_draft_id(archive: Archive, today: dt.date | None = None) -> str:
    day = (today or dt.datetime.now(dt.UTC).date()).strftime("%Y%m%d")
    while True:
        candidate = f"draft-{day}-{secrets.token_hex(3)}"
        if not (archive.letters_dir / candidate).exists():
            return candidate


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
    for name, _stream in files:
        check_name(name)
    with archive.staging() as staged:
        items = []
        for n, (name, stream) in enumerate(files, start=1):
            path = staged / f"incoming-{n:03d}"
            size, digest = _copy(stream, path)
            items.append(Added(name, "", path, size, digest))
        for item in items:
            _classify(item)
        _plan(items, max_pages)
        for item in items:
            item.staged.rename(staged / item.stored_as)
        record = {
            "status": "draft",
            "added": {
                "at": now(),
                "by": by,
                "via": via,
                "files": [
                    {"name": i.name, "stored_as": i.stored_as, "bytes": i.size, "sha256": i.sha256}
                    for i in items
                ],
            },
        }
        write_atomic(staged / SIDECAR, json.dumps(record, ensure_ascii=False, indent=2).encode())
        fsync_dir(staged)
        letter_id = new_draft_id(archive)
        archive.commit_staged(staged, letter_id)  # one rename; flushes the folders
    return letter_id


def added_record(archive: Archive, letter_id: str) -> dict:
    """What `create_draft` recorded about the files (empty for letters added otherwise)."""
    try:
        data = load_sidecar(archive.folder(letter_id))
    except MissiveError:
        return {}
    return check_added(data)  # {} unless well-formed: pages listing it trust its shape


def readable_id(archive: Archive, letter: Letter) -> str:
    """A free, readable id from the reviewed metadata: date, then sender (or title)."""
    from .indexing import _suggest_id

    return archive.unique_id(_suggest_id(letter, Path("letter")))


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
