"""The one writer: changes to letters and to the index, one at a time, across processes.

Every change to an existing letter (a correction, a status change, a publication) and
every index update runs inside the index's write lock, a file lock that the kernel
releases when its holder dies. Inside it, the change is written to the archive (each file
atomically and flushed to disk), then the letters it touched are read again and their
index entries replaced in one commit. So changes never interleave, the archive is
on disk before the index mentions it, and the index always follows the archive.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from . import indexing, skips
from .archive import Archive
from .engines import Engine, IndexMissing
from .errors import IngestError
from .ingest.reader import Reader
from .records import Letter

Change = Callable[[], Iterable[str] | None]


@dataclass
class Written:
    """What one write did: the letters whose index entries it replaced or removed."""

    ids: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # letters saved but unreadable to index
    rebuilt: bool = False
    skipped: skips.Skips = field(default_factory=dict)  # those letters, by id (indexer.skips)


def _letters(
    archive: Archive, reader: Reader, ids: list[str], prepared: dict[str, Letter], out: Written
) -> list[Letter]:
    """The letters `ids` still in the archive, in order. A letter that cannot be read is
    reported in `out`, as indexing.update reports it."""
    letters: dict[str, Letter] = {}
    stale = []
    for letter_id in ids:
        if not (archive.letters_dir / letter_id).is_dir():
            out.removed.append(letter_id)
            continue
        letter = prepared.get(letter_id)
        if letter is not None and letter.fingerprint == skips.fingerprint(archive, letter_id):
            letters[letter_id] = letter
        else:
            stale.append(letter_id)  # read now: the archive is the truth
    for item in reader.read_many(stale):
        if isinstance(item, IngestError):
            out.errors.append(str(item))
            if item.letter_id:
                out.skipped[item.letter_id] = skips.entry(archive, item.letter_id, str(item))
        else:
            letters[item.id] = item
    out.ids = [letter_id for letter_id in ids if letter_id in letters]
    return [letters[letter_id] for letter_id in out.ids]


def apply(
    archive: Archive,
    engine: Engine,
    reader: Reader,
    change: Change | None = None,
    *,
    ids: Iterable[str] = (),
    prepared: Iterable[Letter] = (),
) -> Written:
    """Run `change` (which returns the ids it touched) and re-index those letters and `ids`.

    A letter whose folder is gone is removed from the index; one that cannot be read is
    taken out of it and recorded as skipped (indexer.skips), as `indexing.update` does.
    `prepared` letters, already read, are used when the archive has not changed since.
    When there is no usable index, one is built from the whole archive.
    """
    out = Written()
    letters = {letter.id: letter for letter in prepared}
    with engine.write_lock():
        touched = list(ids)
        if change is not None:
            touched += list(change() or [])
        touched = list(dict.fromkeys(touched))
        try:
            with engine.writer() as w:
                for letter in _letters(archive, reader, touched, letters, out):
                    w.replace(letter)
                # A letter that now fails leaves the index, as an update leaves it.
                for letter_id in [*out.removed, *out.skipped]:
                    w.delete(letter_id)
                w.record_skips(out.skipped, read=touched)  # `check` lists them, with why
            return out
        except IndexMissing:
            pass
    report = indexing.build(archive, engine, reader)  # takes the lock itself
    out.ids = [letter_id for letter_id in touched if letter_id in report.indexed]
    out.skipped = {i: report.skipped[i] for i in touched if i in report.skipped}
    out.errors = [entry["reason"] for entry in out.skipped.values()]  # not other letters'
    out.rebuilt = True
    return out
