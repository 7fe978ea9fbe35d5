"""The ingest stages: every new letter, whichever way it comes in, passes through these in
order, inside a staging folder that vanishes unless the last stage commits it.

1. `check_names`: each file's name is a plain name.
   `check_wanted_id`: an id the archivist gave (`add --id`) is a letter id no letter has.
2. `check_sidecar`: a given `letter.json` is valid.
3. `receive`: each file is copied into the staging folder and flushed to disk.
4. `classify`: each file is a page image, a PDF, a transcript or word boxes, by its
   content; images are decoded (damage and decompression bombs are refused here) and a
   PDF's page tree is read to count its pages (its text is read with the letter).
5. `plan`: the files' page order and archive names; at most one PDF, the page limit.
6. `place`: the files renamed to their archive names, `letter.json` written.
7. `read`: a letter read and indexed at once is read now (drafts are read later).
8. `commit` (indexer.ingest.commit): the folder renamed into place in one rename, under a
   draft id, or (`add`) under the id given or one made from what a person gave, and indexed.
   A letter read at once is refused when a page could not be read (`read`).

A stage refuses with IngestError (TooLarge for limits) naming the file as it was given.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from ..archive import fsync_dir, write_atomic
from ..archive.lifecycle import now
from ..archive.sidecar import SIDECAR, parse_sidecar
from ..errors import IngestError
from ..records import Letter
from . import extract
from .cmif import is_cmif
from .commit import check_free_id, commit
from .extract.words import read_words, words_suffix
from .failures import SHOWN, describe
from .intake import File, Intake
from .refusals import TRANSCRIPT, UPLOADED_TRANSCRIPT, refuse
from .teiplan import is_tei_file, plan_tei, tei_kind

_CHUNK = 1 << 20


class TooLarge(IngestError):
    """The files are more than a letter may hold (pages); the message says the limit."""


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


def check_names(intake: Intake) -> None:
    for f in intake.files:
        check_name(f.name)


def check_wanted_id(intake: Intake) -> None:
    if intake.wanted_id:  # refused before anything is read; checked again at commit
        check_free_id(intake.archive, intake.wanted_id, intake.what)


def check_sidecar(intake: Intake) -> None:
    if intake.sidecar is not None and not intake.way.draft:
        parse_sidecar(intake.sidecar, Letter(id="new"), path="--meta")


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


def receive(intake: Intake) -> None:
    for n, f in enumerate(intake.files, start=1):
        f.staged = intake.staged / f"incoming-{n:03d}"
        if isinstance(f.source, Path):
            with open(f.source, "rb") as stream:
                f.size, f.sha256 = _copy(stream, f.staged)
        else:
            f.size, f.sha256 = _copy(f.source, f.staged)


def _named(exc: IngestError, f: File) -> IngestError:
    """The library's message, naming the file as it was given."""
    text = str(exc)
    if text.startswith(f.staged.name):
        text = f.name + text[len(f.staged.name) :]
    named = IngestError(text)
    named.detail = exc.detail
    return named


def _looks_like_text(f: File) -> bool:
    with open(f.staged, "rb") as fh:
        return b"\x00" not in fh.read(64 * 1024)


def _is_text(intake: Intake, f: File) -> bool:
    if intake.way.text_by_name:
        return f.name.lower().endswith(".txt")
    return _looks_like_text(f)


def classify(intake: Intake) -> None:
    way = intake.way
    for f in intake.files:
        if f.size == 0:
            raise refuse(f.name, "empty", accepted=way.accepted)
        if is_cmif(f.staged):  # a catalogue of many letters is not one letter's file
            raise IngestError(
                f"{f.name}: a CMIF catalogue of letters, not a letter's file; accepted: "
                f"{way.accepted}; a catalogue is imported alone: python -m indexer add {f.name}"
            )
        if is_tei_file(f.staged):  # a TEI letter (read whole now) or a list of persons
            f.kind, f.pages = tei_kind(f)
            continue
        if words_suffix(f.staged, name=f.name):  # PAGE XML, ALTO, hOCR, *.words.json
            try:
                read_words(f.staged)  # a broken word file is refused now, not when read
            except IngestError as exc:
                raise _named(exc, f) from None
            f.kind = "words"
            continue
        kind = extract.sniff(f.staged)  # by magic bytes: the staged name has no extension
        if kind in ("image", "pdf"):
            try:
                f.pages = len(extract.describe_source(f.staged))
            except IngestError as exc:
                raise _named(exc, f) from None
            f.kind = kind
        elif _is_text(intake, f):
            limit = way.max_transcript_bytes
            if limit is not None and f.size > limit:
                raise TooLarge(
                    f"{f.name}: a transcript of {f.size:,} bytes; accepted: at most "
                    f"{limit // (1024 * 1024)} MB of text per page"
                )
            f.kind = "text"
        else:
            if way.text_by_name and _looks_like_text(f):
                raise refuse(f.name, "text-unnamed", accepted=way.accepted)
            what = TRANSCRIPT if way.text_by_name else UPLOADED_TRANSCRIPT
            raise refuse(f.name, "not-a-source", detail=what, accepted=way.accepted)


