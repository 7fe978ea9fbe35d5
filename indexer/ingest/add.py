"""`python -m indexer add`: files on disk become one new letter, read and indexed at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..archive import WRITE_TIMEOUT, Archive
from ..engines import Engine
from ..errors import IngestError, MissiveError
from ..records import Letter
from .extract.teilists import is_person_list
from .intake import ADD, File, Intake
from .reader import Reader
from .stages import run
from .teiplan import facs_names, is_tei_file


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


def add(
    archive: Archive,
    engine: Engine,
    reader: Reader,
    paths: list[Path],
    *,
    meta: dict | None = None,
    letter_id: str | None = None,
    lock_timeout: float = WRITE_TIMEOUT,
) -> Letter:
    """Make the files one new letter: staged in the archive, read, moved in place, indexed.

    All or nothing: when the index is busy (its lock not free within `lock_timeout`
    seconds) or indexing fails, the letter is not left in the archive, and the message
    says so. Only a crash between the two steps leaves it unindexed; `check --repair`
    then indexes it. `letter_id`: the permanent id the archivist chose (refused when it is
    not a letter id or is taken); without it, `commit.given_id` makes one.
    """
    files = _expand(paths)
    if not files:
        raise IngestError(f"{', '.join(map(str, paths))}: no files to add")
    intake = Intake(
        ADD,
        archive,
        [File(f.name, f) for f in files],
        sidecar=meta,
        reader=reader,
        engine=engine,
        lock_timeout=lock_timeout,
        wanted_id=letter_id or "",
    )
    letter = run(intake).letter
    assert letter is not None  # the commit stage raises otherwise
    return letter


def tei_groups(paths: list[Path]) -> list[list[Path]] | None:
    """Files holding several TEI letters as one group per TEI file, each with the page
    images its `pb/@facs` name and the lists of persons given; None when they hold fewer
    than two TEI letters (one letter)."""
    files = _expand(paths)
    tei = [f for f in files if is_tei_file(f)]
    persons = [f for f in tei if is_person_list(f)]  # an edition's list: for every letter
    teis = [f for f in tei if f not in persons]
    if len(teis) < 2:
        return None
    others = [f for f in files if f not in tei]
    groups = []
    for tei in teis:
        try:
            names = facs_names(tei)
        except IngestError:
            names = set()  # a broken file: its own `add` says what is wrong with it
        images = [f for f in others if f.name in names or f.stem in names]
        groups.append([tei, *persons, *images])
    return groups


def add_each(
    archive: Archive,
    engine: Engine,
    reader: Reader,
    groups: list[list[Path]],
    say: Callable[..., object],
) -> int:
    """`add` each group as a letter of its own: `say(id)` for each letter added,
    `say(line, err=True, exc=error)` for each refused (one line naming its file); one
    refused never stops the others. Returns how many were refused."""
    refused = 0
    for group in groups:
        try:
            say(add(archive, engine, reader, group).id)
        except MissiveError as exc:
            refused += 1
            say(str(exc), err=True, exc=exc)
    return refused
