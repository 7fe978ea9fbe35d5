"""Build, update and check the index against the archive; add new letters."""

from __future__ import annotations

import json
import os
import secrets
import shutil
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from . import extract, skips
from .archive import STAGING, Archive, fsync_dir, slugify, write_atomic
from .engines import WRITE_TIMEOUT, Engine, IndexBusy, IndexMissing, Writer
from .errors import IngestError, MissiveError
from .extract import reason
from .failures import check_lines as failure_lines
from .pipeline import Reader
from .records import Letter
from .sidecar import SIDECAR, parse_sidecar

Progress = Callable[[str], None]


@dataclass
class Report:
    """What a build or update did: counts, and one line per letter that failed."""

    indexed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    rebuilt: bool = False
    skipped: skips.Skips = field(default_factory=dict)  # the failed letters, by id


def _write_letters(w: Writer, reader: Reader, ids, report: Report, on_letter) -> None:
    """Read letters and hand each to the writer; a letter that fails is reported, not fatal,
    and taken out of the index, so an update leaves the index as a build would."""
    for item in reader.read_many(ids, on_letter=on_letter):
        if isinstance(item, IngestError):
            report.errors.append(str(item))
            if item.letter_id:
                report.skipped[item.letter_id] = skips.entry(
                    reader.archive, item.letter_id, str(item)
                )
                w.delete(item.letter_id)
            continue
        w.replace(item)
        report.indexed.append(item.id)


def default_procs() -> int:
    """Writer processes for a build from the command line: one per core, at most four."""
    return min(4, os.cpu_count() or 1)


def build(
    archive: Archive,
    engine: Engine,
    reader: Reader,
    *,
    on_letter: Progress | None = None,
    procs: int = 1,
) -> Report:
    """Rebuild the whole index into a new one and swap it in (the old one serves meanwhile).

    `procs` > 1 indexes in that many processes, where the engine can. Forking is only safe
    in a process without other threads, so only the command line asks for it.
    """
    with engine.write_lock():
        return _build_locked(archive, engine, reader, on_letter=on_letter, procs=procs)


def _build_locked(
    archive: Archive,
    engine: Engine,
    reader: Reader,
    *,
    on_letter: Progress | None = None,
    procs: int = 1,
) -> Report:
    """`build`, for a caller that holds the write lock."""
    report = Report(rebuilt=True)
    with engine.rebuild(procs=procs) as w:
        _write_letters(w, reader, archive.ids(), report, on_letter)
        w.record_skips(report.skipped)
    return report


def update(
    archive: Archive, engine: Engine, reader: Reader, *, on_letter: Progress | None = None
) -> Report:
    """Index new and changed letters, remove deleted ones; rebuild if the schema changed.

    Letters that could not be read before are read again (the cause may be gone); a letter
    that now fails is taken out of the index, as a build would leave it.
    """
    try:
        known = engine.fingerprints()
    except IndexMissing:
        return build(archive, engine, reader, on_letter=on_letter)
    report = Report()
    with engine.write_lock():
        ids = archive.ids()
        failed = engine.failures()  # pages that could not be read: try them again
        changed = [i for i in ids if known.get(i) != archive.fingerprint(i) or i in failed]
        report.unchanged = len(ids) - len(changed)
        report.removed = sorted(set(known) - set(ids))
        with engine.writer() as w:
            for letter_id in report.removed:
                w.delete(letter_id)
            _write_letters(w, reader, changed, report, on_letter)
            # Every letter skipped before was read again (it is not in the index).
            w.record_skips(report.skipped)
    return report


def check(archive: Archive, engine: Engine) -> list[str]:
    """Where archive and index disagree, one line each; empty when they agree.

    A letter the index could not take is listed with the reason it was skipped.
    """
    problems: list[str] = []
    try:
        known = engine.fingerprints()
    except IndexMissing as exc:
        return [str(exc)]
    skipped = engine.skips()
    ids = archive.ids()
    for letter_id in ids:
        fingerprint = archive.fingerprint(letter_id)
        skip = skipped.get(letter_id)
        if letter_id not in known and skip and skip.get("fingerprint") == fingerprint:
            problems.append(f"skipped {skip['reason']}")
        elif letter_id not in known:
            problems.append(f"{letter_id}: in the archive but not in the index")
        elif known[letter_id] != fingerprint:
            problems.append(f"{letter_id}: changed in the archive since it was indexed")
    for letter_id in sorted(set(known) - set(ids)):
        problems.append(f"{letter_id}: in the index but not in the archive")
    problems.extend(failure_lines(engine))
    return problems


# -- adding new letters ------------------------------------------------------------

_EXT = {"image": None, "pdf": ".pdf", "text": ".txt"}