def plan(intake: Intake) -> None:
    files = intake.files
    if plan_tei(files):  # the TEI as letter.tei.xml, its images under their own names
        pages, limit = sum(f.pages for f in files if f.kind == "tei"), intake.way.max_pages
        if limit is not None and pages > limit:
            raise TooLarge(f"the TEI holds {pages:,} pages; accepted: at most {limit:,} per letter")
        return
    if intake.way.order_by_name:
        files = sorted(files, key=lambda f: natural_key(f.name))
    sources = [f for f in files if f.kind in ("image", "pdf")]
    texts = [f for f in files if f.kind == "text"]
    pdfs = [f.name for f in sources if f.kind == "pdf"]
    if len(pdfs) > 1:
        raise IngestError(
            f"{len(pdfs)} PDFs ({', '.join(pdfs)}); accepted: at most one PDF per letter "
            "(each PDF is a letter of its own)"
        )
    pages = sum(f.pages for f in sources) or len(texts)
    limit = intake.way.max_pages
    if limit is not None and pages > limit:
        raise TooLarge(
            f"the files hold {pages:,} pages; accepted: at most {limit:,} pages per letter"
        )
    if sources and len(texts) > pages:
        raise IngestError(
            f"{len(texts)} transcripts for {pages} page{'s' if pages != 1 else ''}; "
            "accepted: at most one transcript per page, in page order"
        )
    boxes = sum(f.kind == "words" for f in files)
    if boxes > max(pages, 1):
        raise IngestError(
            f"{boxes} word-box files for {pages} page{'s' if pages != 1 else ''}; "
            "accepted: at most one word-box file (PAGE XML, ALTO, hOCR) per page, in page order"
        )
    first = 1
    for f in sources:
        f.stored_as = f"page-{first:03d}{extract.extension(f.staged)}"
        first += f.pages
    for n, f in enumerate(texts, start=1):
        f.stored_as = f"page-{n:03d}.txt"
    for n, f in enumerate((f for f in files if f.kind == "words"), start=1):
        f.stored_as = f"page-{n:03d}{words_suffix(f.staged, name=f.name)}"


def place(intake: Intake) -> None:
    for f in intake.files:
        f.staged = f.staged.rename(intake.staged / f.stored_as)
    if intake.way.draft:
        intake.sidecar = {
            "status": "draft",
            "added": {
                "at": now(),
                "by": intake.by,
                "via": intake.way.via,
                "files": [
                    {"name": f.name, "stored_as": f.stored_as, "bytes": f.size, "sha256": f.sha256}
                    for f in intake.files
                ],
            },
        }
    if intake.sidecar:
        data = json.dumps(intake.sidecar, ensure_ascii=False, indent=2).encode()
        write_atomic(intake.staged / SIDECAR, data)
    fsync_dir(intake.staged)


def read(intake: Intake) -> None:
    if not intake.way.draft:
        if intake.reader is None:
            raise ValueError("a letter read and indexed at once needs Intake.reader")
        intake.letter = intake.reader.read_staged(intake.staged)
        _check_pages(intake, intake.letter)


def _check_pages(intake: Intake, letter: Letter) -> None:
    """A letter read at once is refused when a page could not be read: its image could not
    be made, OCR failed, or its text layer broke and nothing else gave it text. (A draft
    keeps such pages, listed on its review page, until an archivist publishes it.)"""
    failed = [
        (page.n, step, why)
        for page in letter.pages
        for step, why in page.failures
        if step != "pdf-text" or page.origin not in ("ocr", "transcript", "htr")
    ]
    if not failed:
        return
    pages = len({n for n, _step, _why in failed})
    more = len(failed) - SHOWN
    detail = describe(failed[:SHOWN]) + (f"; and {more} more" if more > 0 else "")
    todo = ""
    if any(step == "ocr" for _n, step, _why in failed):
        todo = (
            "; OCR results are remembered, so adding it again redoes only the pages that "
            "failed, and `python -m indexer --no-ocr add` adds it without OCR"
        )
    raise IngestError(
        f"{intake.what}: not added, the archive is unchanged: {pages} "
        f"page{'' if pages == 1 else 's'} could not be read ({detail}){todo}"
    )


STAGES: tuple[Callable[[Intake], None], ...] = (
    check_names,
    check_wanted_id,
    check_sidecar,
    receive,
    classify,
    plan,
    place,
    read,
    commit,
)


def run(intake: Intake) -> Intake:
    """Run every stage over `intake` in a fresh staging folder; nothing is left in the
    archive unless the last stage committed the letter."""
    with intake.archive.staging() as staged:  # removed again unless committed
        intake.staged = staged
        for stage in STAGES:
            stage(intake)
    return intake
