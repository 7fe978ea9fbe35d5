"""Build, update and check the index against the archive. (`add`, of new letters, is the
ingest stages': indexer.ingest.add, re-exported here for the command line.)"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from . import skips
from .archive import Archive
from .engines import Engine, IndexMissing, Writer
from .errors import IngestError, MissiveError
from .ingest.add import add
from .ingest.failures import check_lines as failure_lines
from .ingest.reader import Reader

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
        return build_locked(archive, engine, reader, on_letter=on_letter, procs=procs)


def build_locked(
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


__all__ = ["MissiveError", "Report", "add", "build", "build_locked", "check", "update"]