def _expand(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            raise IngestError(f"{path}: no such file or folder")
    return files


def _words_kind(path: Path) -> str | None:
    """The archive suffix of a word-box file (ALTO, hOCR, words JSON), else None."""
    if path.name.endswith(".words.json"):
        return ".words.json"
    with open(path, "rb") as fh:
        head = fh.read(4096).lower()
    if b"<alto" in head:
        return ".alto.xml"
    if b"ocr_page" in head or b"ocrx_word" in head:
        return ".hocr"
    return None


def _suggest_id(letter: Letter, first_file: Path) -> str:
    """A readable id: the date, then the sender, else the title, else the file's name."""
    parts = [letter.date.iso.replace("/", "-") if letter.date else "undated"]
    who = letter.sender.organisation or letter.sender.name or letter.sender.place
    parts.append(slugify(who or letter.title or first_file.stem, limit=50))
    return "-".join(p for p in parts if p)


def add(
    archive: Archive,
    engine: Engine,
    reader: Reader,
    paths: list[Path],
    *,
    meta: dict | None = None,
    lock_timeout: float = WRITE_TIMEOUT,
) -> Letter:
    """Make the files one new letter: staged in the archive, read, moved in place, indexed.

    All or nothing: when the index is busy (its lock not free within `lock_timeout`
    seconds) or indexing fails, the letter is not left in the archive, and the message
    says so. Only a crash between the two steps leaves it unindexed; `check --repair`
    then indexes it.
    """
    files = _expand(paths)
    if not files:
        raise IngestError(f"{', '.join(map(str, paths))}: no files to add")
    kinds = {}
    for f in files:
        kind = "words" if _words_kind(f) else extract.sniff(f)
        if kind is None:
            raise IngestError(
                f"{f.name}: not a page image, PDF or transcript; "
                "accepted: JPEG, PNG, TIFF, PDF, plain-text transcripts"
            )
        kinds[f] = kind
    sources = [f for f in files if kinds[f] in ("image", "pdf")]
    words = [f for f in files if kinds[f] == "words"]
    texts = [f for f in files if kinds[f] == "text"]
    if sum(kinds[f] == "pdf" for f in sources) > 1:
        raise IngestError("a letter holds at most one PDF; add each PDF as its own letter")
    # Rejects bad files early; a PDF's text is read once, with the letter, not here.
    page_counts = [len(extract.describe_source(f)) for f in sources]
    if meta is not None:
        parse_sidecar(meta, Letter(id="new"), path="--meta")
    with archive.staging() as staged:  # removed again unless committed
        first_page = 1
        for f, count in zip(sources, page_counts, strict=True):
            ext = ".pdf" if kinds[f] == "pdf" else f.suffix.lower() or ".img"
            shutil.copyfile(f, staged / f"page-{first_page:03d}{ext}")
            first_page += count
        for n, f in enumerate(texts, start=1):
            shutil.copyfile(f, staged / f"page-{n:03d}.txt")
        for n, f in enumerate(words, start=1):
            shutil.copyfile(f, staged / f"page-{n:03d}{_words_kind(f)}")
        if meta:
            write_atomic(staged / SIDECAR, json.dumps(meta, ensure_ascii=False, indent=2).encode())
        letter = reader.read_staged(staged)
        _flush(staged)
        base = _suggest_id(letter, files[0])
        what = files[0].name + (f" and {len(files) - 1} more files" if len(files) > 1 else "")
        with ExitStack() as held:
            try:
                held.enter_context(engine.write_lock(timeout=lock_timeout))
            except IndexBusy as exc:
                raise IndexBusy(f"{what}: not added, the archive is unchanged: {exc}") from None
            # With the lock held no other writer can index the letter before it is complete.
            letter.id = archive.unique_id(base)
            archive.commit_staged(staged, letter.id)
            letter.fingerprint = archive.fingerprint(letter.id)
            _index_new(archive, engine, reader, letter, what)
    return letter


def _flush(folder: Path) -> None:
    """Flush a staged letter's files to disk before it is renamed into place."""
    for path in folder.iterdir():
        with open(path, "rb") as fh:
            os.fsync(fh.fileno())
    fsync_dir(folder)


def _index_new(
    archive: Archive, engine: Engine, reader: Reader, letter: Letter, what: str
) -> None:
    """Index a letter just committed; if that fails, take the letter out of the archive again.

    The caller holds the write lock, so nothing else has indexed the letter meanwhile, and
    the letter was never acknowledged: taking it back leaves archive and index as they were.
    """
    try:
        try:
            with engine.writer() as w:
                w.replace(letter)
        except IndexMissing:
            report = _build_locked(archive, engine, reader)
            if letter.id not in report.indexed:
                # Its own reason only: another letter's id may start with this one's.
                skip = report.skipped.get(letter.id)
                why = skip["reason"] if skip else f"{letter.id}: not indexed"
                raise IngestError(why) from None
    except BaseException as exc:
        undo = archive.letters_dir / STAGING / f"undo-{secrets.token_hex(6)}"
        try:
            (archive.letters_dir / letter.id).rename(undo)
        except OSError as gone:
            raise IngestError(
                f"{what}: saved as letter {letter.id} but not indexed ({reason(exc)}), "
                f"and it could not be taken back ({reason(gone)}); "
                "`python -m indexer check --repair` indexes it"
            ) from exc
        archive.discard_staged(undo)
        if not isinstance(exc, Exception):
            raise  # an interrupt: nothing was added
        raise IngestError(
            f"{what}: not added, the archive is unchanged: indexing failed ({reason(exc)})"
        ) from exc


__all__ = ["MissiveError", "Report", "add", "build", "check", "update"]
